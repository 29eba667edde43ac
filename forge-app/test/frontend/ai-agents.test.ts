/**
 * The admin page's AI agents group through the fake bridge, against the real resolvers over the
 * scenario installation with a seeded activity world (agent policy v1 and four calls decided and
 * recorded by core's gateway policy): Getting Started (the addresses, the Rovo card's status, the
 * test call), Agent Policy (rules, reorder, save as a version, refusals on their rows, explain),
 * the Activity Log (filters, the detail with its audit JSON, disconnect / forget user) and the
 * Dashboard. The gateway's host is the stand-in of `test-support/gateway-world.ts`.
 */
import { atlassianAuditJson, createGatewayPolicy, currentAgentPolicy, viewActivity } from '@clearway/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AdminPage } from '../../src/frontend/admin/admin-page-app';
import type { AppWorld } from '../../src/test-support/app-world';
import { installForgeRuntime } from '../../src/test-support/fake-forge/index';
import { ARGUMENT_SECRET, installGatewayDouble, seedActivity, UNA, UNA_CLAUDE, type GatewayHostDouble } from '../../src/test-support/gateway-world';
import { CONTRACTOR, freshScenario, PEOPLE } from '../../src/test-support/scenario';
import { failure, mount, textOf, type ForgeNode, type Screen } from './harness';

let uninstallRuntime: (() => void) | undefined;
afterEach(() => {
  uninstallRuntime?.();
  uninstallRuntime = undefined;
  vi.unstubAllGlobals();
});

async function seededWorld(): Promise<{ world: AppWorld; gateway: GatewayHostDouble }> {
  const { world } = await freshScenario();
  const gateway = installGatewayDouble(world);
  await seedActivity(world);
  return { world, gateway };
}

/** A Tabs element by the id the surface gave it (the reconciler may prefix ids to keep them unique). */
const tabsWithId = (id: string) => (node: ForgeNode) => node.type === 'Tabs' && String(node.props.id).endsWith(id);

/** Opens a section of the AI agents group: its own tabs, not the page's. */
async function openSection(screen: Screen, title: string): Promise<void> {
  const tabs = await screen.waitFor(() => screen.find(tabsWithId('clearway-ai-agents')));
  const list = tabs.children.find((child) => child.type === 'TabList');
  const index = (list?.children ?? []).filter((child) => child.type === 'Tab').map(textOf).indexOf(title);
  expect(index, `a section titled "${title}"`).toBeGreaterThanOrEqual(0);
  await screen.call(tabs, 'onChange', index);
}

async function openAgents(world: AppWorld, section: string): Promise<Screen> {
  const screen = await mount(AdminPage, { surface: 'adminPage', world, accountId: PEOPLE.admin });
  await screen.openTab('AI agents');
  await openSection(screen, section);
  return screen;
}

async function pickPerson(screen: Screen, name: string, query: string, accountId: string): Promise<void> {
  await screen.search(screen.field(name), query);
  await screen.waitFor(() => (screen.field(name).props.options as Array<{ value: string }>).some((option) => option.value === accountId));
  await screen.choose(screen.field(name), accountId);
}

const rowTexts = (screen: Screen, table: ForgeNode) => screen.rows(table).map((cells) => cells.map(textOf));

describe('AI agents: the group', () => {
  it('holds Getting Started, Agent Policy, Activity Log and Dashboard, after the admin page’s own tabs', async () => {
    const { world } = await seededWorld();
    const screen = await mount(AdminPage, { surface: 'adminPage', world, accountId: PEOPLE.admin });
    await screen.openTab('AI agents');
    const group = await screen.waitFor(() => screen.find(tabsWithId('clearway-ai-agents')));
    expect(screen.all((node) => node.type === 'Tab', group).map(textOf)).toEqual(['Getting Started', 'Agent Policy', 'Activity Log', 'Dashboard']);
  });
});

