import { DAY_MS, EXCEPTION_LAPSED, MINUTE_MS, saveWorkPolicy, updateGovernance, type WorkIssue } from '@clearway/core';
import { describe, expect, it, vi } from 'vitest';
import { ADMIN, freshScenario, PEOPLE, scenarioRules } from '../test-support/scenario';
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
    expect(outcome).toMatchObject({ report: { deferred: ['work-linked', 'expiry', 'recertification', 'exceptions', 'escalation', 'stale requests', 'drift', 'retention', 'insights'] } });
  });

  it('runs work-linked access first: starts what Jira shows live and ends what lost events left behind, then asks for fulfillment', async () => {
    const { world } = await freshScenario();
    world.forge.jira.addIssue({ key: 'OPS-7', id: '20007', reporterAccountId: PEOPLE.customer, serviceDeskId: '2' });
    await saveWorkPolicy(world.app.deps, ADMIN, { name: 'On-call incidents', projectKey: 'OPS', categoryKeys: ['indeterminate'], subject: { kind: 'assignee' }, toolId: 'gemini', maxDurationHours: 24 });
    // Jira as it is now, with no event ever delivered: OPS-7 is in progress, assigned to the stranger.
    const issue: WorkIssue = { id: '20007', key: 'OPS-7', projectKey: 'OPS', issueTypeId: '10004', status: { id: '3', name: 'In Progress', categoryKey: 'indeterminate' }, resolved: false, assigneeAccountId: PEOPLE.stranger, userFields: {} };
    let current: WorkIssue = issue;
    const live = (candidate: WorkIssue) => !candidate.resolved && candidate.status.categoryKey === 'indeterminate';
    vi.spyOn(world.app.workDeps.issues, 'search').mockImplementation(async (query) => ({ issues: query.kind === 'live' ? [current].filter(live) : [current].filter((candidate) => query.issueIds.includes(candidate.id)) }));
    vi.spyOn(world.app.workDeps.issues, 'read').mockImplementation(async () => current);
    const sweeps = makeLifecycleSweeps(() => world.app);

    expect(await sweeps()).toMatchObject({ report: { workLinked: { started: 1, ended: 0 } }, fulfillmentRequested: true });
    const held = await world.app.deps.store.query('grant', 'byRequester', { partition: [PEOPLE.stranger], limit: 10 });
    expect(held.items).toEqual([expect.objectContaining({ toolId: 'gemini', status: 'pending_provision', work: expect.objectContaining({ links: [expect.objectContaining({ issueKey: 'OPS-7' })] }) })]);
    world.forge.queues.take();

    // Resolved in Jira; the event was lost. The next hourly run ends the access.
    current = { ...issue, status: { id: '5', name: 'Resolved', categoryKey: 'done' }, resolved: true };
    world.clock.advance(MIN_SWEEP_GAP_MS);
    expect(await sweeps()).toMatchObject({ report: { workLinked: { started: 0, ended: 1 } }, fulfillmentRequested: true });
    expect(await world.app.deps.store.get('grant', held.items[0]!.id)).toMatchObject({ status: 'revoked', deprovision: 'pending' });
    expect(world.forge.queues.take()).toEqual([expect.objectContaining({ body: expect.objectContaining({ kind: 'run-fulfillment' }) })]);
  });
});
