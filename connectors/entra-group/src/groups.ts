/**
 * The configured group: bound by Object ID or exact display name, or created as an assigned
 * security group. Groups whose membership Clearway cannot or must not manage are refused when
 * bound, with the reason written for the admin.
 */
import {
  InvalidConfigError,
  InvalidRequestError,
  NotFoundError,
  UnsupportedError,
  isConnectorError,
  type ConnectorError,
  type GroupBinding,
  type GroupRef,
  type GroupSpec,
  type OperationContext,
} from '@clearway/connector-sdk';
import { z } from 'zod';
import { GRAPH_NOT_FOUND, unexpectedAnswer } from './errors.js';
import { odataString, queryValue, type GraphGateway } from './graph-client.js';
import { mailNicknameFor } from './mail-nickname.js';
import { isObjectId } from './settings.js';

const GROUP_FIELDS = 'id,displayName,groupTypes,mailEnabled,securityEnabled,membershipRule,onPremisesSyncEnabled,isAssignableToRole';

const groupSchema = z.object({
  // An object id is what gets stored and put in paths: anything else is not Graph's answer.
  id: z.string().refine(isObjectId),
  displayName: z.string().nullish(),
  groupTypes: z.array(z.string()).nullish(),
  mailEnabled: z.boolean().nullish(),
  securityEnabled: z.boolean().nullish(),
  membershipRule: z.string().nullish(),
  onPremisesSyncEnabled: z.boolean().nullish(),
  isAssignableToRole: z.boolean().nullish(),
});
export type EntraGroup = z.infer<typeof groupSchema>;

const groupListSchema = z.object({ value: z.array(groupSchema) });

/** Graph's limit for a group's display name. */
const DISPLAY_NAME_MAX_LENGTH = 256;

export async function bindEntraGroup(graph: GraphGateway, ctx: OperationContext, spec: GroupSpec): Promise<GroupBinding> {
  if (spec.groupId) {
    const group = await readGroup(graph, ctx, spec.groupId.trim());
    assertManageable(group);
    return { group: refOf(group), outcome: 'bound' };
  }

  const name = (spec.name ?? '').trim();
  if (!name) throw new InvalidConfigError('A configured group needs a group Object ID or a group name.', { code: 'group_unspecified' });
  if (name.length > DISPLAY_NAME_MAX_LENGTH) {
    throw new InvalidRequestError(`A Microsoft Entra group name has at most ${DISPLAY_NAME_MAX_LENGTH} characters.`, { code: 'group_name_too_long' });
  }
  const { value: found } = await graph.get(
    ctx,
    {
      action: 'Finding the group by name',
      path: '/groups',
      query: { $filter: queryValue(`displayName eq ${odataString(name)}`), $select: GROUP_FIELDS, $top: 10 },
    },
    groupListSchema,
  );
  // Entra compares display names without regard to case; so does the admin reading them.
  const matches = found.filter((group) => group.displayName?.toLowerCase() === name.toLowerCase());
  const [match, other] = matches;
  if (other) {
    throw new InvalidRequestError(`${matches.length} Microsoft Entra groups are named "${name}"; bind the tool by the group's Object ID instead.`, {
      code: 'ambiguous_group_name',
    });
  }
  if (match) {
    assertManageable(match);
    return { group: refOf(match), outcome: 'bound' };
  }
  if (!spec.createIfMissing) {
    throw new NotFoundError(`No Microsoft Entra group is named "${name}". Create it, bind it by Object ID, or let Clearway create it.`, {
      code: 'group_not_found',
    });
  }
  const created = await graph.post(
    ctx,
    { action: 'Creating the security group', path: '/groups' },
    {
      displayName: name,
      ...(spec.description && { description: spec.description }),
      mailEnabled: false,
      mailNickname: mailNicknameFor(name),
      securityEnabled: true,
      groupTypes: [],
    },
    groupSchema,
    201,
  );
  return { group: { id: created.id, name: created.displayName ?? name }, outcome: 'created' };
}

/** GET /groups/{id} with the properties that decide whether Clearway may manage it. */
export async function readGroup(graph: GraphGateway, ctx: OperationContext, groupId: string): Promise<EntraGroup> {
  if (!isObjectId(groupId)) {
    throw new InvalidConfigError("A Microsoft Entra group is bound by its Object ID (a GUID from the group's Overview page).", {
      code: 'invalid_group_id',
    });
  }
  const action = 'Reading the group';
  const group = await graph.get(ctx, { action, path: `/groups/${groupId}`, query: { $select: GROUP_FIELDS } }, groupSchema);
  if (group.id.toLowerCase() !== groupId.toLowerCase()) throw unexpectedAnswer(action, 200);
  return group;
}

/**
 * Reads the group after a 404 on one of its members, which alone cannot tell a missing membership
 * from a missing group: a group Graph does not know is `group_not_found`, for the admin to rebind.
 */
export async function assertGroupExists(graph: GraphGateway, ctx: OperationContext, group: GroupRef): Promise<void> {
  try {
    await readGroup(graph, ctx, group.id);
  } catch (error) {
    if (!isConnectorError(error) || error.code !== GRAPH_NOT_FOUND) throw error;
    throw groupNotFound(group, error);
  }
}

/** Graph's 404 for the configured group itself, as the admin reads it: rebind the tool. */
export function groupNotFound(group: GroupRef, notFound: ConnectorError): NotFoundError {
  const name = group.name ? `"${group.name}" (${group.id})` : group.id;
  return new NotFoundError(
    `The configured Microsoft Entra group ${name} no longer exists: it was deleted, or the bound Object ID is wrong. Bind the tool to an existing group.`,
    { ...notFound.details(), code: 'group_not_found' },
  );
}

/** Why Clearway will not manage this group's membership, or undefined when it will. */
export function whyUnmanageable(group: EntraGroup): { code: string; message: string } | undefined {
  const name = `"${group.displayName ?? group.id}"`;
  if (group.groupTypes?.includes('DynamicMembership') || group.membershipRule) {
    return {
      code: 'dynamic_group',
      message: `${name} has dynamic membership: its rule decides who is a member, so users cannot be added or removed. Use a security group with assigned membership.`,
    };
  }
  if (group.mailEnabled) {
    const what = group.groupTypes?.includes('Unified') ? 'a Microsoft 365 group' : 'a distribution list or mail-enabled security group';
    return {
      code: 'mail_enabled_group',
      message: `${name} is ${what}. Clearway manages security groups without mail only; use a security group with assigned membership.`,
    };
  }
  if (group.securityEnabled === false) {
    return { code: 'not_security_group', message: `${name} is not a security group. Use a security group with assigned membership.` };
  }
  if (group.onPremisesSyncEnabled) {
    return {
      code: 'synced_group',
      message: `${name} is synchronized from on-premises Active Directory, where its membership is managed. Use a cloud security group.`,
    };
  }
  if (group.isAssignableToRole) {
    return {
      code: 'role_assignable_group',
      message: `${name} can be assigned Microsoft Entra roles, so its members would receive directory roles. Use a security group that is not role-assignable.`,
    };
  }
  return undefined;
}

function assertManageable(group: EntraGroup): void {
  const reason = whyUnmanageable(group);
  if (reason) throw new UnsupportedError(reason.message, { code: reason.code });
}

function refOf(group: EntraGroup): Required<GroupRef> {
  return { id: group.id, name: group.displayName ?? group.id };
}
