/**
 * The portal surfaces through the fake bridge: the "Select AI tool" create panel (what it hands
 * JSM with `view.submit`, proven by running the real intake on it) and the request detail that
 * shows a customer their request's decision and access.
 *
 * The panel → stored property → intake contract follows Atlassian's module page for
 * `jiraServiceManagement:portalRequestCreatePropertyPanel`
 * (https://developer.atlassian.com/platform/forge/manifest-reference/modules/jira-service-management-portal-request-create-property-panel/):
 * `view.submit({ fields, isValid })` with `fields` a list of `{ key, value }` field objects, stored
 * "as an object containing your fields, under a property key matching the UUID component of the
 * app.id" — the fake site (`createPortalRequest`) stores the captured submission exactly so.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NEW_TOOL, PANEL_FIELD_KEY as UI_FIELD_KEY, PANEL_FORM_MARKER as UI_MARKER } from '../../src/frontend/portal/panel-form';
import { RequestPanel } from '../../src/frontend/portal/request-panel-app';
import { RequestStatus } from '../../src/frontend/portal/request-status-app';
import { ingestIssue } from '../../src/intake/ingest-issue';
import { PANEL_FIELD_KEY, PANEL_FORM_MARKER } from '../../src/intake/panel-form';
import type { AppWorld } from '../../src/test-support/app-world';
import { FAKE_APP_ID } from '../../src/test-support/fake-forge/fake-jira';
import { freshScenario, PEOPLE, scenarioRules } from '../../src/test-support/scenario';
import { failure, mount, pending, textOf, type Screen } from './harness';

const AT_INTAKE = { portal: { id: '1' }, request: { typeId: '10' } };

type Submission = { fields: Array<{ key: string; value: Record<string, unknown> }>; isValid: boolean };

function lastSubmission(screen: Screen): Submission {
  return screen.submissions[screen.submissions.length - 1] as Submission;
}

/** Clearway's form in the last submission (the value of its one field). */
function lastForm(screen: Screen): Record<string, unknown> | undefined {
  return lastSubmission(screen).fields.find((field) => field.key === PANEL_FIELD_KEY)?.value;
}

const submittedForm = (form: Record<string, unknown>, isValid: boolean) => ({ fields: [{ key: PANEL_FIELD_KEY, value: { form: PANEL_FORM_MARKER, ...form } }], isValid });

/** The customer presses Create: JSM stores the panel's last submission as documented; intake then takes it in. */
async function createRequest(world: AppWorld, screen: Screen, issueKey: string, reporterAccountId: string, desk = { serviceDeskId: '1', requestTypeId: '10' }) {
  world.forge.jira.createPortalRequest({ key: issueKey, reporterAccountId, ...desk, summary: 'AI tool request' }, lastSubmission(screen));
  return ingestIssue(world.app, { issueKey, projectKey: 'AIR' });
}

/** On a site the Forge runtime names the installed app, so intake reads the documented property first. */
const runtime = globalThis as { __forge_runtime__?: unknown };
beforeEach(() => {
  runtime.__forge_runtime__ = { appContext: { appId: FAKE_APP_ID, environmentId: 'env', installationId: 'install' }, lambdaContext: { getRemainingTimeInMillis: () => 25_000 } };
});
afterEach(() => {
  delete runtime.__forge_runtime__;
});

