/**
 * Intake & Approvals' approver routing through the fake bridge, against the real resolvers:
 * per-project approvers and delegations added, saved as a governance version, enforced by core
 * (the person routed to sees and decides the request) and removed again; a made-up account
 * refused next to its field; and the "who may approve what" table.
 */
import type { GovernanceRules } from '@clearway/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AdminPage } from '../../src/frontend/admin/admin-page-app';
import type { AppWorld } from '../../src/test-support/app-world';
import { freshScenario, PEOPLE, scenarioRules } from '../../src/test-support/scenario';
import { mount, textOf, type ForgeNode, type Screen } from './harness';

const DAY = 24 * 60 * 60 * 1000;

afterEach(() => {
  vi.useRealTimers();
});

/** A scenario world whose "now" the page shares: delegations are in force or expired by the same clock core uses. */
async function routingWorld(): Promise<AppWorld> {
  return (await routingScenario()).world;
}

async function routingScenario(): Promise<Awaited<ReturnType<typeof freshScenario>>> {
  const fresh = await freshScenario();
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(fresh.world.clock.now());
  return fresh;
}

async function openIntake(world: AppWorld, answers: Parameters<typeof mount>[1]['answers'] = {}): Promise<Screen> {
  const screen = await mount(AdminPage, { surface: 'adminPage', world, accountId: PEOPLE.admin, answers });
  await screen.openTab('Intake & Approvals');
  await screen.waitFor(() => screen.maybeTestId('approval-routing'));
  return screen;
}

/** Searches a people picker and chooses the person, as the admin does. */
async function pick(screen: Screen, name: string, query: string, accountId: string): Promise<void> {
  await screen.search(screen.field(name), query);
  await screen.waitFor(() => (screen.field(name).props.options as Array<{ value: string }>).some((option) => option.value === accountId));
  await screen.choose(screen.field(name), accountId);
}

async function save(screen: Screen, version: number): Promise<void> {
  await screen.waitFor(() => screen.button('Save as a new version').props.isDisabled === false);
  await screen.click(screen.button('Save as a new version'));
  await screen.waitForText(`Saved as governance policy version ${version}`);
}

async function savedRules(world: AppWorld): Promise<GovernanceRules> {
  const current = await world.invoke('adminPage', 'governance.current', {}, { accountId: PEOPLE.admin });
  if (!current.ok) throw new Error(current.error.message);
  return current.data.rules;
}

/** The issue keys of the requests waiting in someone's Approvals, or the refusal's code when they may approve nothing. */
async function pendingFor(world: AppWorld, accountId: string): Promise<string[] | string> {
  const answer = await world.invoke('globalPage', 'approvals.pending', {}, { accountId });
  return answer.ok ? answer.data.items.map((request) => request.issueKey).sort() : answer.error.code;
}

const usersIn = (screen: Screen, node: ForgeNode) => screen.all((child) => child.type === 'User', node).map((user) => user.props.accountId);

function routingRow(screen: Screen, project: string): ForgeNode[] {
  const table = screen.byTestId('approval-routing');
  const row = screen.rows(table).find((cells) => cells[0] !== undefined && textOf(cells[0]) === project);
  if (!row) throw new Error(`No routing row for ${project}:\n${screen.dump(table)}`);
  return row;
}

