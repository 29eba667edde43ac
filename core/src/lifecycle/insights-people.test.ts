import { describe, expect, it } from 'vitest';
import type { Grant } from '../grants/grant.js';
import { DAY_MS, HOUR_MS } from '../ports/clock.js';
import { put } from '../ports/store.js';
import type { AccessRequest, DecisionSource } from '../requests/request.js';
import { makeWorld } from '../test-support/harness.js';
import { median, peopleInsights, readPeopleInsights } from './insights-people.js';

const T = Date.UTC(2026, 2, 10);
let next = 0;

function request(requester: string, createdAt: number, decision?: { by: string; afterHours: number; source?: DecisionSource }): AccessRequest {
  next += 1;
  return {
    id: `req-${next}`,
    version: 0,
    issueKey: `AIR-${next}`,
    projectKey: 'AIR',
    requesterAccountId: requester,
    requesterName: requester.toUpperCase(),
    toolId: 'chatgpt',
    purpose: 'work',
    durationDays: 30,
    status: decision ? 'approved' : 'pending',
    createdAt,
    updatedAt: createdAt,
    policyVersionAtSubmit: 1,
    ...(decision && { decision: { outcome: 'approved', decidedBy: decision.by, decidedAt: createdAt + decision.afterHours * HOUR_MS, source: decision.source ?? 'human', rationale: 'ok', policyVersion: 1 } }),
  };
}

function grant(id: string, extendedAt: readonly number[]): Grant {
  return {
    id,
    version: 0,
    requestId: `r-${id}`,
    issueKey: 'AIR-1',
    requesterAccountId: `owner-${id}`,
    toolId: 'cursor',
    connectorId: 'manual',
    status: 'active',
    durationDays: 30,
    createdAt: T - 60 * DAY_MS,
    updatedAt: T,
    activatedAt: T - 60 * DAY_MS,
    expiresAt: T + 30 * DAY_MS,
    deprovision: 'not_needed',
    extensions: extendedAt.map((at) => ({ extendedBy: 'approver-1', extendedAt: at, previousExpiresAt: at, newExpiresAt: at + 30 * DAY_MS, rationale: 'more' })),
  };
}

describe('people insights', () => {
  const period = { from: T - 7 * DAY_MS, to: T };

  it('ranks requesters by requests in the period and approvers by decisions, with each one’s median time to decide', () => {
    const people = peopleInsights(
      [
        request('una', T - DAY_MS, { by: 'alan', afterHours: 2 }),
        request('una', T - 2 * DAY_MS, { by: 'alan', afterHours: 10 }),
        request('una', T - 3 * DAY_MS, { by: 'alan', afterHours: 4 }),
        request('otto', T - DAY_MS, { by: 'bea', afterHours: 1 }),
        // Auto-approved: a requester's request, but no approver's decision.
        request('otto', T - DAY_MS, { by: 'clearway:auto', afterHours: 0, source: 'auto' }),
        request('ida', T - DAY_MS),
        // Before the period: not counted.
        request('zed', T - 9 * DAY_MS, { by: 'bea', afterHours: 100 }),
        request('zed', T - 9 * DAY_MS),
        request('zed', T - 9 * DAY_MS),
      ],
      [],
      period,
    );
    expect(people.topRequesters).toEqual([
      { accountId: 'una', name: 'UNA', requests: 3 },
      { accountId: 'otto', name: 'OTTO', requests: 2 },
      { accountId: 'ida', name: 'IDA', requests: 1 },
    ]);
    expect(people.approvers).toEqual([
      { accountId: 'alan', decisions: 3, medianMs: 4 * HOUR_MS },
      { accountId: 'bea', decisions: 1, medianMs: HOUR_MS },
    ]);
  });

  it('lists grants extended twice or more with an extension in the period', () => {
    const people = peopleInsights([], [grant('twice', [T - 30 * DAY_MS, T - DAY_MS]), grant('thrice-old', [T - 50 * DAY_MS, T - 40 * DAY_MS, T - 30 * DAY_MS]), grant('once', [T - DAY_MS]), grant('three', [T - 20 * DAY_MS, T - 10 * DAY_MS, T - 2 * DAY_MS])], period);
    expect(people.repeatExtensions).toEqual([
      { grantId: 'three', accountId: 'owner-three', toolId: 'cursor', extensions: 3 },
      { grantId: 'twice', accountId: 'owner-twice', toolId: 'cursor', extensions: 2 },
    ]);
  });

  it('takes the middle of an even count as the mean of the two middle values', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
  });

  it('reads the period from the indexes, saying when the cap cut a read short', async () => {
    const world = await makeWorld();
    const now = world.clock.now();
    await world.store.commit([put('request', request('una', now - HOUR_MS, { by: 'alan', afterHours: 0.5 })), put('request', request('una', now - 2 * HOUR_MS)), put('request', request('otto', now - 10 * DAY_MS))]);
    const people = await readPeopleInsights(world, { days: 7 });
    expect(people.topRequesters).toEqual([{ accountId: 'una', name: 'UNA', requests: 2 }]);
    expect(people.approvers).toEqual([{ accountId: 'alan', decisions: 1, medianMs: HOUR_MS / 2 }]);
    expect(people.requestsRead).toEqual({ count: 2, more: false });
    expect((await readPeopleInsights(world, { days: 7, cap: 1 })).requestsRead).toEqual({ count: 1, more: true });
  });
});
