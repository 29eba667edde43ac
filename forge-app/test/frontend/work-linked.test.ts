/**
 * Work-linked access through the fake bridge, against the real resolvers over the scenario
 * installation and the OPS project of `test-support/work-site.ts` (the app's own WorkIssues
 * adapter reading Jira's documented answers): the admin's Work-linked access tab (the policies
 * table, the form with its checks, the status picker and the preview, disable / enable), and the
 * grants lists showing the issues a work-linked grant lives by.
 */
import { completeManualTask, currentWorkPolicies, listManualTasks, reconcileWorkIssue, saveTool, saveWorkPolicy } from '@clearway/core';
import { describe, expect, it } from 'vitest';
import { AdminPage } from '../../src/frontend/admin/admin-page-app';
import { GlobalPage } from '../../src/frontend/global/global-page-app';
import type { AppWorld } from '../../src/test-support/app-world';
import { WORK_POLICY } from '../../src/test-support/resolver-cases';
import { ADMIN, APPROVER, freshScenario, PEOPLE, tool } from '../../src/test-support/scenario';
import { installWorkSite, RESPONDERS_FIELD } from '../../src/test-support/work-site';
import { mount, textOf, type ForgeNode, type Screen } from './harness';

const rowTexts = (screen: Screen, table: ForgeNode) => screen.rows(table).map((cells) => cells.map(textOf));

async function openWorkTab(world: AppWorld): Promise<Screen> {
  const screen = await mount(AdminPage, { surface: 'adminPage', world, accountId: PEOPLE.admin });
  await screen.openTab('Work-linked access');
  return screen;
}

const optionValues = (node: ForgeNode) => (node.props.options as Array<{ value: string }>).map((option) => option.value);

