/**
 * Racing calls against every limit, through the real resolvers over the fake Forge platform. The
 * fake KVS checks each transaction's conditions against what is stored when it arrives, and it
 * answers asynchronously, so calls fired together read the same window and then race to write it,
 * as parallel Forge invocations do: these tests also prove that the race happened.
 */
import { MINUTE_MS, readAllowance, reserveAllowance, submitRequest, type Budget } from '@clearway/core';
import { describe, expect, it } from 'vitest';
import { EXPORT_MAX_EVENTS } from '../../src/resolvers/actions/admin';
import type { ResolverKey, ResolverResponse } from '../../src/resolvers/contract';
import { BUDGETS } from '../../src/resolvers/rate-limit';
import type { AppWorld } from '../../src/test-support/app-world';
import { freshScenario, PEOPLE } from '../../src/test-support/scenario';

const admin = { accountId: PEOPLE.admin };
const approver = { accountId: PEOPLE.approver };
const requester = { accountId: PEOPLE.requester };
const LATECOMERS = 3;

/** `count` new pending requests, each by its own requester (one pending request per person and tool) on its own issue. */
async function pendingRequests(world: AppWorld, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const accountId = `acc-waiting-${index}`;
    const issueKey = `AIR-${100 + index}`;
    world.forge.jira.addIssue({ key: issueKey, reporterAccountId: accountId, serviceDeskId: '1', requestTypeId: '10' });
    const { request } = await submitRequest(
      world.app.deps,
      { accountId },
      { projectKey: 'AIR', portalId: '1', requestTypeId: '10', issueKey, toolId: 'gemini', purpose: 'Drafting release notes with Gemini', durationDays: 30 },
    );
    ids.push(request.id);
  }
  return ids;
}

/** Conditional writes of `budget`'s window sent to the platform, won or lost. */
function windowWrites(world: AppWorld, budget: Budget): number {
  return world.forge.kvs.calls.filter((call) => {
    if (call.path !== '/api/v1/transaction') return false;
    const sets = (call.body as { set?: Array<{ key?: unknown }> } | undefined)?.set ?? [];
    return sets.some((set) => typeof set.key === 'string' && set.key.startsWith(`ratelimit:${budget.name}:`));
  }).length;
}

/** Fires every call at once; expects exactly `allowed` to pass and the rest to be refused as rate-limited. */
async function race<K extends ResolverKey>(world: AppWorld, budget: Budget, allowed: number, calls: ReadonlyArray<() => Promise<ResolverResponse<K>>>): Promise<void> {
  const writesBefore = windowWrites(world, budget);
  const answers = await Promise.all(calls.map((call) => call()));
  expect(answers.filter((answer) => answer.ok)).toHaveLength(allowed);
  const refused = answers.flatMap((answer) => (answer.ok ? [] : [answer.error]));
  expect(refused).toHaveLength(calls.length - allowed);
  for (const error of refused) {
    expect(error.code).toBe('rate_limited');
    expect(error.retryAfterMs).toBeGreaterThan(0);
    expect(error.retryAfterMs).toBeLessThanOrEqual(MINUTE_MS);
  }
  // More writes than passing calls: some lost the version check on a window another had just filled.
  expect(windowWrites(world, budget) - writesBefore).toBeGreaterThan(allowed);
}

