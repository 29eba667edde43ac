/**
 * The okta-group provider: Clearway manages the membership of one Okta group per tool through
 * Okta's official SDK. Read top to bottom: the declaration, then each operation of the contract.
 * How Okta is called lives in `okta-directory.ts`; how its errors are classified in `okta-errors.ts`;
 * what counts as Okta's answer at all in `okta-answers.ts` (anything else is retried, never believed).
 */
import {
  InvalidRequestError,
  NotFoundError,
  TransientError,
  defineProvider,
  type GroupRef,
  type OperationContext,
} from '@clearway/connector-sdk';
import { runConnectionTest } from './connection-test.js';
import { manageable, pickExactName } from './group-rules.js';
import { identityOf, resolution, resolveByEmail, unresolved } from './identity-rules.js';
import { createOktaConnection } from './okta-client.js';
import { createOktaDirectory, type OktaDirectory, type OktaGroup } from './okta-directory.js';
import { credentialsFor, oktaSecretFields, oktaSettingsSchema } from './settings.js';
import { oktaSetupGuide } from './setup.js';

export const oktaGroupProvider = defineProvider({
  type: 'okta-group',
  displayName: 'Okta group',
  description: 'Adds and removes users in one Okta group per tool; assign that group to the tool\'s app in Okta.',
  configSchema: oktaSettingsSchema,
  secrets: oktaSecretFields,
  // Okta changes one membership per request, and the group-members list shows direct members only.
  capabilities: {
    createGroups: true,
    maxBatchSize: 1,
    membershipCheck: 'direct',
    manual: false,
    // Okta's group endpoints allow from 100 (free, integrator orgs) to 600 requests a minute per
    // org; each add or remove is one of them. 1.5 a second stays under the lowest tier.
    defaultLimits: { requestsPerSecond: 1.5, concurrency: 4 },
  },
  setup: oktaSetupGuide,

  create({ config, secrets }) {
    const okta = createOktaConnection(config, credentialsFor(config, secrets));
    const directory = createOktaDirectory(okta);
    /**
     * Groups this connector created, by name. Okta's name search is eventually consistent, so a
     * group created a moment ago may not be found by name yet; its id is kept instead.
     */
    const created = new Map<string, GroupRef>();

    return {
      async test(ctx, { group }) {
        return runConnectionTest(ctx, directory, okta.authMode, group);
      },

      async resolveIdentity(ctx, subject) {
        if (subject.mappedExternalId) {
          const mapped = await directory.findUser(ctx, subject.mappedExternalId);
          if (!mapped) {
            return unresolved('not_found', `The mapped Okta user "${subject.mappedExternalId}" does not exist; fix the mapping for this Jira user.`);
          }
          return resolution(mapped, 'mapping');
        }
        if (!subject.email) {
          return unresolved('not_found', 'The Jira user shares no email address and has no mapping; map them to an Okta user.');
        }
        const byLogin = await directory.findUser(ctx, subject.email);
        if (byLogin) return resolution(byLogin, 'login');
        return resolveByEmail(subject.email, await directory.findUsersByEmail(ctx, subject.email));
      },

      async bindGroup(ctx, spec) {
        if (spec.groupId) return { group: manageable(await directory.getGroup(ctx, spec.groupId)), outcome: 'bound' };
        const name = spec.name ?? '';
        const search = await directory.findGroupsByNamePrefix(ctx, name);
        const existing = pickExactName(name, search.groups);
        if (existing) return { group: manageable(existing), outcome: 'bound' };
        const remembered = await stillExists(ctx, directory, created.get(name));
        if (remembered) return { group: remembered, outcome: 'bound' };
        if (search.full) {
          throw new InvalidRequestError(`So many Okta groups start with "${name}" that the exact name may be beyond Okta's search page; bind the group by id.`, {
            code: 'group_search_truncated',
          });
        }
        if (!spec.createIfMissing) {
          throw new NotFoundError(`No Okta group is named "${name}". Create it in Okta, or let Clearway create it.`, { code: 'group_not_found' });
        }
        const group = await createGroup(ctx, directory, name, spec.description, search.groups);
        created.set(name, group);
        ctx.logger.info('Created the Okta group for the tool', { groupId: group.id });
        return { group, outcome: 'created' };
      },

      // Okta answers 204 to an add whether or not the user was already a member, so look first.
      async add(ctx, group, identity) {
        if (await directory.isMember(ctx, group.id, identity.id)) return { outcome: 'already_satisfied' };
        await directory.addMember(ctx, group.id, identity.id);
        return { outcome: 'applied' };
      },

      // Looking first makes the outcome right whether Okta answers 404 or 204 for a non-member; a
      // 404 after that (someone removed them meanwhile) still means the user is out. A user's groups
      // never list a deleted group, so "not a member" is believed only once the group is seen to exist.
      async remove(ctx, group, identity) {
        if (!(await directory.isMember(ctx, group.id, identity.id))) {
          await assertGroupExists(ctx, directory, group);
          return { outcome: 'already_satisfied' };
        }
        const removed = await directory.removeMember(ctx, group.id, identity.id);
        return { outcome: removed === 'removed' ? 'applied' : 'already_satisfied' };
      },

      async check(ctx, group, identity) {
        return { outcome: (await directory.isMember(ctx, group.id, identity.id)) ? 'member' : 'not_member', via: 'direct' };
      },

      // Drift pages through the tool's group with Okta's own `after` cursor; each member is the
      // identity resolveIdentity gives the same user, so it maps to the engine's cached identities.
      async listMembers(ctx, group, cursor) {
        const page = await directory.listMembers(ctx, group.id, cursor);
        if (!page) throw groupNotFound(group, 'cannot list its members');
        return { members: page.users.map(identityOf), ...(page.after !== undefined && { nextCursor: page.after }) };
      },
    };
  },
});

