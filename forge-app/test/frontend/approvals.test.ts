/**
 * The Approvals tab, driven through the fake bridge against the real resolvers: single and bulk
 * decisions with their confirmation and rationale, the 50-item cap, manual provisioning tasks and
 * failed fulfillments. Each flow is checked in the installation afterwards, not only on screen.
 */
import { BULK_MAX_ITEMS, BULK_MAX_PER_MINUTE } from '@clearway/core';
import { describe, expect, it } from 'vitest';
import { BULK_PER_MINUTE, BULK_LIMIT as UI_BULK_LIMIT } from '../../src/frontend/approvals/decision-modal';
import { GlobalPage } from '../../src/frontend/global/global-page-app';
import { BULK_LIMIT, type RequestSummary, type ResolverKey } from '../../src/resolvers/contract';
import { freshScenario, PEOPLE } from '../../src/test-support/scenario';
import { ingestIssue } from '../../src/intake/ingest-issue';
import { PANEL_FORM_MARKER } from '../../src/intake/panel-form';
import { failure, mount, textOf, type Answer, type ForgeNode, type MountOptions, type Screen } from './harness';

async function openApprovals(options: MountOptions): Promise<Screen> {
  const screen = await mount(GlobalPage, options);
  await screen.openTab('Approvals');
  return screen;
}

const EMPTY_PAGE = () => ({ ok: true, data: { items: [] } });

/** An approver's Approvals tab with every queue empty: a test answers the queue it is about. */
const QUIET_APPROVALS: Partial<Record<ResolverKey, Answer>> = {
  'viewer.context': () => ({ ok: true, data: { accountId: 'acc-x', isAdmin: false, canApprove: true, tabs: ['approvals'] } }),
  'approvals.pending': EMPTY_PAGE,
  'approvals.manualTasks': EMPTY_PAGE,
  'approvals.failedJobs': EMPTY_PAGE,
};

function modal(screen: Screen, testId: string): ForgeNode {
  return screen.byTestId(testId);
}