describe('racing calls against every limit pass exactly the allowance, then pass again a minute later', () => {
  it('connectors.test: 10 a minute per admin', async () => {
    const { world } = await freshScenario();
    const budget = BUDGETS.connectionTests;
    const test = () => world.invoke('adminPage', 'connectors.test', { connectorId: 'desk' }, admin);
    await race(world, budget, budget.max, Array.from({ length: budget.max + LATECOMERS }, () => test));
    expect(await readAllowance(world.app.deps, PEOPLE.admin, budget)).toEqual({ used: budget.max, remaining: 0 });
    world.clock.advance(MINUTE_MS);
    expect((await test()).ok).toBe(true);
  });

  it('audit.verify: 3 a minute per admin', async () => {
    const { world } = await freshScenario();
    const budget = BUDGETS.auditVerifications;
    const verify = () => world.invoke('adminPage', 'audit.verify', {}, admin);
    await race(world, budget, budget.max, Array.from({ length: budget.max + LATECOMERS }, () => verify));
    world.clock.advance(MINUTE_MS);
    expect(await verify()).toMatchObject({ ok: true, data: { ok: true } });
  });

  it('evidence.export: 3 a minute per admin, each reserving the most an export can carry from the audit-read volume', async () => {
    const { world } = await freshScenario();
    const budget = BUDGETS.evidenceExports;
    const exportPack = () => world.invoke('adminPage', 'evidence.export', { format: 'jsonl' }, admin);
    await race(world, budget, budget.max, Array.from({ length: budget.max + LATECOMERS }, () => exportPack));
    world.clock.advance(MINUTE_MS);
    expect((await exportPack()).ok).toBe(true);
  });

  it('audit.events: pages draw on the audit-read volume, reserving their page size', async () => {
    const { world } = await freshScenario();
    await pendingRequests(world, 100);
    const budget = BUDGETS.auditReads;
    const page = () => world.invoke('adminPage', 'audit.events', { limit: 100 }, admin);
    // Spend the volume down (each page reads 100 events) until five pages are left.
    const left = 5;
    const earlier = Math.floor(budget.max / 100) - left;
    for (let call = 0; call < earlier; call += 1) expect(await page()).toMatchObject({ ok: true, data: { items: { length: 100 } } });
    await race(world, budget, left, Array.from({ length: left + LATECOMERS }, () => page));
    expect(await readAllowance(world.app.deps, PEOPLE.admin, budget)).toMatchObject({ used: (earlier + left) * 100 });
    world.clock.advance(MINUTE_MS);
    expect((await page()).ok).toBe(true);
  });

  it('approvals.decide: singles draw on the decisions budget', async () => {
    const { world } = await freshScenario();
    const budget = BUDGETS.decisions;
    const left = 5;
    const ids = await pendingRequests(world, budget.max + LATECOMERS + 1);
    // Earlier decisions this minute, in two bulk calls, leave five.
    const earlier = ids.slice(0, budget.max - left);
    for (const chunk of [earlier.slice(0, 50), earlier.slice(50)]) {
      const bulk = await world.invoke('globalPage', 'approvals.bulkDecide', { requestIds: chunk, outcome: 'approved', rationale: 'quarterly rollout' }, approver);
      expect(bulk.ok && bulk.data.every((item) => item.ok)).toBe(true);
    }
    const singles = ids.slice(budget.max - left, budget.max + LATECOMERS);
    await race(
      world,
      budget,
      left,
      singles.map((requestId) => () => world.invoke('globalPage', 'approvals.decide', { requestId, outcome: 'approved', rationale: 'needed for the project' }, approver)),
    );
    expect(await readAllowance(world.app.deps, PEOPLE.approver, budget)).toEqual({ used: budget.max, remaining: 0 });
    world.clock.advance(MINUTE_MS);
    expect((await world.invoke('globalPage', 'approvals.decide', { requestId: ids.at(-1), outcome: 'denied', rationale: 'not this quarter' }, approver)).ok).toBe(true);
  });

  it('exceptions.review: reviews draw on the reviewer’s decisions budget', async () => {
    const { world, scenario } = await freshScenario();
    const budget = BUDGETS.decisions;
    const left = 3;
    // Decisions made earlier this minute leave three.
    await (await reserveAllowance(world.app.deps, PEOPLE.securityReviewer, [{ budget, amount: budget.max - left }])).settle([budget.max - left]);
    const keep = () => world.invoke('globalPage', 'exceptions.review', { grantId: scenario.exceptionGrantId, outcome: 'keep', note: 'still needed for the audit' }, { accountId: PEOPLE.securityReviewer });
    await race(world, budget, left, Array.from({ length: left + LATECOMERS }, () => keep));
    expect(await readAllowance(world.app.deps, PEOPLE.securityReviewer, budget)).toEqual({ used: budget.max, remaining: 0 });
    world.clock.advance(MINUTE_MS);
    expect(await keep()).toMatchObject({ ok: true, data: { state: 'open' } });
  });

  it('approvals.bulkDecide: 5 bulk calls a minute per approver', async () => {
    const { world } = await freshScenario();
    const budget = BUDGETS.bulkDecisions;
    const ids = await pendingRequests(world, budget.max + LATECOMERS + 1);
    await race(
      world,
      budget,
      budget.max,
      ids.slice(0, -1).map((requestId) => () => world.invoke('globalPage', 'approvals.bulkDecide', { requestIds: [requestId], outcome: 'denied', rationale: 'not this quarter' }, approver)),
    );
    world.clock.advance(MINUTE_MS);
    expect(await world.invoke('globalPage', 'approvals.bulkDecide', { requestIds: [ids.at(-1)], outcome: 'denied', rationale: 'not this quarter' }, approver)).toMatchObject({
      ok: true,
      data: [{ ok: true }],
    });
  });
});

