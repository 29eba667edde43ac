import { describe, expect, it } from 'vitest';
import { readChainHead } from '../audit/audit-log.js';
import { decide } from '../decisions/decide.js';
import { ConcurrencyError } from '../errors.js';
import { updateGovernance } from '../governance/governance-service.js';
import { activateGrant, extendGrant, revokeGrant } from '../grants/grant-service.js';
import { DAY_MS, HOUR_MS } from '../ports/clock.js';
import type { Store } from '../ports/store.js';
import { submitRequest } from '../requests/submit-request.js';
import { admin, approver, requestInput, T0, testRules } from '../test-support/harness.js';
import { makeEngineWorld, type EngineWorld } from '../test-support/engine-world.js';
import { expireDueGrants } from './expiry.js';
import { dayName, startOfDay } from './insights-ledger.js';
import { readInsights, refreshInsights, rollUpInsights, type DailyInsights } from './insights.js';
import { applyRetention } from './retention.js';

const DAY0 = startOfDay(T0);

/** Moves the world's clock to `hour` o'clock (UTC) of day `day` after the tests' first day. */
function moveTo(world: EngineWorld, day: number, hour: number): void {
  const target = DAY0 + day * DAY_MS + hour * HOUR_MS;
  expect(target).toBeGreaterThanOrEqual(world.clock.now());
  world.clock.at = target;
}

function row(world: EngineWorld, day: number): Promise<DailyInsights | undefined> {
  return readInsights(world, dayName(DAY0 + day * DAY_MS));
}

function activate(world: EngineWorld, grantId: string): Promise<unknown> {
  return activateGrant(world, grantId, { by: 'clearway:engine', via: 'provider', outcome: 'added' });
}

let issue = 500;
async function submit(world: EngineWorld, accountId: string): Promise<string> {
  issue += 1;
  return (await submitRequest(world, { accountId }, requestInput({ issueKey: `AIR-${issue}` }))).request.id;
}

