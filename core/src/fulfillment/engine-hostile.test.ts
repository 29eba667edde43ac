import { AuthError, RateLimitedError } from '@clearway/connector-sdk';
import { describe, expect, it } from 'vitest';
import { extendGrant, revokeGrant } from '../grants/grant-service.js';
import { expireDueGrants } from '../lifecycle/expiry.js';
import { DAY_MS, HOUR_MS } from '../ports/clock.js';
import { put } from '../ports/store.js';
import { approver } from '../test-support/harness.js';
import { makeEngineWorld, type EngineWorld } from '../test-support/engine-world.js';

// The engine against the defects an independent fault run found (issue 14): user actions racing
// calls in flight, answers lost after the change applied, absurd Retry-After headers, queued time
// eating a call's budget, one bad user in a batch, and answers that are not a provider's.

const far = (world: EngineWorld) => world.clock.now() + HOUR_MS;
const tick = () => new Promise((resolve) => setImmediate(resolve));

async function auditTypes(world: EngineWorld, grantId: string): Promise<string[]> {
  const events = (await world.store.query('audit', 'bySeq', { partition: [], limit: 100 })).items;
  return events.filter((event) => event.refs.grantId === grantId).map((event) => event.type);
}

async function jobsOf(world: EngineWorld, grantId: string) {
  return (await world.store.query('job', 'byGrant', { partition: [grantId], limit: 20 })).items;
}

describe('user actions racing the engine', () => {
  it('a revoke while the add is in flight and its answer is lost still leaves the user outside the group', async () => {
    const world = await makeEngineWorld();
    const una = world.directory.addUser('una@example.com');
    const grantId = await world.approve('una@example.com');
    let land!: () => void;
    world.directory.applyGate = new Promise<void>((resolve) => (land = resolve));
    world.directory.loseNextAnswer('add');
    const inFlight = world.engine({ workerId: 'A' }).runDueJobs({ deadline: far(world) });
    while (world.directory.budgets.length === 0) await tick();

    await revokeGrant(world, approver, { grantId, rationale: 'no longer needed' });
    // Another worker takes the removal now: it must wait for the add still on its way.
    const meanwhile = await world.engine({ workerId: 'B' }).runDueJobs({ deadline: world.clock.now() + 20_000 });
    expect(meanwhile).toMatchObject({ deferred: 1, succeeded: 0 });
    expect(world.directory.log.filter((entry) => entry.op === 'remove')).toHaveLength(0);

    world.directory.applyGate = undefined;
    land();
    await inFlight;
    // The add did land, after the revoke; only a removal after it can leave the group right.
    expect(world.directory.appliedAdds(una)).toBe(1);
    const removes = world.directory.log.filter((entry) => entry.op === 'remove');
    const landed = world.directory.log.find((entry) => entry.op === 'add' && entry.outcome === 'applied');
    expect(removes.every((entry) => entry.at >= landed!.at)).toBe(true);

    await world.engine({ workerId: 'B' }).runDueJobs({ deadline: far(world) });
    expect(world.directory.isMember('g-1', una)).toBe(false);
    expect(await world.store.get('grant', grantId)).toMatchObject({ status: 'revoked', deprovision: 'done' });
    expect((await jobsOf(world, grantId)).filter((job) => job.status !== 'succeeded')).toEqual([]);
  });

  it('an add that lands after the removal is found by the check after the late-effect window and removed again', async () => {
    const world = await makeEngineWorld();
    const una = world.directory.addUser('una@example.com');
    const grantId = await world.approve('una@example.com');
    world.directory.loseNextAnswer('add');
    // The first add applies but its answer is lost: the job waits to retry.
    await world.engine().runDueJobs({ deadline: world.clock.now() + 20_000, maxJobs: 1 });
    expect((await world.store.get('grant', grantId))?.unconfirmedAddAt).toBe(world.clock.now());
    await revokeGrant(world, approver, { grantId, rationale: 'no longer needed' });
    await world.engine({ lateEffectWindowMs: 30_000 }).runDueJobs({ deadline: world.clock.now() + 20_000 });
    expect(world.directory.isMember('g-1', una)).toBe(false);
    expect((await world.store.get('grant', grantId))?.deprovision).toBe('pending');

    // The provider applies a copy of that add it received before we gave up on it.
    world.directory.membersOf('g-1').add(una);
    await world.engine({ lateEffectWindowMs: 30_000 }).runDueJobs({ deadline: far(world) });
    expect(world.directory.isMember('g-1', una)).toBe(false);
    expect(await world.store.get('grant', grantId)).toMatchObject({ deprovision: 'done' });
    expect(await auditTypes(world, grantId)).toEqual(expect.arrayContaining(['grant.removal_verification_queued', 'job.check_succeeded', 'grant.cleanup_queued', 'grant.deprovisioned']));
  });

  it('a removal in flight when an expired grant is extended finishes before the new add, so the grant ends active and a member', async () => {
    const world = await makeEngineWorld();
    const una = world.directory.addUser('una@example.com');
    const grantId = await world.approve('una@example.com');
    await world.engine().runDueJobs({ deadline: far(world) });
    world.clock.advance(31 * DAY_MS);
    await expireDueGrants(world);
    let removed!: () => void;
    world.directory.removeGate = new Promise<void>((resolve) => (removed = resolve));
    let removeStarted = false;
    const original = world.directory.step.bind(world.directory);
    world.directory.step = async (op) => {
      if (op === 'remove') removeStarted = true;
      return original(op);
    };
    const removing = world.engine({ workerId: 'A' }).runDueJobs({ deadline: far(world) });
    while (!removeStarted) await tick();

    await extendGrant(world, approver, { grantId, days: 5, rationale: 'one more week of the pilot' });
    const meanwhile = await world.engine({ workerId: 'B' }).runDueJobs({ deadline: world.clock.now() + 20_000 });
    expect(meanwhile).toMatchObject({ deferred: 1 });

    world.directory.removeGate = undefined;
    removed();
    await removing;
    await world.engine({ workerId: 'B' }).runDueJobs({ deadline: far(world) });
    expect(await world.store.get('grant', grantId)).toMatchObject({ status: 'active' });
    expect(world.directory.isMember('g-1', una)).toBe(true);
  });
});

