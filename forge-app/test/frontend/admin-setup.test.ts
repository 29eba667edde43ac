/**
 * The admin page's setup tabs through the fake bridge, against the real resolvers: who may open
 * it, the Overview's launch-readiness cards and their links, Intake & Approvals, the Catalog
 * (add, edit, seed from the common tools) and Governance with its version history.
 */
import { DEFAULT_GOVERNANCE, SEED_TOOLS } from '@clearway/core';
import { describe, expect, it } from 'vitest';
import { AdminPage } from '../../src/frontend/admin/admin-page-app';
import { makeAppWorld } from '../../src/test-support/app-world';
import { freshScenario, PEOPLE, scenarioRules, seedSite } from '../../src/test-support/scenario';
import { failure, mount, pending, textOf, type ForgeNode, type Screen } from './harness';

function freshInstall() {
  const world = makeAppWorld();
  seedSite(world.forge.jira);
  return world;
}

function selectedTab(screen: Screen): string {
  const tabs = screen.get((node) => node.type === 'Tabs', 'tabs');
  return textOf(screen.all((node) => node.type === 'Tab', tabs)[tabs.props.selected as number] as ForgeNode);
}

describe('admin page: access', () => {
  it('lists the nine tabs for a Jira admin', async () => {
    const { world } = await freshScenario();
    const screen = await mount(AdminPage, { surface: 'adminPage', world, accountId: PEOPLE.admin });
    await screen.waitFor(() => screen.find((node) => node.type === 'Tabs'));
    expect(screen.all((node) => node.type === 'Tab').map(textOf)).toEqual(['Overview', 'Intake & Approvals', 'Catalog', 'Connectors', 'Governance', 'Work-linked access', 'Requests', 'Insights', 'Governance Logs', 'AI agents']);
  });

  it('tells anyone else the settings are for Jira admins, and loads first', async () => {
    const { world } = await freshScenario();
    const screen = await mount(AdminPage, { surface: 'adminPage', world, accountId: PEOPLE.approver });
    await screen.waitForText("Only Jira admins can change Clearway's settings");
    expect(screen.find((node) => node.type === 'Tabs')).toBeUndefined();
    expect(screen.invocations.map((call) => call.key)).toEqual(['viewer.context']);
    screen.hide?.();
    const loading = await mount(AdminPage, { surface: 'adminPage', answers: { 'viewer.context': () => pending() } });
    expect(loading.text()).toContain('Loading Clearway');
  });
});

