import { DAY_MS, MINUTE_MS } from '@clearway/core';
import { describe, expect, it } from 'vitest';
import { freshScenario } from '../test-support/scenario';
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

  it('stops starting sweeps when the invocation is nearly out of time', async () => {
    const { world } = await freshScenario();
    world.remainingMs = 12_000;
    const outcome = await makeLifecycleSweeps(() => world.app)();
    expect(outcome).toMatchObject({ report: { deferred: ['expiry', 'recertification', 'escalation', 'stale requests', 'drift', 'retention', 'insights'] } });
  });
});
