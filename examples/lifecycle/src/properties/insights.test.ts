import { DAY_MS, HOUR_MS, type DailyInsights } from '@clearway/core';
import { describe, expect, it } from 'vitest';
import { LifecycleRecord } from '../record.js';
import { TOOLS, type HarnessTool, type Person } from '../world.js';
import { expectedInsights, insightDifferences, timeToActive } from './insights.js';

const D = Date.parse('2027-01-05T00:00:00Z');
const [okta, entra] = TOOLS as [HarnessTool, HarnessTool];
const person = (index: number): Person => ({ index, accountId: `jira-p${index}`, email: `p${index}@example.com`, emails: [`p${index}@example.com`], renamedAt: [], oktaId: `o${index}`, entraId: `e${index}`, outsider: false });

describe('time to active', () => {
  it('takes the mean of the two middle values as the median of an even count, and rounds the mean', () => {
    expect(timeToActive([])).toEqual({ count: 0 });
    expect(timeToActive([30, 10, 20])).toEqual({ count: 3, median: 20, mean: 20 });
    expect(timeToActive([4, 1, 2, 3])).toEqual({ count: 4, median: 2.5, mean: 3 });
  });
});

describe("a day's figures from the record", () => {
  it('counts requests by their status at the end of the day, grants active then, and first activations only', () => {
    const record = new LifecycleRecord();
    const [a, b, c] = [person(1), person(2), person(3)];
    // Submitted on D, approved on D + 1: pending at the end of D.
    const late = record.submit({ id: 'r1', issueKey: 'AIR-1', person: a, tool: okta, durationDays: 5, submittedAt: D + HOUR_MS });
    record.approve(late, 'g1', D + DAY_MS + HOUR_MS);
    // Submitted and denied on D.
    record.deny(record.submit({ id: 'r2', issueKey: 'AIR-2', person: b, tool: okta, durationDays: 5, submittedAt: D + 2 * HOUR_MS }), D + 3 * HOUR_MS);
    // Approved the day before, first active on D 40 minutes later, still active at midnight.
    const grant = record.approve(record.submit({ id: 'r3', issueKey: 'AIR-3', person: c, tool: entra, durationDays: 3, submittedAt: D - 2 * HOUR_MS }), 'g3', D - 20 * 60_000);
    record.activate(grant, D + 20 * 60_000);
    // Active since before D, expired by a sweep on D, re-opened and active again on D: it counts as active, not as a first activation.
    const old = record.approve(record.submit({ id: 'r4', issueKey: 'AIR-4', person: a, tool: entra, durationDays: 1, submittedAt: D - 3 * DAY_MS }), 'g4', D - 3 * DAY_MS);
    record.activate(old, D - 3 * DAY_MS);
    record.sweep(D + HOUR_MS, 14);
    record.extend(old, 2, D + 2 * HOUR_MS, 'in grace');
    record.activate(old, D + 2 * HOUR_MS + 5);
    record.failures.push({ at: D + 5 * HOUR_MS, kind: 'not_found' }, { at: D + DAY_MS, kind: 'auth' });

    expect(expectedInsights(record, D)).toEqual({
      requestsByStatus: { pending: 1, denied: 1 },
      activeGrantsByTool: { 'entra-tool': 2 },
      activeGrantsByRisk: { medium: 2 },
      timeToActiveMs: { count: 1, median: 40 * 60_000, mean: 40 * 60_000 },
      failuresByKind: { not_found: 1 },
    });
  });
});

describe('comparing a rollup', () => {
  const expected = { requestsByStatus: { approved: 2 }, activeGrantsByTool: {}, activeGrantsByRisk: {}, timeToActiveMs: { count: 0 }, failuresByKind: {} };
  const rollup = (patch: Partial<DailyInsights>): DailyInsights => ({ day: '2027-01-05', requestsByStatus: { approved: 2, denied: 0 }, activeGrantsByTool: {}, activeGrantsByRisk: {}, timeToActiveMs: { count: 0 }, failuresByKind: {}, refreshedAt: 0, ...patch });

  it('treats a count of 0 as absent', () => {
    expect(insightDifferences(expected, rollup({}))).toEqual([]);
  });

  it('names each field that differs, with both versions', () => {
    const differences = insightDifferences(expected, rollup({ requestsByStatus: { approved: 1, pending: 1 }, timeToActiveMs: { count: 1, median: 5, mean: 5 } }));
    expect(differences.map((difference) => difference.field)).toEqual(['requestsByStatus', 'timeToActiveMs']);
    expect(differences[0]?.detail).toBe('expected {"approved":2}, got {"approved":1,"pending":1}');
  });
});