describe('Intake & Approvals: approvers by project', () => {
  it('says what is wrong with a project before sending, saves AIR’s own approver, routes AIR’s requests to them, then removes it', async () => {
    const world = await routingWorld();
    const screen = await openIntake(world);
    expect(textOf(routingRow(screen, 'AIR (intake project)')[1] as ForgeNode)).toContain('the default approvers');

    await screen.click(screen.button('Add project approvers'));
    await screen.submit(screen.form('project-approvers-modal'));
    await screen.waitForText('Choose a service project or type a project key.');
    expect(screen.text()).toContain('Choose at least one approver.');
    await screen.type(screen.field('newProjectKey'), 'a-1');
    await screen.submit(screen.form('project-approvers-modal'));
    await screen.waitForText('“A-1” is not a Jira project key: use 2 to 20 capital letters, digits or underscores, starting with a letter, such as AIR.');

    await screen.type(screen.field('newProjectKey'), '');
    const project = await screen.waitFor(() => screen.find((node) => node.props.name === 'newProject' && node.type === 'Select' && (node.props.options as unknown[]).length > 0));
    expect(project.props.options).toEqual([{ label: 'AI Requests (AIR)', value: 'AIR' }]);
    await screen.choose(project, 'AIR');
    await pick(screen, 'newProjectApprovers', 'sam', PEOPLE.stranger);
    await screen.submit(screen.form('project-approvers-modal'));
    await screen.waitFor(() => !screen.maybeTestId('project-approvers-modal'));
    expect(usersIn(screen, screen.byTestId('project-AIR'))).toEqual([PEOPLE.stranger]);
    expect(screen.invoked('governance.update')).toEqual([]);

    await save(screen, 2);
    expect((await savedRules(world)).approvers).toMatchObject({ byProject: { AIR: [PEOPLE.stranger] }, default: [PEOPLE.approver] });
    // Core routes AIR's pending requests to its own approver only now.
    expect(await pendingFor(world, PEOPLE.stranger)).toEqual(['AIR-2', 'AIR-5']);
    expect(await pendingFor(world, PEOPLE.approver)).toEqual([]);
    const air = routingRow(screen, 'AIR (intake project)');
    expect(usersIn(screen, air[1] as ForgeNode)).toEqual([PEOPLE.stranger]);
    expect(textOf(air[1] as ForgeNode)).toContain('its own approvers');

    await screen.click(screen.byTestId('remove-project-AIR'));
    await screen.waitForText('No project has its own approvers');
    await save(screen, 3);
    expect((await savedRules(world)).approvers.byProject).toEqual({});
    expect(await pendingFor(world, PEOPLE.stranger)).toBe('forbidden');
    expect(await pendingFor(world, PEOPLE.approver)).toEqual(['AIR-2', 'AIR-5']);
  });

  it('holds the save while a listed project has no approver left: core would route its requests to no one', async () => {
    const world = await routingWorld();
    expect(await world.invoke('adminPage', 'governance.update', { rules: scenarioRules({ approvers: { byProject: { AIR: [PEOPLE.stranger] }, default: [PEOPLE.approver], securityReviewers: [], adminFallback: true, delegations: [] } }) }, { accountId: PEOPLE.admin })).toMatchObject({ ok: true });
    const screen = await openIntake(world);
    await screen.click(screen.byTestId(`projectApprovers-AIR-remove-${PEOPLE.stranger}`));
    await screen.waitForText('Name at least one approver for AIR, or remove the project: requests from a listed project go to its own approvers only.');
    expect(screen.button('Save as a new version').props.isDisabled).toBe(true);
    await pick(screen, 'projectApprovers-AIR', 'alan', PEOPLE.approver);
    await save(screen, 3);
    expect((await savedRules(world)).approvers.byProject).toEqual({ AIR: [PEOPLE.approver] });
  });

  it('shows core’s refusal of a made-up account next to the project’s field and in the save bar, and saves nothing', async () => {
    const world = await routingWorld();
    // A search answer naming an account the site does not have (deleted between search and save, or forged).
    const screen = await openIntake(world, { 'lookup.people': () => ({ ok: true, data: [{ accountId: 'acc-ghost', displayName: 'Gus Ghost' }] }) });
    await screen.click(screen.button('Add project approvers'));
    await screen.type(screen.field('newProjectKey'), 'air');
    await pick(screen, 'newProjectApprovers', 'gus', 'acc-ghost');
    await screen.submit(screen.form('project-approvers-modal'));
    await screen.waitFor(() => screen.maybeTestId('project-AIR'));
    await screen.click(screen.button('Save as a new version'));
    await screen.waitForText('The governance policy was not saved');
    expect(screen.text()).toContain('acc-ghost (no account with this id exists on this Jira site). Nothing was saved.');
    expect(textOf(screen.get((node) => node.type === 'ErrorMessage', 'the field’s problem', screen.byTestId('project-AIR')))).toBe('acc-ghost: no account with this id exists on this Jira site');
    const rules = await savedRules(world);
    expect(rules.approvers.byProject).toEqual({});

    // Taking the refused account out takes its problem off the field.
    await screen.click(screen.byTestId('projectApprovers-AIR-remove-acc-ghost'));
    await screen.waitFor(() => screen.find((node) => node.type === 'ErrorMessage' && textOf(node).startsWith('acc-ghost'), screen.byTestId('project-AIR')) === undefined);
  });
});

