import { describe, expect, it } from 'vitest';
import { decide } from '../decisions/decide.js';
import { DAY_MS } from '../ports/clock.js';
import { submitRequest } from '../requests/submit-request.js';
import { approver, makeWorld, requestInput, requester, snapshot } from '../test-support/harness.js';
import { activateGrant, expireGrant, extendGrant, failGrantProvisioning, listMyGrants, retryGrantProvisioning, revokeGrant } from './grant-service.js';

async function approvedGrant(world: Awaited<ReturnType<typeof makeWorld>>) {
  const { request } = await submitRequest(world, requester, requestInput());
  const { grant } = await decide(world, approver, { requestId: request.id, outcome: 'approved', rationale: 'needed' });
  return grant!;
}

/** A grant that was active and expired a day ago. */
async function expiredGrant(world: Awaited<ReturnType<typeof makeWorld>>) {
  const grant = await approvedGrant(world);
  await activateGrant(world, grant.id, { by: 'e', via: 'provider', outcome: 'applied' });
  world.clock.advance(31 * DAY_MS);
  await expireGrant(world, grant.id);
  return grant;
}

describe('grants', () => {
  it('becomes active only by explicit activation, and its expiry counts from then', async () => {
    const world = await makeWorld();
    const grant = await approvedGrant(world);
    world.clock.advance(2 * DAY_MS);
    const active = await activateGrant(world, grant.id, { by: 'clearway:engine', via: 'provider', outcome: 'applied' });
    expect(active).toMatchObject({ status: 'active', activatedAt: world.clock.at, expiresAt: world.clock.at + 30 * DAY_MS });
    await expect(activateGrant(world, grant.id, { by: 'x', via: 'provider', outcome: 'applied' })).rejects.toMatchObject({ code: 'invalid_transition' });
  });

  it('records a terminal provisioning failure and lets an approver retry', async () => {
    const world = await makeWorld();
    const grant = await approvedGrant(world);
    const failed = await failGrantProvisioning(world, grant.id, { name: 'NotFoundError', kind: 'not_found', code: 'not_found', retryable: false, message: 'No such user' });
    expect(failed).toMatchObject({ status: 'provision_failed', failure: { kind: 'not_found', at: world.clock.at } });
    await expect(retryGrantProvisioning(world, requester, grant.id)).rejects.toMatchObject({ code: 'self_extension' });
    const retried = await retryGrantProvisioning(world, approver, grant.id);
    expect(retried.status).toBe('pending_provision');
    expect(retried.failure).toBeUndefined();
  });

  it('extends within 180 days of the start, never by the requester', async () => {
    const world = await makeWorld();
    const grant = await approvedGrant(world);
    const active = await activateGrant(world, grant.id, { by: 'e', via: 'provider', outcome: 'applied' });
    const before = snapshot(world.store);
    await expect(extendGrant(world, requester, { grantId: grant.id, days: 10, rationale: 'more time' })).rejects.toMatchObject({ code: 'self_extension' });
    await expect(extendGrant(world, approver, { grantId: grant.id, days: 151, rationale: 'more time' })).rejects.toMatchObject({
      code: 'extension_out_of_bounds',
      details: { allowedDays: 150 },
    });
    expect(snapshot(world.store)).toBe(before);
    const extended = await extendGrant(world, approver, { grantId: grant.id, days: 150, rationale: 'project extended' });
    expect(extended.expiresAt).toBe(active.activatedAt! + 180 * DAY_MS);
    expect(extended.extensions).toEqual([expect.objectContaining({ extendedBy: 'approver-1', previousExpiresAt: active.expiresAt, newExpiresAt: extended.expiresAt })]);
    await expect(extendGrant(world, approver, { grantId: grant.id, days: 1, rationale: 'one more day' })).rejects.toMatchObject({ code: 'extension_out_of_bounds' });
  });

  it('expires overdue grants, releasing the tool for a new request', async () => {
    const world = await makeWorld();
    const grant = await approvedGrant(world);
    await activateGrant(world, grant.id, { by: 'e', via: 'provider', outcome: 'applied' });
    expect(await expireGrant(world, grant.id)).toBeUndefined();
    world.clock.advance(31 * DAY_MS);
    expect(await expireGrant(world, grant.id)).toMatchObject({ status: 'expired', deprovision: 'pending', endReason: 'expired' });
    await expect(submitRequest(world, requester, requestInput({ issueKey: 'AIR-2' }))).resolves.toMatchObject({ request: { status: 'pending' } });
  });

  it('ends a grant that was never set up as never_provisioned, labelled as such, never as "expired" access', async () => {
    const world = await makeWorld();
    const grant = await approvedGrant(world);
    expect((await listMyGrants(world, requester)).items[0]).toMatchObject({ status: 'pending_provision', expiryLabel: 'waiting for access to be set up', expiringSoon: false });
    world.clock.advance(29 * DAY_MS);
    // A day before its provisional end, it is still not "expiring soon": there is no access to lose.
    expect((await listMyGrants(world, requester)).items[0]).toMatchObject({ expiringSoon: false });
    world.clock.advance(2 * DAY_MS);
    expect(await expireGrant(world, grant.id)).toMatchObject({ status: 'expired', endReason: 'never_provisioned' });
    expect((await listMyGrants(world, requester)).items[0]).toMatchObject({ expiryLabel: 'ended before access was set up' });
  });

  it('extends an expired grant within the 7-day grace window by provisioning it again', async () => {
    const world = await makeWorld();
    const grant = await expiredGrant(world);
    world.clock.advance(6 * DAY_MS);
    const reopened = await extendGrant(world, approver, { grantId: grant.id, days: 14, rationale: 'late renewal' });
    expect(reopened).toMatchObject({ status: 'pending_provision', expiresAt: world.clock.at + 14 * DAY_MS });
    await expect(submitRequest(world, requester, requestInput({ issueKey: 'AIR-2' }))).rejects.toMatchObject({ code: 'duplicate_request' });
  });

  it('refuses to extend an expired grant after the grace window, or when a new request holds the tool', async () => {
    const world = await makeWorld();
    const grant = await expiredGrant(world);
    await submitRequest(world, requester, requestInput({ issueKey: 'AIR-2' }));
    await expect(extendGrant(world, approver, { grantId: grant.id, days: 5, rationale: 'renewal' })).rejects.toMatchObject({ code: 'version_conflict' });
    world.clock.advance(8 * DAY_MS);
    await expect(extendGrant(world, approver, { grantId: grant.id, days: 5, rationale: 'renewal' })).rejects.toMatchObject({ code: 'extension_out_of_bounds', message: /more than 7 days ago/ });
  });

  it('revokes: approvers, or the requester giving up their own access; others are refused', async () => {
    const world = await makeWorld();
    const grant = await approvedGrant(world);
    await activateGrant(world, grant.id, { by: 'e', via: 'provider', outcome: 'applied' });
    await expect(revokeGrant(world, { accountId: 'stranger' }, { grantId: grant.id, rationale: 'not needed' })).rejects.toMatchObject({ code: 'forbidden' });
    await expect(revokeGrant(world, approver, { grantId: grant.id, rationale: ' ' })).rejects.toMatchObject({ code: 'validation_failed' });
    const revoked = await revokeGrant(world, requester, { grantId: grant.id, rationale: 'project finished' });
    expect(revoked).toMatchObject({ status: 'revoked', deprovision: 'pending', endedBy: 'user-1', endReason: 'project finished' });
    await expect(revokeGrant(world, approver, { grantId: grant.id, rationale: 'again' })).rejects.toMatchObject({ code: 'invalid_transition' });
    await expect(extendGrant(world, approver, { grantId: grant.id, days: 5, rationale: 'renewal' })).rejects.toMatchObject({ code: 'invalid_transition' });
  });

  it('lists My Access with expiry labels', async () => {
    const world = await makeWorld();
    const grant = await approvedGrant(world);
    await activateGrant(world, grant.id, { by: 'e', via: 'provider', outcome: 'applied' });
    world.clock.advance(25 * DAY_MS);
    const { items } = await listMyGrants(world, requester);
    expect(items).toEqual([expect.objectContaining({ id: grant.id, expiryLabel: '5 days remaining', expiringSoon: true })]);
  });
});
