import { describe, expect, it } from 'vitest';
import { verifyAuditLog } from '../audit/audit-service.js';
import { HOUR_MS, DAY_MS } from '../ports/clock.js';
import { gatewayWorld, una } from '../test-support/gateway-world.js';
import { MAX_ARGUMENT_BYTES, activityEntry, redactArguments } from './activity.js';
import type { ActivityInput, CallDecision, GatewayCaller } from './call.js';
import { gatewayDashboard } from './dashboard.js';
import { atlassianAuditJson, listActivity, viewActivity } from './queries.js';
import { ActivityRecorder } from './recorder.js';
import { MAX_ROLLUP_KEYS, rollupId, type DayRollup } from './rollup.js';

const allow: CallDecision = { effect: 'allow', basis: 'rule', ruleIndex: 1, policyVersion: 4, reason: 'Allowed by rule 2 of agent policy v4.' };
const deny: CallDecision = { effect: 'deny', basis: 'rule', ruleIndex: 0, policyVersion: 4, note: 'AI may never delete', reason: 'Blocked by rule 1 of agent policy v4: AI may never delete.' };
const ivan: GatewayCaller = { accountId: 'user-9', name: 'Ivan Ito', email: 'ivan@example.com', groups: ['support'], client: 'claude', clientInfoName: 'claude-ai' };

function call(overrides: Partial<ActivityInput> & { at: number }): ActivityInput {
  const { at, ...rest } = overrides;
  return { caller: una, method: 'tools/call', operation: 'getJiraIssue', arguments: { issueIdOrKey: 'AIR-1' }, decision: allow, upstreamStatus: 'ok', responseBytes: 900, latencyMs: 12.5, startedAt: at, ...rest };
}