describe('portal create panel', () => {
  it('submits a catalog tool request that intake takes in, with duration checked against the tool', async () => {
    expect(UI_MARKER).toBe(PANEL_FORM_MARKER);
    expect(UI_FIELD_KEY).toBe(PANEL_FIELD_KEY);
    const { world } = await freshScenario();
    const screen = await mount(RequestPanel, { surface: 'portal', world, accountId: PEOPLE.stranger, extension: AT_INTAKE });
    const tool = await screen.waitFor(() => screen.find((node) => node.props.name === 'tool' && node.type === 'Select'));
    expect((tool.props.options as Array<{ label: string }>).map((option) => option.label)).toEqual([
      'ChatGPT Enterprise (Vendor)',
      'Claude (Vendor)',
      'Gemini (Vendor)',
      // GitHub Copilot is left out: its connector is disabled, so its fulfillment is paused.
      'Request new tool (not in the list)',
    ]);
    // Nothing chosen: JSM must not create the request yet, and the form does not open in red.
    await screen.waitFor(() => screen.submissions.length > 0);
    expect(lastSubmission(screen)).toEqual(submittedForm({}, false));
    expect(screen.find((node) => node.type === 'ErrorMessage')).toBeUndefined();

    await screen.choose(tool, 'gemini');
    await screen.waitForText('Use Gemini for work.');
    expect(screen.field('durationDays').props.value).toBe('30');
    await screen.waitFor(() => lastSubmission(screen).isValid);
    expect(lastSubmission(screen)).toEqual(submittedForm({ toolId: 'gemini', durationDays: 30 }, true));

    await screen.type(screen.field('durationDays'), '120');
    await screen.waitForText('Enter a whole number of days from 1 to 90.');
    await screen.waitFor(() => !lastSubmission(screen).isValid);
    expect(lastForm(screen)).toMatchObject({ durationDays: 120 });
    await screen.type(screen.field('durationDays'), '45');
    await screen.type(screen.field('purpose'), 'Summarising research papers');
    await screen.waitFor(() => lastSubmission(screen).isValid && lastForm(screen)?.purpose !== undefined);
    expect(screen.find((node) => node.type === 'ErrorMessage')).toBeUndefined();
    expect(lastSubmission(screen)).toEqual(submittedForm({ toolId: 'gemini', durationDays: 45, purpose: 'Summarising research papers' }, true));

    const outcome = await createRequest(world, screen, 'AIR-30', PEOPLE.stranger);
    // Stored under the app's id, as the module docs say; intake read it from there.
    expect(world.forge.jira.issues.get('AIR-30')?.properties).toEqual({ [FAKE_APP_ID]: { [PANEL_FIELD_KEY]: lastForm(screen) } });
    expect(outcome).toMatchObject({ status: 'ingested' });
    const mine = await world.invoke('globalPage', 'requests.mine', {}, { accountId: PEOPLE.stranger });
    expect(mine.ok && mine.data.items[0]).toMatchObject({ issueKey: 'AIR-30', toolId: 'gemini', durationDays: 45, purpose: 'Summarising research papers', status: 'pending' });
  });

  it('requests a tool outside the catalog with its web address', async () => {
    const { world } = await freshScenario();
    const screen = await mount(RequestPanel, { surface: 'portal', world, accountId: PEOPLE.stranger, extension: AT_INTAKE });
    const tool = await screen.waitFor(() => screen.find((node) => node.props.name === 'tool' && node.type === 'Select'));
    await screen.choose(tool, NEW_TOOL);
    await screen.waitFor(() => screen.find((node) => node.props.name === 'newToolName' && node.type === 'Textfield'));
    await screen.type(screen.field('newToolName'), 'P');
    await screen.type(screen.field('newToolUrl'), 'perplexity');
    await screen.waitForText('Give the name of the tool (at least 2 characters).');
    await screen.waitForText('Enter the tool’s web address, starting with https://');
    await screen.waitFor(() => !lastSubmission(screen).isValid && lastForm(screen)?.newToolUrl === 'perplexity');
    await screen.type(screen.field('newToolName'), 'Perplexity Pro');
    await screen.type(screen.field('newToolUrl'), 'https://www.perplexity.ai');
    await screen.waitFor(() => lastSubmission(screen).isValid);
    expect(lastForm(screen)).toEqual({ form: PANEL_FORM_MARKER, newToolName: 'Perplexity Pro', newToolUrl: 'https://www.perplexity.ai', durationDays: 30 });

    expect(await createRequest(world, screen, 'AIR-31', PEOPLE.stranger)).toMatchObject({ status: 'ingested' });
    const mine = await world.invoke('globalPage', 'requests.mine', {}, { accountId: PEOPLE.stranger });
    expect(mine.ok && mine.data.items[0]).toMatchObject({ issueKey: 'AIR-31', newTool: { name: 'Perplexity Pro', url: 'https://www.perplexity.ai' } });
  });

  it('offers no "Request new tool" when governance blocks tools outside the catalog', async () => {
    const { world } = await freshScenario();
    await world.invoke('adminPage', 'governance.update', { rules: scenarioRules({ unknownTools: 'block' }) }, { accountId: PEOPLE.admin });
    const screen = await mount(RequestPanel, { surface: 'portal', world, accountId: PEOPLE.stranger, extension: AT_INTAKE });
    const tool = await screen.waitFor(() => screen.find((node) => node.props.name === 'tool' && node.type === 'Select'));
    expect((tool.props.options as Array<{ value: string }>).map((option) => option.value)).not.toContain(NEW_TOOL);
  });

  it('renders nothing outside the intake portal and never holds the portal form back', async () => {
    const { world } = await freshScenario();
    const screen = await mount(RequestPanel, { surface: 'portal', world, accountId: PEOPLE.stranger, extension: { portal: { id: '2' }, request: { typeId: '10' } } });
    await screen.waitFor(() => screen.submissions.length > 0);
    expect(lastSubmission(screen)).toEqual({ fields: [], isValid: true });
    expect(screen.doc().children).toEqual([]);
    // The customer's own answer carries no reason either.
    expect(await world.invoke('portal', 'portal.createPanel', {}, { accountId: PEOPLE.customer, extension: { portal: { id: '2' }, request: { typeId: '10' } } })).toEqual({
      ok: true,
      data: { enabled: false, tools: [], allowNewTools: false, newToolMaxDays: 30 },
    });
  });

  it('tells an admin or an approver trying the portal why the panel is not there, still without holding the form back', async () => {
    const { world } = await freshScenario();
    for (const [accountId, extension, reason] of [
      [PEOPLE.admin, { portal: { id: '2' }, request: { typeId: '10' } }, 'This portal is not the Clearway intake portal.'],
      [PEOPLE.approver, { portal: { id: '1' }, request: { typeId: '11' } }, 'This request type is not one Clearway handles.'],
    ] as const) {
      const screen = await mount(RequestPanel, { surface: 'portal', world, accountId, extension });
      await screen.waitFor(() => screen.submissions.length > 0);
      expect(lastSubmission(screen)).toEqual({ fields: [], isValid: true });
      await screen.waitForText(reason);
      expect(screen.text()).toContain("Clearway's AI tool panel is not shown here");
      screen.hide?.();
    }
  });

  // The fake JSM answers as Atlassian documents `GET /rest/servicedeskapi/servicedesk/{serviceDeskId}/requesttype`
  // (https://developer.atlassian.com/cloud/jira/service-desk/rest/api-group-servicedesk/#api-rest-servicedeskapi-servicedesk-servicedeskid-requesttype-get):
  // each request type names `serviceDeskId` and `portalId`, two different identifiers (the docs' example: 28 and 2).
  it('opens on the portal of the intake service desk when the two ids differ, and on no other portal', async () => {
    const { world } = await freshScenario();
    world.forge.jira.serviceDesks.push(
      { id: '3', portalId: '7', projectKey: 'AIR', projectName: 'AI Requests', requestTypes: [{ id: '30', name: 'Request an AI tool' }] },
      { id: '5', portalId: '3', projectKey: 'AIR', projectName: 'Another desk', requestTypes: [{ id: '50', name: 'Anything' }] },
    );
    // Intake & Approvals stores the service desk the admin picked: 3 (every request type of it).
    const rules = scenarioRules({ intake: { projectKey: 'AIR', portalId: '3', requestTypeIds: [], recertIssueTypeId: '10005' } });
    expect(await world.invoke('adminPage', 'governance.update', { rules }, { accountId: PEOPLE.admin })).toMatchObject({ ok: true });

    const screen = await mount(RequestPanel, { surface: 'portal', world, accountId: PEOPLE.stranger, extension: { portal: { id: '7' }, request: { typeId: '30' } } });
    const tool = await screen.waitFor(() => screen.find((node) => node.props.name === 'tool' && node.type === 'Select'));
    await screen.choose(tool, 'claude');
    await screen.waitFor(() => lastSubmission(screen).isValid);
    expect(await createRequest(world, screen, 'AIR-40', PEOPLE.stranger, { serviceDeskId: '3', requestTypeId: '30' })).toMatchObject({ status: 'ingested' });
    screen.hide?.();

    // Portal 3 is service desk 5's: the panel stays out of the way, and intake refuses that desk's requests too.
    const elsewhere = await mount(RequestPanel, { surface: 'portal', world, accountId: PEOPLE.stranger, extension: { portal: { id: '3' }, request: { typeId: '50' } } });
    await elsewhere.waitFor(() => elsewhere.submissions.length > 0);
    expect(lastSubmission(elsewhere)).toEqual({ fields: [], isValid: true });
    world.forge.jira.createPortalRequest({ key: 'AIR-41', reporterAccountId: PEOPLE.stranger, serviceDeskId: '5', requestTypeId: '50' }, submittedForm({ toolId: 'gemini' }, true));
    expect(await ingestIssue(world.app, { issueKey: 'AIR-41', projectKey: 'AIR' })).toMatchObject({ status: 'skipped', reason: expect.stringContaining('another portal') });

    // One JSM read per panel invocation maps the configured service desk to its portal.
    const before = world.forge.jira.requests.length;
    expect(await world.invoke('portal', 'portal.createPanel', {}, { accountId: PEOPLE.admin, extension: { portal: { id: '3' }, request: { typeId: '50' } } })).toMatchObject({
      ok: true,
      data: { enabled: false, reason: 'This portal is not the Clearway intake portal.' },
    });
    expect(world.forge.jira.requests.slice(before).map((request) => request.path).filter((path) => path.startsWith('/rest/servicedeskapi/'))).toEqual(['/rest/servicedeskapi/servicedesk/3/requesttype?start=0&limit=50']);
  });

  it('shows a loading state, and a retryable warning (without blocking the form) when the tools cannot be read', async () => {
    const loading = await mount(RequestPanel, { surface: 'portal', answers: { 'portal.createPanel': () => pending() } });
    expect(loading.text()).toContain('Loading AI tools');
    expect(loading.submissions).toEqual([]);
    loading.hide?.();

    const screen = await mount(RequestPanel, { surface: 'portal', answers: { 'portal.createPanel': () => failure('jira_unavailable', 'Jira did not answer. Try again in a moment.') } });
    await screen.waitForText('The AI tool list could not be loaded');
    expect(screen.text()).toContain('Jira did not answer. Try again in a moment.');
    expect(screen.button('Try again')).toBeDefined();
    // An effect submits after the warning renders.
    await screen.waitFor(() => screen.submissions.length > 0);
    expect(lastSubmission(screen)).toEqual({ fields: [], isValid: true });
  });
});