describe('single and bulk decisions share one allowance', () => {
  it('refuses single decisions once five bulk calls spent the minute’s decisions, and the refusal says when to come back', async () => {
    const { world } = await freshScenario();
    const ids = await pendingRequests(world, BUDGETS.decisions.max + 1);
    for (let call = 0; call < 5; call += 1) {
      const chunk = ids.slice(call * 20, call * 20 + 20);
      expect(await world.invoke('globalPage', 'approvals.bulkDecide', { requestIds: chunk, outcome: 'approved', rationale: 'quarterly rollout' }, approver)).toMatchObject({ ok: true });
      world.clock.advance(1_000);
    }
    const single = () => world.invoke('globalPage', 'approvals.decide', { requestId: ids.at(-1), outcome: 'approved', rationale: 'needed for the project' }, approver);
    expect(await single()).toEqual({ ok: false, error: { code: 'rate_limited', message: 'At most 100 decisions a minute; try again in 55 s.', retryAfterMs: 55_000 } });
    // Nor on the other page: the allowance is the person's, wherever they decide.
    expect(await world.invoke('adminPage', 'approvals.decide', { requestId: ids.at(-1), outcome: 'approved', rationale: 'needed for the project' }, approver)).toMatchObject({
      ok: false,
      error: { code: 'rate_limited' },
    });
    world.clock.advance(55_000);
    expect(await single()).toMatchObject({ ok: true, data: { request: { status: 'approved' } } });
  });

  it('refuses a bulk call larger than what singles left of the minute, taking nothing', async () => {
    const { world } = await freshScenario();
    const ids = await pendingRequests(world, BUDGETS.decisions.max - 5 + 10);
    const bulks = ids.slice(0, BUDGETS.decisions.max - 10);
    for (const chunk of [bulks.slice(0, 50), bulks.slice(50)]) expect((await world.invoke('globalPage', 'approvals.bulkDecide', { requestIds: chunk, outcome: 'approved', rationale: 'rollout' }, approver)).ok).toBe(true);
    const singles = ids.slice(BUDGETS.decisions.max - 10, BUDGETS.decisions.max - 5);
    for (const requestId of singles) expect((await world.invoke('globalPage', 'approvals.decide', { requestId, outcome: 'approved', rationale: 'needed' }, approver)).ok).toBe(true);
    const before = await readAllowance(world.app.deps, PEOPLE.approver, BUDGETS.decisions);
    expect(before.remaining).toBe(5);
    const tooMany = ids.slice(BUDGETS.decisions.max - 5);
    expect(await world.invoke('globalPage', 'approvals.bulkDecide', { requestIds: tooMany, outcome: 'approved', rationale: 'rollout' }, approver)).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    expect(await readAllowance(world.app.deps, PEOPLE.approver, BUDGETS.decisions)).toEqual(before);
    expect(await readAllowance(world.app.deps, PEOPLE.approver, BUDGETS.bulkDecisions)).toEqual({ used: 2, remaining: 3 });
    // Five of them still fit.
    expect((await world.invoke('globalPage', 'approvals.bulkDecide', { requestIds: tooMany.slice(0, 5), outcome: 'approved', rationale: 'rollout' }, approver)).ok).toBe(true);
  });
});

