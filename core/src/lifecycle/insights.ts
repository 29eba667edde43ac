import { DAY_MS } from '../ports/clock.js';
import { iterateQuery, put } from '../ports/store.js';
import type { CoreDeps } from '../shared/deps.js';

export interface DailyInsights {
  readonly day: string;
  readonly requestsByStatus: Readonly<Record<string, number>>;
  readonly activeGrantsByTool: Readonly<Record<string, number>>;
  readonly activeGrantsByRisk: Readonly<Record<string, number>>;
  /** Median and mean time from approval to active, for grants created that day and active now. */
  readonly timeToActiveMs: { readonly median?: number; readonly mean?: number; readonly count: number };
  readonly failuresByKind: Readonly<Record<string, number>>;
  readonly refreshedAt: number;
}

function increment(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

export function insightsId(day: string): string {
  return `insights:${day}`;
}

/**
 * Rolls up one UTC day: requests that came in by status, grants created that day and how long
 * they took to turn active, fulfillment failures by kind, and a snapshot of active grants by
 * tool and risk. Each part reads its own index range.
 */
export async function refreshInsights(deps: CoreDeps, at: number = deps.clock.now()): Promise<DailyInsights> {
  const start = Math.floor(at / DAY_MS) * DAY_MS;
  const end = start + DAY_MS - 1;
  const day = new Date(start).toISOString().slice(0, 10);
  const requestsByStatus: Record<string, number> = {};
  for await (const request of iterateQuery(deps.store, 'request', 'all', { partition: [], range: { gte: start, lte: end }, limit: 100 })) increment(requestsByStatus, request.status);

  const durations: number[] = [];
  for await (const grant of iterateQuery(deps.store, 'grant', 'all', { partition: [], range: { gte: start, lte: end }, limit: 100 })) {
    if (grant.activatedAt !== undefined) durations.push(grant.activatedAt - grant.createdAt);
  }
  durations.sort((a, b) => a - b);

  const failuresByKind: Record<string, number> = {};
  for await (const job of iterateQuery(deps.store, 'job', 'byStatus', { partition: ['failed'], range: { gte: start, lte: end }, limit: 100 })) increment(failuresByKind, job.lastError?.kind ?? 'unknown');

  const activeGrantsByTool: Record<string, number> = {};
  const activeGrantsByRisk: Record<string, number> = {};
  const risks = new Map<string, string>();
  for await (const grant of iterateQuery(deps.store, 'grant', 'byStatus', { partition: ['active'], limit: 100 })) {
    increment(activeGrantsByTool, grant.toolId);
    if (!risks.has(grant.toolId)) risks.set(grant.toolId, (await deps.store.get('tool', grant.toolId))?.riskLevel ?? 'unknown');
    increment(activeGrantsByRisk, risks.get(grant.toolId) ?? 'unknown');
  }

  const insights: DailyInsights = {
    day,
    requestsByStatus,
    activeGrantsByTool,
    activeGrantsByRisk,
    timeToActiveMs: {
      count: durations.length,
      ...(durations.length > 0 && { median: durations[Math.floor(durations.length / 2)], mean: Math.round(durations.reduce((sum, value) => sum + value, 0) / durations.length) }),
    },
    failuresByKind,
    refreshedAt: deps.clock.now(),
  };
  const id = insightsId(day);
  const current = await deps.store.get('meta', id);
  const { refreshedAt: _previous, ...before } = (current?.value as DailyInsights | undefined) ?? {};
  const { refreshedAt: _now, ...after } = insights;
  // Rewriting unchanged figures would cost a storage write per run for nothing.
  if (current && JSON.stringify(before) === JSON.stringify(after)) return current.value as DailyInsights;
  await deps.store.commit([put('meta', { id, version: current?.version ?? 0, value: insights })]);
  return insights;
}

export async function readInsights(deps: CoreDeps, day: string): Promise<DailyInsights | undefined> {
  return (await deps.store.get('meta', insightsId(day)))?.value as DailyInsights | undefined;
}
