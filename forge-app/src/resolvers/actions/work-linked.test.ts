/**
 * The Work-linked access resolvers through the real resolver definitions over the fake platform,
 * with the app's own WorkIssues adapter reading the OPS project of `test-support/work-site.ts`
 * (Jira's documented "Get all statuses for project", enhanced JQL search and "Get issue"
 * answers): the policies in force with their labels, add and edit, the refusals at the edge and
 * core's, enable / disable, the preview, the status picker, and the issues a grant lives by.
 */
import { currentWorkPolicies, listAuditEvents, reconcileWorkIssue, saveTool, saveWorkPolicy, type WorkPolicyInput } from '@clearway/core';
import { describe, expect, it } from 'vitest';
import type { AppWorld } from '../../test-support/app-world';
import { WORK_POLICY } from '../../test-support/resolver-cases';
import { ADMIN, freshScenario, PEOPLE, tool } from '../../test-support/scenario';
import { installWorkSite, RESPONDERS_FIELD } from '../../test-support/work-site';

const admin = { accountId: PEOPLE.admin };

const searches = (world: AppWorld) => world.forge.jira.requests.filter((request) => request.path.startsWith('/rest/api/3/search/jql'));

async function withPolicy(input: WorkPolicyInput = WORK_POLICY) {
  const { world, scenario } = await freshScenario();
  const site = installWorkSite(world);
  const policy = await saveWorkPolicy(world.app.deps, ADMIN, input);
  return { world, scenario, site, policy };
}

