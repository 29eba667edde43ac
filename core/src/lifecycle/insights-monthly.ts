/**
 * Monthly insights: the daily rows folded into calendar months (UTC), and adoption — the distinct
 * people who held active access to each tool during a month. A daily row cannot give adoption (a
 * count of people per day does not add up to distinct people per month, and keeping their ids in
 * every row would grow the row with the site), so adoption is read from the grants themselves:
 * each grant says when it turned active and when it ended.
 */
import type { Grant } from '../grants/grant.js';
import { DAY_MS } from '../ports/clock.js';
import type { CoreDeps } from '../shared/deps.js';
import { countIndex, type BoundedCount } from './insights-live.js';
import { readInsights, type DailyInsights } from './insights.js';
import { dayName, startOfDay } from './insights-ledger.js';

type Counts = Record<string, number>;

export interface MonthlyInsights {
  /** `YYYY-MM`. */
  readonly month: string;
  /** Days of the month with a rollup row. */
  readonly days: number;
  /** The last day with a row: the month-end figures are as of its end. */
  readonly lastDay: string;
  /** Requests submitted during the month, by their status at the end of their day (summed). */
  readonly requestsByStatus: Readonly<Counts>;
  /** Grants active at the end of the month's last rolled-up day, by tool and by risk. */
  readonly activeGrantsByTool: Readonly<Counts>;
  readonly activeGrantsByRisk: Readonly<Counts>;
  readonly failuresByKind: Readonly<Counts>;
  /** Approval to first activation over the month: the mean weighted by each day's count. */
  readonly timeToActiveMs: { readonly count: number; readonly mean?: number };
}

function addCounts(into: Counts, from: Readonly<Counts>): void {
  for (const [key, count] of Object.entries(from)) into[key] = (into[key] ?? 0) + count;
}

/** Folds daily rows (any order, any months) into one row per month that has rows, oldest first. */
export function monthlyInsights(rows: readonly DailyInsights[]): MonthlyInsights[] {
  const byMonth = new Map<string, DailyInsights[]>();
  for (const row of [...rows].sort((a, b) => a.day.localeCompare(b.day))) {
    const month = row.day.slice(0, 7);
    byMonth.set(month, [...(byMonth.get(month) ?? []), row]);
  }
  return [...byMonth].map(([month, days]) => {
    const requestsByStatus: Counts = {};
    const failuresByKind: Counts = {};
    let count = 0;
    let totalMs = 0;
    for (const day of days) {
      addCounts(requestsByStatus, day.requestsByStatus);
      addCounts(failuresByKind, day.failuresByKind);
      const { count: activated, mean } = day.timeToActiveMs;
      if (activated > 0 && mean !== undefined) {
        count += activated;
        totalMs += mean * activated;
      }
    }
    const last = days[days.length - 1] as DailyInsights;
    return {
      month,
      days: days.length,
      lastDay: last.day,
      requestsByStatus,
      activeGrantsByTool: { ...last.activeGrantsByTool },
      activeGrantsByRisk: { ...last.activeGrantsByRisk },
      failuresByKind,
      timeToActiveMs: count > 0 ? { count, mean: Math.round(totalMs / count) } : { count: 0 },
    };
  });
}

/** The `count` months ending with the one `now` falls in, oldest first, as `YYYY-MM` with their UTC bounds. */
export function monthsEndingAt(now: number, count: number): Array<{ readonly month: string; readonly start: number; readonly end: number }> {
  const date = new Date(now);
  return Array.from({ length: count }, (_, index) => {
    const back = count - 1 - index;
    const start = Date.UTC(date.getUTCFullYear(), date.getUTCMonth() - back, 1);
    const end = Date.UTC(date.getUTCFullYear(), date.getUTCMonth() - back + 1, 1);
    return { month: new Date(start).toISOString().slice(0, 7), start, end };
  });
}

/**
 * Distinct people with active access per tool, per month: a grant counts in every month its
 * active span touches. `endedAt` closes the span; a grant still active runs to `now`.
 */
export function adoptionByMonth(
  grants: Iterable<Pick<Grant, 'requesterAccountId' | 'toolId' | 'status' | 'activatedAt' | 'endedAt'>>,
  months: ReadonlyArray<{ readonly month: string; readonly start: number; readonly end: number }>,
  now: number,
): Record<string, Counts> {
  const people = new Map(months.map((month) => [month.month, new Map<string, Set<string>>()]));
  for (const grant of grants) {
    if (grant.activatedAt === undefined) continue;
    const until = grant.status === 'active' ? now : grant.endedAt;
    if (until === undefined) continue;
    for (const month of months) {
      if (grant.activatedAt >= month.end || until < month.start) continue;
      const tools = people.get(month.month) as Map<string, Set<string>>;
      const holders = tools.get(grant.toolId) ?? new Set<string>();
      holders.add(grant.requesterAccountId);
      tools.set(grant.toolId, holders);
    }
  }
  return Object.fromEntries([...people].map(([month, tools]) => [month, Object.fromEntries([...tools].map(([toolId, holders]) => [toolId, holders.size]))]));
}

/**
 * Grants read for adoption before the figure says it is partial. A grant lives at most 180 days
 * (plus a 7-day grace), so the read starts that long before the first month; it reads newest
 * first, so a cut leaves the recent months whole.
 */
export const ADOPTION_GRANT_CAP = 2_000;
const GRANT_LIFETIME_MS = (180 + 7) * DAY_MS;

export interface MonthlyInsightsView {
  /** Every month of the window, oldest first; a month without rollup rows has `days: 0`. */
  readonly months: ReadonlyArray<MonthlyInsights & { readonly adoptionByTool: Readonly<Counts> }>;
  /** Grants read for adoption; `more` says the cap cut the read short and adoption is a lower bound. */
  readonly adoptionGrants: BoundedCount;
}

/**
 * The last `months` months (12 by default): the daily rows read a month at a time (a day's row is
 * one record; a year is 366 reads) and folded, and adoption from a bounded read of the grants.
 */
export async function readMonthlyInsights(deps: CoreDeps, options: { months?: number; adoptionCap?: number } = {}): Promise<MonthlyInsightsView> {
  const now = deps.clock.now();
  const window = monthsEndingAt(now, options.months ?? 12);
  const first = window[0] as { start: number };
  const rows: DailyInsights[] = [];
  for (const { start, end } of window) {
    const days: string[] = [];
    for (let at = start; at < end && at <= startOfDay(now); at += DAY_MS) days.push(dayName(at));
    for (const row of await Promise.all(days.map((day) => readInsights(deps, day)))) if (row) rows.push(row);
  }
  const folded = new Map(monthlyInsights(rows).map((month) => [month.month, month]));
  const grants: Grant[] = [];
  const adoptionGrants = await countIndex(deps, 'grant', 'all', { partition: [], range: { gte: first.start - GRANT_LIFETIME_MS }, direction: 'desc' }, options.adoptionCap ?? ADOPTION_GRANT_CAP, (grant) => grants.push(grant));
  const adoption = adoptionByMonth(grants, window, now);
  return {
    months: window.map(({ month }) => ({
      ...(folded.get(month) ?? { month, days: 0, lastDay: '', requestsByStatus: {}, activeGrantsByTool: {}, activeGrantsByRisk: {}, failuresByKind: {}, timeToActiveMs: { count: 0 } }),
      adoptionByTool: adoption[month] ?? {},
    })),
    adoptionGrants,
  };
}
