import { describe, expect, it } from 'vitest';
import { BoundsError } from '../errors.js';
import { openRecertifications } from '../lifecycle/recertification.js';
import { expireDueGrants } from '../lifecycle/expiry.js';
import { DAY_MS, HOUR_MS } from '../ports/clock.js';
import { approver } from '../test-support/harness.js';
import { makeEngineWorld, type EngineWorld } from '../test-support/engine-world.js';
import { extendGrant } from './grant-service.js';

const far = (world: EngineWorld) => world.clock.now() + HOUR_MS;
const settle = (world: EngineWorld) => world.engine().runDueJobs({ deadline: far(world) });

/** A 30-day grant (the test tool's default), activated through the scripted directory. */
async function activeGrant(world: EngineWorld) {
  return (await world.store.get('grant', await world.activeGrant()))!;
}

describe('extensions end where the approver said', () => {
  it('an expired grant reopened within its grace ends at the extension time plus the days granted, not a fresh full term', async () => {
    const world = await makeEngineWorld();
    const granted = await activeGrant(world);
    world.clock.advance(31 * DAY_MS);
    await expireDueGrants(world);
    await settle(world);
    const extendedAt = world.clock.now();
    await extendGrant(world, approver, { grantId: granted.id, days: 5, rationale: 'one more week of the pilot' });
    world.clock.advance(HOUR_MS);
    await settle(world);
    const reopened = (await world.store.get('grant', granted.id))!;
    expect(reopened).toMatchObject({ status: 'active', activatedAt: granted.activatedAt, expiresAt: extendedAt + 5 * DAY_MS });
    expect(world.directory.isMember('g-1', 'u-una')).toBe(true);
  });

  it('a reopened grant keeps its first start, so the 180-day cap still counts from it', async () => {
    const world = await makeEngineWorld();
    const granted = await activeGrant(world);
    world.clock.advance(31 * DAY_MS);
    await expireDueGrants(world);
    await settle(world);
    await extendGrant(world, approver, { grantId: granted.id, days: 7, rationale: 'reopened' });
    await settle(world);
    const reopened = (await world.store.get('grant', granted.id))!;
    const allowed = Math.floor((granted.activatedAt! + 180 * DAY_MS - reopened.expiresAt) / DAY_MS);
    await expect(extendGrant(world, approver, { grantId: granted.id, days: allowed + 1, rationale: 'longer' })).rejects.toBeInstanceOf(BoundsError);
    await expect(extendGrant(world, approver, { grantId: granted.id, days: allowed, rationale: 'as long as allowed' })).resolves.toMatchObject({ expiresAt: reopened.expiresAt + allowed * DAY_MS });
  });

  it('days added while the grant was still being provisioned count on top of the term that starts at activation', async () => {
    const world = await makeEngineWorld();
    world.directory.addUser('una@example.com');
    const grantId = await world.approve('una@example.com');
    await extendGrant(world, approver, { grantId, days: 5, rationale: 'project runs longer' });
    world.clock.advance(2 * HOUR_MS);
    const activatedAt = world.clock.now();
    await settle(world);
    expect(await world.store.get('grant', grantId)).toMatchObject({ status: 'active', activatedAt, expiresAt: activatedAt + 35 * DAY_MS });
  });
});

describe('every term is reviewed', () => {
  it('an extension after the review opened settles that review, and the new term gets its own before its new end', async () => {
    const world = await makeEngineWorld();
    const granted = await activeGrant(world);
    world.clock.advance(17 * DAY_MS);
    expect(await openRecertifications(world)).toEqual({ opened: 1 });
    const [first] = world.jira.issues;
    await extendGrant(world, approver, { grantId: granted.id, days: 30, rationale: 'still needed' });
    expect(world.jira.internalNotes).toContainEqual({ issueKey: first!.key, text: expect.stringMatching(/extended until .*This review is settled/) });
    expect((await world.store.get('grant', granted.id))?.recertification).toBeUndefined();
    expect(await openRecertifications(world)).toEqual({ opened: 0 });
    world.clock.advance(29 * DAY_MS);
    expect(await openRecertifications(world)).toEqual({ opened: 1 });
    const newEnd = new Date(granted.expiresAt + 30 * DAY_MS).toISOString().slice(0, 10);
    expect(world.jira.issues[1]?.summary).toContain(`(expires ${newEnd})`);
    expect(await openRecertifications(world)).toEqual({ opened: 0 });
  });

  it('a grant extended while its review issue is being created is not marked reviewed for the new term', async () => {
    const world = await makeEngineWorld();
    const granted = await activeGrant(world);
    world.clock.advance(17 * DAY_MS);
    const createIssue = world.jira.createIssue.bind(world.jira);
    world.jira.createIssue = async (input) => {
      await extendGrant(world, approver, { grantId: granted.id, days: 30, rationale: 'decided meanwhile' });
      return createIssue(input);
    };
    await openRecertifications(world);
    world.jira.createIssue = createIssue;
    expect((await world.store.get('grant', granted.id))?.recertification).toBeUndefined();
    expect(world.jira.internalNotes.at(-1)).toMatchObject({ issueKey: world.jira.issues[0]!.key, text: expect.stringMatching(/changed while the review was being opened/) });
    world.clock.advance(30 * DAY_MS);
    expect(await openRecertifications(world)).toEqual({ opened: 1 });
  });
});
