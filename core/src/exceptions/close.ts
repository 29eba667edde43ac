import type { AuditEntry } from '../audit/event.js';
import type { Grant } from '../grants/grant.js';
import { put, type Write } from '../ports/store.js';
import type { CoreDeps } from '../shared/deps.js';
import { openExceptionIds, openExceptionsId, type ExceptionClosure, type ExceptionReview } from './exception.js';

/**
 * Closing the exception of a grant that ends, in the grant's own commit: the record says how it
 * ended, and the tool's open exceptions lose it (so the slot is free again). A grant without an
 * open exception gives nothing to write.
 */
export async function closeException(
  deps: CoreDeps,
  grant: Pick<Grant, 'id' | 'requestId' | 'toolId' | 'issueKey' | 'exception'>,
  how: ExceptionClosure,
  actor: string,
  now: number,
  /** The review that ended it, recorded with the closing. */
  review?: ExceptionReview,
): Promise<{ readonly writes: Write[]; readonly audit: AuditEntry[] }> {
  if (!grant.exception) return { writes: [], audit: [] };
  const exception = await deps.store.get('exception', grant.id);
  if (exception?.state !== 'open') return { writes: [], audit: [] };
  const meta = await deps.store.get('meta', openExceptionsId(exception.toolId));
  const reviews = review ? [...exception.reviews, review] : exception.reviews;
  const writes: Write[] = [put('exception', { ...exception, reviews, state: 'closed', closedAt: now, closedHow: how })];
  if (meta) writes.push(put('meta', { ...meta, value: { grantIds: openExceptionIds(meta.value).filter((id) => id !== grant.id) } }));
  const refs = { grantId: grant.id, requestId: grant.requestId, toolId: grant.toolId, issueKey: grant.issueKey };
  return { writes, audit: [{ actor, type: 'exception.closed', refs, data: { how, reviews: reviews.length } }] };
}