describe('Approvals: pending requests', () => {
  it('approves one request with a reason, after refusing to send it without one', async () => {
    const { world, scenario } = await freshScenario();
    const screen = await openApprovals({ surface: 'globalPage', world, accountId: PEOPLE.approver });
    const table = await screen.waitFor(() => screen.maybeTestId('pending-requests'));
    expect(screen.rows(table).map((cells) => textOf(cells[1] as ForgeNode)).sort()).toEqual(['AIR-2', 'AIR-5']);
    expect(textOf(screen.row(table, 'AIR-5'))).toContain('Work that needs gemini every day');

    await screen.click(screen.byTestId('approve-AIR-5'));
    const dialog = modal(screen, 'decision-modal');
    expect(textOf(dialog)).toContain('Approve AIR-5');
    await screen.submit(screen.form('decision-modal'));
    await screen.waitForText('Give a short reason (at least 3 characters)');
    expect(screen.invoked('approvals.decide')).toEqual([]);

    await screen.type(screen.field('rationale', dialog), 'Team pilot for Gemini');
    await screen.submit(screen.form('decision-modal'));
    await screen.waitForText('AIR-5 approved');
    expect(screen.invoked('approvals.decide')[0]?.payload).toEqual({ requestId: scenario.pendingRequestId, outcome: 'approved', rationale: 'Team pilot for Gemini' });
    expect(screen.maybeTestId('decision-modal')).toBeUndefined();
    await screen.waitFor(() => !textOf(screen.byTestId('pending-requests')).includes('AIR-5'));
    const stored = await world.app.deps.store.get('request', scenario.pendingRequestId);
    expect(stored).toMatchObject({ status: 'approved', decision: { outcome: 'approved', source: 'human', rationale: 'Team pilot for Gemini', decidedBy: PEOPLE.approver } });
  });

  it('approves for fewer days than asked, and denies', async () => {
    const { world, scenario } = await freshScenario();
    const screen = await openApprovals({ surface: 'globalPage', world, accountId: PEOPLE.approver });
    await screen.waitFor(() => screen.maybeTestId('pending-requests'));
    await screen.click(screen.byTestId('approve-AIR-5'));
    await screen.type(screen.field('durationDays'), '400');
    await screen.type(screen.field('rationale'), 'short pilot');
    await screen.submit(screen.form('decision-modal'));
    await screen.waitForText('Enter a whole number of days from 1 to 365.');
    await screen.type(screen.field('durationDays'), '14');
    await screen.submit(screen.form('decision-modal'));
    await screen.waitForText('AIR-5 approved');
    expect(screen.invoked('approvals.decide')[0]?.payload).toMatchObject({ durationDays: 14 });
    expect((await world.app.deps.store.get('grant', (await world.app.deps.store.get('request', scenario.pendingRequestId))?.grantId ?? ''))?.durationDays).toBe(14);

    await screen.click(screen.byTestId('deny-AIR-2'));
    expect(screen.find((node) => node.props.name === 'durationDays')).toBeUndefined();
    await screen.type(screen.field('rationale'), 'Customers do not get ChatGPT');
    await screen.submit(screen.form('decision-modal'));
    await screen.waitForText('AIR-2 denied');
    expect(await world.app.deps.store.get('request', scenario.customerRequestId)).toMatchObject({ status: 'denied' });
  });

  it('approves a request for a tool outside the catalog as a catalog tool', async () => {
    const { world } = await freshScenario();
    world.forge.jira.addIssue({
      key: 'AIR-40',
      reporterAccountId: PEOPLE.stranger,
      serviceDeskId: '1',
      requestTypeId: '10',
      summary: 'Perplexity for research',
      properties: world.forge.jira.portalPanelProperties({ fields: [{ key: 'clearway-request', value: { form: PANEL_FORM_MARKER, newToolName: 'Perplexity', newToolUrl: 'https://www.perplexity.ai', durationDays: 14 } }], isValid: true }),
    });
    const intake = await ingestIssue(world.app, { issueKey: 'AIR-40', projectKey: 'AIR' });
    expect(intake).toMatchObject({ status: 'ingested' });
    const screen = await openApprovals({ surface: 'globalPage', world, accountId: PEOPLE.approver });
    const table = await screen.waitFor(() => screen.maybeTestId('pending-requests'));
    expect(textOf(screen.row(table, 'AIR-40'))).toContain('Perplexity (new tool: https://www.perplexity.ai)');
    await screen.click(screen.byTestId('approve-AIR-40'));
    const picker = await screen.waitFor(() => screen.find((node) => node.props.name === 'catalogToolId' && node.type === 'Select' && (node.props.options as unknown[]).length > 0));
    expect((picker.props.options as Array<{ value: string }>).map((option) => option.value)).toContain('claude');
    await screen.type(screen.field('rationale'), 'Use Claude instead');
    await screen.submit(screen.form('decision-modal'));
    await screen.waitForText('Choose the catalog tool this request is approved as.');
    expect(screen.invoked('approvals.decide')).toEqual([]);
    await screen.choose(screen.field('catalogToolId'), 'claude');
    await screen.submit(screen.form('decision-modal'));
    await screen.waitForText('AIR-40 approved');
    expect(screen.invoked('approvals.decide')[0]?.payload).toMatchObject({ outcome: 'approved', toolId: 'claude' });
    const access = await world.invoke('globalPage', 'myAccess.list', {}, { accountId: PEOPLE.stranger });
    expect(access.ok && access.data.items[0]).toMatchObject({ toolName: 'Claude', durationDays: 14 });
  });

  it('bulk approves the selected requests after a confirmation with a reason', async () => {
    const { world, scenario } = await freshScenario();
    const screen = await openApprovals({ surface: 'globalPage', world, accountId: PEOPLE.approver });
    await screen.waitFor(() => screen.maybeTestId('pending-requests'));
    expect(screen.button('Approve selected').props.isDisabled).toBe(true);
    await screen.check(screen.field(`select-${scenario.pendingRequestId}`), true);
    await screen.check(screen.field(`select-${scenario.customerRequestId}`), true);
    await screen.waitForText('2 requests selected');

    await screen.click(screen.button('Approve selected'));
    const dialog = modal(screen, 'decision-modal');
    expect(textOf(dialog)).toContain('Approve 2 requests?');
    expect(textOf(dialog)).toMatch(/You are about to approve AIR-\d, AIR-\d/);
    // Nothing is decided until the confirmation is submitted with a reason.
    expect(screen.invoked('approvals.bulkDecide')).toEqual([]);
    await screen.type(screen.field('rationale', dialog), 'Quarterly rollout');
    await screen.submit(screen.form('decision-modal'));
    await screen.waitForText('2 requests approved');
    expect(screen.invoked('approvals.bulkDecide')[0]?.payload).toEqual({ requestIds: expect.arrayContaining([scenario.pendingRequestId, scenario.customerRequestId]), outcome: 'approved', rationale: 'Quarterly rollout' });
    await screen.waitForText('No requests are waiting for you');
    for (const id of [scenario.pendingRequestId, scenario.customerRequestId]) {
      expect(await world.app.deps.store.get('request', id)).toMatchObject({ status: 'approved', decision: { source: 'bulk', rationale: 'Quarterly rollout' } });
    }
  });

  it('lists the requests a bulk decision could not decide, with the reason', async () => {
    const pendingRequests = [
      { id: 'r1', issueKey: 'AIR-1', toolName: 'Claude', requesterAccountId: 'acc-1', purpose: 'docs', durationDays: 30, createdAt: 0, status: 'pending' },
      { id: 'r2', issueKey: 'AIR-2', toolName: 'Claude', requesterAccountId: 'acc-2', purpose: 'code', durationDays: 30, createdAt: 0, status: 'pending' },
    ] as unknown as RequestSummary[];
    const screen = await openApprovals({
      surface: 'globalPage',
      answers: {
        ...QUIET_APPROVALS,
        'approvals.pending': () => ({ ok: true, data: { items: pendingRequests } }),
        'approvals.bulkDecide': () => ({
          ok: true,
          data: [
            { requestId: 'r1', ok: true, result: { request: { id: 'r1' } } },
            { requestId: 'r2', ok: false, error: { code: 'already_decided', message: 'Request AIR-2 is already approved.' } },
          ],
        }),
      },
    });
    await screen.waitFor(() => screen.maybeTestId('pending-requests'));
    await screen.check(screen.field('select-all'), true);
    await screen.click(screen.button('Deny selected'));
    await screen.type(screen.field('rationale'), 'not this quarter');
    await screen.submit(screen.form('decision-modal'));
    await screen.waitForText('1 request denied');
    const notice = screen.get((node) => node.type === 'SectionMessage' && node.props.appearance === 'warning', 'partial result');
    expect(textOf(notice)).toContain('1 request could not be denied: AIR-2: Request AIR-2 is already approved.');
  });

  it('keeps the confirmation open with the reason when a bulk decision is refused', async () => {
    const screen = await openApprovals({
      surface: 'globalPage',
      answers: {
        ...QUIET_APPROVALS,
        'approvals.pending': () => ({ ok: true, data: { items: [{ id: 'r1', issueKey: 'AIR-1', toolName: 'Claude', requesterAccountId: 'acc-1', purpose: 'docs', durationDays: 30, createdAt: 0, status: 'pending' }] } }),
        'approvals.bulkDecide': () => failure('rate_limited', 'At most 5 bulk decisions a minute; try again in 42 s.', { retryAfterMs: 42_000 }),
      },
    });
    await screen.waitFor(() => screen.maybeTestId('pending-requests'));
    await screen.check(screen.field('select-all'), true);
    await screen.click(screen.button('Approve selected'));
    await screen.type(screen.field('rationale'), 'rollout');
    await screen.submit(screen.form('decision-modal'));
    await screen.waitForText('At most 5 bulk decisions a minute; try again in 42 s.');
    expect(textOf(modal(screen, 'decision-modal'))).toContain('Clearway could not record the decision');
  });

  it(`explains the ${BULK_LIMIT}-request cap and holds the bulk action when more are selected`, async () => {
    expect(UI_BULK_LIMIT).toBe(BULK_LIMIT);
    expect(UI_BULK_LIMIT).toBe(BULK_MAX_ITEMS);
    expect(BULK_PER_MINUTE).toBe(BULK_MAX_PER_MINUTE);
    const many = Array.from({ length: 51 }, (_, index) => ({ id: `r${index}`, issueKey: `AIR-${index + 1}`, toolName: 'Claude', requesterAccountId: 'acc-1', purpose: 'docs', durationDays: 30, createdAt: 0, status: 'pending' }));
    const screen = await openApprovals({
      surface: 'globalPage',
      answers: {
        ...QUIET_APPROVALS,
        'approvals.pending': () => ({ ok: true, data: { items: many } }),
      },
    });
    await screen.waitFor(() => screen.maybeTestId('pending-requests'));
    expect(screen.text()).toContain('Bulk decisions take up to 50 requests at a time, at most 5 a minute.');
    await screen.check(screen.field('select-all'), true);
    await screen.waitForText('51 requests selected');
    const cap = screen.byTestId('bulk-cap');
    expect(textOf(cap)).toContain('A bulk decision takes at most 50 requests; 51 are selected. Clear 1 of them');
    expect(screen.button('Approve selected').props.isDisabled).toBe(true);
    expect(screen.button('Deny selected').props.isDisabled).toBe(true);
    await expect(screen.click(screen.button('Approve selected'))).rejects.toThrow('disabled');

    await screen.check(screen.field('select-r50'), false);
    await screen.waitForText('50 requests selected');
    expect(screen.maybeTestId('bulk-cap')).toBeUndefined();
    expect(screen.button('Approve selected').props.isDisabled).toBe(false);
  });

  it('has an empty state when nothing waits', async () => {
    const { world } = await freshScenario();
    const screen = await openApprovals({ surface: 'globalPage', world, accountId: PEOPLE.admin });
    // The admin approves through admin fallback; decide both so the queue is empty.
    await screen.waitFor(() => screen.maybeTestId('pending-requests'));
    await screen.check(screen.field('select-all'), true);
    await screen.click(screen.button('Deny selected'));
    await screen.type(screen.field('rationale'), 'closing the pilot');
    await screen.submit(screen.form('decision-modal'));
    await screen.waitForText('No requests are waiting for you');
  });
});

