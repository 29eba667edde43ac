import { AuthError, RateLimitedError, TransientError } from '@clearway/connector-sdk';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { revokeGrant } from '../grants/grant-service.js';
import { expireDueGrants } from '../lifecycle/expiry.js';
import { DAY_MS, MINUTE_MS } from '../ports/clock.js';
import { approver } from '../test-support/harness.js';
import { makeEngineWorld, type EngineWorld } from '../test-support/engine-world.js';
import { listFailedJobs, retryFailedJob } from './failures.js';
import { completeManualTask, listManualTasks } from './manual-tasks.js';

const USERS = ['ann@example.com', 'bo@example.com', 'cy@example.com'];

type Command =
  | { kind: 'approve'; user: number; manual: boolean }
  | { kind: 'fault'; error: 'transient' | 'rate' | 'auth'; times: number }
  | { kind: 'run'; budgetMs: number }
  | { kind: 'advance'; ms: number }
  | { kind: 'expire' }
  | { kind: 'revoke'; pick: number }
  | { kind: 'retry'; pick: number }
  | { kind: 'complete'; pick: number };

const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({ kind: fc.constant('approve' as const), user: fc.nat({ max: USERS.length - 1 }), manual: fc.boolean() }),
  fc.record({ kind: fc.constant('fault' as const), error: fc.constantFrom('transient' as const, 'rate' as const, 'auth' as const), times: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ kind: fc.constant('run' as const), budgetMs: fc.integer({ min: 0, max: 120_000 }) }),
  fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: MINUTE_MS, max: 40 * DAY_MS }) }),
  fc.record({ kind: fc.constant('expire' as const) }),
  fc.record({ kind: fc.constant('revoke' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('retry' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('complete' as const), pick: fc.nat() }),
);

const errorFor = (kind: 'transient' | 'rate' | 'auth') =>
  kind === 'transient' ? new TransientError('503', { status: 503 }) : kind === 'rate' ? new RateLimitedError('429', { retryAfterMs: 20_000, status: 429 }) : new AuthError('401', { status: 401 });

async function apply(world: EngineWorld, step: Command): Promise<void> {
  switch (step.kind) {
    case 'approve':
      await world.approve(USERS[step.user]!, step.manual ? 'desk-tool' : 'chatgpt').catch((error: { code?: string }) => {
        if (error.code !== 'duplicate_request') throw error;
      });
      return;
    case 'fault':
      world.directory.failNext('any', errorFor(step.error), step.times);
      return;
    case 'run':
      await world.engine({ retry: { maxAttempts: 3, baseDelayMs: 1_000, maxDelayMs: 10_000 } }).runDueJobs({ deadline: world.clock.now() + step.budgetMs });
      return;
    case 'advance':
      world.clock.advance(step.ms);
      return;
    case 'expire':
      await expireDueGrants(world);
      return;
    case 'revoke': {
      const live = (await world.store.query('grant', 'all', { partition: [], limit: 100 })).items.filter((grant) => ['active', 'pending_provision', 'provision_failed'].includes(grant.status));
      const grant = live[step.pick % Math.max(1, live.length)];
      if (grant) await revokeGrant(world, approver, { grantId: grant.id, rationale: 'property test' });
      return;
    }
    case 'retry': {
      const failed = (await listFailedJobs(world)).items;
      const job = failed[step.pick % Math.max(1, failed.length)];
      if (job) await retryFailedJob(world, { ...approver, isAdmin: true }, job.id).catch(() => undefined);
      return;
    }
    case 'complete': {
      const tasks = (await listManualTasks(world)).items;
      const job = tasks[step.pick % Math.max(1, tasks.length)];
      const completion = job?.type === 'provision' ? 'fulfilled' : job?.type === 'deprovision' ? 'deprovisioned' : 'verified';
      if (job) await completeManualTask(world, approver, { jobId: job.id, completion, member: true });
      return;
    }
  }
}

/**
 * The invariant: a grant is never active unless, before it turned active, its provider answered
 * `applied` or `already_satisfied` for that grant's provisioning, or a person completed its
 * manual provisioning task.
 */
async function assertActivationEarned(world: EngineWorld): Promise<number> {
  const events = (await world.store.query('audit', 'bySeq', { partition: [], limit: 100 })).items;
  let cursor = events.at(-1)?.seq ?? 0;
  const all = [...events];
  for (;;) {
    const page = await world.store.query('audit', 'bySeq', { partition: [], range: { gt: cursor }, limit: 100 });
    if (page.items.length === 0) break;
    all.push(...page.items);
    cursor = page.items.at(-1)!.seq;
  }
  for (const activation of all.filter((event) => event.type === 'grant.active')) {
    const grantId = activation.refs.grantId;
    const grant = await world.store.get('grant', grantId ?? '');
    const why = `grant ${grantId} turned active at seq ${activation.seq}`;
    if (grant?.connectorId === 'desk') {
      const fulfilled = all.some((event) => event.seq < activation.seq && event.refs.grantId === grantId && event.type === 'manual.fulfilled');
      expect(fulfilled, `${why} without a person marking it fulfilled`).toBe(true);
      continue;
    }
    // The directory itself, not the engine's record of it, must have answered a successful add in time.
    const userId = `u-${grant?.requesterAccountId.replace('acc-', '')}`;
    const added = world.directory.log.some((entry) => entry.op === 'add' && entry.user === userId && entry.at <= activation.at && (entry.outcome === 'applied' || entry.outcome === 'already_satisfied'));
    expect(added, `${why} but the directory never answered an add for ${userId}`).toBe(true);
  }
  const active = (await world.store.query('grant', 'byStatus', { partition: ['active'], limit: 100 })).items;
  for (const grant of active) {
    expect(all.some((event) => event.type === 'grant.active' && event.refs.grantId === grant.id), `grant ${grant.id} is active without an activation event`).toBe(true);
  }
  return all.filter((event) => event.type === 'grant.active').length;
}

describe('grant activation (property)', () => {
  it('never shows a grant active before its provider (or a person) said the access is there', async () => {
    let totalActivations = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 5, maxLength: 30 }), async (commands) => {
        const world = await makeEngineWorld();
        for (const email of USERS) world.directory.addUser(email);
        let activations = 0;
        for (const step of commands) {
          await apply(world, step);
          activations = await assertActivationEarned(world);
        }
        totalActivations += activations;
        world.store.close();
      }),
      { numRuns: 60, seed: 20261123 },
    );
    // The runs must actually have activated grants, or the property proved nothing.
    expect(totalActivations).toBeGreaterThan(20);
  }, 120_000);
});