describe('AI agents: Getting Started', () => {
  it('shows the MCP server and callback URLs under the web trigger’s URL, and the Rovo card turns Allowed once a sign-in came back', async () => {
    const { world } = await freshScenario();
    uninstallRuntime = installForgeRuntime();
    const gateway = installGatewayDouble(world, { baseUrl: 'webTrigger' });
    const screen = await openAgents(world, 'Getting Started');
    const mcp = await screen.waitFor(() => screen.maybeTestId('mcpUrl-value'));
    const url = world.forge.webTriggers.urlOf('clearway-gateway');
    expect(mcp.props).toMatchObject({ value: `${url}/mcp`, isReadOnly: true });
    expect(screen.byTestId('callbackUrl-value').props.value).toBe(`${url}/callback`);
    expect(JSON.parse(String(screen.byTestId('cursor-config').props.text))).toEqual({ mcpServers: { clearway: { url: `${url}/mcp` } } });
    const card = screen.byTestId('rovo-domain');
    expect(textOf(screen.byTestId('rovo-domain-status'))).toBe('Action needed');
    expect(textOf(card)).toContain('Apps → AI settings → Rovo MCP server, open Domains → Your domains and select Add domain');
    expect(textOf(card)).toContain('Turn off “Allow Atlassian supported domains”');

    // The first sign-in comes back through /callback; the admin checks again.
    gateway.connections.callbackVerifiedAt = world.clock.now();
    await screen.click(screen.button('Check again', card));
    await screen.waitFor(() => textOf(screen.byTestId('rovo-domain-status')) === 'Allowed');
    expect(textOf(screen.byTestId('rovo-domain'))).toContain('A sign-in came back through this address on');
    expect(screen.buttons('Check again')).toEqual([]);
  });

  it('copies an address when the browser lets it, and says how to copy it by hand when not', async () => {
    const { world } = await seededWorld();
    const screen = await openAgents(world, 'Getting Started');
    await screen.waitFor(() => screen.maybeTestId('mcpUrl-copy'));
    const writeText = vi.fn(async () => undefined);
    vi.stubGlobal('navigator', { clipboard: { writeText } });
    await screen.click(screen.byTestId('mcpUrl-copy'));
    await screen.waitForText('Copied to your clipboard.');
    expect(writeText).toHaveBeenCalledWith('https://7c1e5b2a-0d4f.hello.atlassian-dev.net/x1/qT3vYy8nA1/mcp');

    vi.stubGlobal('navigator', { clipboard: { writeText: async () => Promise.reject(new DOMException('Document is not focused.', 'NotAllowedError')) } });
    await screen.click(screen.byTestId('callbackUrl-copy'));
    await screen.waitForText('Your browser did not let Clearway copy it: click the address, select it all');
  });

  it('runs the test call and lists its named checks', async () => {
    const { world, gateway } = await seededWorld();
    gateway.checks = [
      { name: 'MCP server metadata', ok: true, detail: 'The metadata answers under the MCP URL.' },
      { name: 'Atlassian authorization server', ok: false, detail: 'mcp.atlassian.com did not answer (HTTP 503).' },
    ];
    const screen = await openAgents(world, 'Getting Started');
    await screen.click(await screen.waitFor(() => screen.find((node) => node.type === 'LoadingButton' && textOf(node) === 'Run test call')));
    const checks = await screen.waitFor(() => screen.maybeTestId('self-test-checks'));
    expect(textOf(checks)).toContain('1 check failed.');
    expect(textOf(screen.byTestId('self-test-MCP server metadata'))).toBe('passed MCP server metadata: The metadata answers under the MCP URL.');
    expect(textOf(screen.byTestId('self-test-Atlassian authorization server'))).toBe('failed Atlassian authorization server: mcp.atlassian.com did not answer (HTTP 503).');
    expect(gateway.selfTests).toBe(1);
  });

  it('says why the addresses could not be loaded, and tries again', async () => {
    const { world } = await seededWorld();
    let calls = 0;
    const screen = await mount(AdminPage, {
      surface: 'adminPage',
      world,
      accountId: PEOPLE.admin,
      answers: { 'gateway.setup': () => (++calls === 1 ? failure('jira_unavailable', 'Jira did not answer. Try again in a moment.') : { ok: true, data: { mcpUrl: 'https://x.example/mcp', callbackUrl: 'https://x.example/callback' } }) },
    });
    await screen.openTab('AI agents');
    await screen.waitForText("Clearway could not load the gateway's addresses");
    await screen.click(screen.button('Try again'));
    await screen.waitFor(() => screen.maybeTestId('mcpUrl-value'));
  });
});