describe('several workers, one tool', () => {
  it('binds (and creates) a tool\'s group once while two workers start on it at the same time', async () => {
    const world = await makeEngineWorld();
    for (const name of ['a', 'b']) {
      world.directory.addUser(`${name}@example.com`);
      await world.approve(`${name}@example.com`);
    }
    let bound!: () => void;
    world.directory.bindGate = new Promise<void>((resolve) => (bound = resolve));
    const first = world.engine({ workerId: 'A', concurrency: 1 }).runDueJobs({ deadline: far(world), maxJobs: 1 });
    while (world.directory.bindsStarted === 0) await tick();
    // B sees no group yet: without the binding lease it would create a second one of the same name.
    const second = await world.engine({ workerId: 'B', concurrency: 1 }).runDueJobs({ deadline: world.clock.now() + 20_000, maxJobs: 1 });
    expect(second).toMatchObject({ deferred: 1, succeeded: 0 });
    world.directory.bindGate = undefined;
    bound();
    await first;
    await world.engine({ workerId: 'B' }).runDueJobs({ deadline: far(world) });
    expect(world.directory.log.filter((entry) => entry.op === 'bind').map((entry) => entry.outcome)).toEqual(['created']);
    expect([...world.directory.groups.keys()]).toEqual(['g-1']);
    expect((await world.store.query('grant', 'byStatus', { partition: ['active'], limit: 10 })).items).toHaveLength(2);
  });
});

