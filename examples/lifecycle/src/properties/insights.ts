import { DAY_MS, readInsights, type DailyInsights } from '@clearway/core';
import { reportSubject, type RunContext } from '../context.js';
import { dayOf, type LifecycleRecord } from '../record.js';

/** The figures a day's rollup must hold, by the definitions in README.md (counts of 0 left out). */
export interface ExpectedInsights {
  readonly requestsByStatus: Record<string, number>;
  readonly activeGrantsByTool: Record<string, number>;
  readonly activeGrantsByRisk: Record<string, number>;
  readonly timeToActiveMs: { readonly count: number; readonly median?: number; readonly mean?: number };
  readonly failuresByKind: Record<string, number>;
}

function increment(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

/** Median (the mean of the two middle values for an even count) and mean rounded to the millisecond. */
export function timeToActive(durations: readonly number[]): ExpectedInsights['timeToActiveMs'] {
  if (durations.length === 0) return { count: 0 };
  const sorted = [...durations].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
  return { count: sorted.length, median, mean: Math.round(sorted.reduce((sum, value) => sum + value, 0) / sorted.length) };
}

/**
 * Day `dayStart` (UTC midnight) from the record: requests submitted that day by their status at
 * its end; grants active at its end, by tool and by risk; grants first activated that day
 * (re-activations after a grace extension do not count) and their time from approval; jobs that
 * failed for good that day, by error kind.
 */
export function expectedInsights(record: LifecycleRecord, dayStart: number): ExpectedInsights {
  const dayEnd = dayStart + DAY_MS;
  const lastMoment = dayEnd - 1;
  const within = (at: number) => at >= dayStart && at < dayEnd;
  const requestsByStatus: Record<string, number> = {};
  for (const request of record.requests.values()) {
    if (!within(request.submittedAt)) continue;
    const status = record.requestStatusAt(request, lastMoment);
    if (status) increment(requestsByStatus, status);
  }
  const activeGrantsByTool: Record<string, number> = {};
  const activeGrantsByRisk: Record<string, number> = {};
  const durations: number[] = [];
  for (const grant of record.grants.values()) {
    if (record.statusAt(grant, lastMoment) === 'active') {
      increment(activeGrantsByTool, grant.tool.id);
      increment(activeGrantsByRisk, grant.tool.riskLevel);
    }
    if (grant.firstActivation !== undefined && within(grant.firstActivation)) durations.push(grant.firstActivation - grant.approvedAt);
  }
  const failuresByKind: Record<string, number> = {};
  for (const failure of record.failures) if (within(failure.at)) increment(failuresByKind, failure.kind);
  return { requestsByStatus, activeGrantsByTool, activeGrantsByRisk, timeToActiveMs: timeToActive(durations), failuresByKind };
}

function withoutZeros(counts: Readonly<Record<string, number>> | undefined): Record<string, number> {
  return Object.fromEntries(Object.entries(counts ?? {}).filter(([, count]) => count !== 0).sort(([a], [b]) => a.localeCompare(b)));
}

function sameCounts(a: Readonly<Record<string, number>> | undefined, b: Readonly<Record<string, number>> | undefined): boolean {
  return JSON.stringify(withoutZeros(a)) === JSON.stringify(withoutZeros(b));
}

/** The fields of a rollup that differ from what the record says, each with both versions. */
export function insightDifferences(expected: ExpectedInsights, actual: DailyInsights): Array<{ field: string; detail: string }> {
  const differences: Array<{ field: string; detail: string }> = [];
  for (const field of ['requestsByStatus', 'activeGrantsByTool', 'activeGrantsByRisk', 'failuresByKind'] as const) {
    if (!sameCounts(expected[field], actual[field])) differences.push({ field, detail: `expected ${JSON.stringify(withoutZeros(expected[field]))}, got ${JSON.stringify(withoutZeros(actual[field]))}` });
  }
  const want = expected.timeToActiveMs;
  const got = actual.timeToActiveMs;
  const same = got !== undefined && want.count === got.count && (want.count === 0 || (want.median === got.median && want.mean === got.mean));
  if (!same) differences.push({ field: 'timeToActiveMs', detail: `expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}` });
  return differences;
}

/**
 * Property 5, after a sweep: every day that is over has a rollup equal to the record's figures.
 * A day's figures are computed once, when it is over (nothing can change its past after that).
 */
export class InsightsCheck {
  private readonly expected = new Map<string, ExpectedInsights>();

  async check(ctx: RunContext): Promise<void> {
    const firstDay = Math.floor(ctx.world.start / DAY_MS) * DAY_MS;
    const today = Math.floor(ctx.now() / DAY_MS) * DAY_MS;
    for (let dayStart = firstDay; dayStart < today; dayStart += DAY_MS) {
      const day = dayOf(dayStart);
      let expected = this.expected.get(day);
      if (!expected) {
        expected = expectedInsights(ctx.record, dayStart);
        this.expected.set(day, expected);
      }
      const actual = await readInsights(ctx.world.deps, day);
      if (!actual) {
        reportSubject(ctx, 'insights', 'no rollup for a day that is over', day, `expected ${JSON.stringify(expected)}`);
        continue;
      }
      for (const { field, detail } of insightDifferences(expected, actual)) reportSubject(ctx, 'insights', `${field} differs`, day, detail);
    }
  }
}