describe('activity records', () => {
  it('redacts credential-named keys and credential-shaped text in arguments, at any depth', () => {
    const redacted = redactArguments({
      jql: 'project = AIR',
      apiToken: 'abc123abc123',
      nested: { Authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig', note: 'use Bearer sk_live_abcdefghijkl now', list: [{ password: 'hunter22' }] },
      body: 'client_secret=s3cr3t-value-1 and eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln',
    });
    expect(redacted).toEqual({
      jql: 'project = AIR',
      apiToken: '[REDACTED]',
      nested: { Authorization: '[REDACTED]', note: 'use Bearer [REDACTED] now', list: [{ password: '[REDACTED]' }] },
      body: 'client_secret=[REDACTED] and [REDACTED]',
    });
    expect(JSON.stringify(redacted)).not.toMatch(/abc123|hunter22|s3cr3t|sk_live|eyJzdWIi/);
  });

  it('caps arguments at 4 KiB, keeping a preview and the size; lone surrogates become U+FFFD so the chain can hash them', () => {
    const big = activityEntry(call({ at: 0, arguments: { body: 'x'.repeat(10_000) } })).data!;
    expect(big['argumentsTruncated']).toBe(true);
    expect(big['argumentsBytes']).toBe(10_000 + '{"body":""}'.length);
    expect(Buffer.byteLength(big['arguments'] as string)).toBeLessThanOrEqual(MAX_ARGUMENT_BYTES);
    expect(redactArguments({ ['k\uD800']: 'v\uDC00' })).toEqual({ ['k\uFFFD']: 'v\uFFFD' });
    expect(redactArguments({ a: { b: { c: { d: { e: { f: { g: { h: { i: { j: { k: { l: { m: 1 } } } } } } } } } } } } })).toMatchObject({ a: { b: { c: { d: { e: { f: { g: { h: { i: { j: { k: { l: '[nested too deep]' } } } } } } } } } } } });
  });

  it('records each call as a gateway.call event on the verified chain, with every field the log shows', async () => {
    const world = await gatewayWorld();
    const recorder = new ActivityRecorder(world);
    const at = world.clock.now();
    await recorder.record(call({ at, caller: ivan }));
    await recorder.record(call({ at, operation: 'deleteJiraIssue', decision: deny, upstreamStatus: 'not_forwarded', rpcErrorCode: -32001, responseBytes: 210, latencyMs: 0.4 }));
    const page = await listActivity(world);
    expect(page.items.map((record) => [record.data.operation, record.data.decision])).toEqual([
      ['deleteJiraIssue', 'blocked'],
      ['getJiraIssue', 'allowed'],
    ]);
    expect(page.items[1]!.data).toEqual({
      accountId: 'user-9', name: 'Ivan Ito', email: 'ivan@example.com', groups: ['support'], client: 'claude', clientInfoName: 'claude-ai', kind: 'call', method: 'tools/call', operation: 'getJiraIssue',
      arguments: { issueIdOrKey: 'AIR-1' }, argumentsBytes: 24, decision: 'allowed', basis: 'rule', ruleIndex: 1, agentPolicyVersion: 4, reason: 'Allowed by rule 2 of agent policy v4.', upstreamStatus: 'ok', responseBytes: 900, latencyMs: 12.5, startedAt: at,
    });
    expect((await verifyAuditLog(world)).ok).toBe(true);
    const viewed = await viewActivity(world, page.items[0]!.seq);
    expect(atlassianAuditJson(viewed!)).toMatchObject({ authorAccountId: una.accountId, summary: 'AI call blocked: deleteJiraIssue', objectItem: { typeName: 'MCP_OPERATION' }, clearway: { rule: 1, agentPolicyVersion: 4, upstreamStatus: 'not_forwarded' } });
  });

  it('tampering with a recorded call breaks the chain', async () => {
    const world = await gatewayWorld();
    const recorder = new ActivityRecorder(world);
    await recorder.record(call({ at: world.clock.now(), operation: 'deleteJiraIssue', decision: deny }));
    const [event] = (await listActivity(world)).items;
    const stored = (await world.store.query('audit', 'bySeq', { partition: [], range: { gte: event!.seq, lte: event!.seq }, limit: 1 })).items[0]!;
    await world.store.commit([{ type: 'put', entity: 'audit', record: { ...stored, data: { ...stored.data, decision: 'allowed' } } }]);
    expect(await verifyAuditLog(world)).toMatchObject({ ok: false, firstBadSeq: event!.seq });
  });

  it('group commit: 40 concurrent records all land once, in fewer commits than calls, and the chain verifies', async () => {
    const world = await gatewayWorld();
    let commits = 0;
    const commit = world.store.commit.bind(world.store);
    const counted = { ...world, store: Object.assign(Object.create(world.store) as typeof world.store, { commit: async (writes: Parameters<typeof commit>[0]) => ((commits += 1), commit(writes)) }) };
    const recorder = new ActivityRecorder(counted);
    await Promise.all(Array.from({ length: 40 }, (_, index) => recorder.record(call({ at: world.clock.now(), arguments: { n: index } }))));
    const all = await listActivity(world, { limit: 100 });
    expect(all.items.map((record) => (record.data.arguments as { n: number }).n).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, index) => index));
    expect(commits).toBeLessThanOrEqual(6);
    expect((await verifyAuditLog(world)).ok).toBe(true);
    const rollup = (await world.store.get('meta', rollupId(new Date(world.clock.now()).toISOString().slice(0, 10))))!.value as DayRollup;
    expect(rollup.calls).toBe(40);
  });

  it('two recorders (two workers) on one store both land every record and the chain verifies', async () => {
    const world = await gatewayWorld();
    const a = new ActivityRecorder(world);
    const b = new ActivityRecorder({ ...world });
    await Promise.all(Array.from({ length: 30 }, (_, index) => (index % 2 ? a : b).record(call({ at: world.clock.now(), arguments: { n: index } }))));
    expect((await listActivity(world, { limit: 100 })).items).toHaveLength(30);
    expect((await verifyAuditLog(world)).ok).toBe(true);
  });

  it('a failed commit rejects every caller of that batch and records none of them', async () => {
    const world = await gatewayWorld();
    const failing = { ...world, store: Object.assign(Object.create(world.store) as typeof world.store, { commit: async () => Promise.reject(new Error('disk full')) }) };
    const recorder = new ActivityRecorder(failing);
    const results = await Promise.allSettled([recorder.record(call({ at: 1 })), recorder.record(call({ at: 2 }))]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect((await listActivity(world)).items).toHaveLength(0);
  });
});

