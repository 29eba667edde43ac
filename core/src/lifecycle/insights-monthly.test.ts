import { describe, expect, it } from 'vitest';
import type { Grant } from '../grants/grant.js';
import { DAY_MS } from '../ports/clock.js';
import { put } from '../ports/store.js';
import { makeWorld } from '../test-support/harness.js';
import { insightsId, type DailyInsights } from './insights.js';
import { adoptionByMonth, monthlyInsights, monthsEndingAt, readMonthlyInsights } from './insights-monthly.js';

function day(name: string, figures: Partial<DailyInsights> = {}): DailyInsights {
  return { day: name, requestsByStatus: {}, activeGrantsByTool: {}, activeGrantsByRisk: {}, timeToActiveMs: { count: 0 }, failuresByKind: {}, refreshedAt: 0, ...figures };
}

describe('monthly insights from daily rows', () => {
  it('sums requests and failures, keeps the last day’s active grants and weights time to active by count', () => {
    const months = monthlyInsights([
      // Out of order on purpose: the month end is the latest day, not the last row given.
      day('2026-03-31', { activeGrantsByTool: { chatgpt: 5 }, activeGrantsByRisk: { medium: 5 }, requestsByStatus: { approved: 1 } }),
      day('2026-03-02', { activeGrantsByTool: { chatgpt: 9 }, requestsByStatus: { approved: 2, pending: 1 }, failuresByKind: { auth: 1 }, timeToActiveMs: { count: 1, mean: 1_000, median: 1_000 } }),
      day('2026-03-15', { requestsByStatus: { denied: 1 }, failuresByKind: { auth: 2, not_found: 1 }, timeToActiveMs: { count: 3, mean: 5_000, median: 4_000 } }),
      day('2026-04-01', { activeGrantsByTool: { chatgpt: 6, cursor: 1 }, requestsByStatus: { pending: 4 } }),
    ]);
    expect(months).toEqual([
      {
        month: '2026-03',
        days: 3,
        lastDay: '2026-03-31',
        requestsByStatus: { approved: 3, pending: 1, denied: 1 },
        activeGrantsByTool: { chatgpt: 5 },
        activeGrantsByRisk: { medium: 5 },
        failuresByKind: { auth: 3, not_found: 1 },
        // (1 × 1,000 + 3 × 5,000) / 4, not the mean of the two days' means (3,000).
        timeToActiveMs: { count: 4, mean: 4_000 },
      },
      { month: '2026-04', days: 1, lastDay: '2026-04-01', requestsByStatus: { pending: 4 }, activeGrantsByTool: { chatgpt: 6, cursor: 1 }, activeGrantsByRisk: {}, failuresByKind: {}, timeToActiveMs: { count: 0 } },
    ]);
  });

  it('names twelve months ending with the current one, across a year boundary', () => {
    const months = monthsEndingAt(Date.UTC(2026, 1, 10), 12);
    expect(months.map((month) => month.month)).toEqual(['2025-03', '2025-04', '2025-05', '2025-06', '2025-07', '2025-08', '2025-09', '2025-10', '2025-11', '2025-12', '2026-01', '2026-02']);
    expect(months[11]).toEqual({ month: '2026-02', start: Date.UTC(2026, 1, 1), end: Date.UTC(2026, 2, 1) });
  });
});

describe('adoption', () => {
  const months = monthsEndingAt(Date.UTC(2026, 2, 20), 3);
  const now = Date.UTC(2026, 2, 20);
  const grant = (requesterAccountId: string, toolId: string, activatedAt: number | undefined, endedAt: number | undefined, status: Grant['status']) => ({ requesterAccountId, toolId, status, ...(activatedAt !== undefined && { activatedAt }), ...(endedAt !== undefined && { endedAt }) });

  it('counts each person once per tool and month, in every month their active span touches', () => {
    const adoption = adoptionByMonth(
      [
        // Una held ChatGPT twice in February (an expired grant, then a new one still active): one person.
        grant('una', 'chatgpt', Date.UTC(2026, 0, 20), Date.UTC(2026, 1, 5), 'expired'),
        grant('una', 'chatgpt', Date.UTC(2026, 1, 10), undefined, 'active'),
        grant('otto', 'chatgpt', Date.UTC(2026, 1, 27), Date.UTC(2026, 1, 28), 'revoked'),
        grant('otto', 'cursor', Date.UTC(2026, 2, 1), undefined, 'active'),
        // Never active: approved but not provisioned is not adoption.
        grant('ida', 'chatgpt', undefined, Date.UTC(2026, 1, 12), 'revoked'),
      ],
      months,
      now,
    );
    expect(adoption).toEqual({ '2026-01': { chatgpt: 1 }, '2026-02': { chatgpt: 2 }, '2026-03': { chatgpt: 1, cursor: 1 } });
  });
});

describe('reading monthly insights', () => {
  it('folds the stored daily rows of the last twelve months and reads adoption from the grants', async () => {
    const world = await makeWorld();
    const now = world.clock.now();
    const today = new Date(now).toISOString().slice(0, 10);
    const lastMonth = new Date(Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth() - 1, 3)).toISOString().slice(0, 10);
    const longAgo = new Date(now - 400 * DAY_MS).toISOString().slice(0, 10);
    await world.store.commit([
      put('meta', { id: insightsId(today), version: 0, value: day(today, { requestsByStatus: { pending: 2 }, activeGrantsByTool: { chatgpt: 1 } }) }),
      put('meta', { id: insightsId(lastMonth), version: 0, value: day(lastMonth, { requestsByStatus: { approved: 7 } }) }),
      put('meta', { id: insightsId(longAgo), version: 0, value: day(longAgo, { requestsByStatus: { approved: 99 } }) }),
      put('grant', { id: 'g-1', version: 0, requestId: 'r-1', issueKey: 'AIR-1', requesterAccountId: 'una', toolId: 'chatgpt', connectorId: 'manual', status: 'active', durationDays: 30, createdAt: now - DAY_MS, updatedAt: now, activatedAt: now - DAY_MS, expiresAt: now + 29 * DAY_MS, deprovision: 'not_needed', extensions: [] }),
    ]);
    const view = await readMonthlyInsights(world);
    expect(view.months).toHaveLength(12);
    expect(view.months.at(-1)).toMatchObject({ month: today.slice(0, 7), days: 1, requestsByStatus: { pending: 2 }, activeGrantsByTool: { chatgpt: 1 }, adoptionByTool: { chatgpt: 1 } });
    expect(view.months.at(-2)).toMatchObject({ month: lastMonth.slice(0, 7), days: 1, requestsByStatus: { approved: 7 } });
    // Older than the window: not read.
    expect(view.months.flatMap((month) => Object.values(month.requestsByStatus))).not.toContain(99);
    expect(view.months[0]).toMatchObject({ days: 0, requestsByStatus: {} });
    expect(view.adoptionGrants).toEqual({ count: 1, more: false });
  });
});
