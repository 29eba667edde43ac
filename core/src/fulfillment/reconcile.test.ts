import { describe, expect, it } from 'vitest';
import { revokeGrant } from '../grants/grant-service.js';
import { updateGovernance } from '../governance/governance-service.js';
import { scheduleDriftChecks } from '../lifecycle/drift.js';
import { DAY_MS, HOUR_MS } from '../ports/clock.js';
import { admin, approver, testRules } from '../test-support/harness.js';
import { makeEngineWorld, type EngineWorld } from '../test-support/engine-world.js';
import { listUnmanagedMembers } from './reconcile.js';

const far = (world: EngineWorld) => world.clock.now() + HOUR_MS;
const settle = (world: EngineWorld) => world.engine().runDueJobs({ deadline: far(world) });

async function world(deprovisionUnexpected: boolean) {
  const built = await makeEngineWorld();
  await updateGovernance(built, admin, { rules: testRules({ drift: { checkIntervalDays: 1, deprovisionUnexpected, restoreMissing: false } }) });
  return built;
}

/** A day on: the sweep queues the day's reconciliation, the engine runs it and what it queues. */
async function reconcile(built: EngineWorld) {
  built.clock.advance(DAY_MS);
  await scheduleDriftChecks(built);
  return settle(built);
}

describe('group reconciliation', () => {
  it('finds a person re-added by hand after their grant ended and removes them when the admin enabled it', async () => {
    const built = await world(true);
    const grantId = await built.activeGrant('una@example.com');
    await revokeGrant(built, approver, { grantId, rationale: 'left the team' });
    await settle(built);
    built.directory.membersOf('g-1').add('u-una');
    await reconcile(built);
    expect(await built.store.get('grant', grantId)).toMatchObject({ drift: { kind: 'unexpected_member' } });
    expect(built.directory.isMember('g-1', 'u-una')).toBe(false);
    expect((await listUnmanagedMembers(built, 'chatgpt'))?.members).toEqual([]);
  });

  it('finds many people put back at once (more checks than one commit may write)', async () => {
    const built = await world(true);
    const emails = Array.from({ length: 30 }, (_, index) => `p${index}@example.com`);
    const grants: string[] = [];
    for (const email of emails) grants.push(await built.activeGrant(email));
    for (const grantId of grants) await revokeGrant(built, approver, { grantId, rationale: 'project over' });
    await settle(built);
    for (const email of emails) built.directory.membersOf('g-1').add(`u-${email.split('@')[0]}`);
    await reconcile(built);
    expect(built.directory.membersOf('g-1').size).toBe(0);
    for (const grantId of grants) expect(await built.store.get('grant', grantId)).toMatchObject({ drift: { kind: 'unexpected_member' } });
  });

  it('reports members no grant explains, across pages, without removing them, and notes when they leave', async () => {
    const built = await world(true);
    await built.activeGrant('una@example.com');
    for (const email of ['x1@example.com', 'x2@example.com', 'x3@example.com']) built.directory.membersOf('g-1').add(built.directory.addUser(email));
    await reconcile(built);
    const firstSeen = built.clock.now();
    const report = await listUnmanagedMembers(built, 'chatgpt');
    expect(report).toMatchObject({ toolId: 'chatgpt', connectorId: 'dir', groupId: 'g-1', truncated: 0 });
    expect(report?.members.map((member) => [member.email, member.firstSeenAt])).toEqual([
      ['x1@example.com', firstSeen],
      ['x2@example.com', firstSeen],
      ['x3@example.com', firstSeen],
    ]);
    expect(built.directory.membersOf('g-1').size).toBe(4);
    expect(built.directory.log.filter((entry) => entry.op === 'list')).toHaveLength(2);

    built.directory.membersOf('g-1').delete([...built.directory.users.values()].find((user) => user.email === 'x2@example.com')!.id);
    await reconcile(built);
    expect((await listUnmanagedMembers(built, 'chatgpt'))?.members.map((member) => [member.email, member.firstSeenAt])).toEqual([
      ['x1@example.com', firstSeen],
      ['x3@example.com', firstSeen],
    ]);
    const events = (await built.store.query('audit', 'bySeq', { partition: [], limit: 100, direction: 'desc' })).items.map((event) => event.type);
    expect(events).toEqual(expect.arrayContaining(['drift.unmanaged_members_found', 'drift.unmanaged_members_gone']));
  });

  it('leaves members with live grants alone, reconciles once per interval, and never lists a manual tool', async () => {
    const built = await world(true);
    const grantId = await built.activeGrant('una@example.com');
    built.clock.advance(DAY_MS);
    expect(await scheduleDriftChecks(built)).toMatchObject({ queued: 2 });
    expect(await scheduleDriftChecks(built)).toMatchObject({ queued: 0 });
    await settle(built);
    expect(await built.store.get('grant', grantId)).toMatchObject({ status: 'active' });
    expect((await built.store.get('grant', grantId))?.drift).toBeUndefined();
    expect((await listUnmanagedMembers(built, 'chatgpt'))?.members).toEqual([]);
    expect(await listUnmanagedMembers(built, 'desk-tool')).toBeUndefined();
    expect(built.directory.isMember('g-1', 'u-una')).toBe(true);
  });
});
