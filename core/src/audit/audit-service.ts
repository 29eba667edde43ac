import { iterateQuery, pageRequest, type Page } from '../ports/store.js';
import type { CoreDeps } from '../shared/deps.js';
import { GENESIS_HASH } from './chain.js';
import { auditMacKey, readChainHead, readCheckpoint } from './audit-log.js';
import type { AuditEvent } from './event.js';
import { verifyChain, type ChainVerification } from './verify.js';

const PAGE = 100;

/**
 * Verifies the stored chain from the retention checkpoint (or the first event) to the head:
 * continuity, hashes, macs, and that the last event is the head (nothing cut off the end).
 */
export async function verifyAuditLog(deps: CoreDeps): Promise<ChainVerification & { readonly headSeq: number }> {
  const [head, checkpoint, key] = await Promise.all([readChainHead(deps.store), readCheckpoint(deps.store), auditMacKey(deps.secrets, deps.ids)]);
  const startSeq = (checkpoint?.seq ?? 0) + 1;
  const events = iterateQuery(deps.store, 'audit', 'bySeq', { partition: [], range: { gte: startSeq }, limit: PAGE });
  const result = await verifyChain(events, { key, start: { seq: startSeq, prevHash: checkpoint?.entryHash ?? GENESIS_HASH } });
  const headSeq = head.position.seq;
  if (!result.ok) return { ...result, headSeq };
  const lastSeq = result.lastSeq ?? checkpoint?.seq ?? 0;
  const lastHash = result.lastEntryHash ?? checkpoint?.entryHash ?? GENESIS_HASH;
  if (lastSeq !== headSeq || lastHash !== head.position.entryHash) {
    return { ...result, ok: false, headSeq, firstBadSeq: lastSeq + 1, problem: 'seq_gap', detail: `the chain ends at seq ${lastSeq} but its head says ${headSeq}` };
  }
  return { ...result, headSeq };
}

/** Governance Logs: a page of events, newest first, optionally filtered by type prefix within the page. */
export async function listAuditEvents(
  deps: CoreDeps,
  options: { limit?: number; cursor?: string; from?: number; to?: number } = {},
): Promise<Page<AuditEvent>> {
  return deps.store.query('audit', 'byTime', {
    partition: [],
    direction: 'desc',
    ...pageRequest(options, 50),
    ...((options.from !== undefined || options.to !== undefined) && {
      range: { ...(options.from !== undefined && { gte: options.from }), ...(options.to !== undefined && { lte: options.to }) },
    }),
  });
}