describe('workLinked.policies and workLinked.save', () => {
  it('adds a policy and lists the policies in force with their labels in words; an edit is a new version', async () => {
    const { world } = await freshScenario();
    installWorkSite(world);
    expect(await world.invoke('adminPage', 'workLinked.policies', {}, admin)).toEqual({ ok: true, data: { policyVersion: 0, createdAt: 0, createdBy: 'clearway:defaults', policies: [] } });

    const input = { name: 'Incident responders', projectKey: 'OPS', issueTypeIds: ['10004'], statusIds: ['10001'], statusNames: { '10001': 'Investigating' }, categoryKeys: ['indeterminate'], subject: { kind: 'field', fieldId: RESPONDERS_FIELD, fieldName: 'Responders' }, toolId: 'claude', maxDurationHours: 36, approval: 'approver' };
    const added = await world.invoke('adminPage', 'workLinked.save', input, admin);
    if (!added.ok) throw new Error(added.error.message);
    expect(added.data).toEqual({
      id: expect.stringMatching(/^wlp_/),
      name: 'Incident responders',
      enabled: true,
      projectKey: 'OPS',
      issueTypeIds: ['10004'],
      // Named by Jira's project (GET /rest/api/3/project/OPS): ids decide, names are for people.
      issueTypesLabel: 'Incident',
      statusIds: ['10001'],
      categoryKeys: ['indeterminate'],
      statusNames: { '10001': 'Investigating' },
      liveStatusesLabel: 'Investigating, any In Progress status',
      subject: { kind: 'field', fieldId: RESPONDERS_FIELD, fieldName: 'Responders' },
      subjectLabel: 'the users in Responders',
      toolId: 'claude',
      toolName: 'Claude',
      maxDurationHours: 36,
      approval: 'approver',
    });

    const edited = await world.invoke('adminPage', 'workLinked.save', { ...input, id: added.data.id, issueTypeIds: [], subject: { kind: 'assignee' }, toolId: 'gemini', approval: 'automatic' }, admin);
    expect(edited).toMatchObject({ ok: true, data: { id: added.data.id, issueTypesLabel: 'Every issue type', subjectLabel: 'the assignee', toolName: 'Gemini', approval: 'automatic' } });
    const listed = await world.invoke('adminPage', 'workLinked.policies', {}, admin);
    expect(listed).toMatchObject({ ok: true, data: { policyVersion: 2, createdBy: PEOPLE.admin, policies: [{ id: added.data.id, toolName: 'Gemini' }] } });
    const events = await listAuditEvents(world.app.deps, { limit: 2 });
    expect(events.items.map((event) => [event.type, event.actor])).toEqual([
      ['work.policy_saved', PEOPLE.admin],
      ['work.policy_saved', PEOPLE.admin],
    ]);
  });

  it('names issue types by id when Jira cannot list the project’s types, instead of failing the list', async () => {
    const { world } = await withPolicy({ ...WORK_POLICY, issueTypeIds: ['10004'] });
    world.forge.jira.issueTypes.delete('OPS');
    expect(await world.invoke('adminPage', 'workLinked.policies', {}, admin)).toMatchObject({ ok: true, data: { policies: [{ issueTypesLabel: 'issue type 10004' }] } });
  });

  it('refuses a policy live in Done, one with no live status, and a tool the catalog does not have or blocks, naming the field and saving nothing', async () => {
    const { world } = await freshScenario();
    installWorkSite(world);
    await saveTool(world.app.deps, ADMIN, tool('grok', 'Grok', { status: 'blocked' }));
    const before = world.forge.kvs.snapshot();
    const refusal = async (payload: unknown) => {
      const answer = await world.invoke('adminPage', 'workLinked.save', payload, admin);
      return answer.ok ? 'saved' : { code: answer.error.code, issues: answer.error.issues?.map((issue) => [issue.path, issue.message]) };
    };
    expect(await refusal({ ...WORK_POLICY, categoryKeys: ['indeterminate', 'done'] })).toEqual({ code: 'validation_failed', issues: [['categoryKeys', 'Done is where work ends: access cannot be live in it']] });
    expect(await refusal({ ...WORK_POLICY, categoryKeys: [] })).toEqual({ code: 'validation_failed', issues: [['statusIds', 'name at least one live status or status category']] });
    expect(await refusal({ ...WORK_POLICY, subject: { kind: 'field', fieldId: 'Responders' } })).toEqual({ code: 'validation_failed', issues: [['subject.fieldId', 'a user-picker field id such as customfield_10050']] });
    expect(await refusal({ ...WORK_POLICY, maxDurationHours: 24 * 91 })).toMatchObject({ code: 'validation_failed', issues: [['maxDurationHours', expect.any(String)]] });
    // Past the edge, core judges the tool against the catalog.
    expect(await refusal({ ...WORK_POLICY, toolId: 'midjourney' })).toEqual({ code: 'validation_failed', issues: [['toolId', 'not in the catalog']] });
    expect(await refusal({ ...WORK_POLICY, toolId: 'grok' })).toEqual({ code: 'validation_failed', issues: [['toolId', 'blocked in the catalog']] });
    expect(world.forge.kvs.snapshot()).toBe(before);
    expect((await currentWorkPolicies(world.app.deps.store)).policyVersion).toBe(0);
  });

  it('answers not_found for an edit of a policy that does not exist', async () => {
    const { world } = await withPolicy();
    expect(await world.invoke('adminPage', 'workLinked.save', { ...WORK_POLICY, id: 'wlp-gone' }, admin)).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });
});

describe('only Jira admins change, enable and preview policies', () => {
  it.each(['approver', 'requester', 'securityReviewer'] as const)('refuses the %s: save, setEnabled and preview are forbidden, nothing is stored and Jira is not searched', async (role) => {
    const { world, policy } = await withPolicy();
    const before = world.forge.kvs.snapshot();
    const as = { accountId: PEOPLE[role] };
    for (const [key, payload] of [
      ['workLinked.save', { ...WORK_POLICY, name: 'Taken over' }],
      ['workLinked.setEnabled', { policyId: policy.id, enabled: false }],
      ['workLinked.preview', WORK_POLICY],
      ['workLinked.projectStatuses', { projectKey: 'OPS' }],
    ] as const) {
      expect(await world.invoke('adminPage', key, payload, as)).toEqual({ ok: false, error: { code: 'forbidden', message: 'Only Jira admins can do this.' } });
    }
    expect(world.forge.kvs.snapshot()).toBe(before);
    expect(searches(world)).toEqual([]);
    expect((await currentWorkPolicies(world.app.deps.store)).policies[0]).toMatchObject({ name: 'Incident responders', enabled: true });
  });
});