describe('activity log queries', () => {
  async function seeded() {
    const world = await gatewayWorld();
    const recorder = new ActivityRecorder(world);
    const at = world.clock.now();
    const rows: ActivityInput[] = [
      call({ at, operation: 'searchJiraIssuesUsingJql', arguments: { jql: 'project = AIR AND text ~ "invoice"' } }),
      call({ at, caller: ivan, operation: 'deleteJiraIssue', decision: deny, upstreamStatus: 'not_forwarded' }),
      call({ at, caller: ivan, operation: 'getConfluencePage' }),
      call({ at, operation: 'deleteJiraIssue', decision: deny, upstreamStatus: 'not_forwarded' }),
      call({ at, caller: { ...una, client: 'claude' }, operation: 'getJiraIssue' }),
    ];
    for (const row of rows) {
      world.clock.advance(1_000);
      await recorder.record({ ...row, startedAt: world.clock.now() });
    }
    return world;
  }

  it('newest first, paged with a cursor that continues exactly', async () => {
    const world = await seeded();
    const first = await listActivity(world, { limit: 2 });
    const second = await listActivity(world, { limit: 2, cursor: first.nextCursor! });
    const third = await listActivity(world, { limit: 2, cursor: second.nextCursor! });
    expect([...first.items, ...second.items, ...third.items].map((record) => record.data.operation)).toEqual(['getJiraIssue', 'deleteJiraIssue', 'getConfluencePage', 'deleteJiraIssue', 'searchJiraIssuesUsingJql']);
    expect(third.nextCursor).toBeUndefined();
  });

  it('filters by user, decision, operation and client, and searches text over user, operation and arguments', async () => {
    const world = await seeded();
    const ops = async (filter: Parameters<typeof listActivity>[1]) => (await listActivity(world, filter)).items.map((record) => `${record.data.accountId}:${record.data.operation}`);
    expect(await ops({ user: 'user-9' })).toEqual(['user-9:getConfluencePage', 'user-9:deleteJiraIssue']);
    expect(await ops({ decision: 'blocked' })).toEqual(['user-1:deleteJiraIssue', 'user-9:deleteJiraIssue']);
    expect(await ops({ user: 'user-9', decision: 'blocked' })).toEqual(['user-9:deleteJiraIssue']);
    expect(await ops({ operation: 'DELETEJIRAISSUE' })).toEqual(['user-1:deleteJiraIssue', 'user-9:deleteJiraIssue']);
    expect(await ops({ client: 'CLAUDE' })).toEqual(['user-1:getJiraIssue', 'user-9:getConfluencePage', 'user-9:deleteJiraIssue']);
    expect(await ops({ client: 'chatgpt', decision: 'allowed' })).toEqual(['user-1:searchJiraIssuesUsingJql']);
    expect(await ops({ text: 'INVOICE' })).toEqual(['user-1:searchJiraIssuesUsingJql']);
    expect(await ops({ text: 'ivan@example' })).toEqual(['user-9:getConfluencePage', 'user-9:deleteJiraIssue']);
    // A filtered page continues where it stopped.
    const first = await listActivity(world, { operation: 'deleteJiraIssue', limit: 1 });
    const next = await listActivity(world, { operation: 'deleteJiraIssue', limit: 1, cursor: first.nextCursor! });
    expect([...first.items, ...next.items].map((record) => record.data.accountId)).toEqual(['user-1', 'user-9']);
  });
});

