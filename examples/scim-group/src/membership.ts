/**
 * Membership of the configured group: look, then change only what differs.
 *
 * Why look first: RFC 7644 §3.5.2.1 says adding a member who is already there changes nothing and
 * SHOULD succeed, and services answer 200 or 204 either way, so the PATCH answer cannot tell
 * `applied` from `already_satisfied`. When the service declares ETag support
 * (`/ServiceProviderConfig` `etag.supported: true`, RFC 7643 §5), the look also yields the group's
 * version, which the PATCH carries as `If-Match` (RFC 7644 §3.14): if the group changed in between,
 * the service answers 412 and the engine retries against the new version, so the outcome we report
 * is the one that happened. Without that declaration an ETag header is no resource version (it may
 * be a hash of this partial answer), so nothing is sent as one. Answers that still mean "already
 * so" (a `uniqueness` on add, a `noTarget` on remove, RFC 7644 §3.12) are outcomes too, for
 * services that refuse instead of ignoring and for the window no ETag guards.
 *
 * Only an answer recognisable as SCIM's decides anything: a look or a PATCH answer that is not
 * (`{}`, HTML, another group) is a transient `unexpected_response`, never "member", "not a member"
 * or "already satisfied".
 */
import {
  InvalidRequestError,
  NotFoundError,
  isConnectorError,
  type ConnectorError,
  type ExternalIdentity,
  type GroupRef,
  type MemberPage,
  type MembershipCheck,
  type MembershipOutcome,
  type OperationContext,
} from '@clearway/connector-sdk';
import { CODE } from './errors.js';
import { filters, memberPath } from './filter.js';
import { SCHEMA, listResponseOf, scimGroupSchema, serviceProviderConfigSchema } from './resources.js';
import { pathSegment, unexpectedAnswer, type ScimClient } from './scim-client.js';
import type { ScimSettings } from './settings.js';

const groupList = listResponseOf(scimGroupSchema);

interface Membership {
  readonly member: boolean;
  /** The group's version as the look offered it (ETag header, else `meta.version`); sent only where declared. */
  readonly version?: string;
}

type PatchOperation = { readonly op: 'add' | 'remove'; readonly path: string; readonly value?: readonly { readonly value: string }[] };

const patchOf = (operation: PatchOperation) => ({ schemas: [SCHEMA.patchOp], Operations: [operation] });

const groupPath = (group: GroupRef) => `/Groups/${pathSegment(group.id)}`;

const isCode = (error: unknown, code: string): boolean => isConnectorError(error) && error.code === code;

/** A member that is a user: `type` "User" or none (RFC 7643 §4.2 makes it optional). A nested group is not a person. */
const isUserMember = (member: { readonly type?: string | undefined }): boolean => member.type === undefined || member.type.toLowerCase() === 'user';

/** The configured group is gone (404/410 on its read): a fact the admin must act on, never "already satisfied". */
const groupNotFound = (action: string, cause: ConnectorError) =>
  new NotFoundError(`${action} failed: the SCIM service has no group with the configured id (it may have been deleted). Rebind the tool to an existing group.`, {
    ...cause.details(),
    code: 'group_not_found',
  });