describe('admin page: Overview', () => {
  it('shows a launch-readiness card per step, each opening the section that completes it', async () => {
    const world = freshInstall();
    const screen = await mount(AdminPage, { surface: 'adminPage', world, accountId: PEOPLE.admin });
    const intake = await screen.waitFor(() => screen.maybeTestId('readiness-intake_project'));
    expect(screen.text()).toContain('4 setup steps left before requests can come in.');
    expect(textOf(intake)).toContain('to do');
    expect(textOf(screen.byTestId('readiness-catalog'))).toContain('seed the catalog from the common AI tools');
    expect(textOf(screen.byTestId('readiness-connectors'))).toContain('Optional');
    expect(screen.text()).toContain('Approved tools: 0');

    const links: Array<[string, string]> = [
      ['readiness-governance', 'Governance'],
      ['readiness-intake_project', 'Intake & Approvals'],
      ['readiness-portal', 'Intake & Approvals'],
      ['readiness-catalog', 'Catalog'],
      ['readiness-approvers', 'Intake & Approvals'],
      ['readiness-connectors', 'Connectors'],
    ];
    for (const [card, tab] of links) {
      await screen.openTab('Overview');
      const button = await screen.waitFor(() => screen.maybeTestId(card) && screen.button(`Open ${tab}`, screen.byTestId(card)));
      await screen.click(button);
      expect(selectedTab(screen)).toBe(tab);
    }
  });

  it('shows every step done on a set-up installation', async () => {
    const { world } = await freshScenario();
    const screen = await mount(AdminPage, { surface: 'adminPage', world, accountId: PEOPLE.admin });
    await screen.waitForText('Clearway is ready: requests from the portal are governed.');
    expect(screen.all((node) => node.type === 'Lozenge').map(textOf)).toEqual(['done', 'done', 'done', 'done', 'done', 'done']);
    expect(screen.text()).toContain('Pending requests: 2');
    expect(screen.text()).toContain('Failed fulfillments: 1');
    expect(textOf(screen.byTestId('readiness-approvers'))).toContain("Requests are decided by the default 1 approver, with Jira admins as fallback.");
    // As the Connectors tab lists them: the built-in manual connector and the service desk enabled, the Okta one disabled.
    const listed = await world.invoke('adminPage', 'connectors.list', {}, { accountId: PEOPLE.admin });
    const enabled = listed.ok ? listed.data.items.filter((connector) => connector.enabled).length : -1;
    expect(screen.text()).toContain(`Connectors enabled: ${enabled} of ${listed.ok ? listed.data.items.length : -1}`);
    expect(enabled).toBeGreaterThan(0);
  });

  it('is not ready when no one could decide a request: no approvers and admin fallback off', async () => {
    const { world } = await freshScenario();
    const rules = scenarioRules({ approvers: { byProject: {}, default: [], securityReviewers: [], adminFallback: false, delegations: [] } });
    expect(await world.invoke('adminPage', 'governance.update', { rules, note: 'no approvers' }, { accountId: PEOPLE.admin })).toMatchObject({ ok: true });
    const screen = await mount(AdminPage, { surface: 'adminPage', world, accountId: PEOPLE.admin });
    const card = await screen.waitFor(() => screen.maybeTestId('readiness-approvers'));
    expect(textOf(card)).toContain('to do');
    expect(textOf(card)).toContain('No one could decide a request: name approvers for the intake project or default approvers, or turn admin fallback on.');
    expect(screen.text()).toContain('1 setup step left before requests can come in.');
  });

  it('is not ready when every approved tool is bound to a disabled connector, so none can be requested', async () => {
    const { world } = await freshScenario();
    for (const id of ['chatgpt', 'claude', 'gemini']) {
      const stored = await world.app.deps.store.get('tool', id);
      if (stored) expect(await world.invoke('adminPage', 'catalog.save', { id, name: stored.name, vendor: stored.vendor, status: 'approved', riskLevel: stored.riskLevel, defaultDurationDays: stored.defaultDurationDays, maxDurationDays: stored.maxDurationDays, guidance: stored.guidance, fulfillment: { connectorId: 'okta-off', group: { name: `ai-${id}` } } }, { accountId: PEOPLE.admin })).toMatchObject({ ok: true });
    }
    const screen = await mount(AdminPage, { surface: 'adminPage', world, accountId: PEOPLE.admin });
    const card = await screen.waitFor(() => screen.maybeTestId('readiness-catalog'));
    expect(textOf(card)).toContain('to do');
    expect(textOf(card)).toContain('Every approved tool is bound to a disabled or missing connector');
  });

  it('shows the refusal words when the overview cannot load', async () => {
    const screen = await mount(AdminPage, {
      surface: 'adminPage',
      answers: {
        'viewer.context': () => ({ ok: true, data: { accountId: 'acc-admin', isAdmin: true, canApprove: true, tabs: [] } }),
        'admin.overview': () => failure('forbidden', 'Only Jira admins can do this.'),
      },
    });
    await screen.waitForText('Only Jira admins can do this.');
    // A refusal is not retried: there is nothing to try again.
    expect(screen.buttons('Try again')).toEqual([]);
  });
});