describe('daily insights', () => {
  it("counts a day's active grants as they stood at its end, not with the next day's activations", async () => {
    const world = await makeEngineWorld();
    moveTo(world, 0, 10);
    const first = await world.approve('una@example.com');
    moveTo(world, 0, 11);
    await activate(world, first);
    moveTo(world, 0, 23);
    await rollUpInsights(world);

    moveTo(world, 1, 9);
    await activate(world, await world.approve('otto@example.com'));
    moveTo(world, 1, 10);
    expect((await rollUpInsights(world)).days).toEqual([dayName(DAY0), dayName(DAY0 + DAY_MS)]);
    expect(await row(world, 0)).toMatchObject({ activeGrantsByTool: { chatgpt: 1 }, activeGrantsByRisk: { medium: 1 } });
    expect(await row(world, 1)).toMatchObject({ activeGrantsByTool: { chatgpt: 2 }, activeGrantsByRisk: { medium: 2 } });

    moveTo(world, 1, 12);
    await revokeGrant(world, approver, { grantId: first, rationale: 'left the team' });
    moveTo(world, 1, 13);
    expect((await rollUpInsights(world)).days).toEqual([dayName(DAY0 + DAY_MS)]);
    expect((await row(world, 0))?.activeGrantsByTool).toEqual({ chatgpt: 1 });
    expect((await row(world, 1))?.activeGrantsByTool).toEqual({ chatgpt: 1 });

    moveTo(world, 2, 0.5);
    expect((await rollUpInsights(world)).days).toEqual([dayName(DAY0 + DAY_MS), dayName(DAY0 + 2 * DAY_MS)]);
    expect(await row(world, 2)).toMatchObject({ activeGrantsByTool: { chatgpt: 1 }, requestsByStatus: {}, timeToActiveMs: { count: 0 } });
  });

  it('counts a request decided after midnight as pending on the day it came in', async () => {
    const world = await makeEngineWorld();
    moveTo(world, 0, 10);
    const late = await submit(world, 'acc-una');
    await world.approve('otto@example.com');
    const denied = await submit(world, 'acc-ada');
    await decide(world, approver, { requestId: denied, outcome: 'denied', rationale: 'not for this team' });
    moveTo(world, 0, 22);
    await rollUpInsights(world);
    expect(await row(world, 0)).toMatchObject({ requestsByStatus: { pending: 1, approved: 1, denied: 1 } });

    moveTo(world, 1, 1);
    await decide(world, approver, { requestId: late, outcome: 'approved', rationale: 'needed for work' });
    const sameDay = await submit(world, 'acc-kim');
    await decide(world, approver, { requestId: sameDay, outcome: 'denied', rationale: 'not for this team' });
    moveTo(world, 1, 2);
    await rollUpInsights(world);

    expect((await row(world, 0))?.requestsByStatus).toEqual({ pending: 1, approved: 1, denied: 1 });
    expect((await row(world, 1))?.requestsByStatus).toEqual({ denied: 1 });
  });

  it('times a grant from approval to its first activation, on the day it turned active, and not again when reopened', async () => {
    const world = await makeEngineWorld();
    moveTo(world, 0, 23);
    const reopened = await world.approve('una@example.com');
    await rollUpInsights(world);
    moveTo(world, 1, 1);
    await activate(world, reopened);
    moveTo(world, 1, 2);
    await rollUpInsights(world);
    expect((await row(world, 0))?.timeToActiveMs).toEqual({ count: 0 });
    expect((await row(world, 1))?.timeToActiveMs).toEqual({ count: 1, median: 2 * HOUR_MS, mean: 2 * HOUR_MS });

    // Its 30 days run out on day 31; an approver reopens it within the grace on day 32.
    moveTo(world, 31, 2);
    expect(await expireDueGrants(world)).toEqual({ expired: 1 });
    moveTo(world, 31, 23);
    const fresh = await world.approve('otto@example.com');
    moveTo(world, 32, 1);
    await activate(world, fresh);
    await extendGrant(world, approver, { grantId: reopened, days: 10, rationale: 'project runs longer' });
    moveTo(world, 32, 3);
    await activate(world, reopened);
    moveTo(world, 32, 4);
    await rollUpInsights(world);

    expect((await row(world, 31))?.activeGrantsByTool).toEqual({});
    expect(await row(world, 32)).toMatchObject({ activeGrantsByTool: { chatgpt: 2 }, timeToActiveMs: { count: 1, median: 2 * HOUR_MS, mean: 2 * HOUR_MS } });
    // Every day in between got its row, with the grant active until it expired.
    for (const day of [2, 15, 30]) expect((await row(world, day))?.activeGrantsByTool).toEqual({ chatgpt: 1 });
  });

  it('takes the mean of the two middle values as the median of an even count', async () => {
    const world = await makeEngineWorld();
    moveTo(world, 0, 9);
    const grants = [];
    for (const name of ['una', 'otto', 'ada', 'kim']) grants.push(await world.approve(`${name}@example.com`));
    for (const [index, hour] of [10, 11, 15, 18].entries()) {
      moveTo(world, 0, hour);
      await activate(world, grants[index] ?? '');
    }
    // Waited 1 h, 2 h, 6 h and 9 h: the median is 4 h (not the upper middle, 6 h), the mean 4.5 h.
    expect((await refreshInsights(world)).timeToActiveMs).toEqual({ count: 4, median: 4 * HOUR_MS, mean: 4.5 * HOUR_MS });
  });

  it('writes the row of a day with no events between two busy days', async () => {
    const world = await makeEngineWorld();
    moveTo(world, 0, 10);
    await activate(world, await world.approve('una@example.com'));
    moveTo(world, 0, 20);
    await rollUpInsights(world);

    moveTo(world, 2, 9);
    const second = await world.approve('otto@example.com');
    moveTo(world, 2, 10);
    await activate(world, second);
    await rollUpInsights(world);

    expect(await row(world, 1)).toEqual({
      day: dayName(DAY0 + DAY_MS),
      requestsByStatus: {},
      activeGrantsByTool: { chatgpt: 1 },
      activeGrantsByRisk: { medium: 1 },
      timeToActiveMs: { count: 0 },
      failuresByKind: {},
      refreshedAt: world.clock.now(),
    });
    expect(await row(world, 2)).toMatchObject({ requestsByStatus: { approved: 1 }, activeGrantsByTool: { chatgpt: 2 }, timeToActiveMs: { count: 1, median: HOUR_MS } });
  });

  it('folds each event once when two refreshes race', async () => {
    const world = await makeEngineWorld();
    moveTo(world, 0, 10);
    await rollUpInsights(world);
    const seeded = (await world.store.get('meta', 'insights:ledger'))?.value as { seq: number };
    const grants = [];
    for (const name of ['una', 'otto', 'ada']) grants.push(await world.approve(`${name}@example.com`));
    moveTo(world, 0, 23);
    for (const grantId of grants.slice(0, 2)) await activate(world, grantId);
    moveTo(world, 1, 1);
    await activate(world, grants[2] ?? '');

    let refused = 0;
    const store: Store = {
      get: (entity, id) => world.store.get(entity, id),
      query: (entity, index, query) => world.store.query(entity, index, query),
      commit: async (writes) => {
        try {
          await world.store.commit(writes);
        } catch (error) {
          if (error instanceof ConcurrencyError) refused += 1;
          throw error;
        }
      },
    };
    const racing = { ...world, store };
    const [one, other] = await Promise.all([rollUpInsights(racing), rollUpInsights(racing)]);

    expect(refused).toBeGreaterThan(0);
    expect(one.today).toEqual(other.today);
    expect(await row(world, 0)).toMatchObject({ requestsByStatus: { approved: 3 }, activeGrantsByTool: { chatgpt: 2 }, timeToActiveMs: { count: 2 } });
    expect(await row(world, 1)).toMatchObject({ requestsByStatus: {}, activeGrantsByTool: { chatgpt: 3 }, timeToActiveMs: { count: 1 } });
    const head = (await readChainHead(world.store)).position.seq;
    expect(one.events + other.events).toBe(head - seeded.seq);
    expect((await world.store.get('meta', 'insights:ledger'))?.value).toMatchObject({ seq: head });
  });

  it('starts an install without a ledger from one count of active grants and the day so far', async () => {
    const world = await makeEngineWorld();
    moveTo(world, 0, 10);
    await activate(world, await world.approve('una@example.com'));
    moveTo(world, 1, 9);
    await submit(world, 'acc-kim');
    const today = await world.approve('otto@example.com');
    await activate(world, today);

    // The first refresh ever runs on day 1: day 1's activation is in the scan and in the day's events, counted once.
    expect(await rollUpInsights(world)).toMatchObject({ days: [dayName(DAY0 + DAY_MS)] });
    expect(await row(world, 0)).toBeUndefined();
    expect(await row(world, 1)).toMatchObject({ requestsByStatus: { pending: 1, approved: 1 }, activeGrantsByTool: { chatgpt: 2 }, timeToActiveMs: { count: 1 } });

    moveTo(world, 2, 1);
    await activate(world, await world.approve('ada@example.com'));
    await rollUpInsights(world);
    expect((await row(world, 1))?.activeGrantsByTool).toEqual({ chatgpt: 2 });
    expect((await row(world, 2))?.activeGrantsByTool).toEqual({ chatgpt: 3 });
  });

  it('counts active grants again when retention pruned events the rollup had not read, and carries on', async () => {
    const world = await makeEngineWorld();
    await updateGovernance(world, admin, { rules: testRules({ retentionDays: 30 }) });
    moveTo(world, 0, 10);
    const first = await world.approve('una@example.com');
    await activate(world, first);
    await rollUpInsights(world);

    // No refresh for 60 days: the grant ends on day 5, another turns active on day 6, and retention
    // then prunes all of it, past the ledger's cursor.
    moveTo(world, 5, 9);
    await revokeGrant(world, approver, { grantId: first, rationale: 'left the team' });
    moveTo(world, 6, 9);
    await activate(world, await world.approve('otto@example.com'));
    moveTo(world, 60, 8);
    expect((await applyRetention(world)).auditPruned).toBeGreaterThan(0);
    moveTo(world, 60, 9);
    await activate(world, await world.approve('ada@example.com'));
    moveTo(world, 60, 10);
    await rollUpInsights(world);

    expect(await row(world, 60)).toMatchObject({ requestsByStatus: { approved: 1 }, activeGrantsByTool: { chatgpt: 2 }, timeToActiveMs: { count: 1 } });

    moveTo(world, 61, 1);
    await activate(world, await world.approve('kim@example.com'));
    await rollUpInsights(world);
    expect((await row(world, 60))?.activeGrantsByTool).toEqual({ chatgpt: 2 });
    expect((await row(world, 61))?.activeGrantsByTool).toEqual({ chatgpt: 3 });
    expect(world.logger.lines).toContainEqual(expect.objectContaining({ level: 'warn', message: expect.stringMatching(/retention already pruned/) }));
  });

  it('answers from the ledger without writing when nothing happened since the last refresh', async () => {
    const world = await makeEngineWorld();
    await activate(world, await world.approve('una@example.com'));
    const first = await refreshInsights(world);
    const ledger = await world.store.get('meta', 'insights:ledger');
    world.clock.advance(HOUR_MS);
    expect(await refreshInsights(world)).toEqual(first);
    expect((await world.store.get('meta', 'insights:ledger'))?.version).toBe(ledger?.version);
  });
});
