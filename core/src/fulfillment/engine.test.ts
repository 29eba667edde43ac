import { AuthError, RateLimitedError, TransientError } from '@clearway/connector-sdk';
import { describe, expect, it } from 'vitest';
import { setConnectorEnabled } from '../connectors/connector-service.js';
import { HOUR_MS } from '../ports/clock.js';
import { put } from '../ports/store.js';
import { admin, approver } from '../test-support/harness.js';
import { makeEngineWorld, type EngineWorld } from '../test-support/engine-world.js';
import { listFailedJobs, retryFailedJob } from './failures.js';
import { completeManualTask, listManualTasks } from './manual-tasks.js';

const far = (world: EngineWorld) => world.clock.now() + HOUR_MS;

async function auditTypes(world: EngineWorld, grantId: string): Promise<string[]> {
  const events = (await world.store.query('audit', 'bySeq', { partition: [], limit: 100 })).items;
  return events.filter((event) => event.refs.grantId === grantId).map((event) => event.type);
}

describe('fulfillment engine', () => {
  it('activates a grant only after the provider applied the add, binding the group once', async () => {
    const world = await makeEngineWorld();
    const userId = world.directory.addUser('una@example.com');
    const grantId = await world.approve('una@example.com');
    expect((await world.store.get('grant', grantId))?.status).toBe('pending_provision');
    const summary = await world.engine().runDueJobs({ deadline: far(world) });
    expect(summary).toMatchObject({ claimed: 1, succeeded: 1, failed: 0 });
    expect(summary.redispatchAfterMs).toBeUndefined();
    const grant = await world.store.get('grant', grantId);
    expect(grant).toMatchObject({ status: 'active', activatedAt: world.clock.now() });
    expect(world.directory.isMember('g-1', userId)).toBe(true);
    expect((await world.store.get('tool', 'chatgpt'))?.fulfillment.bound).toMatchObject({ groupId: 'g-1', groupName: 'ai-chatgpt' });
    expect(await auditTypes(world, grantId)).toEqual(['request.approved', 'grant.created', 'identity.resolved', 'job.provision_succeeded', 'grant.active']);
  });

  it('treats an existing membership as success, and uses the cached identity and binding next time', async () => {
    const world = await makeEngineWorld();
    const una = world.directory.addUser('una@example.com');
    world.directory.addUser('otto@example.com');
    world.directory.groups.set('g-1', 'ai-chatgpt');
    world.directory.membersOf('g-1').add(una);
    const first = await world.approve('una@example.com');
    await world.engine().runDueJobs({ deadline: far(world) });
    const job = (await world.store.query('job', 'byGrant', { partition: [first], limit: 5 })).items[0];
    expect(job).toMatchObject({ status: 'succeeded', outcome: 'already_satisfied' });
    await world.approve('otto@example.com');
    const before = world.directory.log.length;
    await world.engine().runDueJobs({ deadline: far(world) });
    expect(world.directory.log.slice(before).map((entry) => entry.op)).toEqual(['resolve', 'add']);
  });

  it('waits exactly as long as a 429 asked before the next attempt, and re-dispatches past the deadline', async () => {
    const world = await makeEngineWorld();
    world.directory.addUser('una@example.com');
    const grantId = await world.approve('una@example.com');
    world.directory.failNext('add', new RateLimitedError('slow down', { retryAfterMs: 30_000, status: 429 }));
    const start = world.clock.now();
    const summary = await world.engine().runDueJobs({ deadline: start + 20_000 });
    expect(summary).toMatchObject({ retrying: 1, redispatchAfterMs: 30_000 });
    const job = (await world.store.query('job', 'byGrant', { partition: [grantId], limit: 5 })).items[0]!;
    expect(job).toMatchObject({ status: 'retry_wait', wakeAt: start + 30_000, lastError: { kind: 'rate_limited', retryAfterMs: 30_000 } });
    world.clock.advance(29_999);
    expect((await world.engine().runDueJobs({ deadline: world.clock.now() + 1 })).claimed).toBe(0);
    world.clock.advance(1);
    await world.engine().runDueJobs({ deadline: far(world) });
    expect((await world.store.get('grant', grantId))?.status).toBe('active');
    const attempt = (await world.store.query('audit', 'bySeq', { partition: [], limit: 100 })).items.find((event) => event.type === 'job.attempt_failed');
    expect(attempt?.data).toMatchObject({ attempt: 1, kind: 'rate_limited', code: 'rate_limited', status: 429, retryAfterMs: 30_000, nextAttemptAt: start + 30_000 });
  });

  it('sleeps through short waits within the deadline instead of returning', async () => {
    const world = await makeEngineWorld();
    world.directory.addUser('una@example.com');
    const grantId = await world.approve('una@example.com');
    world.directory.failNext('add', new TransientError('503', { status: 503 }), 2);
    const summary = await world.engine().runDueJobs({ deadline: far(world) });
    expect(summary).toMatchObject({ retrying: 2, succeeded: 1 });
    expect((await world.store.get('grant', grantId))?.status).toBe('active');
  });

  it('fails with retries_exhausted after the attempt budget, escalating to the grant, Jira and the failed queue', async () => {
    const world = await makeEngineWorld();
    world.directory.addUser('una@example.com');
    const grantId = await world.approve('una@example.com');
    world.directory.failNext('add', new TransientError('upstream 503', { status: 503 }), 10);
    const summary = await world.engine({ retry: { maxAttempts: 3, baseDelayMs: 1_000, maxDelayMs: 5_000 } }).runDueJobs({ deadline: far(world) });
    expect(summary).toMatchObject({ retrying: 2, failed: 1 });
    expect(await world.store.get('grant', grantId)).toMatchObject({ status: 'provision_failed', failure: { kind: 'transient', code: 'retries_exhausted' } });
    expect(world.jira.internalNotes.at(-1)?.text).toMatch(/Granting access failed and needs an admin: .*\(retries_exhausted\)/);
    expect(world.jira.comments.at(-1)?.text).toMatch(/^Setting up your access to ChatGPT Enterprise hit a problem/);
    expect((await listFailedJobs(world)).items).toHaveLength(1);
  });

  it('fails a terminal error at once; a retry after the fix activates the grant', async () => {
    const world = await makeEngineWorld();
    world.directory.addUser('una@example.com');
    const grantId = await world.approve('una@example.com');
    world.directory.failNext('add', new AuthError('The API token was refused', { status: 401 }));
    const summary = await world.engine().runDueJobs({ deadline: far(world) });
    expect(summary).toMatchObject({ failed: 1, retrying: 0 });
    expect(await world.store.get('grant', grantId)).toMatchObject({ status: 'provision_failed', failure: { kind: 'auth', code: 'auth', status: 401 } });
    const [failed] = (await listFailedJobs(world)).items;
    await expect(retryFailedJob(world, { accountId: 'user-x' }, failed!.id)).rejects.toMatchObject({ code: 'forbidden' });
    await retryFailedJob(world, approver, failed!.id);
    expect((await world.store.get('grant', grantId))?.status).toBe('pending_provision');
    await world.engine().runDueJobs({ deadline: far(world) });
    expect((await world.store.get('grant', grantId))?.status).toBe('active');
  });

  it('fails an unknown user, a disabled connector and a missing provider terminally with a clear reason', async () => {
    const world = await makeEngineWorld();
    const ghost = await world.approve('ghost@example.com');
    await world.engine().runDueJobs({ deadline: far(world) });
    expect(await world.store.get('grant', ghost)).toMatchObject({ status: 'provision_failed', failure: { kind: 'not_found', code: 'identity_not_found' } });

    world.directory.addUser('una@example.com');
    await setConnectorEnabled(world, admin, 'dir', false);
    const disabled = await world.approve('una@example.com');
    await world.engine().runDueJobs({ deadline: far(world) });
    expect(await world.store.get('grant', disabled)).toMatchObject({ status: 'provision_failed', failure: { kind: 'invalid_config', code: 'connector_disabled' } });

    const connector = (await world.store.get('connector', 'dir'))!;
    await world.store.commit([put('connector', { ...connector, enabled: true, providerType: 'uninstalled' })]);
    await retryFailedJob(world, approver, (await listFailedJobs(world)).items.find((job) => job.grantId === disabled)!.id);
    await world.engine().runDueJobs({ deadline: far(world) });
    expect(await world.store.get('grant', disabled)).toMatchObject({ status: 'provision_failed', failure: { code: 'provider_missing' } });
  });

  it('resumes a job whose worker died mid-call, without recording the effect twice', async () => {
    const world = await makeEngineWorld();
    const una = world.directory.addUser('una@example.com');
    const grantId = await world.approve('una@example.com');
    const { dying, release } = await world.stallWorkerAfterAdd(una);
    const survivor = await world.engine({ workerId: 'B' }).runDueJobs({ deadline: far(world) });
    expect(survivor).toMatchObject({ claimed: 1, succeeded: 1 });
    release();
    expect(await dying).toMatchObject({ lost: 1, succeeded: 0 });
    expect(world.directory.appliedAdds(una)).toBe(1);
    const job = (await world.store.query('job', 'byGrant', { partition: [grantId], limit: 5 })).items[0];
    expect(job).toMatchObject({ status: 'succeeded', outcome: 'already_satisfied', attempts: 2 });
    expect((await auditTypes(world, grantId)).filter((type) => type === 'grant.active')).toHaveLength(1);
  });

  it('hands manual fulfillment to a person: Mark fulfilled activates the grant', async () => {
    const world = await makeEngineWorld();
    const grantId = await world.approve('una@example.com', 'desk-tool');
    expect(await world.engine().runDueJobs({ deadline: far(world) })).toMatchObject({ awaitingManual: 1 });
    const [task] = (await listManualTasks(world)).items;
    expect(task).toMatchObject({ status: 'awaiting_manual', manualTask: { action: 'provision', summary: 'Give una@example.com access to Desk licences' } });
    expect((await world.store.get('grant', grantId))?.status).toBe('pending_provision');
    await expect(completeManualTask(world, { accountId: 'acc-una' }, { jobId: task!.id, completion: 'fulfilled' })).rejects.toMatchObject({ code: 'self_approval' });
    await expect(completeManualTask(world, approver, { jobId: task!.id, completion: 'verified', member: true })).rejects.toMatchObject({ code: 'invalid_transition' });
    await completeManualTask(world, approver, { jobId: task!.id, completion: 'fulfilled', note: 'Seat assigned in admin console' });
    expect(await world.store.get('grant', grantId)).toMatchObject({ status: 'active' });
    await expect(completeManualTask(world, approver, { jobId: task!.id, completion: 'fulfilled' })).rejects.toMatchObject({ code: 'invalid_transition' });
    expect(await auditTypes(world, grantId)).toContain('manual.fulfilled');
  });

  it('stops claiming when the deadline cannot fit another call and asks to be dispatched again', async () => {
    const world = await makeEngineWorld();
    for (const name of ['a', 'b', 'c', 'd', 'e', 'f']) {
      world.directory.addUser(`${name}@example.com`);
      await world.approve(`${name}@example.com`);
    }
    world.directory.latencyMs = 4_000;
    const summary = await world.engine({ callTimeoutMs: 10_000, concurrency: 1 }).runDueJobs({ deadline: world.clock.now() + 30_000 });
    expect(summary.succeeded).toBeGreaterThan(0);
    expect(summary.succeeded).toBeLessThan(6);
    expect(summary.redispatchAfterMs).toBe(0);
    await world.engine({ concurrency: 1 }).runDueJobs({ deadline: far(world) });
    const active = await world.store.query('grant', 'byStatus', { partition: ['active'], limit: 10 });
    expect(active.items).toHaveLength(6);
  });

  it('adds in batches when the provider declares a batch size', async () => {
    const world = await makeEngineWorld({ maxBatchSize: 20 });
    for (let index = 0; index < 45; index += 1) {
      world.directory.addUser(`user${index}@example.com`);
      await world.approve(`user${index}@example.com`);
    }
    const summary = await world.engine({ pageSize: 50 }).runDueJobs({ deadline: far(world) });
    expect(summary).toMatchObject({ claimed: 45, succeeded: 45 });
    const batches = world.directory.log.filter((entry) => entry.op === 'batch').map((entry) => entry.outcome);
    expect(batches.sort()).toEqual(['size:20', 'size:20', 'size:5']);
    expect(world.directory.log.filter((entry) => entry.op === 'add' && entry.outcome === 'applied')).toHaveLength(45);
  });

  it('adds one by one when batching is turned off', async () => {
    const world = await makeEngineWorld({ maxBatchSize: 20 });
    for (let index = 0; index < 5; index += 1) {
      world.directory.addUser(`user${index}@example.com`);
      await world.approve(`user${index}@example.com`);
    }
    expect(await world.engine({ batching: false }).runDueJobs({ deadline: far(world) })).toMatchObject({ succeeded: 5 });
    expect(world.directory.log.filter((entry) => entry.op === 'batch')).toHaveLength(0);
    expect(world.directory.log.filter((entry) => entry.op === 'add' && entry.outcome === 'applied')).toHaveLength(5);
  });

  it('keeps to the connector rate under a burst instead of collecting 429s', async () => {
    const world = await makeEngineWorld();
    const connector = (await world.store.get('connector', 'dir'))!;
    await world.store.commit([put('connector', { ...connector, limits: { requestsPerSecond: 25, lookupsPerSecond: 25, concurrency: 5 } })]);
    const calls: number[] = [];
    const original = world.directory.step.bind(world.directory);
    world.directory.step = async (op) => {
      const now = world.clock.now();
      calls.push(now);
      // The directory allows 60 calls in any one-second window: more answers 429.
      if (calls.filter((at) => at > now - 1_000).length > 60) throw new RateLimitedError('429', { retryAfterMs: 1_000, status: 429 });
      return original(op);
    };
    for (let index = 0; index < 200; index += 1) {
      world.directory.addUser(`user${index}@example.com`);
      await world.approve(`user${index}@example.com`);
    }
    const start = world.clock.now();
    const summary = await world.engine({ throttle: { requestsPerSecond: 10, concurrency: 4, burst: 5 } }).runDueJobs({ deadline: start + HOUR_MS });
    expect(summary).toMatchObject({ succeeded: 200, retrying: 0, failed: 0 });
    expect(world.directory.log.filter((entry) => entry.outcome.startsWith('error'))).toHaveLength(0);
    // 200 adds at 25/s, alongside 200 resolves + 1 bind at 25/s: about 8 s of provider time.
    expect(world.clock.now() - start).toBeGreaterThanOrEqual(7_900);
    expect(world.clock.now() - start).toBeLessThan(9_000);
  });
});