describe('admin page: Intake & Approvals', () => {
  it('sets the intake project, portal, request types, approvers, escalation and review window', async () => {
    const world = freshInstall();
    const screen = await mount(AdminPage, { surface: 'adminPage', world, accountId: PEOPLE.admin });
    await screen.openTab('Intake & Approvals');
    const portal = await screen.waitFor(() => screen.find((node) => node.props.name === 'portal' && node.type === 'Select' && (node.props.options as unknown[]).length > 0));
    expect(portal.props.options).toEqual([{ label: 'AI Requests (AIR)', value: '1' }]);
    await screen.choose(portal, '1');

    const requestTypes = await screen.waitFor(() => screen.find((node) => node.props.name === 'requestTypes' && (node.props.options as unknown[]).length > 0));
    await screen.choose(requestTypes, ['10']);
    const approvers = screen.field('approvers');
    await screen.search(approvers, 'alan');
    await screen.waitFor(() => (screen.field('approvers').props.options as unknown[]).length > 0);
    await screen.choose(screen.field('approvers'), PEOPLE.approver);
    await screen.waitFor(() => screen.find((node) => node.type === 'User' && node.props.accountId === PEOPLE.approver));

    await screen.type(screen.field('reviewWindowDays'), '120');
    await screen.waitForText('Enter a whole number from 1 to 90.');
    expect(screen.button('Save as a new version').props.isDisabled).toBe(true);
    await screen.type(screen.field('reviewWindowDays'), '21');
    const recert = await screen.waitFor(() => screen.find((node) => node.props.name === 'recertIssueType' && (node.props.options as unknown[]).length > 0));
    expect(recert.props.options).toEqual([
      { label: 'Service Request', value: '10001' },
      { label: 'Review', value: '10005' },
    ]);
    await screen.choose(recert, '10005');
    await screen.type(screen.field('governanceNote'), 'First setup');
    await screen.waitFor(() => screen.button('Save as a new version').props.isDisabled === false);
    await screen.click(screen.button('Save as a new version'));
    await screen.waitForText('Saved as governance policy version 1');

    const current = await world.invoke('adminPage', 'governance.current', {}, { accountId: PEOPLE.admin });
    expect(current.ok && current.data).toMatchObject({
      policyVersion: 1,
      note: 'First setup',
      rules: { intake: { projectKey: 'AIR', portalId: '1', requestTypeIds: ['10'], recertIssueTypeId: '10005' }, approvers: { default: [PEOPLE.approver] }, reviewWindowDays: 21 },
    });
  });
});