export function createMembership(client: ScimClient, settings: Pick<ScimSettings, 'memberLookup' | 'memberRemoval'>) {
  /** Whether the service declared ETag support; asked once per connector, and again after a failure that may pass. */
  let declaresEtags: boolean | undefined;
  const etagsDeclared = async (ctx: OperationContext): Promise<boolean> => {
    if (declaresEtags !== undefined) return declaresEtags;
    try {
      const { value } = await client.read(ctx, { method: 'GET', path: '/ServiceProviderConfig', action: 'Reading the service configuration' }, serviceProviderConfigSchema);
      declaresEtags = value.etag?.supported === true;
    } catch (error) {
      // A service that does not publish its configuration (404, or not to this client) declares nothing.
      if (!isConnectorError(error) || error.retryable) throw error;
      declaresEtags = false;
    }
    return declaresEtags;
  };

  /** The configured group, read by id: a 404 is the group gone, an answer about another group is not SCIM's. */
  const readGroup = async (ctx: OperationContext, group: GroupRef, query: Readonly<Record<string, string>>, action: string) => {
    try {
      const answer = await client.read(ctx, { method: 'GET', path: groupPath(group), query, action }, scimGroupSchema);
      if (answer.value.id !== group.id) throw unexpectedAnswer(action, 200);
      return answer;
    } catch (error) {
      throw isConnectorError(error) && error.code === CODE.notFound ? groupNotFound(action, error) : error;
    }
  };

  /** GET /Groups/{id}?attributes=members. No `members` at all is an empty group (RFC 7643 §2.5). */
  const lookInGroup = async (ctx: OperationContext, group: GroupRef, identity: ExternalIdentity): Promise<Membership> => {
    const { value, headers } = await readGroup(ctx, group, { attributes: 'members' }, 'Reading the SCIM group members');
    const version = headers.get('etag') ?? value.meta?.version;
    return { member: (value.members ?? []).some((member) => member.value === identity.id), ...(version && { version }) };
  };

  /** GET /Groups?filter=id eq "g" and members[value eq "u"]: for services that omit or truncate members. */
  const lookByFilter = async (ctx: OperationContext, group: GroupRef, identity: ExternalIdentity): Promise<Membership> => {
    const { value } = await client.read(
      ctx,
      {
        method: 'GET',
        path: '/Groups',
        query: { filter: filters.groupHasMember(group.id, identity.id), excludedAttributes: 'members' },
        action: 'Asking the SCIM service about the membership',
      },
      groupList,
    );
    return { member: (value.Resources ?? []).some((found) => found.id === group.id) };
  };

  const look = settings.memberLookup === 'filter' ? lookByFilter : lookInGroup;

  /** An empty member filter answer is the same for a deleted group: read the group before calling a removal done. */
  const assertGroupExists = async (ctx: OperationContext, group: GroupRef): Promise<void> => {
    await readGroup(ctx, group, { excludedAttributes: 'members' }, 'Reading the SCIM group');
  };

  /** RFC 7644 §3.5.2: success is 200 with the group, or 204 without a body; any other 2xx is not SCIM's answer. */
  const patch = async (ctx: OperationContext, group: GroupRef, operation: PatchOperation, current: Membership, action: string): Promise<void> => {
    const ifMatch = current.version !== undefined && (await etagsDeclared(ctx)) ? current.version : undefined;
    const answer = await client.send(ctx, { method: 'PATCH', path: groupPath(group), body: patchOf(operation), ...(ifMatch !== undefined && { ifMatch }), action });
    if (answer.status === 204) return;
    if (answer.status === 200 && scimGroupSchema.safeParse(answer.body).data?.id === group.id) return;
    throw unexpectedAnswer(action, answer.status);
  };

  const removal = (identity: ExternalIdentity): PatchOperation =>
    settings.memberRemoval === 'value_list'
      ? { op: 'remove', path: 'members', value: [{ value: identity.id }] }
      : { op: 'remove', path: memberPath(identity.id) };

  return {
    check: async (ctx: OperationContext, group: GroupRef, identity: ExternalIdentity): Promise<MembershipCheck> => {
      return { outcome: (await look(ctx, group, identity)).member ? 'member' : 'not_member', via: 'direct' };
    },

    add: async (ctx: OperationContext, group: GroupRef, identity: ExternalIdentity): Promise<MembershipOutcome> => {
      const current = await look(ctx, group, identity);
      if (current.member) return { outcome: 'already_satisfied' };
      try {
        await patch(ctx, group, { op: 'add', path: 'members', value: [{ value: identity.id }] }, current, 'Adding the user to the SCIM group');
      } catch (error) {
        if (isCode(error, CODE.uniqueness)) return { outcome: 'already_satisfied' };
        throw error;
      }
      return { outcome: 'applied' };
    },

    /**
     * The group's direct user members, all in one page: RFC 7644 pages list answers (§3.4.2.4), not
     * the values of a multi-valued attribute, so the group read (`attributes=members`, §3.9) holds
     * every member and there is never a next page. A member's `value` is the user's SCIM id
     * (RFC 7643 §4.2), the id `resolveIdentity` returns. A deleted group is `group_not_found`.
     */
    listMembers: async (ctx: OperationContext, group: GroupRef, cursor?: string): Promise<MemberPage> => {
      if (cursor !== undefined) {
        throw new InvalidRequestError('A SCIM group lists its members in one page; there is no next page to ask for.', { code: 'invalid_cursor' });
      }
      const { value } = await readGroup(ctx, group, { attributes: 'members' }, 'Listing the SCIM group members');
      const members = new Map<string, ExternalIdentity>();
      for (const member of value.members ?? []) {
        if (!isUserMember(member) || members.has(member.value)) continue;
        members.set(member.value, { id: member.value, ...(member.display !== undefined && { displayName: member.display }) });
      }
      return { members: [...members.values()] };
    },

    remove: async (ctx: OperationContext, group: GroupRef, identity: ExternalIdentity): Promise<MembershipOutcome> => {
      const current = await look(ctx, group, identity);
      if (!current.member) {
        if (settings.memberLookup === 'filter') await assertGroupExists(ctx, group);
        return { outcome: 'already_satisfied' };
      }
      try {
        await patch(ctx, group, removal(identity), current, 'Removing the user from the SCIM group');
      } catch (error) {
        if (isCode(error, CODE.noTarget)) return { outcome: 'already_satisfied' };
        throw error;
      }
      return { outcome: 'applied' };
    },
  };
}
