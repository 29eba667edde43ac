import { TransientError } from '@clearway/connector-sdk';
import { describe, expect, it } from 'vitest';
import { revokeGrant } from '../grants/grant-service.js';
import { updateGovernance } from '../governance/governance-service.js';
import { HOUR_MS } from '../ports/clock.js';
import { admin, approver, testRules } from '../test-support/harness.js';
import { makeEngineWorld, type EngineWorld } from '../test-support/engine-world.js';
import { enqueueJob } from './jobs.js';

const far = (world: EngineWorld) => world.clock.now() + HOUR_MS;
const settle = (world: EngineWorld) => world.engine().runDueJobs({ deadline: far(world) });
const revoke = (world: EngineWorld, grantId: string) => revokeGrant(world, approver, { grantId, rationale: 'no longer on the project' });

/** A world that removes members whose grant ended, with Una holding an active grant. */
async function withActiveGrant() {
  const world = await makeEngineWorld();
  await updateGovernance(world, admin, { rules: testRules({ drift: { checkIntervalDays: 1, deprovisionUnexpected: true, restoreMissing: false } }) });
  world.directory.addUser('una@example.com');
  const first = await world.approve('una@example.com');
  await settle(world);
  return { world, first };
}

describe('one membership, several grants of one person for one tool', () => {
  it('a drift check of the ended grant that runs after a re-request finds the new grant’s membership, not drift', async () => {
    const { world, first } = await withActiveGrant();
    await revoke(world, first);
    await settle(world);
    const second = await world.approve('una@example.com');
    await settle(world);
    expect(world.directory.isMember('g-1', 'u-una')).toBe(true);
    // A check of the first grant, queued before its revoke, comes due only now.
    const grant = (await world.store.get('grant', first))!;
    await world.store.commit((await enqueueJob(world.store, 'check', grant, 'drift-late', world.clock.now())).writes);
    await settle(world);
    expect((await world.store.get('grant', first))?.drift).toBeUndefined();
    expect(await world.store.get('grant', second)).toMatchObject({ status: 'active' });
    expect(world.directory.isMember('g-1', 'u-una')).toBe(true);
  });

  it('a removal owed by the ended grant is not made while the new grant is active', async () => {
    const { world, first } = await withActiveGrant();
    world.directory.failNext('remove', new TransientError('Service unavailable', { code: 'unavailable', status: 503 }));
    await revoke(world, first);
    await world.engine().runDueJobs({ deadline: far(world), maxJobs: 1 });
    const second = await world.approve('una@example.com');
    await settle(world);
    expect(await world.store.get('grant', second)).toMatchObject({ status: 'active' });
    expect(await world.store.get('grant', first)).toMatchObject({ status: 'revoked', deprovision: 'not_needed' });
    expect(world.directory.isMember('g-1', 'u-una')).toBe(true);
  });

  it('an add for the new grant waits while the ended grant’s removal is in flight, so the removal cannot land after it', async () => {
    const { world, first } = await withActiveGrant();
    await revoke(world, first);
    let releaseRemove!: () => void;
    world.directory.removeGate = new Promise<void>((resolve) => (releaseRemove = resolve));
    const removing = world.engine({ workerId: 'A' }).runDueJobs({ deadline: far(world), maxJobs: 1 });
    const removalRunning = async () => (await world.store.query('job', 'byStatus', { partition: ['running'], limit: 10 })).items.some((job) => job.type === 'deprovision');
    while (!(await removalRunning())) await new Promise((resolve) => setImmediate(resolve));
    const second = await world.approve('una@example.com');
    const meanwhile = await world.engine({ workerId: 'B' }).runDueJobs({ deadline: world.clock.now() + 20_000 });
    expect(meanwhile).toMatchObject({ deferred: 1, succeeded: 0 });
    expect(world.directory.isMember('g-1', 'u-una')).toBe(true);
    world.directory.removeGate = undefined;
    releaseRemove();
    await removing;
    await world.engine({ workerId: 'B' }).runDueJobs({ deadline: far(world) });
    expect(await world.store.get('grant', second)).toMatchObject({ status: 'active' });
    expect(world.directory.isMember('g-1', 'u-una')).toBe(true);
  });
});