describe('admin page: Catalog', () => {
  it('adds a tool after saying what is wrong with the form, then edits it', async () => {
    const { world } = await freshScenario();
    const screen = await mount(AdminPage, { surface: 'adminPage', world, accountId: PEOPLE.admin });
    await screen.openTab('Catalog');
    await screen.waitFor(() => screen.maybeTestId('catalog'));
    await screen.click(screen.button('Add tool'));
    await screen.submit(screen.form('tool-form'));
    await screen.waitForText('Give the tool a name.');
    expect(screen.invoked('catalog.save')).toEqual([]);

    await screen.type(screen.field('toolName'), 'Cursor Business');
    await screen.type(screen.field('vendor'), 'Anysphere');
    await screen.choose(screen.field('riskLevel'), 'high');
    await screen.type(screen.field('defaultDurationDays'), '60');
    await screen.type(screen.field('maxDurationDays'), '30');
    await screen.submit(screen.form('tool-form'));
    await screen.waitForText('The default cannot be longer than the maximum.');
    await screen.type(screen.field('defaultDurationDays'), '14');
    await screen.type(screen.field('guidance'), 'Privacy mode stays on.');
    await screen.choose(screen.field('connectorId'), 'desk');
    await screen.waitFor(() => screen.field('groupName').props.value !== undefined && screen.text().includes('Access target (optional)'));
    await screen.type(screen.field('groupName'), 'Cursor team seats');
    await screen.submit(screen.form('tool-form'));
    await screen.waitForText('Cursor Business saved');
    expect(screen.invoked('catalog.save')[0]?.payload).toEqual({
      name: 'Cursor Business',
      vendor: 'Anysphere',
      status: 'approved',
      riskLevel: 'high',
      defaultDurationDays: 14,
      maxDurationDays: 30,
      guidance: 'Privacy mode stays on.',
      fulfillment: { connectorId: 'desk', group: { name: 'Cursor team seats' } },
    });
    const table = await screen.waitFor(() => screen.maybeTestId('catalog') && textOf(screen.byTestId('catalog')).includes('Cursor Business') && screen.byTestId('catalog'));
    expect(textOf(screen.row(table, 'Cursor Business'))).toContain('Service desk: Cursor team seats');

    await screen.click(screen.byTestId('edit-cursor-business'));
    expect(screen.field('toolName').props.value).toBe('Cursor Business');
    await screen.choose(screen.field('status'), 'blocked');
    await screen.submit(screen.form('tool-form'));
    await screen.waitForText('Cursor Business is blocked: it is governed but cannot be requested.');
    expect(screen.invoked('catalog.save')[1]?.payload).toMatchObject({ id: 'cursor-business', status: 'blocked' });
    expect((await world.app.deps.store.get('tool', 'cursor-business'))?.status).toBe('blocked');
  });

  it("shows the maximum requesters see: governance's cap for the risk level when it is lower than the tool's own, and why", async () => {
    const { world } = await freshScenario();
    // Default governance caps high risk at 30 days; the tool itself allows 90.
    expect(await world.invoke('adminPage', 'catalog.save', { name: 'Cursor Business', vendor: 'Anysphere', status: 'approved', riskLevel: 'high', defaultDurationDays: 14, maxDurationDays: 90, guidance: 'Privacy mode stays on.', fulfillment: { connectorId: 'desk', group: {} } }, { accountId: PEOPLE.admin })).toMatchObject({ ok: true });
    const screen = await mount(AdminPage, { surface: 'adminPage', world, accountId: PEOPLE.admin });
    await screen.openTab('Catalog');
    const table = await screen.waitFor(() => screen.maybeTestId('catalog') && textOf(screen.byTestId('catalog')).includes('Cursor Business') && screen.byTestId('catalog'));
    expect(textOf(screen.row(table, 'Cursor Business'))).toContain('14 days / 30 days (high risk is capped at 30 days by governance; the tool allows 90 days)');
    // A tool whose own maximum is the lower one shows just that.
    expect(textOf(screen.row(table, 'Claude'))).toContain('30 days / 90 days');
    expect(textOf(screen.row(table, 'Claude'))).not.toContain('capped');
  });

  it('seeds the catalog from the common tools list', async () => {
    const world = freshInstall();
    const screen = await mount(AdminPage, { surface: 'adminPage', world, accountId: PEOPLE.admin });
    await screen.openTab('Catalog');
    await screen.waitForText('The catalog is empty');
    await screen.click(screen.button('Seed from common tools'));
    const table = await screen.waitFor(() => screen.maybeTestId('seed-tools'));
    expect(screen.rows(table).length).toBe(SEED_TOOLS.length);
    expect(screen.button(`Add ${SEED_TOOLS.length} tools`)).toBeDefined();
    // Keep only the first two.
    for (const seed of SEED_TOOLS.slice(2)) await screen.check(screen.field(`seed-${seed.id}`), false);
    await screen.waitFor(() => screen.buttons('Add 2 tools').length === 1);
    await screen.submit(screen.form('seed-modal'));
    await screen.waitForText('2 tools added to the catalog');
    expect(screen.invoked('catalog.seed')[0]?.payload).toEqual({ toolIds: SEED_TOOLS.slice(0, 2).map((seed) => seed.id) });
    const catalog = await screen.waitFor(() => screen.maybeTestId('catalog'));
    expect(screen.rows(catalog).length).toBe(2);

    await screen.click(screen.button('Seed from common tools'));
    const again = await screen.waitFor(() => screen.maybeTestId('seed-tools'));
    expect(textOf(screen.row(again, SEED_TOOLS[0]?.name ?? ''))).toContain('In catalog');
    expect(screen.text()).toContain(`${SEED_TOOLS.length - 2} tools not in your catalog yet`);
  });
});

