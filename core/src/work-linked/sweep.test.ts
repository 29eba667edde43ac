import { describe, expect, it } from 'vitest';
import { activateGrant } from '../grants/grant-service.js';
import { runLifecycleSweeps } from '../lifecycle/sweeps.js';
import { HOUR_MS } from '../ports/clock.js';
import { STATUSES, makeWorkWorld } from '../test-support/work-world.js';
import { reconcileWorkIssue } from './reconcile.js';
import { sweepWorkLinked } from './sweep.js';

const holders = async (world: Awaited<ReturnType<typeof makeWorkWorld>>) =>
  (await world.store.query('grant', 'byStatus', { partition: ['pending_provision'], limit: 100 })).items.map((grant) => grant.requesterAccountId).sort();

describe('the work-linked sweep: drift between Jira and the links, fixed', () => {
  it('starts access for live issues whose events were lost, and ends it for issues that changed or vanished unseen', async () => {
    const world = await makeWorkWorld();
    world.issues.set({ id: '101', status: STATUSES.progress, assigneeAccountId: 'a' });
    world.issues.set({ id: '102', status: STATUSES.progress, assigneeAccountId: 'b' });
    world.issues.set({ id: '103', status: STATUSES.progress, assigneeAccountId: 'c' });
    await reconcileWorkIssue(world, '102');
    await reconcileWorkIssue(world, '103');
    // No event for 101 arrived; 102 was resolved and 103 deleted without events reaching Clearway.
    world.issues.set({ id: '102', status: STATUSES.resolved, resolved: true });
    world.issues.delete('103');
    const report = await sweepWorkLinked(world);
    expect(report).toMatchObject({ started: 1, ended: 2, deferred: false });
    expect(await holders(world)).toEqual(['a']);
    expect(await world.store.get('workLink', `wl:${world.policy.id}:103:c`)).toMatchObject({ state: 'ended', endReason: 'deleted' });
    // A second sweep finds nothing to fix.
    expect(await sweepWorkLinked(world)).toMatchObject({ started: 0, ended: 0 });
  });

  it('pages through every live issue (JQL pages of 100) and reads vanished ones in batches, not one by one', async () => {
    const world = await makeWorkWorld();
    for (let n = 1; n <= 230; n += 1) world.issues.set({ id: String(1000 + n), status: STATUSES.progress, assigneeAccountId: `u${n}` });
    expect(await sweepWorkLinked(world)).toMatchObject({ issuesChecked: 230, started: 230 });
    const searches = world.issues.searches;
    for (let n = 1; n <= 230; n += 1) world.issues.set({ id: String(1000 + n), status: STATUSES.open });
    expect(await sweepWorkLinked(world)).toMatchObject({ ended: 230 });
    // One empty live page, then 230 unseen issues read in 3 batches.
    expect(world.issues.searches - searches).toBe(4);
    expect(world.issues.reads).toBe(0);
  });

  it('queues a membership check for live work grants not checked within the hour, once per hour', async () => {
    const world = await makeWorkWorld();
    world.issues.set({ id: '101', status: STATUSES.progress, assigneeAccountId: 'a' });
    await reconcileWorkIssue(world, '101');
    const [grant] = (await world.store.query('grant', 'byRequester', { partition: ['a'], limit: 5 })).items;
    await activateGrant(world, grant!.id, { by: 'clearway:engine', via: 'provider', outcome: 'applied' });
    expect((await sweepWorkLinked(world)).checksQueued).toBe(0);
    world.clock.advance(HOUR_MS + 1);
    expect((await sweepWorkLinked(world)).checksQueued).toBe(1);
    expect((await sweepWorkLinked(world)).checksQueued).toBe(0);
    const jobs = await world.store.query('job', 'byGrant', { partition: [grant!.id], limit: 10 });
    expect(jobs.items.filter((job) => job.type === 'check')).toHaveLength(1);
  });

  it('stops at its deadline and says so; the lifecycle sweeps run it first and report it', async () => {
    const world = await makeWorkWorld();
    world.issues.set({ id: '101', status: STATUSES.progress, assigneeAccountId: 'a' });
    expect(await sweepWorkLinked(world, { deadline: world.clock.now() })).toMatchObject({ deferred: true, issuesChecked: 0 });
    const report = await runLifecycleSweeps(world, { deadline: world.clock.now() + 60_000 });
    expect(report.workLinked).toEqual({ issuesChecked: 1, started: 1, ended: 0 });
    const { issues: _issues, ...withoutIssues } = world;
    expect((await runLifecycleSweeps(withoutIssues, { deadline: world.clock.now() + 60_000 })).workLinked).toBeUndefined();
  });
});
