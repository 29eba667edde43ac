import { describe, expect, it } from 'vitest';
import { decide } from '../decisions/decide.js';
import { approver } from '../test-support/harness.js';
import { STATUSES, makeWorkWorld } from '../test-support/work-world.js';
import { reconcileWorkIssue } from './reconcile.js';

const holdingFor = async (world: Awaited<ReturnType<typeof makeWorkWorld>>, accountId: string) =>
  (await world.store.query('grant', 'byRequester', { partition: [accountId], limit: 50 })).items.filter((grant) => ['pending_provision', 'active'].includes(grant.status));

describe('work-linked access decided by an approver, once per issue', () => {
  it('asks once; the approval starts access now and again whenever the issue is live, for whoever it names', async () => {
    const world = await makeWorkWorld({ approval: 'approver' });
    world.issues.set({ id: '101', status: STATUSES.progress, assigneeAccountId: 'oncall-1' });
    expect(await reconcileWorkIssue(world, '101')).toMatchObject({ awaiting: 1, started: 0 });
    expect(await reconcileWorkIssue(world, '101')).toMatchObject({ awaiting: 0, unchanged: 1 });
    const pending = (await world.store.query('request', 'byStatus', { partition: ['pending'], limit: 10 })).items;
    expect(pending).toHaveLength(1);
    expect(pending[0]).toMatchObject({ issueKey: 'INC-101', requesterAccountId: 'oncall-1', work: { kind: 'approval', issueId: '101' } });
    expect(await holdingFor(world, 'oncall-1')).toEqual([]);

    const decided = await decide(world, approver, { requestId: pending[0]!.id, outcome: 'approved', rationale: 'sev-1 incident' });
    expect(decided.grant).toBeUndefined();
    // The decision applies at once (the issue is read and its link starts), and the incident gets an internal note, no transition.
    expect(await holdingFor(world, 'oncall-1')).toHaveLength(1);
    expect(world.jira.transitions).toEqual([]);
    expect(world.jira.internalNotes.map((note) => note.text).join('\n')).toContain('was approved by approver-1');

    world.issues.set({ id: '101', assigneeAccountId: 'oncall-2' });
    expect(await reconcileWorkIssue(world, '101')).toMatchObject({ started: 1, ended: 1, awaiting: 0 });
    expect((await world.store.query('request', 'byStatus', { partition: ['pending'], limit: 10 })).items).toEqual([]);
  });

  it('a denial is for the issue: nobody gets the tool for it', async () => {
    const world = await makeWorkWorld({ approval: 'approver' });
    world.issues.set({ id: '101', status: STATUSES.progress, assigneeAccountId: 'oncall-1' });
    await reconcileWorkIssue(world, '101');
    const [pending] = (await world.store.query('request', 'byStatus', { partition: ['pending'], limit: 10 })).items;
    await decide(world, approver, { requestId: pending!.id, outcome: 'denied', rationale: 'not for this kind of incident' });
    expect(await world.store.get('workLink', `wl:${world.policy.id}:101:oncall-1`)).toMatchObject({ state: 'ended', endReason: 'denied' });
    world.issues.set({ id: '101', assigneeAccountId: 'oncall-2' });
    await reconcileWorkIssue(world, '101');
    expect(await holdingFor(world, 'oncall-2')).toEqual([]);
  });

  it('refuses a duration or an exception on a work-linked decision, and the subject deciding their own', async () => {
    const world = await makeWorkWorld({ approval: 'approver' });
    world.issues.set({ id: '101', status: STATUSES.progress, assigneeAccountId: 'oncall-1' });
    await reconcileWorkIssue(world, '101');
    const [pending] = (await world.store.query('request', 'byStatus', { partition: ['pending'], limit: 10 })).items;
    await expect(decide(world, approver, { requestId: pending!.id, outcome: 'approved', rationale: 'ok then', durationDays: 3 })).rejects.toThrow(/no exception or duration/);
    await expect(decide(world, { accountId: 'oncall-1', isAdmin: true }, { requestId: pending!.id, outcome: 'approved', rationale: 'me me' })).rejects.toMatchObject({ code: 'self_approval' });
  });
});