describe('AI agents: Agent Policy', () => {
  it('adds, edits, reorders and deletes rules, and saves them as a new version that decides the next call', async () => {
    const { world } = await seededWorld();
    const screen = await openAgents(world, 'Agent Policy');
    await screen.waitForText('In force: version 1');
    expect(screen.button('Save policy').props.isDisabled).toBe(true);

    await screen.click(screen.button('Add rule'));
    await screen.search(screen.field('ruleGroup'), 'eng');
    await screen.waitFor(() => (screen.field('ruleGroup').props.options as Array<{ value: string }>).some((option) => option.value === 'engineering'));
    await screen.choose(screen.field('ruleGroup'), 'engineering');
    await screen.type(screen.field('ruleOperation'), 'create*');
    await screen.call(screen.field('ruleEffect'), 'onChange', { target: { value: 'allow', type: 'radio' } });
    await screen.check(screen.field('ruleRequireGrant'), true);
    await screen.type(screen.field('ruleNote'), 'Engineers may create with their grant');
    await screen.submit(screen.form('agent-rule-modal'));
    const rules = await screen.waitFor(() => screen.maybeTestId('agent-rules') && screen.rows(screen.byTestId('agent-rules')).length === 2 && screen.byTestId('agent-rules'));
    expect(rowTexts(screen, rules)[1]?.slice(0, 7)).toEqual(['2', 'any client', 'engineering', 'create*', 'allow', 'required', 'Engineers may create with their grant']);

    // The new rule goes first; the first (delete*) is edited to name Claude only.
    await screen.click(screen.byTestId('rule-up-1'));
    await screen.click(screen.byTestId('rule-edit-1'));
    await screen.type(screen.field('ruleClient'), 'claude');
    await screen.submit(screen.form('agent-rule-modal'));
    await screen.waitFor(() => rowTexts(screen, screen.byTestId('agent-rules'))[1]?.[1] === 'claude');
    expect(rowTexts(screen, screen.byTestId('agent-rules')).map((cells) => cells[3])).toEqual(['create*', 'delete*']);

    // A third rule, added and deleted again, changes nothing.
    await screen.click(screen.button('Add rule'));
    await screen.type(screen.field('ruleOperation'), '*');
    await screen.submit(screen.form('agent-rule-modal'));
    await screen.waitFor(() => screen.rows(screen.byTestId('agent-rules')).length === 3);
    await screen.click(screen.byTestId('rule-delete-2'));
    await screen.waitFor(() => screen.rows(screen.byTestId('agent-rules')).length === 2);

    await screen.type(screen.field('agentPolicyNote'), 'engineers create; Claude never deletes');
    await screen.click(screen.button('Save policy'));
    await screen.waitForText('Saved as version 2');
    await screen.waitForText('In force: version 2');
    const saved = await currentAgentPolicy(world.app.deps.store);
    expect(saved).toMatchObject({ policyVersion: 2, createdBy: PEOPLE.admin, note: 'engineers create; Claude never deletes' });
    expect(saved.rules.rules).toEqual([
      { client: '*', group: 'engineering', operation: 'create*', effect: 'allow', requireGrant: true, note: 'Engineers may create with their grant' },
      { client: 'claude', group: null, operation: 'delete*', effect: 'deny', requireGrant: false, note: 'AI may never delete' },
    ]);
    const [decision] = await createGatewayPolicy(world.app.deps).decide(UNA, ['deleteJiraIssue']);
    expect(decision).toMatchObject({ effect: 'deny', basis: 'rule', ruleIndex: 1, policyVersion: 2 });
    const history = await screen.waitFor(() => screen.maybeTestId('agent-policy-versions') && screen.rows(screen.byTestId('agent-policy-versions')).length === 2 && screen.byTestId('agent-policy-versions'));
    expect(rowTexts(screen, history).map((cells) => [cells[0], cells[3], cells[4]])).toEqual([
      ['Version 2', 'default allow, 2 rules', 'engineers create; Claude never deletes'],
      ['Version 1', 'default allow, 1 rule', 'no deletes'],
    ]);
  });

  it('shows a refused save on the rule and the client link it is about, saving nothing', async () => {
    const { world } = await freshScenario();
    installGatewayDouble(world);
    const screen = await openAgents(world, 'Agent Policy');
    // Version 0 links the AI clients to the seed catalog's tools, which this catalog does not have.
    await screen.waitForText('In force: the built-in default (version 0)');
    await screen.click(screen.button('Add rule'));
    await screen.type(screen.field('ruleOperation'), 'delete[');
    await screen.submit(screen.form('agent-rule-modal'));
    await screen.waitFor(() => screen.maybeTestId('agent-rules'));
    await screen.click(screen.button('Save policy'));
    await screen.waitForText('The agent policy was not saved');
    expect(textOf(screen.row(screen.byTestId('agent-rules'), 'delete['))).toContain('“[” is never closed');
    expect((await currentAgentPolicy(world.app.deps.store)).policyVersion).toBe(0);

    // Fixed: a valid pattern; then the links to tools the catalog lacks are what is refused.
    await screen.click(screen.byTestId('rule-edit-0'));
    await screen.type(screen.field('ruleOperation'), 'delete*');
    await screen.submit(screen.form('agent-rule-modal'));
    await screen.click(screen.button('Save policy'));
    await screen.waitFor(() => textOf(screen.row(screen.byTestId('client-links'), 'claude')).includes('the catalog has no tool claude-enterprise'));
    expect(textOf(screen.row(screen.byTestId('agent-rules'), 'delete*'))).not.toContain('never closed');

    for (const name of ['claude', 'chatgpt', 'cursor', 'copilot', 'gemini']) await screen.click(screen.byTestId(`client-link-remove-${name}`));
    await screen.type(screen.field('linkClient'), 'claude');
    await screen.waitFor(() => (screen.field('linkTool').props.options as unknown[]).length > 0);
    await screen.choose(screen.field('linkTool'), 'claude');
    await screen.click(screen.button('Link client'));
    await screen.click(screen.button('Save policy'));
    await screen.waitForText('Saved as version 1');
    expect((await currentAgentPolicy(world.app.deps.store)).rules.clients).toEqual([{ name: 'claude', toolId: 'claude' }]);
  });

  it('explains a call with the rule that decides it', async () => {
    const { world } = await seededWorld();
    const screen = await openAgents(world, 'Agent Policy');
    await screen.waitFor(() => screen.maybeTestId('agent-rules'));
    await screen.type(screen.field('explainOperation'), 'deleteJiraIssue');
    await screen.click(screen.button('Explain'));
    const answer = await screen.waitFor(() => screen.maybeTestId('explain-answer'));
    expect(textOf(answer)).toContain('deny Decided by rule 1 (delete* → deny for any client, any user) of agent policy v1.');
    expect(textOf(answer)).toContain("The rule's note: AI may never delete");
    expect(screen.invoked('gateway.explain').map((call) => call.payload)).toEqual([{ client: 'claude', operation: 'deleteJiraIssue', groups: [] }]);

    await pickPerson(screen, 'explainPerson', 'una', PEOPLE.requester);
    await screen.type(screen.field('explainOperation'), 'getJiraIssue');
    await screen.click(screen.button('Explain'));
    await screen.waitFor(() => textOf(screen.byTestId('explain-answer')).includes('Una User'));
    expect(textOf(screen.byTestId('explain-answer'))).toContain('allow Decided by the default decision (allow) of agent policy v1.');
    expect(textOf(screen.byTestId('explain-answer'))).toContain('Asked for Una User (groups: engineering).');
    expect(screen.invoked('gateway.explain')[1]?.payload).toEqual({ client: 'claude', operation: 'getJiraIssue', accountId: PEOPLE.requester });
  });
});