describe('admin page: Governance', () => {
  it('edits risk rules, auto-approval policies and unknown-tool handling, and lists the versions', async () => {
    const { world } = await freshScenario();
    const screen = await mount(AdminPage, { surface: 'adminPage', world, accountId: PEOPLE.admin });
    await screen.openTab('Governance');
    await screen.waitFor(() => screen.maybeTestId('risk-low'));
    expect(screen.text()).toContain('In force: version 1');
    expect(screen.button('Save as a new version').props.isDisabled).toBe(true);

    await screen.check(screen.field('risk-low-approval'), false);
    await screen.type(screen.field('risk-high-max'), '21');
    await screen.call(screen.field('unknownTools'), 'onChange', { target: { value: 'block', type: 'radio' } });

    await screen.click(screen.button('Add auto-approval policy'));
    await screen.type(screen.field('policyName'), 'Engineering low risk');
    await screen.search(screen.field('allowedGroups'), 'eng');
    await screen.waitFor(() => (screen.field('allowedGroups').props.options as unknown[]).length > 0);
    await screen.choose(screen.field('allowedGroups'), ['engineering']);
    await screen.type(screen.field('policyMaxDays'), '30');
    await screen.submit(screen.form('auto-approval-modal'));
    const policies = await screen.waitFor(() => screen.maybeTestId('auto-approval'));
    expect(textOf(policies)).toContain('Engineering low risk');
    expect(textOf(policies)).toContain('every tool in every intake project');

    await screen.type(screen.field('governanceNote'), 'Low risk needs no approver');
    await screen.click(screen.button('Save as a new version'));
    await screen.waitForText('Saved as governance policy version 2');
    const current = await world.invoke('adminPage', 'governance.current', {}, { accountId: PEOPLE.admin });
    expect(current.ok && current.data.rules).toMatchObject({
      unknownTools: 'block',
      riskRules: { low: { requiresApproval: false }, high: { maxDurationDays: 21 } },
      autoApproval: [{ id: 'engineering-low-risk', name: 'Engineering low risk', allowedGroups: ['engineering'], maxDurationDays: 30, autoApprove: true, scope: { projectKeys: [], toolIds: [] } }],
    });
    const history = await screen.waitFor(() => screen.maybeTestId('governance-versions') && textOf(screen.byTestId('governance-versions')).includes('Version 2') && screen.byTestId('governance-versions'));
    expect(textOf(screen.row(history, 'Version 2'))).toContain('Low risk needs no approver');
  });

  it("names who saved each version: a person by account id (which may hold a colon), Clearway for its own", async () => {
    const screen = await mount(AdminPage, {
      surface: 'adminPage',
      answers: {
        'viewer.context': () => ({ ok: true, data: { accountId: 'acc-admin', isAdmin: true, canApprove: true, tabs: [] } }),
        'admin.overview': () => failure('internal_error', 'not needed'),
        'governance.current': () => ({ ok: true, data: DEFAULT_GOVERNANCE }),
        'governance.versions': () => ({
          ok: true,
          data: {
            items: [
              { ...DEFAULT_GOVERNANCE, id: 'v2', version: 2, policyVersion: 2, createdBy: '557058:0f1e2d3c' },
              { ...DEFAULT_GOVERNANCE, id: 'v1', version: 1, policyVersion: 1, createdBy: 'clearway:system' },
            ],
          },
        }),
      },
    });
    await screen.openTab('Governance');
    const history = await screen.waitFor(() => screen.maybeTestId('governance-versions'));
    expect(screen.get((node) => node.type === 'User', 'saved by', screen.row(history, 'Version 2')).props.accountId).toBe('557058:0f1e2d3c');
    expect(textOf(screen.row(history, 'Version 1'))).toContain('Clearway');
    expect(screen.find((node) => node.type === 'User', screen.row(history, 'Version 1'))).toBeUndefined();
  });
});