describe('no access left behind a failure', () => {
  it('a grant that fails after an add whose answer was lost has its user removed', async () => {
    const world = await makeEngineWorld();
    const una = world.directory.addUser('una@example.com');
    const grantId = await world.approve('una@example.com');
    world.directory.loseNextAnswer('add');
    await world.engine().runDueJobs({ deadline: world.clock.now() + 20_000, maxJobs: 1 });
    expect(world.directory.isMember('g-1', una)).toBe(true);
    world.directory.failNext('add', new AuthError('The API token was refused', { status: 401 }));
    await world.engine().runDueJobs({ deadline: far(world) });
    expect(await world.store.get('grant', grantId)).toMatchObject({ status: 'provision_failed', deprovision: 'done', failure: { kind: 'auth' } });
    expect(world.directory.isMember('g-1', una)).toBe(false);
    expect(await auditTypes(world, grantId)).toEqual(expect.arrayContaining(['grant.provision_failed', 'grant.cleanup_queued', 'job.deprovision_succeeded', 'grant.deprovisioned']));
  });

  it('a grant that fails with a refusal and no add in doubt queues no removal', async () => {
    const world = await makeEngineWorld();
    world.directory.addUser('una@example.com');
    const grantId = await world.approve('una@example.com');
    world.directory.failNext('add', new AuthError('The API token was refused', { status: 401 }));
    await world.engine().runDueJobs({ deadline: far(world) });
    expect(await world.store.get('grant', grantId)).toMatchObject({ status: 'provision_failed', deprovision: 'not_needed' });
    expect((await jobsOf(world, grantId)).map((job) => job.type)).toEqual(['provision']);
  });

  it('an add still on its way when the clock steps a day ahead is in doubt from the takeover, and removed again once it lands', async () => {
    const world = await makeEngineWorld();
    const una = world.directory.addUser('una@example.com');
    const grantId = await world.approve('una@example.com');
    let land!: () => void;
    world.directory.applyGate = new Promise<void>((resolve) => (land = resolve));
    const stalled = world.engine({ workerId: 'A', leaseMs: 60_000 }).runDueJobs({ deadline: far(world) });
    while (world.directory.budgets.length === 0) await tick();

    world.clock.advance(DAY_MS);
    await revokeGrant(world, approver, { grantId, rationale: 'no longer needed' });
    // B takes the provision over (its lease ended a day ago), skips it, and removes the user — while
    // A's add is still on its way (within A's call time, which the late-effect window outlasts).
    await world.engine({ workerId: 'B' }).runDueJobs({ deadline: world.clock.now() + 45_000 });
    expect(world.directory.log.filter((entry) => entry.op === 'remove')).toHaveLength(1);
    expect(await world.store.get('grant', grantId)).toMatchObject({ deprovision: 'pending' });

    world.directory.applyGate = undefined;
    land();
    await stalled;
    expect(world.directory.isMember('g-1', una)).toBe(true);
    await world.engine({ workerId: 'B' }).runDueJobs({ deadline: far(world) });
    expect(world.directory.isMember('g-1', una)).toBe(false);
    expect(await world.store.get('grant', grantId)).toMatchObject({ status: 'revoked', deprovision: 'done' });
  });

  it('a job taken over from a worker that died during its add counts that add as in doubt', async () => {
    const world = await makeEngineWorld();
    const una = world.directory.addUser('una@example.com');
    const grantId = await world.approve('una@example.com');
    const { dying, release } = await world.stallWorkerAfterAdd(una);
    world.directory.failNext('add', new AuthError('The API token was refused', { status: 401 }));
    await world.engine({ workerId: 'B' }).runDueJobs({ deadline: far(world) });
    release();
    await dying;
    expect(await world.store.get('grant', grantId)).toMatchObject({ status: 'provision_failed', deprovision: 'done' });
    expect(world.directory.isMember('g-1', una)).toBe(false);
    expect(await auditTypes(world, grantId)).toContain('job.taken_over');
  });
});