describe('workLinked.setEnabled', () => {
  it('disables and enables a policy, each a new version recorded on the audit chain', async () => {
    const { world, policy } = await withPolicy();
    expect(await world.invoke('adminPage', 'workLinked.setEnabled', { policyId: policy.id, enabled: false }, admin)).toMatchObject({ ok: true, data: { id: policy.id, enabled: false, toolName: 'Claude' } });
    expect(await currentWorkPolicies(world.app.deps.store)).toMatchObject({ policyVersion: 2, policies: [{ enabled: false }] });
    expect(await world.invoke('adminPage', 'workLinked.setEnabled', { policyId: policy.id, enabled: true }, admin)).toMatchObject({ ok: true, data: { enabled: true } });
    const events = await listAuditEvents(world.app.deps, { limit: 2 });
    expect(events.items.map((event) => event.type)).toEqual(['work.policy_enabled', 'work.policy_disabled']);
    expect(await world.invoke('adminPage', 'workLinked.setEnabled', { policyId: 'wlp-gone', enabled: false }, admin)).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });
});

describe('workLinked.preview', () => {
  it('searches Jira for the draft’s live issues and says, per issue, whom it would grant now; nothing is saved', async () => {
    const { world } = await freshScenario();
    installWorkSite(world);
    const before = world.forge.kvs.snapshot();
    const answer = await world.invoke('adminPage', 'workLinked.preview', WORK_POLICY, admin);
    expect(answer).toEqual({
      ok: true,
      data: {
        items: [
          { issueKey: 'OPS-1', issueId: '20001', statusName: 'Investigating', accountIds: [PEOPLE.stranger], outcome: 'grant' },
          { issueKey: 'OPS-3', issueId: '20003', statusName: 'Work in progress', accountIds: [], outcome: 'none', reason: 'no one is the assignee' },
        ],
        more: false,
      },
    });
    // The adapter's JQL: the project, the In Progress category (id 4), unresolved, in id order.
    expect(searches(world).map((request) => (request.body as { jql: string }).jql)).toEqual(['project = "OPS" AND (statusCategory in (4)) AND resolution is EMPTY ORDER BY id ASC']);
    expect((await currentWorkPolicies(world.app.deps.store)).policyVersion).toBe(0);
    // Only the preview's rate-limit window was written.
    expect(world.forge.kvs.snapshot()).not.toBe(before);
  });

  it('says an approver would be asked under approval once per issue, and reads a user-picker field', async () => {
    const { world } = await freshScenario();
    installWorkSite(world);
    const answer = await world.invoke('adminPage', 'workLinked.preview', { ...WORK_POLICY, statusIds: ['10001'], categoryKeys: [], subject: { kind: 'field', fieldId: RESPONDERS_FIELD }, approval: 'approver' }, admin);
    expect(answer).toEqual({ ok: true, data: { items: [{ issueKey: 'OPS-1', issueId: '20001', statusName: 'Investigating', accountIds: [PEOPLE.stranger, PEOPLE.approver], outcome: 'ask' }], more: false } });
    expect(searches(world)[0]?.body).toMatchObject({ fields: expect.arrayContaining([RESPONDERS_FIELD]) });
  });

  it('turns Jira’s refusal of a project it does not have into a problem with the project key', async () => {
    const { world } = await freshScenario();
    installWorkSite(world);
    expect(await world.invoke('adminPage', 'workLinked.preview', { ...WORK_POLICY, projectKey: 'NOPE' }, admin)).toEqual({
      ok: false,
      error: {
        code: 'validation_failed',
        message: 'The input is not valid: projectKey: Jira refused to search NOPE: check that the project, its issue types and the statuses exist.',
        issues: [{ path: 'projectKey', message: 'Jira refused to search NOPE: check that the project, its issue types and the statuses exist' }],
      },
    });
  });

  it('previews ten times a minute per admin: the eleventh is refused without a search', async () => {
    const { world } = await freshScenario();
    installWorkSite(world);
    for (let call = 0; call < 10; call += 1) expect(await world.invoke('adminPage', 'workLinked.preview', WORK_POLICY, admin)).toMatchObject({ ok: true });
    expect(await world.invoke('adminPage', 'workLinked.preview', WORK_POLICY, admin)).toMatchObject({ ok: false, error: { code: 'rate_limited', retryAfterMs: expect.any(Number) } });
    expect(searches(world)).toHaveLength(10);
    world.clock.advance(60_000);
    expect(await world.invoke('adminPage', 'workLinked.preview', WORK_POLICY, admin)).toMatchObject({ ok: true });
  });
});