describe('Approvals: manual provisioning actions', () => {
  it('marks a manual task fulfilled, which turns the grant active', async () => {
    const { world, scenario } = await freshScenario();
    const screen = await openApprovals({ surface: 'globalPage', world, accountId: PEOPLE.approver });
    const table = await screen.waitFor(() => screen.maybeTestId('manual-tasks'));
    const row = screen.row(table, 'AIR-4');
    expect(textOf(row)).toContain('Give una@example.com access to Claude');
    await screen.click(screen.button('Mark fulfilled', row));
    const dialog = modal(screen, 'manual-task-modal');
    expect(textOf(dialog)).toContain('Mark fulfilled: Claude for AIR-4');
    await screen.type(screen.field('note', dialog), 'Seat assigned in the Claude console');
    await screen.submit(screen.form('manual-task-modal'));
    await screen.waitForText('Claude for AIR-4: the grant is active now.');
    expect(screen.invoked('approvals.completeManualTask')[0]?.payload).toEqual({ jobId: scenario.manualTaskJobId, completion: 'fulfilled', note: 'Seat assigned in the Claude console' });
    await screen.waitForText('No manual provisioning actions');

    const access = await world.invoke('globalPage', 'myAccess.list', {}, { accountId: PEOPLE.requester });
    expect(access.ok && access.data.items.find((grant) => grant.toolName === 'Claude')).toMatchObject({ status: 'active' });
  });

  it('asks what was found before marking a membership check verified', async () => {
    const task = {
      job: { id: 'job-check', type: 'check', status: 'awaiting_manual', manualTask: { action: 'verify', summary: 'Check una@example.com is in the Claude group' }, updatedAt: 0 },
      issueKey: 'AIR-9',
      requesterAccountId: 'acc-1',
      toolName: 'Claude',
      completion: 'verified',
    };
    const screen = await openApprovals({
      surface: 'globalPage',
      answers: {
        ...QUIET_APPROVALS,
        'approvals.manualTasks': () => ({ ok: true, data: { items: [task] } }),
        'approvals.completeManualTask': () => ({ ok: true, data: task.job }),
      },
    });
    const table = await screen.waitFor(() => screen.maybeTestId('manual-tasks'));
    await screen.click(screen.button('Mark verified', table));
    await screen.submit(screen.form('manual-task-modal'));
    await screen.waitForText('Say what you found in the group.');
    expect(screen.invoked('approvals.completeManualTask')).toEqual([]);
    await screen.call(screen.field('membership'), 'onChange', { target: { value: 'not_member', type: 'radio' } });
    await screen.submit(screen.form('manual-task-modal'));
    await screen.waitForText('the membership check is recorded');
    expect(screen.invoked('approvals.completeManualTask')[0]?.payload).toEqual({ jobId: 'job-check', completion: 'verified', member: false });
  });
});

