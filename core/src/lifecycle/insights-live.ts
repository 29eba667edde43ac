/**
 * Insights read at request time from the indexes, for the figures an admin reads as "now": the
 * daily rollups say how a day ended, which is hours old by the afternoon. Every count pages an
 * index up to a cap and says when there are more, so a large site costs a bounded number of reads.
 */
import { currentGovernance } from '../governance/current.js';
import { HOUR_MS } from '../ports/clock.js';
import { MAX_PAGE_SIZE, type IndexQuery } from '../ports/store.js';
import type { EntityName, EntityRecord, IndexName } from '../ports/store-schema.js';
import type { CoreDeps } from '../shared/deps.js';

/** Records counted per figure before it reads "N+": ten pages of an index. */
export const LIVE_COUNT_CAP = 1_000;

/** A count that stopped at a cap: `more` says there are more than `count`. */
export interface BoundedCount {
  readonly count: number;
  readonly more: boolean;
}

export interface LiveInsights {
  /** When the indexes were read. */
  readonly at: number;
  readonly activeGrants: BoundedCount & { readonly byTool: Readonly<Record<string, number>> };
  readonly pendingRequests: BoundedCount;
  /** Pending requests older than governance `escalation.approvalSlaHours`. */
  readonly slaBreaches: BoundedCount & { readonly slaHours: number };
  /** Jobs that failed for good and wait for an admin, by error kind. */
  readonly failedFulfillments: BoundedCount & { readonly byKind: Readonly<Record<string, number>> };
  /** Jobs waiting for a human to mark them done. */
  readonly openManualTasks: BoundedCount;
}

/**
 * Counts an index query's records up to `cap` (reading one past it to tell "exactly cap" from
 * "more"), handing each counted record to `each`.
 */
export async function countIndex<E extends EntityName>(
  deps: Pick<CoreDeps, 'store'>,
  entity: E,
  index: IndexName<E>,
  query: Omit<IndexQuery, 'limit' | 'cursor'>,
  cap: number,
  each: (record: EntityRecord<E>) => void = () => undefined,
): Promise<BoundedCount> {
  let seen = 0;
  let cursor: string | undefined;
  do {
    const limit = Math.min(MAX_PAGE_SIZE, cap + 1 - seen);
    const page = await deps.store.query(entity, index, { ...query, limit, ...(cursor !== undefined && { cursor }) });
    for (const record of page.items) {
      if (seen === cap) return { count: cap, more: true };
      seen += 1;
      each(record);
    }
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return { count: seen, more: false };
}

function tally(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

/** The live figures, each from its own index, read in parallel. */
export async function readLiveInsights(deps: CoreDeps, options: { cap?: number } = {}): Promise<LiveInsights> {
  const cap = options.cap ?? LIVE_COUNT_CAP;
  const at = deps.clock.now();
  const { rules } = await currentGovernance(deps.store);
  const slaHours = rules.escalation.approvalSlaHours;
  const byTool: Record<string, number> = {};
  const byKind: Record<string, number> = {};
  const [activeGrants, pendingRequests, slaBreaches, failedFulfillments, openManualTasks] = await Promise.all([
    countIndex(deps, 'grant', 'byStatus', { partition: ['active'] }, cap, (grant) => tally(byTool, grant.toolId)),
    countIndex(deps, 'request', 'byStatus', { partition: ['pending'] }, cap),
    // Escalation marks a request once and it stays pending: the breach lasts until it is decided.
    countIndex(deps, 'request', 'byStatus', { partition: ['pending'], range: { lt: at - slaHours * HOUR_MS } }, cap),
    countIndex(deps, 'job', 'byStatus', { partition: ['failed'] }, cap, (job) => tally(byKind, job.lastError?.kind ?? 'unknown')),
    countIndex(deps, 'job', 'byStatus', { partition: ['awaiting_manual'] }, cap),
  ]);
  return {
    at,
    activeGrants: { ...activeGrants, byTool },
    pendingRequests,
    slaBreaches: { ...slaBreaches, slaHours },
    failedFulfillments: { ...failedFulfillments, byKind },
    openManualTasks,
  };
}