describe('workLinked.projectStatuses', () => {
  it('lists the project’s workflow statuses once each, with their categories', async () => {
    const { world } = await freshScenario();
    installWorkSite(world);
    expect(await world.invoke('adminPage', 'workLinked.projectStatuses', { projectKey: 'OPS' }, admin)).toEqual({
      ok: true,
      data: [
        { id: '10000', name: 'Open', categoryKey: 'new' },
        { id: '10001', name: 'Investigating', categoryKey: 'indeterminate' },
        { id: '10002', name: 'Work in progress', categoryKey: 'indeterminate' },
        { id: '10003', name: 'Resolved', categoryKey: 'done' },
      ],
    });
  });

  it('says Jira has no such project (a problem with the key, not an outage), and refuses a malformed key before asking', async () => {
    const { world } = await freshScenario();
    installWorkSite(world);
    expect(await world.invoke('adminPage', 'workLinked.projectStatuses', { projectKey: 'NOPE' }, admin)).toMatchObject({
      ok: false,
      error: { code: 'validation_failed', issues: [{ path: 'projectKey', message: 'Jira has no project NOPE that Clearway can see' }] },
    });
    expect(await world.invoke('adminPage', 'workLinked.projectStatuses', { projectKey: 'ops/../x' }, admin)).toMatchObject({ ok: false, error: { code: 'validation_failed', issues: [{ path: 'projectKey' }] } });
    expect(world.forge.jira.requests.filter((request) => request.path.includes('/statuses')).map((request) => request.path)).toEqual(['/rest/api/3/project/NOPE/statuses']);
  });
});

describe('workLinked.grantLinks', () => {
  it('lists the issues a work-linked grant lives by, with the policy’s name and when each ends at the latest', async () => {
    const { world, site, policy } = await withPolicy();
    await reconcileWorkIssue(world.app.workDeps, 'OPS-1');
    const grant = (await world.app.deps.store.query('grant', 'byRequester', { partition: [PEOPLE.stranger], limit: 5 })).items[0];
    expect(grant?.work?.links.map((link) => link.issueKey)).toEqual(['OPS-1']);
    const answer = await world.invoke('adminPage', 'workLinked.grantLinks', { grantId: grant?.id }, admin);
    expect(answer).toEqual({
      ok: true,
      data: {
        items: [
          {
            id: `wl:${policy.id}:20001:${PEOPLE.stranger}`,
            issueKey: 'OPS-1',
            projectKey: 'OPS',
            accountId: PEOPLE.stranger,
            policyId: policy.id,
            policyName: 'Incident responders',
            policyVersion: 1,
            state: 'live',
            startedAt: world.clock.now(),
            deadline: world.clock.now() + 72 * 60 * 60 * 1000,
          },
        ],
      },
    });

    // OPS-1 is resolved: the link ends, and says why.
    const ops1 = site.find('OPS-1');
    if (!ops1) throw new Error('the site has no OPS-1');
    Object.assign(ops1, { statusId: '10003', resolved: true });
    world.clock.advance(60_000);
    await reconcileWorkIssue(world.app.workDeps, 'OPS-1');
    expect(await world.invoke('adminPage', 'workLinked.grantLinks', { grantId: grant?.id }, admin)).toMatchObject({
      ok: true,
      data: { items: [{ issueKey: 'OPS-1', state: 'ended', endedAt: world.clock.now(), endReason: 'resolved', endReasonText: 'the issue was resolved' }] },
    });
  });

  it('answers an empty list for a grant with no links', async () => {
    const { world, scenario } = await freshScenario();
    expect(await world.invoke('adminPage', 'workLinked.grantLinks', { grantId: scenario.activeGrantId }, admin)).toEqual({ ok: true, data: { items: [] } });
  });
});
