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

  it('gives concurrent saves distinct versions', async () => {
    const deps = await makeDeps();
    const saved = await Promise.all([updateGovernance(deps, admin, { rules: testRules() }), updateGovernance(deps, admin, { rules: testRules({ reviewWindowDays: 3 }) })]);
    expect(saved.map((version) => version.policyVersion).sort()).toEqual([1, 2]);
  });
});
