import { NotFoundError } from '@clearway/connector-sdk';
import { describe, expect, it } from 'vitest';
import { revokeGrant } from '../grants/grant-service.js';
import { updateGovernance } from '../governance/governance-service.js';
import { DAY_MS, HOUR_MS } from '../ports/clock.js';
import { put } from '../ports/store.js';
import { admin, approver, testRules } from '../test-support/harness.js';
import { makeEngineWorld, type EngineWorld } from '../test-support/engine-world.js';
import { expireDueGrants } from './expiry.js';
import { applyRetention } from './retention.js';

const far = (world: EngineWorld) => world.clock.now() + HOUR_MS;

/** The directory renames the user: the email the request named no longer finds them. */
function rename(world: EngineWorld, userId: string, email: string) {
  const user = world.directory.users.get(userId)!;
  world.directory.users.set(userId, { ...user, email });
}

describe('retention of cached identities', () => {
  it('keeps the identity of a live grant past retention, so its removal still finds the user after a rename', async () => {
    const world = await makeEngineWorld();
    await updateGovernance(world, admin, { rules: testRules({ retentionDays: 30 }) });
    const grantId = await world.activeGrant();
    await world.store.commit([put('grant', { ...(await world.store.get('grant', grantId))!, expiresAt: world.clock.now() + 170 * DAY_MS })]);
    world.clock.advance(45 * DAY_MS);
    expect(await applyRetention(world)).toMatchObject({ identitiesPruned: 0, identitiesKept: 1 });
    expect(await world.store.get('identity', 'dir:acc-una')).toMatchObject({ externalId: 'u-una', lastUsedAt: world.clock.now() });

    rename(world, 'u-una', 'una.renamed@example.com');
    await revokeGrant(world, approver, { grantId, rationale: 'left the project' });
    await world.engine().runDueJobs({ deadline: far(world) });
    expect(await world.store.get('grant', grantId)).toMatchObject({ status: 'revoked', deprovision: 'done' });
    expect(world.directory.isMember('g-1', 'u-una')).toBe(false);
  });

  it('keeps an ended grant’s identity while its removal is owed, and prunes it once removal is done', async () => {
    const world = await makeEngineWorld();
    await updateGovernance(world, admin, { rules: testRules({ retentionDays: 30 }) });
    const grantId = await world.activeGrant();
    world.clock.advance(31 * DAY_MS);
    await expireDueGrants(world);
    world.directory.failNext('remove', new NotFoundError('The group is gone.', { code: 'group_not_found' }));
    await world.engine().runDueJobs({ deadline: far(world) });
    expect(await world.store.get('grant', grantId)).toMatchObject({ status: 'expired', deprovision: 'failed' });
    world.clock.advance(31 * DAY_MS);
    expect(await applyRetention(world)).toMatchObject({ identitiesPruned: 0, identitiesKept: 1 });

    await world.store.commit([put('grant', { ...(await world.store.get('grant', grantId))!, deprovision: 'done' })]);
    world.clock.advance(31 * DAY_MS);
    expect(await applyRetention(world)).toMatchObject({ identitiesPruned: 1 });
    expect(await world.store.get('identity', 'dir:acc-una')).toBeUndefined();
  });

  it('prunes cached identities of finished grants past retention but keeps explicit mappings', async () => {
    const world = await makeEngineWorld();
    await world.activeGrant();
    await world.store.commit([put('identity', { id: 'dir:acc-mapped', version: 0, connectorId: 'dir', accountId: 'acc-mapped', source: 'mapping', mappedExternalId: 'x', updatedAt: 0, lastUsedAt: 0 })]);
    world.clock.advance(31 * DAY_MS);
    await expireDueGrants(world);
    await world.engine().runDueJobs({ deadline: far(world) });
    world.clock.advance(366 * DAY_MS);
    expect(await applyRetention(world)).toMatchObject({ identitiesPruned: 1 });
    expect(await world.store.get('identity', 'dir:acc-una')).toBeUndefined();
    expect(await world.store.get('identity', 'dir:acc-mapped')).toBeDefined();
  });
});
