/**
 * The admin page's record tabs through the fake bridge: Requests (queues, all records with
 * filters, bulk decisions, CSV exports), Insights (charts from the daily rollups) and Governance
 * Logs (search, filters, the detail drawer's chain fields, chain verification, and evidence
 * export with its 90 / 365-day range rules, checked before the backend is asked).
 */
import { completeManualTask, DAY_MS, decide, DEFAULT_EXPORT_DAYS, HOUR_MS, MAX_EXPORT_DAYS, refreshInsights, verifyEvidence, verifyEvidenceCsv } from '@clearway/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AdminPage } from '../../src/frontend/admin/admin-page-app';
import { DEFAULT_EXPORT_DAYS as UI_DEFAULT_DAYS, MAX_EXPORT_DAYS as UI_MAX_DAYS } from '../../src/frontend/admin/evidence-range';
import { formatDate } from '../../src/frontend/components/format';
import { makeAppWorld, type AppWorld } from '../../src/test-support/app-world';
import { APPROVER, CONTRACTOR, freshScenario, PEOPLE, seedSite } from '../../src/test-support/scenario';
import { failure, mount, textOf, type ForgeNode, type Screen } from './harness';

const codeBlocks = (screen: Screen, within: ForgeNode) => screen.all((node) => node.type === 'CodeBlock', within).map((node) => String(node.props.text));

/** The admin page as the scenario's admin, on the tab titled `title`. */
async function openAdminTab(world: AppWorld, title: string): Promise<Screen> {
  const screen = await mount(AdminPage, { surface: 'adminPage', world, accountId: PEOPLE.admin });
  await screen.openTab(title);
  return screen;
}

/** A Jira admin, for tests that answer the tab's reads themselves. */
const ADMIN_VIEWER = () => ({ ok: true, data: { accountId: 'acc-admin', isAdmin: true, canApprove: true, tabs: [] } });

afterEach(() => {
  vi.useRealTimers();
});

