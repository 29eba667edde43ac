/**
 * Membership of the configured group: add (one, or up to 20 in one request), remove, check. Each
 * is idempotent: Graph's "already a member" and "not a member" answers are `already_satisfied`.
 */
import {
  InvalidRequestError,
  isConnectorError,
  type ConnectorError,
  type ExternalIdentity,
  type GroupRef,
  type MembershipCheck,
  type MembershipOutcome,
  type OperationContext,
} from '@clearway/connector-sdk';
import { z } from 'zod';
import { ALREADY_MEMBER, NOT_A_MEMBER } from './errors.js';
import { odataString, queryValue, type GraphGateway } from './graph-client.js';
import { isObjectId } from './settings.js';

/** Graph's documented limit for `members@odata.bind` in one PATCH. */
export const GRAPH_BATCH_LIMIT = 20;

export async function addMember(graph: GraphGateway, ctx: OperationContext, group: GroupRef, identity: ExternalIdentity): Promise<MembershipOutcome> {
  const groupId = objectId(group.id, 'group');
  const userId = objectId(identity.id, 'user');
  try {
    await graph.write(ctx, 'POST', { action: 'Adding the user to the group', path: `/groups/${groupId}/members/$ref` }, { '@odata.id': graph.directoryObjectUrl(userId) });
    return { outcome: 'applied' };
  } catch (error) {
    // Also what a retried add whose first attempt timed out after applying sees.
    if (isConnectorError(error) && error.code === ALREADY_MEMBER) return { outcome: 'already_satisfied' };
    throw error;
  }
}

/**
 * Adds up to 20 users with one `PATCH /groups/{id}` binding them all (the SDK refuses a larger
 * batch, `maxBatchSize`, before this runs). Graph applies that all or nothing: when it refuses the
 * request (one user already a member, or not replicated yet), each user is added on their own so
 * every outcome is exact.
 */
export async function addMembers(
  graph: GraphGateway,
  ctx: OperationContext,
  group: GroupRef,
  identities: readonly ExternalIdentity[],
): Promise<MembershipOutcome[]> {
  const groupId = objectId(group.id, 'group');
  const userIds = identities.map((identity) => objectId(identity.id, 'user'));
  const distinct = new Set(userIds).size === userIds.length;
  if (userIds.length > 1 && distinct) {
    try {
      await graph.write(
        ctx,
        'PATCH',
        { action: 'Adding users to the group', path: `/groups/${groupId}` },
        { 'members@odata.bind': userIds.map((id) => graph.directoryObjectUrl(id)) },
      );
      return identities.map((): MembershipOutcome => ({ outcome: 'applied' }));
    } catch (error) {
      if (!refusedAsAWhole(error)) throw error;
      ctx.logger.debug('Microsoft Graph refused the batch as a whole; adding users one by one', { code: error.code, users: identities.length });
    }
  }
  const outcomes: MembershipOutcome[] = [];
  for (const identity of identities) outcomes.push(await addMember(graph, ctx, group, identity));
  return outcomes;
}

/** A 400 or 404 is about the request's content; throttling, outages and auth would fail each add too. */
function refusedAsAWhole(error: unknown): error is ConnectorError {
  return isConnectorError(error) && (error.status === 400 || error.status === 404);
}

export async function removeMember(graph: GraphGateway, ctx: OperationContext, group: GroupRef, identity: ExternalIdentity): Promise<MembershipOutcome> {
  const groupId = objectId(group.id, 'group');
  const userId = objectId(identity.id, 'user');
  try {
    // The `/$ref` is load-bearing: without it, an app holding User.ReadWrite.All deletes the user.
    await graph.delete(ctx, { action: 'Removing the user from the group', path: `/groups/${groupId}/members/${userId}/$ref` });
    return { outcome: 'applied' };
  } catch (error) {
    // 404: the membership (or the group) is gone, which is what removing asked for.
    if (isConnectorError(error) && (error.kind === 'not_found' || error.code === NOT_A_MEMBER)) return { outcome: 'already_satisfied' };
    throw error;
  }
}

const memberListSchema = z.object({ value: z.array(z.object({ id: z.string() })) });
const checkMemberGroupsSchema = z.object({ value: z.array(z.string()) });

export async function checkMember(
  graph: GraphGateway,
  ctx: OperationContext,
  group: GroupRef,
  identity: ExternalIdentity,
  mode: 'direct' | 'transitive',
): Promise<MembershipCheck> {
  const groupId = objectId(group.id, 'group');
  const userId = objectId(identity.id, 'user');
  if (mode === 'transitive') {
    const { value } = await graph.post(
      ctx,
      { action: 'Checking group membership', path: `/users/${userId}/checkMemberGroups` },
      { groupIds: [groupId] },
      checkMemberGroupsSchema,
    );
    return { outcome: value.some((id) => id.toLowerCase() === groupId.toLowerCase()) ? 'member' : 'not_member', via: 'transitive' };
  }
  // Filtering members needs the advanced query mode: ConsistencyLevel: eventual and $count=true.
  const { value } = await graph.get(
    ctx,
    {
      action: 'Checking group membership',
      path: `/groups/${groupId}/members`,
      query: { $filter: queryValue(`id eq ${odataString(userId)}`), $count: 'true', $select: 'id' },
      headers: { ConsistencyLevel: 'eventual' },
    },
    memberListSchema,
  );
  return { outcome: value.some((member) => member.id.toLowerCase() === userId.toLowerCase()) ? 'member' : 'not_member', via: 'direct' };
}

/** Ids go into request paths, so only object ids (GUIDs) are accepted: nothing else can alter a path. */
function objectId(id: string, what: 'group' | 'user'): string {
  if (!isObjectId(id)) {
    throw new InvalidRequestError(`The ${what} id is not a Microsoft Entra object ID (a GUID).`, { code: `invalid_${what}_id` });
  }
  return id;
}
