import { TransientError } from '@clearway/connector-sdk';
import { describe, expect, it } from 'vitest';
import { updateGovernance } from '../governance/governance-service.js';
import { scheduleDriftChecks } from '../lifecycle/drift.js';
import { DAY_MS, HOUR_MS } from '../ports/clock.js';
import { admin, approver, testRules } from '../test-support/harness.js';
import { put } from '../ports/store.js';
import { manualConfirmationId } from './connections.js';
import { isOpenJob } from './jobs.js';
import { completeManualTask } from './manual-tasks.js';
import { makeEngineWorld, type EngineWorld } from '../test-support/engine-world.js';

const settle = (world: EngineWorld) => world.engine().runDueJobs({ deadline: world.clock.now() + HOUR_MS });

async function withMemberTakenOut(restoreMissing: boolean) {
  const world = await makeEngineWorld();
  await updateGovernance(world, admin, { rules: testRules({ drift: { checkIntervalDays: 1, deprovisionUnexpected: false, restoreMissing } }) });
  world.directory.addUser('una@example.com');
  const grantId = await world.approve('una@example.com');
  await settle(world);
  world.directory.membersOf('g-1').delete('u-una');
  world.clock.advance(DAY_MS);
  await scheduleDriftChecks(world);
  await settle(world);
  return { world, grantId };
}

describe('a member taken out of the group by hand while their grant is active', () => {
  it('is put back when the admin enabled it, and the drift is cleared', async () => {
    const { world, grantId } = await withMemberTakenOut(true);
    expect(world.directory.isMember('g-1', 'u-una')).toBe(true);
    const grant = await world.store.get('grant', grantId);
    expect(grant).toMatchObject({ status: 'active' });
    expect(grant?.drift).toBeUndefined();
    const types = (await world.store.query('audit', 'bySeq', { partition: [], direction: 'desc', limit: 20 })).items.map((event) => event.type);
    expect(types).toEqual(expect.arrayContaining(['drift.detected', 'drift.restore_queued', 'drift.restored']));
  });

  it('is only reported by default (taking someone out may have been deliberate)', async () => {
    const { world, grantId } = await withMemberTakenOut(false);
    expect(world.directory.isMember('g-1', 'u-una')).toBe(false);
    expect(await world.store.get('grant', grantId)).toMatchObject({ status: 'active', drift: { kind: 'missing_member' } });
  });

  it('gets one restore at a time while a person’s task to put them back waits', async () => {
    const world = await makeEngineWorld();
    await updateGovernance(world, admin, { rules: testRules({ drift: { checkIntervalDays: 1, deprovisionUnexpected: false, restoreMissing: true } }) });
    const grantId = await world.approveFor({ accountId: 'acc-una', email: 'una@example.com' }, 'desk-tool');
    await settle(world);
    const open = async (type: string) => (await world.store.query('job', 'byGrant', { partition: [grantId], limit: 100 })).items.filter((job) => job.type === type && isOpenJob(job));
    await completeManualTask(world, approver, { jobId: (await open('provision'))[0]!.id, completion: 'fulfilled' });
    // Someone records that Una is no longer in the group (what a person's verification would say).
    const tool = (await world.store.get('tool', 'desk-tool'))!;
    const identity = (await world.store.get('identity', 'desk:acc-una'))!;
    const id = manualConfirmationId('desk', tool.fulfillment.bound!.groupId, identity.externalId!);
    const confirmation = (await world.store.get('meta', id))!;
    await world.store.commit([put('meta', { ...confirmation, value: { member: false, confirmedAt: world.clock.now(), confirmedBy: 'approver-1' } })]);
    for (let day = 0; day < 3; day += 1) {
      world.clock.advance(DAY_MS);
      await scheduleDriftChecks(world);
      await settle(world);
      expect((await open('provision')).map((job) => job.purpose)).toEqual(['restore']);
    }
    expect(await world.store.get('grant', grantId)).toMatchObject({ drift: { kind: 'missing_member' } });
  });

  it('gets one open check at a time while the last one still waits to be retried', async () => {
    const world = await makeEngineWorld();
    const grantId = await world.activeGrant();
    world.directory.failNext('check', new TransientError('Service unavailable', { code: 'unavailable', status: 503 }));
    world.clock.advance(7 * DAY_MS);
    await scheduleDriftChecks(world);
    await world.engine().runDueJobs({ deadline: world.clock.now() + 20_000, maxJobs: 1 });
    world.clock.advance(DAY_MS);
    await scheduleDriftChecks(world);
    const checks = (await world.store.query('job', 'byGrant', { partition: [grantId], limit: 100 })).items.filter((job) => job.type === 'check');
    expect(checks.map((job) => job.status)).toEqual(['retry_wait']);
  });
});