// ── Binding helpers ─────────────────────────────────────────────────────────────────────────────

/** A group this connector created, if Okta still has it (ids are strongly consistent, names are not). */
async function stillExists(ctx: OperationContext, directory: OktaDirectory, group: GroupRef | undefined): Promise<GroupRef | undefined> {
  if (!group) return undefined;
  const found = await directory.findGroup(ctx, group.id);
  return found && manageable(found);
}

/**
 * Creates the group. Okta refuses a second group of the same name; when the name search did not
 * show one, the group was created moments ago and is not searchable yet, which a retry resolves,
 * so that case is transient.
 */
async function createGroup(
  ctx: OperationContext,
  directory: OktaDirectory,
  name: string,
  description: string | undefined,
  seen: readonly OktaGroup[],
): Promise<GroupRef> {
  const group = await directory.createGroup(ctx, name, description);
  if (group !== 'name_taken') return { id: group.id, name: group.name };
  const sameButCase = seen.find((candidate) => candidate.name.toLowerCase() === name.toLowerCase());
  if (sameButCase) {
    throw new InvalidRequestError(`An Okta group named "${sameButCase.name}" already exists; use that exact name or bind it by id.`, {
      code: 'group_name_taken',
      providerCode: 'E0000001',
    });
  }
  throw new TransientError(`An Okta group named "${name}" already exists but is not searchable yet; binding is retried.`, {
    code: 'group_not_yet_searchable',
    providerCode: 'E0000001',
  });
}

// ── Membership helpers ──────────────────────────────────────────────────────────────────────────

/** Throws when the tool's group is gone from Okta: nobody can be removed from it, nor reported removed. */
async function assertGroupExists(ctx: OperationContext, directory: OktaDirectory, group: GroupRef): Promise<void> {
  if (await directory.findGroup(ctx, group.id)) return;
  throw groupNotFound(group, 'can neither remove the user from it nor confirm they are out');
}

/** The tool's group is gone from Okta (404 E0000007): what Clearway therefore cannot do, and the fix. */
function groupNotFound(group: GroupRef, consequence: string): NotFoundError {
  const named = group.name ? `"${group.name}" (${group.id})` : group.id;
  return new NotFoundError(`The Okta group ${named} no longer exists, so Clearway ${consequence}. Rebind the tool to an existing Okta group.`, {
    code: 'group_not_found',
    providerCode: 'E0000007',
  });
}
