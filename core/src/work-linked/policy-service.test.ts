import { describe, expect, it } from 'vitest';
import { saveTool } from '../catalog/catalog-service.js';
import { admin, approver, chatgpt, snapshot } from '../test-support/harness.js';
import { STATUSES, incidentPolicy, makeWorkWorld } from '../test-support/work-world.js';
import { currentWorkPolicies, saveWorkPolicy, setWorkPolicyEnabled, workLinkedProjects } from './policy-service.js';
import { previewWorkPolicy } from './preview.js';
import { reconcileWorkIssue } from './reconcile.js';
import { sweepWorkLinked } from './sweep.js';

describe('work-linked access policies: versioned, admin-only, checked', () => {
  it('each save is a new version, audited; edits keep the id', async () => {
    const world = await makeWorkWorld();
    expect((await currentWorkPolicies(world.store)).policyVersion).toBe(1);
    const edited = await saveWorkPolicy(world, admin, { ...incidentPolicy({ maxDurationHours: 4 }), id: world.policy.id });
    expect(edited).toMatchObject({ id: world.policy.id, maxDurationHours: 4 });
    const current = await currentWorkPolicies(world.store);
    expect(current.policyVersion).toBe(2);
    expect(current.policies).toHaveLength(1);
    const audit = await world.store.query('audit', 'bySeq', { partition: [], direction: 'desc', limit: 1 });
    expect(audit.items[0]).toMatchObject({ type: 'work.policy_saved', data: { policyId: world.policy.id, added: false, fromVersion: 1, toVersion: 2 } });
    expect(await workLinkedProjects(world.store)).toEqual(['INC']);
  });

  it.each([
    ['a non-admin', approver, incidentPolicy(), /Only Jira admins/],
    ['no live status', admin, incidentPolicy({ statusIds: [], categoryKeys: [] }), /statusIds: name at least one live status/],
    ['the Done category', admin, incidentPolicy({ categoryKeys: ['done'] }), /Done is where work ends/],
    ['a tool the catalog lacks', admin, incidentPolicy({ toolId: 'nope' }), /the catalog has no tool nope/],
    ['a field that is not a user field id', admin, incidentPolicy({ subject: { kind: 'field', fieldId: 'assignee; DROP' } }), /customfield_10050/],
    ['a maximum past 90 days', admin, incidentPolicy({ maxDurationHours: 90 * 24 + 1 }), /maxDurationHours/],
    ['a project key that is not one', admin, incidentPolicy({ projectKey: 'inc" OR 1=1' }), /projectKey/],
  ])('refuses %s with a typed error and saves nothing', async (_case, actor, input, message) => {
    const world = await makeWorkWorld();
    const before = snapshot(world.store);
    await expect(saveWorkPolicy(world, actor, input)).rejects.toThrow(message);
    expect(snapshot(world.store)).toBe(before);
  });

  it('refuses a denied tool', async () => {
    const world = await makeWorkWorld();
    await saveTool(world, admin, { ...chatgpt, id: 'old', name: 'Old bot', status: 'denied' });
    await expect(saveWorkPolicy(world, admin, incidentPolicy({ toolId: 'old' }))).rejects.toMatchObject({ code: 'validation_failed' });
  });

  it('disabling a policy stops its projects being watched, and the sweep ends its links', async () => {
    const world = await makeWorkWorld();
    world.issues.set({ id: '101', status: STATUSES.progress, assigneeAccountId: 'oncall-1' });
    await reconcileWorkIssue(world, '101');
    await setWorkPolicyEnabled(world, admin, { policyId: world.policy.id, enabled: false });
    expect(await workLinkedProjects(world.store)).toEqual([]);
    const report = await sweepWorkLinked(world);
    expect(report).toMatchObject({ ended: 1, started: 0 });
    const link = await world.store.get('workLink', `wl:${world.policy.id}:101:oncall-1`);
    expect(link).toMatchObject({ state: 'ended', endReason: 'policy_disabled' });
    await expect(setWorkPolicyEnabled(world, approver, { policyId: world.policy.id, enabled: true })).rejects.toThrow(/Only Jira admins/);
  });

  it('the preview lists the live issues a draft would grant for, changing nothing', async () => {
    const world = await makeWorkWorld();
    world.issues.set({ id: '101', status: STATUSES.progress, assigneeAccountId: 'oncall-1' });
    world.issues.set({ id: '102', status: STATUSES.investigating });
    world.issues.set({ id: '103', status: STATUSES.open, assigneeAccountId: 'oncall-3' });
    world.issues.set({ id: '104', status: STATUSES.progress, resolved: true, assigneeAccountId: 'oncall-4' });
    const before = snapshot(world.store);
    const preview = await previewWorkPolicy(world, admin, incidentPolicy({ approval: 'approver' }));
    expect(preview.items).toEqual([
      expect.objectContaining({ issueKey: 'INC-101', statusName: 'In Progress', accountIds: ['oncall-1'], outcome: 'ask' }),
      expect.objectContaining({ issueKey: 'INC-102', accountIds: [], outcome: 'none', reason: 'no one is the assignee' }),
    ]);
    expect(preview.more).toBe(false);
    expect(snapshot(world.store)).toBe(before);
    await expect(previewWorkPolicy(world, approver, incidentPolicy())).rejects.toThrow(/Only Jira admins/);
  });
});