describe('admin page: Work-linked access', () => {
  it('lists the policies in force, each with its project, issue types, live statuses, subject, tool, maximum, approval and state', async () => {
    const { world } = await freshScenario();
    installWorkSite(world);
    await saveWorkPolicy(world.app.deps, ADMIN, { ...WORK_POLICY, issueTypeIds: ['10004'], statusIds: ['10001'], statusNames: { '10001': 'Investigating' } });
    await saveWorkPolicy(world.app.deps, ADMIN, { ...WORK_POLICY, name: 'Task owners', subject: { kind: 'field', fieldId: RESPONDERS_FIELD, fieldName: 'Responders' }, toolId: 'gemini', maxDurationHours: 30, approval: 'approver', enabled: false });
    const screen = await openWorkTab(world);
    const table = await screen.waitFor(() => screen.maybeTestId('work-policies'));
    expect(screen.text()).toContain('In force: version 2');
    expect(rowTexts(screen, table).map((cells) => cells.slice(0, 9))).toEqual([
      ['Incident responders', 'OPS', 'Incident', 'Investigating, any In Progress status', 'the assignee', 'Claude', '3 days', 'automatic', 'enabled'],
      ['Task owners', 'OPS', 'Every issue type', 'any In Progress status', 'the users in Responders', 'Gemini', '1 day 6 hours', 'approver, once per issue', 'disabled'],
    ]);
    expect(screen.all((node) => node.type === 'Button', screen.row(table, 'Task owners')).map(textOf)).toEqual(['Edit', 'Enable']);
  });

  it('adds a policy: the form says what is missing, picks live statuses from the project, previews the issues that would grant now, and saves', async () => {
    const { world } = await freshScenario();
    installWorkSite(world);
    const screen = await openWorkTab(world);
    await screen.waitForText('No work-linked access policies yet');
    await screen.click(screen.button('Add policy'));
    const form = screen.form('work-policy-form');

    // Nothing typed: every missing field says so, and nothing is sent.
    await screen.submit(form);
    await screen.waitForText('Give the policy a name of at least 3 characters.');
    expect(screen.text()).toContain('Enter a Jira project key such as OPS: capital letters, digits or _.');
    expect(screen.text()).toContain('Choose the tool the policy grants.');
    await screen.check(screen.field('workCategory-indeterminate'), false);
    await screen.submit(form);
    await screen.waitForText('Pick at least one live status, or a status category.');
    expect(screen.invoked('workLinked.save')).toEqual([]);

    await screen.type(screen.field('workName'), 'Incident responders');
    await screen.type(screen.field('workProject'), 'ops');
    expect(screen.field('workProject').props.value).toBe('OPS');
    // The project's statuses, read from Jira once the key settles; Done-category statuses are not offered.
    await screen.waitFor(() => optionValues(screen.field('workStatuses')).length > 0);
    expect(screen.field('workStatuses').props.options).toEqual([
      { label: 'Open (To Do)', value: '10000' },
      { label: 'Investigating (In Progress)', value: '10001' },
      { label: 'Work in progress (In Progress)', value: '10002' },
    ]);
    expect(optionValues(screen.field('workIssueTypes'))).toEqual(['10004', '10006']);
    await screen.choose(screen.field('workStatuses'), ['10001', '10002']);
    await screen.choose(screen.field('workIssueTypes'), ['10004']);
    await screen.waitFor(() => optionValues(screen.field('workTool')).length > 0);
    // Only approved tools can be granted.
    expect(optionValues(screen.field('workTool')).sort()).toEqual(['chatgpt', 'claude', 'copilot', 'gemini']);
    await screen.choose(screen.field('workTool'), 'claude');
    await screen.type(screen.field('workMaxHours'), '3000');
    await screen.waitForText('Enter a whole number from 1 to 2160.');
    await screen.type(screen.field('workMaxHours'), '36');
    await screen.call(screen.field('workSubject'), 'onChange', { target: { value: 'field', type: 'radio' } });
    await screen.type(screen.field('workFieldId'), 'Responders');
    await screen.submit(form);
    await screen.waitForText("Enter the user-picker field's id, such as customfield_10050.");
    expect(screen.invoked('workLinked.save')).toEqual([]);
    await screen.type(screen.field('workFieldId'), RESPONDERS_FIELD);
    await screen.type(screen.field('workFieldName'), 'Responders');

    // The preview: OPS-1 (Investigating) names two responders; OPS-2 is open, OPS-3 a task, OPS-4 resolved.
    await screen.click(screen.byTestId('work-preview-run'));
    const preview = await screen.waitFor(() => screen.maybeTestId('work-preview'));
    expect(rowTexts(screen, preview)).toEqual([['OPS-1', 'Investigating', '', 'would grant', '']]);
    expect(screen.all((node) => node.type === 'User', preview).map((node) => node.props.accountId)).toEqual([PEOPLE.stranger, PEOPLE.approver]);
    expect(screen.text()).toContain('1 issue of 1 would grant access now.');
    expect(screen.invoked('workLinked.preview')[0]?.payload).toMatchObject({ projectKey: 'OPS', issueTypeIds: ['10004'], statusIds: ['10001', '10002'], categoryKeys: [] });
    expect(await currentWorkPolicies(world.app.deps.store)).toMatchObject({ policyVersion: 0 });

    // A change after the preview says the preview is of an older draft.
    await screen.call(screen.field('workApproval'), 'onChange', { target: { value: 'approver', type: 'radio' } });
    await screen.waitForText('The draft changed since this preview');
    await screen.click(screen.byTestId('work-preview-run'));
    await screen.waitFor(() => rowTexts(screen, screen.byTestId('work-preview'))[0]?.[3] === 'would ask an approver');

    await screen.submit(screen.form('work-policy-form'));
    await screen.waitForText('Incident responders added');
    const table = await screen.waitFor(() => screen.maybeTestId('work-policies'));
    expect(rowTexts(screen, table)[0]?.slice(0, 9)).toEqual(['Incident responders', 'OPS', 'Incident', 'Investigating, Work in progress', 'the users in Responders', 'Claude', '1 day 12 hours', 'approver, once per issue', 'enabled']);
    expect((await currentWorkPolicies(world.app.deps.store)).policies).toEqual([
      expect.objectContaining({
        projectKey: 'OPS',
        issueTypeIds: ['10004'],
        statusIds: ['10001', '10002'],
        categoryKeys: [],
        statusNames: { '10001': 'Investigating', '10002': 'Work in progress' },
        subject: { kind: 'field', fieldId: RESPONDERS_FIELD, fieldName: 'Responders' },
        maxDurationHours: 36,
        approval: 'approver',
      }),
    ]);
  });

  it('shows core’s refusal on the field it is about, and keeps the form open', async () => {
    const { world } = await freshScenario();
    installWorkSite(world);
    const screen = await openWorkTab(world);
    await screen.waitForText('No work-linked access policies yet');
    await screen.click(screen.button('Add policy'));
    await screen.type(screen.field('workName'), 'Incident responders');
    await screen.type(screen.field('workProject'), 'OPS');
    await screen.waitFor(() => optionValues(screen.field('workTool')).length > 0);
    await screen.choose(screen.field('workTool'), 'gemini');
    // Gemini is blocked in the catalog while the form is open.
    await saveTool(world.app.deps, ADMIN, tool('gemini', 'Gemini', { status: 'blocked' }));
    await screen.submit(screen.form('work-policy-form'));
    await screen.waitForText('The work-linked access policy was not saved');
    expect(textOf(screen.byTestId('work-policy-form'))).toContain('Gemini is blocked in the catalog; only an approved tool can be granted.');
    const errors = screen.all((node) => node.type === 'ErrorMessage').map(textOf);
    expect(errors).toEqual(['blocked in the catalog']);
    expect((await currentWorkPolicies(world.app.deps.store)).policyVersion).toBe(0);
  });

  it('says why the project’s statuses could not be read, under the status picker', async () => {
    const { world } = await freshScenario();
    installWorkSite(world);
    const screen = await openWorkTab(world);
    await screen.waitForText('No work-linked access policies yet');
    await screen.click(screen.button('Add policy'));
    await screen.type(screen.field('workProject'), 'NOPE');
    await screen.waitFor(() => screen.all((node) => node.type === 'ErrorMessage').map(textOf).includes('Jira has no project NOPE that Clearway can see.'));
    // Jira answered 404 for the project's statuses: nothing to pick, and no status was sent anywhere.
    expect(screen.field('workStatuses').props.options).toEqual([]);
  });

  it('disables a policy after saying what it ends, flipping its lozenge; enables it again; edits it', async () => {
    const { world } = await freshScenario();
    installWorkSite(world);
    const policy = await saveWorkPolicy(world.app.deps, ADMIN, WORK_POLICY);
    const screen = await openWorkTab(world);
    const lozenge = () => textOf(screen.get((node) => node.type === 'Lozenge', 'state lozenge', screen.row(screen.byTestId('work-policies'), 'Incident responders')));
    await screen.waitFor(() => screen.maybeTestId('work-policies'));
    expect(lozenge()).toBe('enabled');

    await screen.click(screen.byTestId(`work-toggle-${policy.id}`));
    expect(textOf(screen.byTestId('work-disable'))).toContain('the grants it made end at their issue\'s next change or the next sweep');
    await screen.submit(screen.form('work-disable'));
    await screen.waitForText('Incident responders disabled');
    await screen.waitFor(() => lozenge() === 'disabled');
    expect(screen.all((node) => node.type === 'Lozenge', screen.row(screen.byTestId('work-policies'), 'Incident responders')).map((node) => node.props.appearance)).toEqual(['default']);
    expect((await currentWorkPolicies(world.app.deps.store)).policies[0]?.enabled).toBe(false);

    await screen.click(screen.byTestId(`work-toggle-${policy.id}`));
    await screen.waitForText('Incident responders enabled');
    await screen.waitFor(() => lozenge() === 'enabled');

    await screen.click(screen.byTestId(`work-edit-${policy.id}`));
    expect(screen.field('workName').props.value).toBe('Incident responders');
    expect(screen.field('workCategory-indeterminate').props.isChecked).toBe(true);
    await screen.type(screen.field('workName'), 'On-call responders');
    await screen.submit(screen.form('work-policy-form'));
    await screen.waitForText('On-call responders saved');
    await screen.waitFor(() => textOf(screen.byTestId('work-policies')).includes('On-call responders'));
    expect(await currentWorkPolicies(world.app.deps.store)).toMatchObject({ policyVersion: 4, policies: [{ id: policy.id, name: 'On-call responders', enabled: true }] });
  });
});

