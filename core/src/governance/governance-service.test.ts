import { describe, expect, it } from 'vitest';
import { admin, approver, makeDeps, snapshot, testRules } from '../test-support/harness.js';
import { currentGovernance } from './current.js';
import { listGovernanceVersions, updateGovernance } from './governance-service.js';

describe('governance', () => {
  it('starts from the defaults as version 0 and saves each change as the next version', async () => {
    const deps = await makeDeps();
    expect((await currentGovernance(deps.store)).policyVersion).toBe(0);
    const first = await updateGovernance(deps, admin, { rules: testRules() });
    const second = await updateGovernance(deps, admin, { rules: testRules({ reviewWindowDays: 7 }), note: 'shorter review' });
    expect([first.policyVersion, second.policyVersion]).toEqual([1, 2]);
    expect((await currentGovernance(deps.store)).rules.reviewWindowDays).toBe(7);
    const history = await listGovernanceVersions(deps);
    expect(history.items.map((version) => version.policyVersion)).toEqual([2, 1]);
    const [event] = (await deps.store.query('audit', 'bySeq', { partition: [], direction: 'desc', limit: 1 })).items;
    expect(event).toMatchObject({ type: 'governance.updated', policyVersion: 2, data: { fromVersion: 1, toVersion: 2, changed: ['reviewWindowDays'] } });
  });

  it('refuses invalid rules and non-admins, changing nothing', async () => {
    const deps = await makeDeps();
    const before = snapshot(deps.store);
    await expect(updateGovernance(deps, admin, { rules: { ...testRules(), reviewWindowDays: 0 } })).rejects.toMatchObject({ code: 'validation_failed', message: /reviewWindowDays/ });
    await expect(updateGovernance(deps, admin, { rules: { ...testRules(), intake: { projectKey: 'lower', requestTypeIds: [] } } })).rejects.toMatchObject({ code: 'validation_failed' });
    await expect(updateGovernance(deps, approver, { rules: testRules() })).rejects.toMatchObject({ code: 'forbidden' });
    expect(snapshot(deps.store)).toBe(before);
  });

  it('refuses project keys, dates and scopes no one could mean (issue 16, item 13), changing nothing', async () => {
    const deps = await makeDeps();
    const before = snapshot(deps.store);
    const approvers = testRules().approvers;
    for (const key of ['constructor', '', 'air', '../../x', 'toString']) {
      const byProject = Object.fromEntries([[key, ['stranger-1']]]);
      await expect(updateGovernance(deps, admin, { rules: { ...testRules(), approvers: { ...approvers, byProject } } })).rejects.toMatchObject({ code: 'validation_failed' });
    }
    await expect(updateGovernance(deps, admin, { rules: { ...testRules(), approvers: { ...approvers, delegations: [{ from: 'a-1', to: 'b-1', until: 9e15 }] } } })).rejects.toMatchObject({ code: 'validation_failed', message: /before 2100/ });
    const autoApproval = [{ id: 'x', name: 'x', scope: { projectKeys: ['../../x'], toolIds: [] }, autoApprove: true, allowedGroups: [] }];
    await expect(updateGovernance(deps, admin, { rules: { ...testRules(), autoApproval } })).rejects.toMatchObject({ code: 'validation_failed' });
    expect(snapshot(deps.store)).toBe(before);
    await expect(updateGovernance(deps, admin, { rules: { ...testRules(), approvers: { ...approvers, byProject: { AIR: ['lead-1'], OPS_2: ['lead-2'] } } } })).resolves.toMatchObject({ policyVersion: 1 });
  });

  it('refuses accounts the Jira site does not know, or that cannot approve, naming each (issue 16, item 13), changing nothing', async () => {
    const deps = await makeDeps();
    deps.jira.directory.set('stranger-1', undefined);
    deps.jira.directory.set('left-1', { accountType: 'atlassian', active: false });
    deps.jira.directory.set('bot-1', { accountType: 'app', active: true });
    deps.jira.directory.set('customer-1', { accountType: 'customer', active: true });
    const before = snapshot(deps.store);
    const approvers = testRules().approvers;
    const until = Date.UTC(2030, 0, 1);
    const placements = [
      { approvers: { ...approvers, default: ['approver-1', 'stranger-1'] }, path: 'approvers.default.1' },
      { approvers: { ...approvers, byProject: { AIR: ['stranger-1'] } }, path: 'approvers.byProject.AIR.0' },
      { approvers: { ...approvers, securityReviewers: ['stranger-1'] }, path: 'approvers.securityReviewers.0' },
      { approvers: { ...approvers, delegations: [{ from: 'approver-1', to: 'stranger-1', until }] }, path: 'approvers.delegations.0.to' },
      { approvers: { ...approvers, delegations: [{ from: 'stranger-1', to: 'approver-1', until }] }, path: 'approvers.delegations.0.from' },
    ];
    for (const { approvers: named, path } of placements) {
      const refusal = updateGovernance(deps, admin, { rules: { ...testRules(), approvers: named } });
      await expect(refusal).rejects.toMatchObject({ code: 'validation_failed', message: /stranger-1 \(no account with this id exists/, details: { issues: [{ path, message: expect.stringContaining('stranger-1') }] } });
    }
    const escalation = { ...testRules().escalation, escalateTo: ['stranger-1'] };
    await expect(updateGovernance(deps, admin, { rules: { ...testRules(), escalation } })).rejects.toMatchObject({ code: 'validation_failed', message: /stranger-1/ });
    const unfit = updateGovernance(deps, admin, { rules: { ...testRules(), approvers: { ...approvers, default: ['left-1', 'bot-1', 'customer-1'] } } });
    await expect(unfit).rejects.toMatchObject({ code: 'validation_failed', message: /left-1 \(this account is deactivated\); bot-1 \(this account is an app, not a person\); customer-1 \(this account is a portal customer/ });
    expect(snapshot(deps.store)).toBe(before);
    expect(await updateGovernance(deps, admin, { rules: testRules() })).toMatchObject({ policyVersion: 1 });
  });

  it('saves nothing unchecked when the Jira directory cannot be asked', async () => {
    const deps = await makeDeps();
    const before = snapshot(deps.store);
    deps.jira.failing = true;
    await expect(updateGovernance(deps, admin, { rules: testRules() })).rejects.toThrow('Jira is unavailable');
    expect(snapshot(deps.store)).toBe(before);
    // Rules that name nobody need no lookup.
    await expect(updateGovernance(deps, admin, { rules: { ...testRules(), approvers: { ...testRules().approvers, default: [], securityReviewers: [] } } })).resolves.toMatchObject({ policyVersion: 1 });
  });

  it('gives concurrent saves distinct versions', async () => {
    const deps = await makeDeps();
    const saved = await Promise.all([updateGovernance(deps, admin, { rules: testRules() }), updateGovernance(deps, admin, { rules: testRules({ reviewWindowDays: 3 }) })]);
    expect(saved.map((version) => version.policyVersion).sort()).toEqual([1, 2]);
  });
});