describe('refused calls consume nothing', () => {
  it('leaves storage untouched when a call is refused before its reservation: bad input, forbidden, unauthenticated, wrong surface', async () => {
    const { world } = await freshScenario();
    const before = world.forge.kvs.snapshot();
    const refusals = [
      await world.invoke('adminPage', 'connectors.test', { connectorId: 'desk', extra: true }, admin),
      await world.invoke('adminPage', 'connectors.test', { connectorId: 'desk' }, requester),
      await world.invoke('adminPage', 'connectors.test', { connectorId: 'desk' }, {}),
      await world.invoke('adminPage', 'connectors.test', { connectorId: 'desk' }, { ...admin, moduleType: 'jira:globalPage' }),
      await world.invoke('globalPage', 'approvals.decide', { requestId: 'req_x', outcome: 'maybe', rationale: 'no' }, approver),
      await world.invoke('globalPage', 'approvals.bulkDecide', { requestIds: [], outcome: 'approved', rationale: 'rollout' }, approver),
      await world.invoke('globalPage', 'approvals.bulkDecide', { requestIds: ['req_x'], outcome: 'approved', rationale: 'rollout' }, requester),
      await world.invoke('adminPage', 'audit.events', { limit: 500 }, admin),
      await world.invoke('adminPage', 'evidence.export', { format: 'pdf' }, admin),
    ];
    expect(refusals.map((answer) => (answer.ok ? 'ok' : answer.error.code))).toEqual([
      'validation_failed',
      'forbidden',
      'unauthenticated',
      'wrong_surface',
      'validation_failed',
      'validation_failed',
      'forbidden',
      'validation_failed',
      'validation_failed',
    ]);
    expect(world.forge.kvs.snapshot()).toBe(before);
  });

  it('gives the reservation back when the action refuses or fails after it: every key then still has its whole allowance', async () => {
    const { world } = await freshScenario();
    const answers = [
      await world.invoke('adminPage', 'connectors.test', { connectorId: 'nope' }, admin),
      await world.invoke('adminPage', 'evidence.export', { format: 'jsonl', from: 2_000, to: 1_000 }, admin),
      await world.invoke('globalPage', 'approvals.decide', { requestId: 'req_unknown', outcome: 'approved', rationale: 'needed' }, approver),
      await world.invoke('adminPage', 'audit.events', { cursor: 'not-a-cursor' }, admin),
    ];
    expect(answers.every((answer) => !answer.ok)).toBe(true);
    for (const [accountId, budget] of [
      [PEOPLE.admin, BUDGETS.connectionTests],
      [PEOPLE.admin, BUDGETS.evidenceExports],
      [PEOPLE.admin, BUDGETS.auditReads],
      [PEOPLE.approver, BUDGETS.decisions],
    ] as const) {
      expect(await readAllowance(world.app.deps, accountId, budget)).toEqual({ used: 0, remaining: budget.max });
    }
    // The windows they opened are gone again.
    expect([...world.forge.kvs.entityValues('meta').keys()].filter((key) => key.startsWith('ratelimit:'))).toEqual([]);
  });

  it('counts nothing for a bulk call that decided nothing (unknown, already decided, refused ids), so five real bulk calls still pass', async () => {
    const { world, scenario } = await freshScenario();
    const ids = await pendingRequests(world, 5);
    const nothingDecided = [
      { requestIds: ['req_unknown_1', 'req_unknown_2'], outcome: 'approved', rationale: 'rollout' },
      { requestIds: [scenario.activeRequestId], outcome: 'denied', rationale: 'rollout' },
      { requestIds: [`${scenario.pendingRequestId}x`, 'req_unknown_3'], outcome: 'denied', rationale: 'rollout' },
      // Text that is not valid Unicode is refused, whether at the edge or by core after the reservation.
      { requestIds: [scenario.pendingRequestId], outcome: 'approved', rationale: 'rollout \uD800' },
      { requestIds: ['req_unknown_4'], outcome: 'approved', rationale: 'rollout' },
      { requestIds: ['req_unknown_5'], outcome: 'approved', rationale: 'rollout' },
    ];
    for (const payload of nothingDecided) {
      const answer = await world.invoke('globalPage', 'approvals.bulkDecide', payload, approver);
      expect(answer.ok && answer.data.some((item) => item.ok)).toBe(false);
    }
    expect(await readAllowance(world.app.deps, PEOPLE.approver, BUDGETS.bulkDecisions)).toEqual({ used: 0, remaining: BUDGETS.bulkDecisions.max });
    expect(await readAllowance(world.app.deps, PEOPLE.approver, BUDGETS.decisions)).toEqual({ used: 0, remaining: BUDGETS.decisions.max });
    for (const requestId of ids) {
      expect(await world.invoke('globalPage', 'approvals.bulkDecide', { requestIds: [requestId, 'req_unknown_6'], outcome: 'approved', rationale: 'rollout' }, approver)).toMatchObject({
        ok: true,
        data: [{ ok: true }, { ok: false, error: { code: 'not_found' } }],
      });
    }
    // A partly failed bulk call counts the call and the requests it decided, not the ones it could not.
    expect(await readAllowance(world.app.deps, PEOPLE.approver, BUDGETS.decisions)).toEqual({ used: 5, remaining: BUDGETS.decisions.max - 5 });
  });
});

