import { describe, expect, it } from 'vitest';
import { updateGovernance } from '../governance/governance-service.js';
import { DAY_MS, HOUR_MS } from '../ports/clock.js';
import { put } from '../ports/store.js';
import { submitRequest } from '../requests/submit-request.js';
import { admin, requestInput, testRules } from '../test-support/harness.js';
import { makeEngineWorld, type EngineWorld } from '../test-support/engine-world.js';
import { escalateOverdueApprovals, expireStaleRequests } from './approvals.js';
import { scheduleDriftChecks } from './drift.js';
import { expireDueGrants } from './expiry.js';
import { readInsights, refreshInsights } from './insights.js';
import { openRecertifications } from './recertification.js';
import { runLifecycleSweeps } from './sweeps.js';

const far = (world: EngineWorld) => world.clock.now() + HOUR_MS;

describe('lifecycle sweeps', () => {
  it('expires overdue grants and deprovisions them through the provider', async () => {
    const world = await makeEngineWorld();
    const grantId = await world.activeGrant();
    const userId = 'u-una';
    expect(await expireDueGrants(world)).toEqual({ expired: 0 });
    world.clock.advance(30 * DAY_MS + 1);
    expect(await expireDueGrants(world)).toEqual({ expired: 1 });
    expect(await expireDueGrants(world)).toEqual({ expired: 0 });
    expect(await world.store.get('grant', grantId)).toMatchObject({ status: 'expired', deprovision: 'pending' });
    await world.engine().runDueJobs({ deadline: far(world) });
    expect(await world.store.get('grant', grantId)).toMatchObject({ status: 'expired', deprovision: 'done' });
    expect(world.directory.isMember('g-1', userId)).toBe(false);
  });

  it('opens one recertification issue per grant entering the review window', async () => {
    const world = await makeEngineWorld();
    const grantId = await world.activeGrant();
    expect(await openRecertifications(world)).toEqual({ opened: 0 });
    world.clock.advance(17 * DAY_MS);
    expect(await openRecertifications(world)).toEqual({ opened: 1 });
    expect(await openRecertifications(world)).toEqual({ opened: 0 });
    expect(world.jira.issues).toEqual([expect.objectContaining({ projectKey: 'AIR', issueTypeId: '10005', summary: expect.stringMatching(/^Review access: ChatGPT Enterprise for acc-una/) })]);
    expect((await world.store.get('grant', grantId))?.recertification).toMatchObject({ state: 'opened', issueKey: 'AIR-900' });
  });

  it('leaves a recertification for the next sweep when Jira refuses, and skips it without a review issue type', async () => {
    const world = await makeEngineWorld();
    const grantId = await world.activeGrant();
    world.clock.advance(17 * DAY_MS);
    world.jira.failing = true;
    expect(await openRecertifications(world)).toEqual({ opened: 0 });
    expect((await world.store.get('grant', grantId))?.recertification).toBeUndefined();
    world.jira.failing = false;
    expect(await openRecertifications(world)).toEqual({ opened: 1 });

    const other = await makeEngineWorld();
    await updateGovernance(other, admin, { rules: testRules({ intake: { projectKey: 'AIR', portalId: '1', requestTypeIds: ['10'] } }) });
    expect(await openRecertifications(other)).toMatchObject({ opened: 0, skipped: expect.stringMatching(/review issue type/) });
  });

  it('escalates a pending request past its SLA once, and expires requests left pending too long', async () => {
    const world = await makeEngineWorld();
    const { request } = await submitRequest(world, { accountId: 'acc-una' }, requestInput({ issueKey: 'AIR-5' }));
    world.clock.advance(47 * HOUR_MS);
    expect(await escalateOverdueApprovals(world)).toEqual({ escalated: 0 });
    world.clock.advance(2 * HOUR_MS);
    expect(await escalateOverdueApprovals(world)).toEqual({ escalated: 1 });
    expect(await escalateOverdueApprovals(world)).toEqual({ escalated: 0 });
    expect(world.jira.comments.at(-1)?.text).toMatch(/waited more than 48 hours/);
    world.clock.advance(29 * DAY_MS);
    expect(await expireStaleRequests(world)).toEqual({ expired: 1 });
    expect(await world.store.get('request', request.id)).toMatchObject({ status: 'expired' });
    await expect(submitRequest(world, { accountId: 'acc-una' }, requestInput({ issueKey: 'AIR-6' }))).resolves.toMatchObject({ request: { status: 'pending' } });
  });

  it('checks active grants for drift and records a member removed out of band', async () => {
    const world = await makeEngineWorld();
    const grantId = await world.activeGrant();
    world.directory.membersOf('g-1').delete('u-una');
    expect(await scheduleDriftChecks(world)).toMatchObject({ visited: 0 });
    world.clock.advance(7 * DAY_MS);
    // A week after activation: the grant's check, and the week's reconciliation of its group.
    expect(await scheduleDriftChecks(world)).toEqual({ queued: 2, visited: 1 });
    await world.engine().runDueJobs({ deadline: far(world) });
    expect(await world.store.get('grant', grantId)).toMatchObject({ drift: { kind: 'missing_member' }, lastCheckedAt: world.clock.now() });
    // Checked now: not due again within the interval, so not even read.
    expect(await scheduleDriftChecks(world)).toEqual({ queued: 0, visited: 0 });
  });

  it('removes a member the group kept after the grant ended, when the admin enabled it', async () => {
    const world = await makeEngineWorld();
    await updateGovernance(world, admin, { rules: testRules({ drift: { checkIntervalDays: 7, deprovisionUnexpected: true, restoreMissing: false } }) });
    const grantId = await world.activeGrant();
    world.clock.advance(31 * DAY_MS);
    await expireDueGrants(world);
    await world.engine().runDueJobs({ deadline: far(world) });
    world.directory.membersOf('g-1').add('u-una');
    const grant = (await world.store.get('grant', grantId))!;
    await world.store.commit([put('job', { id: 'job:check:manual', version: 0, type: 'check', grantId, connectorId: 'dir', toolId: 'chatgpt', status: 'queued', idempotencyKey: 'job:check:manual', attempts: 0, wakeAt: world.clock.now(), createdAt: world.clock.now(), updatedAt: world.clock.now() })]);
    await world.engine().runDueJobs({ deadline: far(world) });
    expect(await world.store.get('grant', grant.id)).toMatchObject({ drift: { kind: 'unexpected_member' } });
    expect(world.directory.isMember('g-1', 'u-una')).toBe(false);
  });

  it('rolls up daily insights', async () => {
    const world = await makeEngineWorld();
    await world.activeGrant();
    await world.approve('ghost@example.com');
    await world.engine().runDueJobs({ deadline: far(world) });
    const insights = await refreshInsights(world);
    expect(insights).toMatchObject({
      requestsByStatus: { approved: 2 },
      activeGrantsByTool: { chatgpt: 1 },
      activeGrantsByRisk: { medium: 1 },
      timeToActiveMs: { count: 1 },
      failuresByKind: { not_found: 1 },
    });
    expect(await readInsights(world, insights.day)).toEqual(insights);
  });

  it('runs every sweep in one pass and defers what the deadline leaves no time for', async () => {
    const world = await makeEngineWorld();
    await world.activeGrant();
    world.clock.advance(31 * DAY_MS);
    const report = await runLifecycleSweeps(world, { deadline: far(world) });
    expect(report).toMatchObject({ expiredGrants: 1, deferred: [] });
    const today = new Date(world.clock.now()).toISOString().slice(0, 10);
    expect(report.insightsRefreshed).toEqual([today]);
    expect(await readInsights(world, today)).toMatchObject({ activeGrantsByTool: {} });
    world.clock.advance(DAY_MS);
    const tomorrow = new Date(world.clock.now()).toISOString().slice(0, 10);
    expect((await runLifecycleSweeps(world, { deadline: far(world) })).insightsRefreshed).toEqual([today, tomorrow]);
    const rushed = await runLifecycleSweeps(world, { deadline: world.clock.now() + 1_000 });
    expect(rushed.deferred).toEqual(['expiry', 'recertification', 'exceptions', 'escalation', 'stale requests', 'drift', 'retention', 'insights']);
  });
});
