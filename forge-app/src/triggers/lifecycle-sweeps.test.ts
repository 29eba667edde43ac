import { DAY_MS, EXCEPTION_LAPSED, MINUTE_MS, updateGovernance } from '@clearway/core';
import { describe, expect, it } from 'vitest';
import { ADMIN, freshScenario, scenarioRules } from '../test-support/scenario';
import { makeLifecycleSweeps, MIN_SWEEP_GAP_MS } from './lifecycle-sweeps';

function commentCount(site: { issues: Map<string, { comments: unknown[] }> }): number {
  return [...site.issues.values()].reduce((sum, issue) => sum + issue.comments.length, 0);
}

describe('the lifecycle sweeps trigger', () => {
  it('expires overdue grants and asks for their deprovisioning; the same run delivered twice changes nothing', async () => {
    const { world, scenario } = await freshScenario();
    world.clock.advance(31 * DAY_MS);
    const sweeps = makeLifecycleSweeps(() => world.app);

    const first = await sweeps();
    // All three live grants are past their end: the active one, the one waiting for a person, the failed one.
    expect(first).toMatchObject({ report: { expiredGrants: 3 }, fulfillmentRequested: true });
    const grant = await world.app.deps.store.get('grant', scenario.activeGrantId);
    expect(grant).toMatchObject({ status: 'expired', deprovision: 'pending' });
    expect(world.forge.queues.take()).toEqual([expect.objectContaining({ body: expect.objectContaining({ kind: 'run-fulfillment' }) })]);
    const after = world.forge.kvs.snapshot();
    const comments = commentCount(world.forge.jira);

    world.clock.advance(2 * MINUTE_MS);
    expect(await sweeps()).toEqual({ skipped: 'already ran' });
    expect(world.forge.kvs.snapshot()).toBe(after);
    expect(commentCount(world.forge.jira)).toBe(comments);
    expect(world.forge.queues.pushed).toEqual([]);
  });

  it('opens one recertification issue per grant, however often it runs', async () => {
    const { world } = await freshScenario();
    world.clock.advance(20 * DAY_MS);
    const sweeps = makeLifecycleSweeps(() => world.app);
    const issuesBefore = world.forge.jira.issues.size;
    expect(await sweeps()).toMatchObject({ report: { recertificationsOpened: 1 } });
    const opened = [...world.forge.jira.issues.values()].filter((issue) => issue.issueTypeId === '10005');
    expect(opened).toHaveLength(1);
    expect(opened[0]?.summary).toContain('Review access: ChatGPT Enterprise');

    expect(await sweeps()).toEqual({ skipped: 'already ran' });
    world.clock.advance(MIN_SWEEP_GAP_MS);
    expect(await sweeps()).toMatchObject({ report: { recertificationsOpened: 0 } });
    expect(world.forge.jira.issues.size).toBe(issuesBefore + 1);
  });

  it('asks for a fulfillment run when a missed review ends an exception, so the person leaves the group', async () => {
    const { world, scenario } = await freshScenario();
    // No drift checks due: the lapsed exception is the only work the run queues.
    await updateGovernance(world.app.deps, ADMIN, { rules: scenarioRules({ drift: { checkIntervalDays: 90, deprovisionUnexpected: false, restoreMissing: false } }) });
    // Its review was due after 7 days; 3 more without one and it lapses.
    world.clock.advance(10 * DAY_MS + MINUTE_MS);
    const outcome = await makeLifecycleSweeps(() => world.app)();
    expect(outcome).toMatchObject({ report: { exceptionsLapsed: 1, expiredGrants: 0, driftChecksQueued: 0 }, fulfillmentRequested: true });
    expect(await world.app.deps.store.get('grant', scenario.exceptionGrantId)).toMatchObject({ status: 'revoked', endReason: EXCEPTION_LAPSED, deprovision: 'pending' });
    expect(world.forge.queues.take()).toEqual([expect.objectContaining({ body: expect.objectContaining({ kind: 'run-fulfillment' }) })]);
  });

  it('stops starting sweeps when the invocation is nearly out of time', async () => {
    const { world } = await freshScenario();
    world.remainingMs = 12_000;
    const outcome = await makeLifecycleSweeps(() => world.app)();
    expect(outcome).toMatchObject({ report: { deferred: ['expiry', 'recertification', 'exceptions', 'escalation', 'stale requests', 'drift', 'retention', 'insights'] } });
  });
});