/** Sam Stranger investigates OPS-1: the policy gives him Claude while it is in progress. */
async function workLinkedGrant() {
  const { world } = await freshScenario();
  installWorkSite(world);
  await saveWorkPolicy(world.app.deps, ADMIN, WORK_POLICY);
  await reconcileWorkIssue(world.app.workDeps, 'OPS-1');
  // Claude is fulfilled by hand: the approver marks the grant's task done and access is active.
  await world.app.engine.runDueJobs({ deadline: world.clock.now() + 60_000 });
  const made = (await world.app.deps.store.query('grant', 'byRequester', { partition: [PEOPLE.stranger], limit: 5 })).items[0];
  const task = (await listManualTasks(world.app.deps)).items.find((job) => job.grantId === made?.id);
  if (!made || !task) throw new Error('OPS-1 made no grant waiting for its manual task');
  await completeManualTask(world.app.deps, APPROVER, { jobId: task.id, completion: 'fulfilled' });
  const grant = await world.app.deps.store.get('grant', made.id);
  if (grant?.status !== 'active' || !grant.work) throw new Error('OPS-1 made no active work-linked grant');
  return { world, grant };
}

describe('grants lists: work-linked grants', () => {
  it('shows the linked issue and what ends the grant in the admin Grants view, offers no extension, and lists its links', async () => {
    const { world, grant } = await workLinkedGrant();
    const screen = await mount(AdminPage, { surface: 'adminPage', world, accountId: PEOPLE.admin });
    await screen.openTab('Requests');
    await screen.click(screen.byTestId('requests-view-grants'));
    const grants = await screen.waitFor(() => screen.maybeTestId('all-grants'));
    const row = screen.row(grants, 'Linked issue: OPS-1');
    expect(textOf(screen.byTestId(`work-note-${grant.id}`))).toMatch(/^Linked issue: OPS-1 Ends: When OPS-1 leaves its live statuses, is resolved, reassigned or deleted; at the latest \d{4}-\d\d-\d\d \d\d:\d\d UTC\.$/);
    expect(screen.get((node) => node.type === 'Link', 'issue link', row).props.href).toBe('/browse/OPS-1');
    expect(screen.all((node) => node.type === 'Button', row).map(textOf)).toEqual(['Linked issues', 'Revoke']);

    await screen.click(screen.button('Linked issues', row));
    const links = await screen.waitFor(() => screen.maybeTestId('work-links-table'));
    expect(rowTexts(screen, links).map((cells) => [cells[0], cells[1], cells[2]])).toEqual([['OPS-1', 'Incident responders', 'live']]);
  });

  it('shows the linked issue on My Access, without the extension button or the expiring-soon warning', async () => {
    const { world } = await workLinkedGrant();
    // Two of the policy's 72 hours are left: active access this close to its end would otherwise be "expiring soon".
    world.clock.advance(70 * 60 * 60 * 1000);
    const screen = await mount(GlobalPage, { surface: 'globalPage', world, accountId: PEOPLE.stranger });
    const table = await screen.waitFor(() => screen.maybeTestId('my-access'));
    const row = screen.row(table, 'Claude');
    expect(textOf(row)).toContain('expires today');
    expect(textOf(row)).toContain('Linked issue: OPS-1');
    expect(textOf(row)).toContain('Ends: When OPS-1 leaves its live statuses');
    expect(screen.buttons('Request extension', row)).toEqual([]);
    expect(screen.find((node) => node.type === 'SectionMessage' && textOf(node).includes('expiring soon'))).toBeUndefined();
  });
});