describe('portal request detail', () => {
  const at = (key: string) => ({ portal: { id: '1' }, request: { typeId: '10', key } });

  it("shows the requester their grant's state: decision, access and expiry", async () => {
    const { world } = await freshScenario();
    const screen = await mount(RequestStatus, { surface: 'portal', world, accountId: PEOPLE.requester, extension: at('AIR-1') });
    await screen.waitForText('ChatGPT Enterprise');
    const text = screen.text();
    expect(text).toContain('Requested on 2026-11-23 for 30 days.');
    expect(text).toContain('Approved on 2026-11-23 by an approver: needed for the job');
    expect(text).toContain('Your access is active until 2026-12-23.');
    expect(screen.all((node) => node.type === 'Lozenge').map(textOf)).toEqual(['approved', 'active', '30 days remaining']);
  });

  it('explains pending, being set up and failed access in customer words', async () => {
    const { world } = await freshScenario();
    const cases: Array<[string, string]> = [
      ['AIR-5', 'Waiting for an approver’s decision.'],
      ['AIR-4', 'Your access is being set up.'],
      ['AIR-3', 'Setting up your access did not work yet.'],
    ];
    for (const [key, words] of cases) {
      const screen = await mount(RequestStatus, { surface: 'portal', world, accountId: PEOPLE.requester, extension: at(key) });
      await screen.waitForText(words);
      expect(screen.text()).not.toContain('Okta');
      screen.hide?.();
    }
  });

  it('renders nothing on a request that did not come through Clearway', async () => {
    const { world } = await freshScenario();
    world.forge.jira.addIssue({ key: 'AIR-99', reporterAccountId: PEOPLE.customer, serviceDeskId: '1', requestTypeId: '11' });
    const screen = await mount(RequestStatus, { surface: 'portal', world, accountId: PEOPLE.customer, extension: at('AIR-99') });
    await screen.waitFor(() => screen.invocations.length > 0);
    await screen.settle();
    expect(screen.doc().children).toEqual([]);
  });

  it("shows someone else's viewer nothing, exactly as on a request Clearway never took in, and a loading state first", async () => {
    const { world } = await freshScenario();
    const screen = await mount(RequestStatus, { surface: 'portal', world, accountId: PEOPLE.customer, extension: at('AIR-1') });
    await screen.waitFor(() => screen.invocations.length > 0);
    await screen.settle();
    expect(screen.doc().children).toEqual([]);
    screen.hide?.();
    const loading = await mount(RequestStatus, { surface: 'portal', answers: { 'portal.requestStatus': () => pending() } });
    expect(loading.text()).toContain('Loading access status');
  });
});
