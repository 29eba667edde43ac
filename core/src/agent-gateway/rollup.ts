import { DAY_MS } from '../ports/clock.js';
import { MAX_COMMIT_WRITES, put, remove, type Store, type Write } from '../ports/store.js';
import type { MetaRecord } from '../ports/store-schema.js';
import type { ActivityData } from './activity.js';

/**
 * Dashboard figures come from one small record per UTC day, updated in the same commit as the
 * calls it counts, so the dashboard reads at most 30 records and never scans the log. Per-day
 * maps keep at most 500 operations, users and clients; the rest count under `(other)`.
 */
export const MAX_ROLLUP_KEYS = 500;
export const OTHER = '(other)';

export interface DayRollup {
  readonly day: string;
  calls: number;
  allowed: number;
  blocked: number;
  protocol: number;
  invalid: number;
  responseBytes: number;
  latencyMsTotal: number;
  /** operation → [allowed, blocked] */
  operations: Record<string, [number, number]>;
  /** accountId → [calls, blocked, name] */
  users: Record<string, [number, number, string]>;
  /** client → calls */
  clients: Record<string, number>;
}

export function utcDay(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}

export function rollupId(day: string): string {
  return `gateway-rollup:${day}`;
}

export function emptyRollup(day: string): DayRollup {
  return { day, calls: 0, allowed: 0, blocked: 0, protocol: 0, invalid: 0, responseBytes: 0, latencyMsTotal: 0, operations: {}, users: {}, clients: {} };
}

function slot<T>(map: Record<string, T>, key: string, fresh: () => T): T {
  if (Object.hasOwn(map, key)) return map[key]!;
  const target = Object.keys(map).length >= MAX_ROLLUP_KEYS ? OTHER : key;
  if (!Object.hasOwn(map, target)) map[target] = fresh();
  return map[target]!;
}

/** Adds one call to a day's figures (in place). */
export function addToRollup(rollup: DayRollup, data: ActivityData): void {
  if (data.kind === 'protocol') {
    rollup.protocol += 1;
    return;
  }
  if (data.kind === 'invalid') {
    rollup.invalid += 1;
    return;
  }
  const blocked = data.decision === 'blocked';
  rollup.calls += 1;
  if (blocked) rollup.blocked += 1;
  else rollup.allowed += 1;
  rollup.responseBytes += data.responseBytes;
  rollup.latencyMsTotal += data.latencyMs;
  const operation = slot(rollup.operations, data.operation, (): [number, number] => [0, 0]);
  operation[blocked ? 1 : 0] += 1;
  const user = slot(rollup.users, data.accountId, (): [number, number, string] => [0, 0, data.name ?? '']);
  user[0] += 1;
  if (blocked) user[1] += 1;
  if (data.name !== undefined) user[2] = data.name;
  const clients = rollup.clients;
  const client = Object.hasOwn(clients, data.client) || Object.keys(clients).length < MAX_ROLLUP_KEYS ? data.client : OTHER;
  clients[client] = (clients[client] ?? 0) + 1;
}

/** The writes that add these calls to their days' figures, from the records as they stand now. */
export async function rollupWrites(store: Store, calls: readonly ActivityData[]): Promise<Write[]> {
  const byDay = new Map<string, ActivityData[]>();
  for (const call of calls) {
    const day = utcDay(call.startedAt);
    byDay.set(day, [...(byDay.get(day) ?? []), call]);
  }
  const writes: Write[] = [];
  for (const [day, dayCalls] of byDay) {
    const record = await store.get('meta', rollupId(day));
    const rollup = structuredClone((record?.value as DayRollup | undefined) ?? emptyRollup(day));
    for (const call of dayCalls) addToRollup(rollup, call);
    const next: MetaRecord = { id: rollupId(day), version: record?.version ?? 0, value: rollup };
    writes.push(put('meta', next));
  }
  return writes;
}

/** Days (UTC) from `days - 1` days before `now` to today, oldest first. */
export function lastDays(now: number, days: number): string[] {
  return Array.from({ length: days }, (_, index) => utcDay(now - (days - 1 - index) * DAY_MS));
}

/** How far back past the cutoff each retention run looks for rollups to delete (runs are daily). */
const PRUNE_WINDOW_DAYS = 31;

/**
 * Deletes daily figures older than the retention cutoff, as the calls they count are: they name
 * users, so they live no longer than the activity does.
 */
export async function pruneRollups(store: Store, cutoff: number): Promise<number> {
  const cutoffDay = utcDay(cutoff);
  const days = Array.from({ length: PRUNE_WINDOW_DAYS }, (_, index) => utcDay(cutoff - (index + 1) * DAY_MS)).filter((day) => day < cutoffDay);
  const records = (await Promise.all(days.map((day) => store.get('meta', rollupId(day))))).filter((record) => record !== undefined);
  for (let from = 0; from < records.length; from += MAX_COMMIT_WRITES) {
    await store.commit(records.slice(from, from + MAX_COMMIT_WRITES).map((record) => remove('meta', record)));
  }
  return records.length;
}
