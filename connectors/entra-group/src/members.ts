/**
 * `listMembers`: the configured group's direct members that are users, a page at a time, for drift
 * reconciliation. Each member is the identity `resolveIdentity` gives for that user (object ID as
 * `id`, UPN as `login`, `mail` as `email`, display name), so the engine matches members to grants
 * by id.
 *
 * One read per page, `GET /groups/{id}/members/microsoft.graph.user?$select=…&$top=999`: the cast
 * leaves out nested groups, devices and contacts, and no `ConsistencyLevel: eventual` is sent, so
 * the directory answers rather than the advanced-query index that lags writes (a user removed a
 * moment ago must not come back as an unexplained member). Graph pages with `@odata.nextLink`, to
 * be used whole: that link is the cursor, accepted only on the configured Graph endpoint and for
 * this group's member list — when Graph sends it and again when the engine hands it back.
 */
import { InvalidRequestError, isConnectorError, type GroupRef, type MemberPage, type OperationContext } from '@clearway/connector-sdk';
import { z } from 'zod';
import { GRAPH_NOT_FOUND, unexpectedAnswer } from './errors.js';
import type { GraphCall, GraphGateway } from './graph-client.js';
import { groupNotFound } from './groups.js';
import { toIdentity, userSchema } from './identity.js';
import { requireObjectId } from './membership.js';

const LISTING = 'Listing the members of the group';

/** Graph's largest page of group members ("The default and maximum page size is 100 and 999"). */
const MEMBER_PAGE_SIZE = 999;

const MEMBER_FIELDS = 'id,userPrincipalName,mail,displayName';

const memberPageSchema = z.object({
  // Under the cast every member is a user; anything else is not the answer Graph documents.
  value: z.array(userSchema.extend({ '@odata.type': z.literal('#microsoft.graph.user').optional() })),
  '@odata.nextLink': z.string().optional(),
});

export async function listGroupMembers(graph: GraphGateway, ctx: OperationContext, group: GroupRef, cursor?: string): Promise<MemberPage> {
  const groupId = requireObjectId(group.id, 'group');
  const first: GraphCall = {
    action: LISTING,
    path: `/groups/${groupId}/members/microsoft.graph.user`,
    query: { $select: MEMBER_FIELDS, $top: MEMBER_PAGE_SIZE },
  };
  const call = cursor === undefined ? first : graph.nextPageCall(first, cursor);
  if (!call) throw foreignCursor();

  let page: z.infer<typeof memberPageSchema>;
  try {
    page = await graph.get(ctx, call, memberPageSchema);
  } catch (error) {
    // No member id in this path: Graph's 404 can only be about the group.
    if (isConnectorError(error) && error.code === GRAPH_NOT_FOUND) throw groupNotFound(group, error);
    throw error;
  }

  const next = page['@odata.nextLink'];
  // A link elsewhere is not Graph's paging (one back to this very page `defineProvider` refuses).
  if (next !== undefined && !graph.nextPageCall(first, next)) throw unexpectedAnswer(LISTING, 200);
  return { members: page.value.map(toIdentity), ...(next !== undefined && { nextCursor: next }) };
}

function foreignCursor(): InvalidRequestError {
  return new InvalidRequestError(
    'The member list cursor is not a Microsoft Graph page link for this group on the configured Graph endpoint; list the members again from the first page.',
    { code: 'invalid_cursor' },
  );
}