describe('AI agents: Activity Log', () => {
  it('lists the calls newest first and filters them by decision, search, operation, client and user', async () => {
    const { world } = await seededWorld();
    const screen = await openAgents(world, 'Activity Log');
    const table = await screen.waitFor(() => screen.maybeTestId('agent-activity'));
    expect(rowTexts(screen, table).map((cells) => cells.slice(1, 6))).toEqual([
      ['Una User · una@example.com', 'claude', 'deleteJiraIssue', 'Blocked', 'not forwarded, 180 B'],
      ['Una User · una@example.com', 'cursor', 'createJiraIssue', 'Allowed', 'ok, 700 B'],
      ['Cole Contractor · cole@example.com', 'chatgpt', 'getConfluencePage', 'Allowed', 'ok, 5.0 KB'],
      ['Una User · una@example.com', 'claude', 'searchJiraIssuesUsingJql', 'Allowed', 'ok, 2.0 KB'],
    ]);
    const operations = () => rowTexts(screen, screen.byTestId('agent-activity')).map((cells) => cells[3]);

    await screen.choose(screen.field('activityDecision'), 'blocked');
    await screen.waitFor(() => operations().length === 1);
    expect(operations()).toEqual(['deleteJiraIssue']);
    await screen.choose(screen.field('activityDecision'), null);

    await screen.type(screen.field('activitySearch'), 'invoice');
    await screen.waitFor(() => operations().length === 1 && operations()[0] === 'searchJiraIssuesUsingJql');
    await screen.type(screen.field('activitySearch'), '');
    await screen.type(screen.field('activityClient'), 'Cursor');
    await screen.waitFor(() => operations().length === 1 && operations()[0] === 'createJiraIssue');
    await screen.type(screen.field('activityClient'), '');
    await screen.type(screen.field('activityOperation'), 'nothingLikeThis');
    await screen.waitForText('No calls match');
    await screen.type(screen.field('activityOperation'), '');

    await pickPerson(screen, 'activityUser', 'cole', CONTRACTOR);
    await screen.waitFor(() => screen.maybeTestId('agent-activity') && operations().length === 1 && operations()[0] === 'getConfluencePage');
    const payloads = screen.invoked('gateway.activity').map((call) => call.payload);
    expect(payloads).toContainEqual({ decision: 'blocked', limit: 50 });
    expect(payloads).toContainEqual({ text: 'invoice', limit: 50 });
    expect(payloads).toContainEqual({ client: 'Cursor', limit: 50 });
    expect(payloads).toContainEqual({ operation: 'nothingLikeThis', limit: 50 });
    expect(payloads[payloads.length - 1]).toEqual({ user: CONTRACTOR, limit: 50 });
  });

  it('opens a call: who, the redacted arguments, the decision and its rule, size and latency, and the Atlassian audit JSON', async () => {
    const { world } = await seededWorld();
    const screen = await openAgents(world, 'Activity Log');
    const table = await screen.waitFor(() => screen.maybeTestId('agent-activity'));
    const coleRow = screen.row(table, 'getConfluencePage');
    await screen.click(screen.get((node) => node.type === 'Button' && textOf(node) === 'Details', 'details button', coleRow));
    const detail = await screen.waitFor(() => screen.maybeTestId('activity-detail') && screen.maybeTestId('activity-arguments') && screen.byTestId('activity-detail'));
    const text = textOf(detail);
    expect(text).toContain('Who Cole Contractor, cole@example.com');
    expect(text).toContain(`Atlassian account ${CONTRACTOR}`);
    expect(text).toContain('AI client chatgpt (calls itself openai-mcp)');
    expect(text).toContain('Decision Allowed by the agent policy\'s default decision of agent policy v1');
    expect(text).toContain('Response size 5.0 KB');
    expect(text).toContain('Latency 80 ms');
    expect(JSON.parse(String(screen.byTestId('activity-arguments').props.text))).toEqual({ pageId: '42', apiToken: '[REDACTED]' });

    const tabs = screen.get(tabsWithId('activity-detail-tabs'), 'detail tabs');
    await screen.call(tabs, 'onChange', 1);
    const json = await screen.waitFor(() => screen.maybeTestId('activity-audit-json'));
    const seq = Number(/AI call (\d+)/.exec(text)?.[1]);
    const record = await viewActivity(world.app.deps, seq);
    expect(record?.data.accountId).toBe(CONTRACTOR);
    expect(JSON.parse(String(json.props.text))).toEqual(JSON.parse(JSON.stringify(atlassianAuditJson(record!))));
    expect(screen.everyString().join('\n')).not.toContain(ARGUMENT_SECRET);
  });

  it('disconnects one of a person’s AI clients from their call, then forgets them, asking first each time', async () => {
    const second = { ...UNA_CLAUDE, id: 'conn-una-cursor', client: 'cursor', connectedAt: UNA_CLAUDE.connectedAt + 60_000 };
    const { world } = await freshScenario();
    const gateway = installGatewayDouble(world, { connections: [UNA_CLAUDE, second] });
    await seedActivity(world);
    const screen = await openAgents(world, 'Activity Log');
    const table = await screen.waitFor(() => screen.maybeTestId('agent-activity'));
    await screen.click(screen.get((node) => node.type === 'Button' && textOf(node) === 'Details', 'details button', screen.row(table, 'deleteJiraIssue')));
    await screen.click(await screen.waitFor(() => screen.maybeTestId('activity-manage-user')));
    const connections = await screen.waitFor(() => screen.maybeTestId('user-connections'));
    expect(screen.rows(connections).map((cells) => textOf(cells[0] as ForgeNode))).toEqual(['cursor', 'claude']);

    await screen.click(screen.byTestId('disconnect-conn-una-cursor'));
    expect(textOf(screen.byTestId('connection-confirm'))).toContain('Disconnect cursor for Una User, una@example.com?');
    expect(gateway.connections.byId.has('conn-una-cursor')).toBe(true);
    await screen.click(screen.button('Disconnect', screen.byTestId('connection-confirm')));
    await screen.waitForText('cursor disconnected');
    await screen.waitFor(() => screen.rows(screen.byTestId('user-connections')).length === 1);

    await screen.click(screen.byTestId('forget-user'));
    expect(textOf(screen.byTestId('connection-confirm'))).toContain('Ends 1 connected AI client');
    await screen.click(screen.button('Forget user', screen.byTestId('connection-confirm')));
    await screen.waitForText('No AI client is connected for this person.');
    expect(screen.text()).toContain('1 connection ended');
    expect(gateway.connections.events.map((event) => event.type)).toEqual(['gateway.disconnected', 'gateway.user_forgotten']);
    expect(gateway.connections.events.every((event) => 'by' in event && event.by.role === 'admin' && event.by.accountId === PEOPLE.admin)).toBe(true);
  });

  it('finds a person to disconnect with the people picker', async () => {
    const { world } = await seededWorld();
    const screen = await openAgents(world, 'Activity Log');
    await screen.click(await screen.waitFor(() => screen.buttons('Disconnect / forget user')[0]));
    await screen.waitForText('Choose a person to see the AI clients they connected.');
    await pickPerson(screen, 'connectionsUser', 'una', PEOPLE.requester);
    const connections = await screen.waitFor(() => screen.maybeTestId('user-connections'));
    expect(textOf(connections)).toContain('claude');
    expect(screen.invoked('gateway.connections').map((call) => call.payload)).toEqual([{ accountId: PEOPLE.requester }]);
  });

  it('says there is no activity yet on a fresh installation', async () => {
    const { world } = await freshScenario();
    installGatewayDouble(world);
    const screen = await openAgents(world, 'Activity Log');
    await screen.waitForText('No AI activity yet');
  });
});

