import { DAY_MS, HOUR_MS } from '@clearway/core';
import { describe, expect, it } from 'vitest';
import { LimitHistory, lapseMoment } from './exception-record.js';
import { LifecycleRecord, predictExtension, type GrantRecord } from './record.js';
import { TOOLS, type HarnessTool, type Person } from './world.js';

const T = Date.parse('2027-01-04T08:00:00Z');
const [okta, entra] = TOOLS as [HarnessTool, HarnessTool];
const person = (index: number): Person => ({ index, accountId: `jira-p${index}`, email: `p${index}@example.com`, emails: [`p${index}@example.com`], renamedAt: [], oktaId: `o${index}`, entraId: `e${index}`, outsider: false });

function exceptionGrant(record: LifecycleRecord, days: number, at = T, tool = okta, who = person(record.grants.size)): GrantRecord {
  const request = record.submit({ id: `req_${record.requests.size + 1}`, issueKey: 'AIR-1', person: who, tool, durationDays: 30, submittedAt: at });
  return record.approve(request, `grant_${record.grants.size + 1}`, at, { durationDays: days, exception: true });
}

describe('an exception in the record', () => {
  it('opens with the days approved, its first review a cadence after the approval, counted against the limit in force', () => {
    const record = new LifecycleRecord({ low: 2, medium: 1, high: 1, critical: 1 });
    const first = exceptionGrant(record, 70);
    record.changeLimits(T + DAY_MS, { low: 1, medium: 1, high: 1, critical: 1 });
    const second = exceptionGrant(record, 61, T + DAY_MS);
    expect([first.durationDays, first.end, first.exception?.nextReviewAt]).toEqual([70, T + 70 * DAY_MS, T + 7 * DAY_MS]);
    expect([first.exception?.openAtOpening, first.exception?.limitAtOpening]).toEqual([1, 2]);
    // Opened under the lowered limit with one already open: the record itself says it went past the limit.
    expect([second.exception?.openAtOpening, second.exception?.limitAtOpening]).toEqual([2, 1]);
    expect(record.openExceptions(okta)).toHaveLength(2);
    expect(record.openExceptions(entra)).toHaveLength(0);
  });

  it('moves the next review to one cadence after a kept review, whenever the review is', () => {
    const record = new LifecycleRecord();
    const grant = exceptionGrant(record, 70);
    record.activate(grant, T + HOUR_MS);
    record.keepException(grant, T + 8 * DAY_MS);
    expect(grant.exception?.nextReviewAt).toBe(T + 15 * DAY_MS);
    expect(grant.exception?.reviews).toEqual([{ at: T + 8 * DAY_MS, outcome: 'kept' }]);
  });

  it('notes a due review once, at the first sweep at or after it; lapses at the first sweep at or after the lapse moment, not a millisecond before', () => {
    const record = new LifecycleRecord();
    const grant = exceptionGrant(record, 70);
    record.activate(grant, T + HOUR_MS);
    const exception = grant.exception;
    if (!exception) throw new Error('no exception');
    record.sweep(T + 7 * DAY_MS - 1, 14);
    expect(exception.reviewsDue).toEqual([]);
    record.sweep(T + 7 * DAY_MS, 14);
    record.sweep(T + 8 * DAY_MS, 14);
    expect(exception.reviewsDue).toEqual([T + 7 * DAY_MS]);
    expect(lapseMoment(exception)).toBe(T + 10 * DAY_MS);
    expect(record.sweep(T + 10 * DAY_MS - 1, 14).lapsed).toEqual([]);
    expect(record.sweep(T + 10 * DAY_MS, 14).lapsed).toEqual([grant]);
    expect([grant.status, exception.state, exception.closedHow, exception.closedAt]).toEqual(['revoked', 'closed', 'lapsed', T + 10 * DAY_MS]);
    expect(record.openExceptions(okta)).toEqual([]);
  });

  it('lapses without a review noted when no sweep ran between the due date and the lapse moment (a quiet stretch)', () => {
    const record = new LifecycleRecord();
    const grant = exceptionGrant(record, 70);
    record.activate(grant, T + HOUR_MS);
    record.sweep(T + 11 * DAY_MS, 14);
    expect([grant.exception?.closedHow, grant.exception?.reviewsDue]).toEqual(['lapsed', []]);
  });

  it('closes as its grant ends: expired, never provisioned, revoked, ended by review; expiry comes before a lapse at the same sweep', () => {
    const record = new LifecycleRecord();
    const expired = exceptionGrant(record, 9);
    record.activate(expired, T + HOUR_MS);
    const never = exceptionGrant(record, 9);
    const revoked = exceptionGrant(record, 70);
    const ended = exceptionGrant(record, 70);
    record.revoke(revoked, T + DAY_MS, 'an approver');
    record.endException(ended, T + 2 * DAY_MS);
    // Nobody reviewed either one: at this sweep both are past their lapse moment and at or past their end.
    record.sweep(T + 10 * DAY_MS, 14);
    expect([expired, never, revoked, ended].map((grant) => [grant.status, grant.exception?.closedHow])).toEqual([
      ['expired', 'expired'],
      ['expired', 'never_provisioned'],
      ['revoked', 'revoked'],
      ['revoked', 'ended_by_review'],
    ]);
    expect(ended.exception?.reviews).toEqual([{ at: T + 2 * DAY_MS, outcome: 'ended' }]);
  });

  it('is not re-opened: its expired grant is not extended within its grace, and live it stays within the exceptions maximum', () => {
    const record = new LifecycleRecord();
    const grant = exceptionGrant(record, 5);
    record.activate(grant, T);
    expect(predictExtension(grant, 86, T + DAY_MS)).toMatchObject({ refused: 'extension_out_of_bounds' });
    expect(predictExtension(grant, 85, T + DAY_MS)).toEqual({ ok: true });
    record.sweep(T + 5 * DAY_MS, 14);
    expect([grant.status, grant.exception?.state, grant.exception?.closedHow]).toEqual(['expired', 'closed', 'expired']);
    expect(predictExtension(grant, 3, T + 6 * DAY_MS)).toMatchObject({ refused: 'extension_out_of_bounds' });
  });
});

describe('the open limits over a run', () => {
  it('apply from the moment they change, per risk level', () => {
    const limits = new LimitHistory({ low: 3, medium: 2, high: 1, critical: 1 });
    limits.change(T, { low: 1, medium: 4, high: 1, critical: 1 });
    expect([limits.limitAt(okta, T - 1), limits.limitAt(okta, T), limits.limitAt(entra, T - 1), limits.limitAt(entra, T + DAY_MS)]).toEqual([3, 1, 2, 4]);
    expect(limits.count).toBe(1);
  });
});