describe('admin page: Requests', () => {
  it('decides pending requests in bulk from the admin page', async () => {
    const { world, scenario } = await freshScenario();
    const screen = await openAdminTab(world, 'Requests');
    await screen.waitFor(() => screen.maybeTestId('pending-requests'));
    await screen.check(screen.field('select-all'), true);
    await screen.click(screen.button('Approve selected'));
    expect(textOf(screen.byTestId('decision-modal'))).toContain('Approve 2 requests?');
    await screen.type(screen.field('rationale'), 'Admin rollout');
    await screen.submit(screen.form('decision-modal'));
    await screen.waitForText('2 requests approved');
    expect(await world.app.deps.store.get('request', scenario.pendingRequestId)).toMatchObject({ status: 'approved', decision: { source: 'bulk', decidedBy: PEOPLE.admin } });
  });

  it('filters all requests by status and exports them as CSV', async () => {
    const { world } = await freshScenario();
    const screen = await openAdminTab(world, 'Requests');
    await screen.click(screen.byTestId('requests-view-requests'));
    const all = await screen.waitFor(() => screen.maybeTestId('all-requests'));
    expect(screen.rows(all).length).toBe(6);

    await screen.choose(screen.field('requestStatus'), 'pending');
    await screen.waitFor(() => screen.maybeTestId('all-requests') && screen.rows(screen.byTestId('all-requests')).length === 2);
    expect(screen.invoked('requests.all').map((call) => call.payload)).toEqual([{ limit: 50 }, { limit: 50, status: 'pending' }]);

    await screen.click(screen.button('Export CSV'));
    const exported = await screen.waitFor(() => screen.maybeTestId('export-result'));
    expect(textOf(exported)).toContain(`Save as clearway-requests-pending-${formatDate(Date.now())}.csv`);
    expect(textOf(exported)).toContain('2 requests.');
    const [csv] = codeBlocks(screen, exported);
    const lines = (csv ?? '').trim().split('\n');
    expect(lines[0]).toBe('issueKey,requester,tool,status,requestedAt,durationDays,purpose,decision,decidedBy,decidedAt,source,rationale,policyVersion');
    expect(lines.slice(1).map((line) => line.split(',')[0]).sort()).toEqual(['AIR-2', 'AIR-5']);
  });

  it('lists grants by status with their expiry and exports them', async () => {
    const { world } = await freshScenario();
    const screen = await openAdminTab(world, 'Requests');
    await screen.click(screen.byTestId('requests-view-grants'));
    const grants = await screen.waitFor(() => screen.maybeTestId('all-grants'));
    expect(screen.rows(grants).length).toBe(4);
    expect(textOf(screen.row(grants, 'AIR-3'))).toContain('provisioning failed');
    await screen.choose(screen.field('grantStatus'), 'active');
    await screen.waitFor(() => screen.maybeTestId('all-grants') && screen.rows(screen.byTestId('all-grants')).length === 2);
    expect(textOf(screen.row(screen.byTestId('all-grants'), 'AIR-1'))).toContain('30 days remaining');
    await screen.click(screen.button('Export CSV'));
    const exported = await screen.waitFor(() => screen.maybeTestId('export-result'));
    const [header, ...lines] = (codeBlocks(screen, exported)[0] ?? '').trim().split('\n');
    expect(header).toBe('issueKey,requester,tool,status,activatedAt,expiresAt,expiry,deprovision,connector,failure,exceptionReason,exceptionApprovedBy,linkedIssues,endsWhen');
    expect(lines.find((line) => line.startsWith('AIR-1,'))).toMatch(/^AIR-1,acc-requester,ChatGPT Enterprise,active,.*,,$/);
    // The exception's grant carries its reason and who approved it.
    expect(lines.find((line) => line.startsWith('AIR-6,'))).toMatch(/^AIR-6,acc-contractor,ChatGPT Enterprise,active,.*,The audit engagement runs four months; the usual 90 days would cut it off\.,acc-security,,$/);
  });

  it('extends and revokes a grant with a reason', async () => {
    const { world, scenario } = await freshScenario();
    const screen = await openAdminTab(world, 'Requests');
    await screen.click(screen.byTestId('requests-view-grants'));
    await screen.waitFor(() => screen.maybeTestId('all-grants'));
    expect(screen.maybeTestId('extend-AIR-3')).toBeUndefined();

    await screen.click(screen.byTestId('extend-AIR-1'));
    await screen.type(screen.field('extendDays'), '200');
    await screen.waitForText('Enter a whole number from 1 to 180.');
    await screen.type(screen.field('extendDays'), '10');
    await screen.submit(screen.form('grant-action'));
    await screen.waitForText('Give a short reason (at least 3 characters)');
    expect(screen.invoked('grants.extend')).toEqual([]);
    await screen.type(screen.field('grantRationale'), 'Project runs longer');
    await screen.submit(screen.form('grant-action'));
    await screen.waitForText('AIR-1 extended');
    expect(screen.text()).toContain('ChatGPT Enterprise access now ends on 2027-01-02.');
    expect(screen.invoked('grants.extend')[0]?.payload).toEqual({ grantId: scenario.activeGrantId, days: 10, rationale: 'Project runs longer' });

    await screen.waitFor(() => screen.maybeTestId('all-grants') && screen.maybeTestId('revoke-AIR-1'));
    await screen.click(screen.byTestId('revoke-AIR-1'));
    await screen.type(screen.field('grantRationale'), 'Left the team');
    await screen.submit(screen.form('grant-action'));
    await screen.waitForText('AIR-1 revoked');
    expect(await world.app.deps.store.get('grant', scenario.activeGrantId)).toMatchObject({ status: 'revoked', deprovision: 'pending' });
  });

  it("shows core's refusal when an extension passes the grant's lifetime", async () => {
    const { world } = await freshScenario();
    const screen = await openAdminTab(world, 'Requests');
    await screen.click(screen.byTestId('requests-view-grants'));
    await screen.waitFor(() => screen.maybeTestId('all-grants'));
    await screen.click(screen.byTestId('extend-AIR-1'));
    await screen.type(screen.field('extendDays'), '170');
    await screen.type(screen.field('grantRationale'), 'Long project');
    await screen.submit(screen.form('grant-action'));
    await screen.waitForText('The grant was not extended');
    expect(textOf(screen.byTestId('grant-action'))).toContain('A grant may last at most 180 days from its start; at most 150 more days are possible.');
  });

  it('shows manual follow-up: manual provisioning actions and failed fulfillments', async () => {
    const { world } = await freshScenario();
    const screen = await openAdminTab(world, 'Requests');
    await screen.click(screen.byTestId('requests-view-followUp'));
    const tasks = await screen.waitFor(() => screen.maybeTestId('manual-tasks'));
    expect(textOf(tasks)).toContain('AIR-4');
    const failed = await screen.waitFor(() => screen.maybeTestId('failed-fulfillments'));
    expect(textOf(failed)).toContain('AIR-3');
  });

  it('says why the records could not be exported', async () => {
    const screen = await mount(AdminPage, {
      surface: 'adminPage',
      answers: {
        'viewer.context': ADMIN_VIEWER,
        'approvals.pending': () => ({ ok: true, data: { items: [] } }),
        'requests.all': (payload) => ((payload as { limit: number }).limit === 100 ? failure('jira_unavailable', 'Jira did not answer. Try again in a moment.') : { ok: true, data: { items: [] } }),
      },
    });
    await screen.openTab('Requests');
    await screen.click(screen.byTestId('requests-view-requests'));
    await screen.waitForText('No requests yet');
    await screen.click(screen.button('Export CSV'));
    await screen.waitForText('The requests were not exported');
    expect(screen.text()).toContain('Jira did not answer. Try again in a moment.');
  });
});

