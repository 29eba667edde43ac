/**
 * Membership of the configured group: look, then change only what differs.
 *
 * Why look first: RFC 7644 §3.5.2.1 says adding a member who is already there changes nothing and
 * SHOULD succeed, and services answer 200 or 204 either way, so the PATCH answer cannot tell
 * `applied` from `already_satisfied`. The look also yields the group's version (ETag), which the
 * PATCH carries as `If-Match`: if the group changed in between, the service answers 412 and the
 * engine retries against the new version, so the outcome we report is the one that happened.
 * Answers that still mean "already so" (a `uniqueness` on add, a `noTarget` on remove, RFC 7644
 * §3.12) are outcomes too, for services that refuse instead of ignoring and for the window
 * between look and change where no ETag guards it.
 */
import { isConnectorError, type ExternalIdentity, type GroupRef, type MembershipCheck, type MembershipOutcome, type OperationContext } from '@clearway/connector-sdk';
import { CODE } from './errors.js';
import { filters, memberPath } from './filter.js';
import { SCHEMA, listResponseOf, scimGroupSchema } from './resources.js';
import { pathSegment, type ScimClient } from './scim-client.js';
import type { ScimSettings } from './settings.js';

const groupList = listResponseOf(scimGroupSchema);

interface Membership {
  readonly member: boolean;
  /** The group's version when the service offers one (ETag header, else `meta.version`). */
  readonly etag?: string;
}

type PatchOperation = { readonly op: 'add' | 'remove'; readonly path: string; readonly value?: readonly { readonly value: string }[] };

const patchOf = (operation: PatchOperation) => ({ schemas: [SCHEMA.patchOp], Operations: [operation] });

const groupPath = (group: GroupRef) => `/Groups/${pathSegment(group.id)}`;

const isCode = (error: unknown, code: string): boolean => isConnectorError(error) && error.code === code;

export function createMembership(client: ScimClient, settings: Pick<ScimSettings, 'memberLookup' | 'memberRemoval'>) {
  /** GET /Groups/{id}?attributes=members. No `members` at all is an empty group (RFC 7643 §2.5). */
  const lookInGroup = async (ctx: OperationContext, group: GroupRef, identity: ExternalIdentity): Promise<Membership> => {
    const { value, headers } = await client.read(
      ctx,
      { method: 'GET', path: groupPath(group), query: { attributes: 'members' }, action: 'Reading the SCIM group members' },
      scimGroupSchema,
    );
    const etag = headers.get('etag') ?? value.meta?.version;
    return { member: (value.members ?? []).some((member) => member.value === identity.id), ...(etag && { etag }) };
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

  const patch = (ctx: OperationContext, group: GroupRef, operation: PatchOperation, etag: string | undefined, action: string) =>
    client.send(ctx, { method: 'PATCH', path: groupPath(group), body: patchOf(operation), ...(etag !== undefined && { ifMatch: etag }), action });

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
        await patch(ctx, group, { op: 'add', path: 'members', value: [{ value: identity.id }] }, current.etag, 'Adding the user to the SCIM group');
      } catch (error) {
        if (isCode(error, CODE.uniqueness)) return { outcome: 'already_satisfied' };
        throw error;
      }
      return { outcome: 'applied' };
    },

    remove: async (ctx: OperationContext, group: GroupRef, identity: ExternalIdentity): Promise<MembershipOutcome> => {
      const current = await look(ctx, group, identity);
      if (!current.member) return { outcome: 'already_satisfied' };
      try {
        await patch(ctx, group, removal(identity), current.etag, 'Removing the user from the SCIM group');
      } catch (error) {
        if (isCode(error, CODE.noTarget)) return { outcome: 'already_satisfied' };
        throw error;
      }
      return { outcome: 'applied' };
    },
  };
}
