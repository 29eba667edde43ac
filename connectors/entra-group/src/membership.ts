/**
 * Membership of the configured group: add, remove, check. Each is idempotent: Graph's "already a
 * member" and "not a member" answers are `already_satisfied`. A 404 on a remove or a check is
 * ambiguous — the membership or the group may be missing — so it costs one read of the group:
 * a deleted group is reported as `group_not_found`, never taken for "not a member".
 */
import {
  InvalidRequestError,
  isConnectorError,
  type ExternalIdentity,
  type GroupRef,
  type MembershipCheck,
  type MembershipOutcome,
  type OperationContext,
} from '@clearway/connector-sdk';
import { z } from 'zod';
import { ALREADY_MEMBER, GRAPH_NOT_FOUND, NOT_A_MEMBER, unexpectedAnswer } from './errors.js';
import type { GraphGateway } from './graph-client.js';
import { assertGroupExists } from './groups.js';
import { isObjectId } from './settings.js';

const ADDING = 'Adding the user to the group';
const REMOVING = 'Removing the user from the group';
const CHECKING = 'Checking group membership';

export async function addMember(graph: GraphGateway, ctx: OperationContext, group: GroupRef, identity: ExternalIdentity): Promise<MembershipOutcome> {
  return addById(graph, ctx, requireObjectId(group.id, 'group'), requireObjectId(identity.id, 'user'));
}

/** `POST /groups/{g}/members/$ref`, documented to answer 204; "already exist" is success. */
export async function addById(graph: GraphGateway, ctx: OperationContext, groupId: string, userId: string): Promise<MembershipOutcome> {
  try {
    await graph.write(ctx, 'POST', { action: ADDING, path: `/groups/${groupId}/members/$ref` }, { '@odata.id': graph.directoryObjectUrl(userId) });
    return { outcome: 'applied' };
  } catch (error) {
    // Also what a retried add whose first attempt timed out after applying sees.
    if (isConnectorError(error) && error.code === ALREADY_MEMBER) return { outcome: 'already_satisfied' };
    throw error;
  }
}

export async function removeMember(graph: GraphGateway, ctx: OperationContext, group: GroupRef, identity: ExternalIdentity): Promise<MembershipOutcome> {
  const groupId = requireObjectId(group.id, 'group');
  const userId = requireObjectId(identity.id, 'user');
  try {
    // The `/$ref` is load-bearing: without it, an app holding User.ReadWrite.All deletes the user.
    await graph.write(ctx, 'DELETE', { action: REMOVING, path: `/groups/${groupId}/members/${userId}/$ref` });
    return { outcome: 'applied' };
  } catch (error) {
    if (isConnectorError(error) && error.code === NOT_A_MEMBER) return { outcome: 'already_satisfied' };
    if (isConnectorError(error) && error.code === GRAPH_NOT_FOUND) {
      await assertGroupExists(graph, ctx, group);
      return { outcome: 'already_satisfied' };
    }
    throw error;
  }
}

const memberSchema = z.object({ id: z.string() });
const checkMemberGroupsSchema = z.object({ value: z.array(z.string()) });

export async function checkMember(
  graph: GraphGateway,
  ctx: OperationContext,
  group: GroupRef,
  identity: ExternalIdentity,
  mode: 'direct' | 'transitive',
): Promise<MembershipCheck> {
  const groupId = requireObjectId(group.id, 'group');
  const userId = requireObjectId(identity.id, 'user');
  if (mode === 'transitive') {
    const { value } = await graph.post(ctx, { action: CHECKING, path: `/users/${userId}/checkMemberGroups` }, { groupIds: [groupId] }, checkMemberGroupsSchema);
    // It answers with a subset of the ids asked about; any other id means the answer is not Graph's.
    if (value.some((id) => !sameId(id, groupId))) throw unexpectedAnswer(CHECKING, 200);
    return { outcome: value.length > 0 ? 'member' : 'not_member', via: 'transitive' };
  }
  try {
    // A read by key on the members navigation: served by the directory itself, not by the
    // advanced-query index that `$filter` + `ConsistencyLevel: eventual` reads, which lags writes.
    const member = await graph.get(
      ctx,
      { action: CHECKING, path: `/groups/${groupId}/members/${userId}/microsoft.graph.user`, query: { $select: 'id' } },
      memberSchema,
    );
    if (!sameId(member.id, userId)) throw unexpectedAnswer(CHECKING, 200);
    return { outcome: 'member', via: 'direct' };
  } catch (error) {
    if (isConnectorError(error) && error.code === GRAPH_NOT_FOUND) {
      await assertGroupExists(graph, ctx, group);
      return { outcome: 'not_member', via: 'direct' };
    }
    throw error;
  }
}

function sameId(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** Ids go into request paths, so only object ids (GUIDs) are accepted: nothing else can alter a path. */
export function requireObjectId(id: string, what: 'group' | 'user'): string {
  if (!isObjectId(id)) throw invalidObjectId(what);
  return id;
}

export function invalidObjectId(what: 'group' | 'user'): InvalidRequestError {
  return new InvalidRequestError(`The ${what} id is not a Microsoft Entra object ID (a GUID).`, { code: `invalid_${what}_id` });
}