describe('admin page: Insights', () => {
  const chartOf = (screen: Screen) => (title: string) => screen.get((node) => node.props.title === title && node.type !== 'Text', `chart "${title}"`);

  it('charts requests by status, active grants by tool and risk, time to active and failures by kind', async () => {
    const { world } = await freshScenario();
    await refreshInsights(world.app.deps);
    const screen = await openAdminTab(world, 'Insights');
    await screen.waitFor(() => screen.find((node) => node.type === 'DonutChart'));
    const chart = chartOf(screen);
    expect(chart('Requests by status')).toMatchObject({ type: 'BarChart', props: { xAccessor: 'label', yAccessor: 'count' } });
    expect(chart('Requests by status').props.data).toEqual(expect.arrayContaining([{ label: 'approved', count: 4 }, { label: 'pending', count: 2 }]));
    await screen.waitFor(() => (chart('Active grants by tool').props.data as unknown[]).length > 0);
    expect(chart('Active grants by tool').props.data).toEqual([{ label: 'ChatGPT Enterprise', count: 2 }]);
    expect(chart('Active grants by risk')).toMatchObject({ type: 'DonutChart', props: { data: [{ label: 'medium', count: 2 }], labelAccessor: 'label', valueAccessor: 'count' } });
    expect(chart('Time from approval to active access')).toMatchObject({ type: 'LineChart', props: { xAccessor: 'day', yAccessor: 'hours' } });
    expect(chart('Failures by kind').props.data).toEqual([{ label: 'connector settings', count: 1 }]);
    expect(screen.text()).toContain('Requests in the period: 6');

    await screen.choose(screen.field('insightsPeriod'), '31');
    await screen.waitFor(() => screen.invoked('insights.daily').length === 2);
    expect(screen.invoked('insights.daily').map((call) => call.payload)).toEqual([{ days: 7 }, { days: 31 }]);
  });

  it('shows what is true now, read live, beside a rollup that is older: active grants, SLA breaches, failures, manual tasks', async () => {
    const { world, scenario } = await freshScenario();
    const { deps } = world.app;
    await refreshInsights(deps);
    // After the rollup: Claude's task is completed (a second active grant) and the customer's request approved (a new manual task).
    await completeManualTask(deps, APPROVER, { jobId: scenario.manualTaskJobId, completion: 'fulfilled' });
    await decide(deps, APPROVER, { requestId: scenario.customerRequestId, outcome: 'approved', rationale: 'needed for the job' });
    await world.app.engine.runDueJobs({ deadline: world.clock.now() + 60_000 });
    // Past the default 48-hour approval SLA for the one request still pending (AIR-5).
    world.clock.at += 49 * HOUR_MS;

    const screen = await openAdminTab(world, 'Insights');
    const live = await screen.waitFor(() => screen.maybeTestId('insights-live'));
    const chart = chartOf(screen);
    expect(textOf(live)).toContain('Active grants now: 3');
    expect(textOf(live)).toContain('Pending requests: 1');
    expect(textOf(live)).toContain('Past the 48-hour approval SLA: 1');
    expect(textOf(live)).toContain('Failed fulfillments waiting: 1');
    expect(textOf(live)).toContain('Open manual tasks: 1');
    await screen.waitFor(() => (chart('Active grants by tool').props.data as unknown[]).length === 2);
    expect(chart('Active grants by tool').props.data).toEqual(expect.arrayContaining([{ label: 'ChatGPT Enterprise', count: 2 }, { label: 'Claude', count: 1 }]));
    expect(chart('Failed fulfillments by kind').props.data).toEqual([{ label: 'connector settings', count: 1 }]);
    // The rollup still says two (ChatGPT's), and says which day it is for.
    expect(chart('Active grants by risk').props.data).toEqual([{ label: 'medium', count: 2 }]);
    expect(screen.text()).toMatch(/Active grants by risk, as rolled up for \d{4}-\d{2}-\d{2}/);

    // People: the requester asked four times, the approver decided four (one after the period's reads began: still submitted in it),
    // the security reviewer one (the contractor's exception).
    expect(screen.rows(screen.byTestId('insights-requesters')).map((cells) => [cells[0]?.children[0]?.props.accountId, textOf(cells[1] as ForgeNode)])).toEqual([
      [PEOPLE.requester, '4'],
      [CONTRACTOR, '1'],
      [PEOPLE.customer, '1'],
    ]);
    const approvers = screen.rows(screen.byTestId('insights-approvers'));
    expect(approvers.map((cells) => [cells[0]?.children[0]?.props.accountId, textOf(cells[1] as ForgeNode)])).toEqual([
      [PEOPLE.approver, '4'],
      [PEOPLE.securityReviewer, '1'],
    ]);
  });

  it('shows "N+" when a live count stops at its cap', async () => {
    const live = { count: 1000, more: true, byTool: { chatgpt: 1000 } };
    const none = { count: 0, more: false };
    const screen = await mount(AdminPage, {
      surface: 'adminPage',
      answers: {
        'viewer.context': ADMIN_VIEWER,
        'catalog.list': () => ({ ok: true, data: { items: [] } }),
        'insights.daily': () => ({
          ok: true,
          data: {
            rollups: [],
            live: { at: Date.now(), activeGrants: live, pendingRequests: none, slaBreaches: { ...none, slaHours: 24 }, failedFulfillments: { ...none, byKind: {} }, openManualTasks: none },
            people: { from: 0, to: 1, topRequesters: [], approvers: [], repeatExtensions: [], requestsRead: none, grantsRead: none },
          },
        }),
      },
    });
    await screen.openTab('Insights');
    const figures = await screen.waitFor(() => screen.maybeTestId('insights-live'));
    expect(textOf(figures)).toContain('Active grants now: 1000+');
    expect(textOf(figures)).toContain('Past the 24-hour approval SLA: 0');
    // No rollup yet: the live figures still show, and the charts say why they are missing.
    expect(screen.text()).toContain('No insights yet');
  });

  it('charts twelve months from the daily rollups, with adoption by tool, when the admin picks them', async () => {
    const { world } = await freshScenario();
    await refreshInsights(world.app.deps);
    const screen = await openAdminTab(world, 'Insights');
    await screen.waitFor(() => screen.maybeTestId('insights-live'));
    expect(screen.invoked('insights.monthly')).toHaveLength(0);
    await screen.choose(screen.field('insightsPeriod'), 'months');
    await screen.waitFor(() => screen.maybeTestId('insights-monthly'));
    const chart = chartOf(screen);
    const month = new Date(world.clock.now()).toISOString().slice(0, 7);
    expect(chart('Requests by month')).toMatchObject({ type: 'StackBarChart', props: { xAccessor: 'month', yAccessor: 'count', colorAccessor: 'series' } });
    expect(chart('Requests by month').props.data).toEqual(expect.arrayContaining([{ month, series: 'approved', count: 4 }, { month, series: 'pending', count: 2 }]));
    expect(chart('Active grants at month end').props.data).toEqual([{ month, series: 'ChatGPT Enterprise', count: 2 }]);
    expect(chart('Adoption by month')).toMatchObject({ type: 'LineChart', props: { data: [{ month, series: 'ChatGPT Enterprise', people: 2 }], yAccessor: 'people' } });
    expect(chart('Failures by month').props.data).toEqual([{ month, series: 'connector settings', count: 1 }]);
    expect(screen.text()).toContain('1 of 12 months have daily rollups');
  });

  it('explains that insights appear after the first daily rollup', async () => {
    const world = makeAppWorld();
    seedSite(world.forge.jira);
    const screen = await openAdminTab(world, 'Insights');
    await screen.waitForText('No insights yet');
  });
});