describe('exports and Governance Logs pages share one volume of events read', () => {
  it('counts what an export carried and what a page held, once the call answered', async () => {
    const { world } = await freshScenario();
    const pack = await world.invoke('adminPage', 'evidence.export', { format: 'jsonl' }, admin);
    if (!pack.ok) throw new Error(pack.error.message);
    expect(pack.data.manifest.count).toBeGreaterThan(10);
    expect(await readAllowance(world.app.deps, PEOPLE.admin, BUDGETS.auditReads)).toMatchObject({ used: pack.data.manifest.count });
    const page = await world.invoke('adminPage', 'audit.events', { limit: 10 }, admin);
    expect(page).toMatchObject({ ok: true, data: { items: { length: 10 } } });
    expect(await readAllowance(world.app.deps, PEOPLE.admin, BUDGETS.auditReads)).toMatchObject({ used: pack.data.manifest.count + 10 });
  });

  it('refuses an export once paging read so much that a full export would pass the volume, until the window moves on', async () => {
    const { world } = await freshScenario();
    await pendingRequests(world, 100);
    const budget = BUDGETS.auditReads;
    const pages = Math.floor((budget.max - EXPORT_MAX_EVENTS) / 100) + 1;
    for (let call = 0; call < pages; call += 1) expect((await world.invoke('adminPage', 'audit.events', { limit: 100 }, admin)).ok).toBe(true);
    const exportPack = () => world.invoke('adminPage', 'evidence.export', { format: 'csv' }, admin);
    expect(await exportPack()).toMatchObject({ ok: false, error: { code: 'rate_limited', message: expect.stringContaining('audit events read') } });
    // The export's own allowance was not touched by the refusal.
    expect(await readAllowance(world.app.deps, PEOPLE.admin, BUDGETS.evidenceExports)).toEqual({ used: 0, remaining: BUDGETS.evidenceExports.max });
    world.clock.advance(MINUTE_MS);
    expect((await exportPack()).ok).toBe(true);
  });

  it('reserves no less than an export can carry: every exported line holds at least three hex digests', async () => {
    const { world } = await freshScenario();
    for (const format of ['jsonl', 'csv'] as const) {
      const pack = await world.invoke('adminPage', 'evidence.export', { format }, admin);
      if (!pack.ok) throw new Error(pack.error.message);
      const lines = pack.data.content.split('\n').filter((line) => /"?[0-9a-f]{64}"?/.test(line));
      expect(lines.length).toBeGreaterThanOrEqual(pack.data.manifest.count);
      for (const line of lines.slice(0, pack.data.manifest.count)) expect(Buffer.byteLength(line) + 1).toBeGreaterThan(3 * 64);
    }
    expect(EXPORT_MAX_EVENTS * (3 * 64 + 1)).toBeLessThanOrEqual(450 * 1024);
    expect(BUDGETS.auditReads.max).toBe(BUDGETS.evidenceExports.max * EXPORT_MAX_EVENTS);
  });
});