describe('Intake & Approvals: delegations', () => {
  it('checks a delegation before adding it, saves it, lets the delegate decide, then removes it', async () => {
    const { world, scenario } = await routingScenario();
    const screen = await openIntake(world);
    expect(screen.text()).toContain('No delegations: only the people named above decide.');
    expect(await pendingFor(world, PEOPLE.stranger)).toBe('forbidden');

    await screen.click(screen.button('Add delegation'));
    const form = () => screen.form('delegation-modal');
    await screen.submit(form());
    await screen.waitForText('Choose the approver who hands over their decisions.');
    expect(screen.text()).toContain('Choose who decides in their place.');
    expect(screen.text()).toContain('Choose the last day the delegation holds.');

    await pick(screen, 'delegateFrom', 'sam', PEOPLE.stranger);
    await pick(screen, 'delegateTo', 'sam', PEOPLE.stranger);
    await screen.call(screen.field('delegateUntil'), 'onChange', '2026-11-22');
    await screen.submit(form());
    await screen.waitForText('This person is not an approver or security reviewer: name them as one first, or choose someone who is.');
    expect(screen.text()).toContain('A delegation needs two different people.');
    expect(screen.text()).toContain('That day has passed: choose today or a later day.');

    await pick(screen, 'delegateFrom', 'alan', PEOPLE.approver);
    await screen.call(screen.field('delegateUntil'), 'onChange', '2100-01-01');
    await screen.submit(form());
    await screen.waitForText('Choose a day before 2100.');
    expect(screen.text()).not.toContain('A delegation needs two different people.');

    await screen.call(screen.field('delegateUntil'), 'onChange', '2026-12-31');
    await screen.submit(form());
    const table = await screen.waitFor(() => screen.maybeTestId('delegations'));
    const [row] = screen.rows(table);
    expect(usersIn(screen, row?.[0] as ForgeNode)).toEqual([PEOPLE.approver]);
    expect(usersIn(screen, row?.[1] as ForgeNode)).toEqual([PEOPLE.stranger]);
    expect(textOf(row?.[2] as ForgeNode)).toBe('2026-12-31');
    expect(textOf(row?.[3] as ForgeNode)).toBe('in force');

    await save(screen, 2);
    // Through the end of 31 December (UTC).
    expect((await savedRules(world)).approvers.delegations).toEqual([{ from: PEOPLE.approver, to: PEOPLE.stranger, until: Date.UTC(2027, 0, 1) }]);
    expect(await pendingFor(world, PEOPLE.stranger)).toEqual(['AIR-2', 'AIR-5']);
    const decided = await world.invoke('globalPage', 'approvals.decide', { requestId: scenario.pendingRequestId, outcome: 'approved', rationale: 'covering for Alan' }, { accountId: PEOPLE.stranger });
    expect(decided).toMatchObject({ ok: true });
    const delegates = routingRow(screen, 'AIR (intake project)')[2] as ForgeNode;
    expect(usersIn(screen, delegates)).toEqual([PEOPLE.stranger, PEOPLE.approver]);
    expect(textOf(delegates)).toContain('for until 2026-12-31');

    await screen.click(screen.byTestId('remove-delegation-0'));
    await screen.waitForText('No delegations: only the people named above decide.');
    await save(screen, 3);
    expect((await savedRules(world)).approvers.delegations).toEqual([]);
    expect(await pendingFor(world, PEOPLE.stranger)).toBe('forbidden');
  });

  it('shows an ended delegation as expired, and leaves it out of who may approve', async () => {
    const world = await routingWorld();
    const now = world.clock.now();
    const delegations = [
      { from: PEOPLE.approver, to: PEOPLE.stranger, until: now - DAY },
      { from: PEOPLE.approver, to: PEOPLE.requester, until: now + 3 * DAY },
    ];
    expect(await world.invoke('adminPage', 'governance.update', { rules: scenarioRules({ approvers: { byProject: {}, default: [PEOPLE.approver], securityReviewers: [], adminFallback: true, delegations } }) }, { accountId: PEOPLE.admin })).toMatchObject({ ok: true });
    const screen = await openIntake(world);
    const table = await screen.waitFor(() => screen.maybeTestId('delegations'));
    expect(textOf(screen.row(table, '2026-11-22'))).toContain('expired');
    expect(textOf(screen.row(table, '2026-11-26'))).toContain('in force');
    expect(usersIn(screen, routingRow(screen, 'AIR (intake project)')[2] as ForgeNode)).toEqual([PEOPLE.requester, PEOPLE.approver]);
    // Core agrees: the expired delegate decides nothing.
    expect(await pendingFor(world, PEOPLE.stranger)).toBe('forbidden');
  });
});

