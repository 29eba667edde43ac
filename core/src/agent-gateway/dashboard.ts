import type { CoreDeps } from '../shared/deps.js';
import { emptyRollup, lastDays, rollupId, type DayRollup } from './rollup.js';

export const DASHBOARD_RANGES = { today: 1, '7d': 7, '30d': 30 } as const;
export type DashboardRange = keyof typeof DASHBOARD_RANGES;

export interface GatewayDashboard {
  readonly range: DashboardRange;
  readonly days: readonly string[];
  readonly calls: number;
  readonly allowed: number;
  readonly blocked: number;
  /** blocked ÷ calls, 0 when there were none. */
  readonly blockRate: number;
  /** Requests refused before evaluation (malformed, unknown method, no caller). */
  readonly invalid: number;
  readonly averageLatencyMs: number;
  readonly topOperations: ReadonlyArray<{ operation: string; calls: number; allowed: number; blocked: number }>;
  readonly topUsers: ReadonlyArray<{ accountId: string; name: string; calls: number; blocked: number }>;
  readonly clients: ReadonlyArray<{ client: string; calls: number }>;
  readonly perDay: ReadonlyArray<{ day: string; allowed: number; blocked: number }>;
}

const TOP = 10;

/** Today / 7 / 30 days (UTC days ending today) from the daily rollups: at most 30 reads, no scan of the log. */
export async function gatewayDashboard(deps: CoreDeps, range: DashboardRange = '7d'): Promise<GatewayDashboard> {
  const days = lastDays(deps.clock.now(), DASHBOARD_RANGES[range]);
  const rollups = await Promise.all(days.map(async (day) => ((await deps.store.get('meta', rollupId(day)))?.value as DayRollup | undefined) ?? emptyRollup(day)));
  const operations = new Map<string, { allowed: number; blocked: number }>();
  const users = new Map<string, { name: string; calls: number; blocked: number }>();
  const clients = new Map<string, number>();
  let calls = 0;
  let allowed = 0;
  let blocked = 0;
  let invalid = 0;
  let latency = 0;
  for (const rollup of rollups) {
    calls += rollup.calls;
    allowed += rollup.allowed;
    blocked += rollup.blocked;
    invalid += rollup.invalid;
    latency += rollup.latencyMsTotal;
    for (const [operation, [ok, no]] of Object.entries(rollup.operations)) {
      const total = operations.get(operation) ?? { allowed: 0, blocked: 0 };
      operations.set(operation, { allowed: total.allowed + ok, blocked: total.blocked + no });
    }
    for (const [accountId, [count, no, name]] of Object.entries(rollup.users)) {
      const total = users.get(accountId) ?? { name, calls: 0, blocked: 0 };
      users.set(accountId, { name: name || total.name, calls: total.calls + count, blocked: total.blocked + no });
    }
    for (const [client, count] of Object.entries(rollup.clients)) clients.set(client, (clients.get(client) ?? 0) + count);
  }
  /** Most calls first; ties by name, so the same figures always list in the same order. */
  const mostCalls = <T extends { calls: number }>(name: (row: T) => string) => (a: T, b: T) => b.calls - a.calls || name(a).localeCompare(name(b));
  return {
    range,
    days,
    calls,
    allowed,
    blocked,
    blockRate: calls === 0 ? 0 : blocked / calls,
    invalid,
    averageLatencyMs: calls === 0 ? 0 : latency / calls,
    topOperations: [...operations]
      .map(([operation, total]) => ({ operation, calls: total.allowed + total.blocked, ...total }))
      .sort(mostCalls((row) => row.operation))
      .slice(0, TOP),
    topUsers: [...users]
      .map(([accountId, total]) => ({ accountId, ...total }))
      .sort(mostCalls((row) => row.accountId))
      .slice(0, TOP),
    clients: [...clients].map(([client, calls]) => ({ client, calls })).sort(mostCalls((row) => row.client)),
    perDay: rollups.map((rollup) => ({ day: rollup.day, allowed: rollup.allowed, blocked: rollup.blocked })),
  };
}
