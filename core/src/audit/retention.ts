import { DAY_MS } from '../ports/clock.js';
import { put, remove, type Write } from '../ports/store.js';
import type { MetaRecord } from '../ports/store-schema.js';
import type { CoreDeps } from '../shared/deps.js';
import { withLock } from '../shared/lock.js';
import { transact } from '../shared/transact.js';
import { AUDIT_CHECKPOINT_ID, readCheckpoint, type AuditCheckpoint } from './audit-log.js';

/** Events pruned per commit: plus the checkpoint, inside the store's 25 writes. */
const PRUNE_BATCH = 24;

/**
 * Deletes audit events older than the retention period, oldest first, moving the checkpoint (last
 * pruned seq, its entryHash and time, and the retention applied) in the same commit, so the
 * remaining chain verifies from it and an evidence export can say what was pruned.
 * Cost follows the events pruned: it reads only from the checkpoint onward.
 */
export async function pruneAuditEvents(deps: CoreDeps, options: { retentionDays: number; maxEvents?: number }): Promise<{ pruned: number; checkpoint?: AuditCheckpoint }> {
  const cutoff = deps.clock.now() - options.retentionDays * DAY_MS;
  const maxEvents = options.maxEvents ?? 10_000;
  let pruned = 0;
  let checkpoint = await readCheckpoint(deps.store);
  while (pruned < maxEvents) {
    const batch = await withLock(deps.store, async () => {
      const record = await deps.store.get('meta', AUDIT_CHECKPOINT_ID);
      const current = record?.value as AuditCheckpoint | undefined;
      const page = await deps.store.query('audit', 'bySeq', {
        partition: [],
        range: { gt: current?.seq ?? 0 },
        limit: Math.min(PRUNE_BATCH, maxEvents - pruned),
      });
      const expired = [];
      for (const event of page.items) {
        if (event.at >= cutoff) break;
        expired.push(event);
      }
      const last = expired.at(-1);
      if (!last) return { count: 0, checkpoint: current };
      const next: AuditCheckpoint = {
        seq: last.seq,
        entryHash: last.entryHash,
        at: last.at,
        prunedAt: deps.clock.now(),
        prunedTotal: (current?.prunedTotal ?? 0) + expired.length,
        retentionDays: options.retentionDays,
      };
      const checkpointRecord: MetaRecord = { id: AUDIT_CHECKPOINT_ID, version: record?.version ?? 0, value: next };
      const writes: Write[] = [...expired.map((event) => remove('audit', event)), put('meta', checkpointRecord)];
      await deps.store.commit(writes);
      return { count: expired.length, checkpoint: next };
    });
    checkpoint = batch.checkpoint;
    pruned += batch.count;
    if (batch.count === 0) break;
  }
  if (pruned > 0 && checkpoint) {
    await transact(deps, async () => ({
      writes: [],
      audit: [{ actor: 'clearway:system', type: 'audit.pruned', data: { pruned, throughSeq: checkpoint.seq, retentionDays: options.retentionDays } }],
      result: undefined,
    }));
  }
  return { pruned, ...(checkpoint && { checkpoint }) };
}