describe('admin page: Governance Logs', () => {
  it('searches and filters events and opens one with its chain fields', async () => {
    const { world } = await freshScenario();
    const screen = await openAdminTab(world, 'Governance Logs');
    const table = await screen.waitFor(() => screen.maybeTestId('audit-events'));
    const all = screen.rows(table).length;
    expect(all).toBeGreaterThan(10);

    await screen.choose(screen.field('logsKind'), 'grant');
    await screen.waitForText('events of');
    const grantRows = screen.rows(screen.byTestId('audit-events')).map((cells) => textOf(cells[2] as ForgeNode));
    expect(grantRows.length).toBeGreaterThan(0);
    expect(grantRows.every((type) => type.startsWith('grant.'))).toBe(true);
    await screen.choose(screen.field('logsKind'), null);
    await screen.type(screen.field('logsSearch'), 'AIR-4');
    await screen.waitFor(() => screen.rows(screen.byTestId('audit-events')).length < all);
    expect(screen.rows(screen.byTestId('audit-events')).every((cells) => textOf(cells[4] as ForgeNode).includes('AIR-4'))).toBe(true);

    const first = screen.rows(screen.byTestId('audit-events'))[0] as ForgeNode[];
    const seq = Number(textOf(first[0] as ForgeNode));
    await screen.click(screen.byTestId(`event-${seq}`));
    const detail = screen.byTestId('audit-event-detail');
    const stored = (await world.app.deps.store.query('audit', 'bySeq', { partition: [], range: { gte: seq, lte: seq }, limit: 1 })).items[0];
    expect(stored).toBeDefined();
    expect(textOf(detail)).toContain(`Event ${seq}: ${stored?.type ?? ''}`);
    const codes = screen.all((node) => node.type === 'Code', detail).map(textOf);
    expect(codes).toEqual([String(seq), stored?.prevHash, stored?.entryHash, stored?.entryMac]);
    expect(codeBlocks(screen, detail)[0]).toContain('"issueKey": "AIR-4"');
  });

  it('asks the backend for a date range', async () => {
    const { world } = await freshScenario();
    const screen = await openAdminTab(world, 'Governance Logs');
    await screen.waitFor(() => screen.maybeTestId('audit-events'));
    await screen.call(screen.field('logsFrom'), 'onChange', '2026-11-24');
    await screen.waitForText('No events in this range');
    const last = screen.invoked('audit.events').at(-1)?.payload as { from: number };
    expect(formatDate(last.from)).toBe('2026-11-24');
  });

  it('verifies the chain and says what was checked, or where it breaks', async () => {
    const { world } = await freshScenario();
    const screen = await openAdminTab(world, 'Governance Logs');
    await screen.click(screen.button('Verify chain'));
    await screen.waitForText('The governance log verifies');
    expect(screen.text()).toMatch(/\d+ events checked \(seq 1 to \d+\), hashes and MACs; the chain reaches its head at seq \d+ without a gap\./);
    screen.hide?.();

    const broken = await mount(AdminPage, {
      surface: 'adminPage',
      answers: {
        'viewer.context': ADMIN_VIEWER,
        'admin.overview': () => failure('internal_error', 'not needed'),
        'audit.events': () => ({ ok: true, data: { items: [] } }),
        'audit.verify': () => ({ ok: true, data: { ok: false, verified: 11, macChecked: true, firstBadSeq: 12, problem: 'entry_hash_mismatch', detail: 'seq 12 was changed', headSeq: 30 } }),
      },
    });
    await broken.openTab('Governance Logs');
    await broken.click(broken.button('Verify chain'));
    await broken.waitForText('The governance log does not verify');
    expect(broken.text()).toContain('11 events checked before the problem at seq 12: entry hash mismatch (seq 12 was changed).');
  });

  it('exports the last 90 days of evidence by default, as a pack that verifies offline', async () => {
    expect([UI_DEFAULT_DAYS, UI_MAX_DAYS]).toEqual([DEFAULT_EXPORT_DAYS, MAX_EXPORT_DAYS]);
    const { world } = await freshScenario();
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(world.clock.now() + 60 * 60 * 1000);
    const screen = await openAdminTab(world, 'Governance Logs');
    await screen.click(screen.button('Export evidence'));
    const dialog = screen.byTestId('evidence-export');
    const today = formatDate(Date.now());
    const from = screen.field('exportFrom', dialog).props.value as string;
    expect(screen.field('exportTo', dialog).props.value).toBe(today);
    expect(Math.round((Date.parse(today) - Date.parse(from)) / DAY_MS)).toBe(89);

    await screen.submit(screen.form('evidence-export'));
    const result = await screen.waitFor(() => screen.maybeTestId('export-result'));
    const payload = screen.invoked('evidence.export')[0]?.payload as { from: number; to: number; format: string };
    expect(payload.format).toBe('jsonl');
    expect(formatDate(payload.from)).toBe(from);
    expect(payload.to).toBe(Date.now());
    expect(textOf(result)).toMatch(/Save as clearway-evidence-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}\.jsonl/);
    expect(textOf(result)).toMatch(/\d+ events from .* seq 1 to \d+\./);
    const [content] = codeBlocks(screen, result);
    const verification = await verifyEvidence((content ?? '').trim().split('\n'));
    expect(verification).toMatchObject({ ok: true });
    expect(verification.verified).toBeGreaterThan(10);
  });

  it('exports CSV with its manifest beside it', async () => {
    const { world } = await freshScenario();
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(world.clock.now() + 60 * 60 * 1000);
    const screen = await openAdminTab(world, 'Governance Logs');
    await screen.click(screen.button('Export evidence'));
    await screen.call(screen.field('exportFormat'), 'onChange', { target: { value: 'csv', type: 'radio' } });
    await screen.submit(screen.form('evidence-export'));
    const result = await screen.waitFor(() => screen.maybeTestId('export-result'));
    const [csv, manifest] = codeBlocks(screen, result);
    expect(textOf(result)).toMatch(/Save as clearway-evidence-.*\.manifest\.json/);
    const verification = await verifyEvidenceCsv((csv ?? '').trim().split('\n'), JSON.parse(manifest ?? '{}') as never);
    expect(verification).toMatchObject({ ok: true });
  });

  it('refuses a range over 365 days before asking the backend, with a clear message', async () => {
    const { world } = await freshScenario();
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(world.clock.now());
    const screen = await openAdminTab(world, 'Governance Logs');
    await screen.click(screen.button('Export evidence'));
    await screen.call(screen.field('exportFrom'), 'onChange', '2025-11-23');
    await screen.submit(screen.form('evidence-export'));
    await screen.waitForText('An export covers at most 365 days; this range is 366 days.');
    expect(screen.invoked('evidence.export')).toEqual([]);

    await screen.call(screen.field('exportFrom'), 'onChange', '2026-12-01');
    await screen.submit(screen.form('evidence-export'));
    await screen.waitForText('The first day must come before the last day');
    expect(screen.invoked('evidence.export')).toEqual([]);

    // Exactly 365 days back is the longest range: it is sent.
    await screen.call(screen.field('exportFrom'), 'onChange', '2025-11-24');
    await screen.submit(screen.form('evidence-export'));
    await screen.waitFor(() => screen.maybeTestId('export-result'));
    expect(screen.invoked('evidence.export').length).toBe(1);
  });

  it("shows the backend's refusal when a range holds too much for one download", async () => {
    const screen = await mount(AdminPage, {
      surface: 'adminPage',
      answers: {
        'viewer.context': ADMIN_VIEWER,
        'admin.overview': () => failure('internal_error', 'not needed'),
        'audit.events': () => ({ ok: true, data: { items: [] } }),
        'evidence.export': () => failure('export_too_large', 'This range holds more evidence than one download can carry; export a shorter range (for example a month at a time).'),
      },
    });
    await screen.openTab('Governance Logs');
    await screen.click(screen.button('Export evidence'));
    await screen.submit(screen.form('evidence-export'));
    await screen.waitForText('export a shorter range (for example a month at a time)');
    expect(textOf(screen.byTestId('evidence-export'))).toContain('The evidence was not exported');
  });
});