describe('waits the engine will not sit out', () => {
  it('one 429 asking for a day neither hangs the run nor schedules a retry a day out', async () => {
    const world = await makeEngineWorld();
    for (const name of ['a', 'b', 'c']) {
      world.directory.addUser(`${name}@example.com`);
      await world.approve(`${name}@example.com`);
    }
    world.directory.failNext('add', new RateLimitedError('slow down', { retryAfterMs: DAY_MS, status: 429 }));
    const start = world.clock.now();
    const deadline = start + 20_000;
    const summary = await world.engine({ concurrency: 1, maxRetryAfterMs: 5 * 60_000 }).runDueJobs({ deadline });
    expect(world.clock.now()).toBeLessThanOrEqual(deadline);
    expect(summary).toMatchObject({ claimed: 1, retrying: 1, deferred: 2 });
    expect(summary.redispatchAfterMs).toBe(5 * 60_000);
    const jobs = (await world.store.query('job', 'byStatus', { partition: ['retry_wait'], limit: 10 })).items;
    const queued = (await world.store.query('job', 'byStatus', { partition: ['queued'], limit: 10 })).items;
    expect([...jobs, ...queued].map((job) => job.wakeAt)).toEqual([start + 5 * 60_000, start + 5 * 60_000, start + 5 * 60_000]);
    expect(jobs[0]).toMatchObject({ attempts: 1, lastError: { kind: 'rate_limited', retryAfterMs: 5 * 60_000 } });
    expect(queued.map((job) => job.attempts)).toEqual([0, 0]);
    const attempt = (await world.store.query('audit', 'bySeq', { partition: [], limit: 100 })).items.find((event) => event.type === 'job.attempt_failed');
    expect(attempt?.data).toMatchObject({ retryAfterMs: 5 * 60_000, retryAfterAskedMs: DAY_MS });
  });

  it('gives every call its whole time budget, however long it waited for a slot', async () => {
    const world = await makeEngineWorld();
    const connector = (await world.store.get('connector', 'dir'))!;
    await world.store.commit([put('connector', { ...connector, limits: { requestsPerSecond: 1, lookupsPerSecond: 1_000, concurrency: 1 } })]);
    for (const name of ['a', 'b', 'c', 'd']) {
      world.directory.addUser(`${name}@example.com`);
      await world.approve(`${name}@example.com`);
    }
    const start = world.clock.now();
    await world.engine({ callTimeoutMs: 10_000, throttle: { requestsPerSecond: 1, concurrency: 1, burst: 1 } }).runDueJobs({ deadline: far(world) });
    expect(world.clock.now() - start).toBeGreaterThanOrEqual(3_000);
    expect(world.directory.budgets).toEqual([10_000, 10_000, 10_000, 10_000]);
  });

  it('starts no call that cannot end by the deadline: a job whose slot comes too late goes back to the queue unspent', async () => {
    const world = await makeEngineWorld();
    const connector = (await world.store.get('connector', 'dir'))!;
    await world.store.commit([put('connector', { ...connector, limits: { requestsPerSecond: 0.1, lookupsPerSecond: 1_000, concurrency: 4 } })]);
    for (const name of ['a', 'b', 'c']) {
      world.directory.addUser(`${name}@example.com`);
      await world.approve(`${name}@example.com`);
    }
    const deadline = world.clock.now() + 25_000;
    const summary = await world.engine({ callTimeoutMs: 10_000, throttle: { requestsPerSecond: 0.1, concurrency: 4, burst: 1 } }).runDueJobs({ deadline });
    expect(world.clock.now()).toBeLessThanOrEqual(deadline - 10_000);
    expect(summary.succeeded).toBe(2);
    expect(summary.deferred).toBe(1);
    const waiting = (await world.store.query('job', 'byStatus', { partition: ['queued'], limit: 10 })).items;
    expect(waiting).toHaveLength(1);
    expect(waiting[0]?.attempts).toBe(0);
    expect(summary.redispatchAfterMs).toBeGreaterThan(0);
  });
});

describe('answers the engine does not believe', () => {
  it('gives each user of a batch their own result: one unknown user fails alone', async () => {
    const world = await makeEngineWorld({ maxBatchSize: 20 });
    const grants: string[] = [];
    for (const name of ['a', 'b', 'c']) {
      world.directory.addUser(`${name}@example.com`);
      grants.push(await world.approve(`${name}@example.com`));
    }
    const original = world.directory.step.bind(world.directory);
    world.directory.step = async (op) => {
      // The second user is deleted in the directory between the lookup and the batch.
      if (op === 'batch') world.directory.users.delete('u-b');
      return original(op);
    };
    const summary = await world.engine().runDueJobs({ deadline: far(world) });
    expect(summary).toMatchObject({ succeeded: 2, failed: 1 });
    expect(world.directory.log.filter((entry) => entry.op === 'batch').map((entry) => entry.outcome)).toEqual(['size:3']);
    const [a, b, c] = await Promise.all(grants.map((id) => world.store.get('grant', id)));
    expect(a?.status).toBe('active');
    expect(b).toMatchObject({ status: 'provision_failed', failure: { kind: 'not_found', code: 'user_not_found' } });
    expect(c?.status).toBe('active');
  });

  it('never stores a group binding without an id: the answer is retried, not believed', async () => {
    const world = await makeEngineWorld();
    world.directory.addUser('una@example.com');
    const grantId = await world.approve('una@example.com');
    world.directory.malformNext('bind');
    await world.engine().runDueJobs({ deadline: world.clock.now() + 20_000, maxJobs: 1 });
    const [job] = await jobsOf(world, grantId);
    expect(job).toMatchObject({ status: 'retry_wait', lastError: { kind: 'transient', code: 'unexpected_response' } });
    expect((await world.store.get('tool', 'chatgpt'))?.fulfillment.bound).toBeUndefined();
    await world.engine().runDueJobs({ deadline: far(world) });
    expect((await world.store.get('grant', grantId))?.status).toBe('active');
    expect((await world.store.get('tool', 'chatgpt'))?.fulfillment.bound?.groupId).toBe('g-1');
  });
});