describe('AI agents: Dashboard', () => {
  it('shows totals, block rate, allowed vs blocked by day and top operations, for the range chosen', async () => {
    const { world } = await seededWorld();
    const screen = await openAgents(world, 'Dashboard');
    await screen.waitFor(() => screen.maybeTestId('figure-calls'));
    expect(textOf(screen.byTestId('figure-calls'))).toBe('Calls 4');
    expect(textOf(screen.byTestId('figure-allowed'))).toBe('Allowed 3');
    expect(textOf(screen.byTestId('figure-blocked'))).toBe('Blocked 1');
    expect(textOf(screen.byTestId('figure-block-rate'))).toBe('Block rate 25%');
    const chart = screen.get((node) => node.type === 'StackBarChart', 'allowed vs blocked chart');
    expect(chart.props).toMatchObject({ xAccessor: 'day', yAccessor: 'calls', colorAccessor: 'decision' });
    const today = new Date(world.clock.now()).toISOString().slice(0, 10);
    const data = chart.props.data as Array<{ day: string; decision: string; calls: number }>;
    expect(data).toHaveLength(14);
    expect(data.filter((point) => point.day === today)).toEqual([
      { day: today, decision: 'Allowed', calls: 3 },
      { day: today, decision: 'Blocked', calls: 1 },
    ]);
    expect(rowTexts(screen, screen.byTestId('top-operations'))).toContainEqual(['deleteJiraIssue', '1', '0', '1']);

    await screen.call(screen.field('dashboardRange'), 'onChange', { target: { value: 'today', type: 'radio' } });
    await screen.waitFor(() => (screen.find((node) => node.type === 'StackBarChart')?.props.data as unknown[] | undefined)?.length === 2);
    expect(screen.invoked('gateway.dashboard').map((call) => call.payload)).toEqual([{ range: '7d' }, { range: 'today' }]);
  });

  it('says there are no calls yet in the range', async () => {
    const { world } = await freshScenario();
    installGatewayDouble(world);
    const screen = await openAgents(world, 'Dashboard');
    await screen.waitForText('No AI calls in this range');
  });
});