describe('dashboard figures', () => {
  it('today / 7 / 30 days from daily rollups: totals, block rate, top operations and users, allowed vs blocked per day', async () => {
    const world = await gatewayWorld();
    const recorder = new ActivityRecorder(world);
    const record = (overrides: Partial<ActivityInput>) => recorder.record({ ...call({ at: world.clock.now() }), ...overrides, startedAt: world.clock.now() });
    await record({ operation: 'getJiraIssue' });
    await record({ operation: 'deleteJiraIssue', decision: deny });
    world.clock.advance(5 * DAY_MS);
    await record({ caller: ivan, operation: 'getJiraIssue' });
    await record({ caller: ivan, operation: 'getJiraIssue' });
    await record({ method: 'tools/list', operation: 'tools/list', decision: { ...allow, basis: 'protocol' } });
    await record({ caller: undefined, method: 'invalid', operation: 'invalid', decision: { effect: 'deny', basis: 'invalid', policyVersion: 0, reason: 'Parse error' } });
    world.clock.advance(HOUR_MS);
    const today = await gatewayDashboard(world, 'today');
    expect(today).toMatchObject({ calls: 2, allowed: 2, blocked: 0, blockRate: 0, invalid: 1 });
    const week = await gatewayDashboard(world, '7d');
    expect(week).toMatchObject({ calls: 4, allowed: 3, blocked: 1, blockRate: 0.25, invalid: 1 });
    expect(week.topOperations).toEqual([
      { operation: 'getJiraIssue', calls: 3, allowed: 3, blocked: 0 },
      { operation: 'deleteJiraIssue', calls: 1, allowed: 0, blocked: 1 },
    ]);
    expect(week.topUsers).toEqual([
      { accountId: 'user-1', name: 'Una User', calls: 2, blocked: 1 },
      { accountId: 'user-9', name: 'Ivan Ito', calls: 2, blocked: 0 },
    ]);
    expect(week.perDay).toHaveLength(7);
    expect(week.perDay.filter((day) => day.allowed + day.blocked > 0)).toEqual([
      { day: week.days[1], allowed: 1, blocked: 1 },
      { day: week.days[6], allowed: 2, blocked: 0 },
    ]);
    expect((await gatewayDashboard(world, '30d')).perDay).toHaveLength(30);
  });

  it('reads at most one record per day and never scans the log', async () => {
    const world = await gatewayWorld();
    const reads: string[] = [];
    const spy = Object.assign(Object.create(world.store) as typeof world.store, {
      get: async (entity: 'meta', id: string) => (reads.push(`get ${entity}`), world.store.get(entity, id)),
      query: async () => (reads.push('query'), { items: [] }),
    });
    await gatewayDashboard({ ...world, store: spy }, '30d');
    expect(reads).toEqual(Array.from({ length: 30 }, () => 'get meta'));
  });

  it('keeps a day’s maps bounded: past 500 operations the rest count under (other)', async () => {
    const world = await gatewayWorld();
    const recorder = new ActivityRecorder(world);
    await Promise.all(Array.from({ length: MAX_ROLLUP_KEYS + 20 }, (_, index) => recorder.record(call({ at: world.clock.now(), operation: `tool${index}` }))));
    const rollup = (await world.store.get('meta', rollupId(new Date(world.clock.now()).toISOString().slice(0, 10))))!.value as DayRollup;
    expect(Object.keys(rollup.operations)).toHaveLength(MAX_ROLLUP_KEYS + 1);
    expect(rollup.operations['(other)']).toEqual([20, 0]);
    expect(rollup.calls).toBe(MAX_ROLLUP_KEYS + 20);
  });
});

describe('retention', () => {
  it('activity past the retention period leaves the chain (which still verifies) and its daily figures go with it', async () => {
    const { applyRetention } = await import('../lifecycle/retention.js');
    const { currentGovernance } = await import('../governance/current.js');
    const world = await gatewayWorld();
    const { retentionDays } = (await currentGovernance(world.store)).rules;
    const recorder = new ActivityRecorder(world);
    await recorder.record(call({ at: world.clock.now() }));
    const oldDay = rollupId(new Date(world.clock.now()).toISOString().slice(0, 10));
    world.clock.advance((retentionDays + 2) * DAY_MS);
    await recorder.record(call({ at: world.clock.now(), operation: 'searchJiraIssuesUsingJql' }));
    const result = await applyRetention(world);
    expect(result.rollupsPruned).toBe(1);
    expect(result.auditPruned).toBeGreaterThan(0);
    expect(await world.store.get('meta', oldDay)).toBeUndefined();
    expect((await listActivity(world)).items.map((record) => record.data.operation)).toEqual(['searchJiraIssuesUsingJql']);
    expect((await verifyAuditLog(world)).ok).toBe(true);
    expect((await gatewayDashboard(world, 'today')).calls).toBe(1);
  });
});
