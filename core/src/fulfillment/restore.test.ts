import { describe, expect, it } from 'vitest';
import { updateGovernance } from '../governance/governance-service.js';
import { scheduleDriftChecks } from '../lifecycle/drift.js';
import { DAY_MS, HOUR_MS } from '../ports/clock.js';
import { admin, testRules } from '../test-support/harness.js';
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
});