describe('Approvals: failed fulfillments', () => {
  it('shows why a fulfillment failed and retries it', async () => {
    const { world, scenario } = await freshScenario();
    const screen = await openApprovals({ surface: 'globalPage', world, accountId: PEOPLE.approver });
    const table = await screen.waitFor(() => screen.maybeTestId('failed-fulfillments'));
    const row = screen.row(table, 'AIR-3');
    expect(textOf(row)).toContain('Connector Okta (disabled) is disabled; enable it, then retry.');
    expect(textOf(row)).toContain('connector settings');
    expect(textOf(row)).toContain('GitHub Copilot');
    await screen.click(screen.button('Retry', row));
    await screen.waitForText('Retry queued for AIR-3');
    expect(screen.invoked('approvals.retryFailedJob')[0]?.payload).toEqual({ jobId: scenario.failedJobId });
    await screen.waitForText('No failed fulfillments');
    expect((await world.app.deps.store.get('job', scenario.failedJobId))?.status).not.toBe('failed');
  });

  it('says why a retry was refused', async () => {
    const item = { job: { id: 'job-1', type: 'provision', lastError: { kind: 'auth', code: 'auth', message: 'Okta refused the API token.' }, updatedAt: 0 }, toolName: 'Claude', issueKey: 'AIR-8' };
    const screen = await openApprovals({
      surface: 'globalPage',
      answers: {
        ...QUIET_APPROVALS,
        'approvals.failedJobs': () => ({ ok: true, data: { items: [item] } }),
        'approvals.retryFailedJob': () => failure('forbidden', 'Only an approver for this tool can retry it.'),
      },
    });
    const table = await screen.waitFor(() => screen.maybeTestId('failed-fulfillments'));
    expect(textOf(table)).toContain('sign-in refused');
    await screen.click(screen.button('Retry', table));
    await screen.waitForText('Could not retry AIR-8');
    expect(screen.text()).toContain('Only an approver for this tool can retry it.');
  });
});
