/**
 * `addBatch`: up to 20 users with one `PATCH /groups/{id}` binding them all (`members@odata.bind`),
 * which Graph applies all or nothing. When Graph refuses that request for its content (a 400 or
 * 404: one user already a member, deleted, or not replicated yet), every user is added on their own
 * (the SDK's `addOneByOne`) and gets their own outcome or error; a throttle, or the deadline,
 * stops the rest with that same error instead of collecting more of them.
 */
import {
  addOneByOne,
  toConnectorError,
  type BatchItemResult,
  type ConnectorError,
  type ExternalIdentity,
  type GroupRef,
  type OperationContext,
} from '@clearway/connector-sdk';
import { UNEXPECTED_RESPONSE, unexpectedAnswer } from './errors.js';
import type { GraphGateway } from './graph-client.js';
import { addById, invalidObjectId, requireObjectId } from './membership.js';
import { isObjectId } from './settings.js';

/** Graph's documented limit for `members@odata.bind` in one PATCH. */
export const GRAPH_BATCH_LIMIT = 20;

const ADDING = 'Adding the user to the group';

interface Pending {
  readonly index: number;
  readonly userId: string;
}

export async function addMembers(
  graph: GraphGateway,
  ctx: OperationContext,
  group: GroupRef,
  identities: readonly ExternalIdentity[],
): Promise<BatchItemResult[]> {
  const groupId = requireObjectId(group.id, 'group');
  const results: Array<BatchItemResult | undefined> = identities.map((identity) =>
    isObjectId(identity.id) ? undefined : { outcome: 'failed', error: invalidObjectId('user') },
  );
  const pending: Pending[] = identities.flatMap((identity, index) => (results[index] ? [] : [{ index, userId: identity.id }]));

  const distinct = new Set(pending.map(({ userId }) => userId.toLowerCase())).size === pending.length;
  if (pending.length > 1 && distinct) {
    try {
      await graph.write(
        ctx,
        'PATCH',
        { action: 'Adding users to the group', path: `/groups/${groupId}` },
        { 'members@odata.bind': pending.map(({ userId }) => graph.directoryObjectUrl(userId)) },
      );
      return fillRemaining(results, { outcome: 'applied' });
    } catch (error) {
      const classified = toConnectorError(error, ADDING);
      if (!refusedForItsContent(classified)) {
        // Throttled, down, refused credentials, or an answer that may or may not have applied: nothing
        // is known about any user, and a single add each would meet the same.
        if (pending.length === identities.length) throw classified;
        return fillRemaining(results, { outcome: 'failed', error: classified });
      }
      ctx.logger.debug('Microsoft Graph refused the batch as a whole; adding users one by one', { code: classified.code, users: pending.length });
    }
  }

  const each = await addOneByOne(
    ctx,
    pending.map(({ userId }) => ({ id: userId })),
    (identity) => addById(graph, ctx, groupId, identity.id),
    (error) => toConnectorError(error, ADDING),
  );
  pending.forEach(({ index }, position) => {
    results[index] = each[position];
  });
  // Every user has a result by now; one without would be a defect here, and is not reported as added.
  return fillRemaining(results, { outcome: 'failed', error: unexpectedAnswer(ADDING) });
}

/** A 400 or 404 in Graph's error shape is about the request's content: one user, not all of them. */
function refusedForItsContent(error: ConnectorError): boolean {
  return (error.status === 400 || error.status === 404) && error.code !== UNEXPECTED_RESPONSE;
}

/** Every user still without a result gets `outcome`. */
function fillRemaining(results: ReadonlyArray<BatchItemResult | undefined>, outcome: BatchItemResult): BatchItemResult[] {
  return results.map((result) => result ?? outcome);
}