describe('Intake & Approvals: who may approve what', () => {
  it('lists each project’s deciders, delegates in force, security reviewers and the admin fallback, intake project first', async () => {
    const world = await routingWorld();
    const now = world.clock.now();
    const rules = scenarioRules({
      approvers: {
        byProject: { OPS: [PEOPLE.stranger] },
        default: [PEOPLE.approver],
        securityReviewers: [PEOPLE.requester],
        adminFallback: false,
        delegations: [{ from: PEOPLE.requester, to: PEOPLE.admin, until: now + 7 * DAY }],
      },
    });
    expect(await world.invoke('adminPage', 'governance.update', { rules }, { accountId: PEOPLE.admin })).toMatchObject({ ok: true });
    const screen = await openIntake(world);
    const table = screen.byTestId('approval-routing');
    expect(screen.rows(table).map((cells) => textOf(cells[0] as ForgeNode))).toEqual(['AIR (intake project)', 'OPS', 'Every other project']);

    const [, approvers, delegates, review, admins] = routingRow(screen, 'AIR (intake project)') as [ForgeNode, ForgeNode, ForgeNode, ForgeNode, ForgeNode];
    expect(usersIn(screen, approvers)).toEqual([PEOPLE.approver]);
    expect(textOf(approvers)).toBe('the default approvers');
    expect(textOf(delegates)).toBe('None');
    // Default governance: critical risk needs a security review; the reviewer's delegate counts too.
    expect(textOf(review)).toBe('critical risk tools: for until 2026-11-30');
    expect(usersIn(screen, review)).toEqual([PEOPLE.requester, PEOPLE.admin, PEOPLE.requester]);
    expect(textOf(admins)).toBe('Only when named above');

    const ops = routingRow(screen, 'OPS');
    expect(usersIn(screen, ops[1] as ForgeNode)).toEqual([PEOPLE.stranger]);
    expect(textOf(ops[1] as ForgeNode)).toBe('its own approvers');
    expect(usersIn(screen, routingRow(screen, 'Every other project')[1] as ForgeNode)).toEqual([PEOPLE.approver]);

    // The table follows the form before saving: turning admin fallback on shows at once.
    await screen.check(screen.field('adminFallback'), true);
    await screen.waitFor(() => textOf(routingRow(screen, 'OPS')[4] as ForgeNode) === 'May decide any request (fallback)');
  });
});
