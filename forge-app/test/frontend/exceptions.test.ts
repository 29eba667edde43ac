/**
 * Exceptions in the UI, rendered through the real reconciler and answered by the real resolvers:
 * a security reviewer approving past the rules from Approvals, a project approver reading why they
 * cannot, reviews kept and ended from Approvals, Governance's Exceptions settings (and every other
 * save keeping them), the report, open list and history, and the Exception marker on grants.
 */
import { DAY_MS, decisionInputSchema, saveTool, updateGovernance, type GovernanceRules } from '@clearway/core';
import { describe, expect, it } from 'vitest';
import { AdminPage } from '../../src/frontend/admin/admin-page-app';
import { EXCEPTION_REASON_MIN } from '../../src/frontend/approvals/exception-approval';
import { GlobalPage } from '../../src/frontend/global/global-page-app';
import type { ExceptionSummary } from '../../src/resolvers/contract';
import type { AppWorld } from '../../src/test-support/app-world';
import { ADMIN, CONTRACTOR, EXCEPTION_REASON, freshScenario, PEOPLE, scenarioRules, tool } from '../../src/test-support/scenario';
import { mount, textOf, type ForgeNode, type Screen } from './harness';

const REASON = 'Release hardening needs the whole quarter of access.';

async function approvals(world: AppWorld, accountId: string): Promise<Screen> {
  const screen = await mount(GlobalPage, { surface: 'globalPage', world, accountId });
  await screen.openTab('Approvals');
  return screen;
}

async function adminTab(world: AppWorld, title: string): Promise<Screen> {
  const screen = await mount(AdminPage, { surface: 'adminPage', world, accountId: PEOPLE.admin });
  await screen.openTab(title);
  return screen;
}

/** Medium-risk tools capped at 20 days: the scenario's pending Gemini request (30 days) now asks for more than the rules allow. */
async function lowerMediumCap(world: AppWorld): Promise<void> {
  const rules = scenarioRules();
  await updateGovernance(world.app.deps, ADMIN, { rules: { ...rules, riskRules: { ...rules.riskRules, medium: { ...rules.riskRules.medium, maxDurationDays: 20 } } } });
}

async function savedRules(world: AppWorld): Promise<GovernanceRules> {
  const current = await world.invoke('adminPage', 'governance.current', {}, { accountId: PEOPLE.admin });
  if (!current.ok) throw new Error(current.error.message);
  return current.data.rules;
}

const submitButton = (screen: Screen) => screen.get((node) => node.type === 'LoadingButton' && node.props.type === 'submit', 'submit button', screen.byTestId('decision-modal'));

describe('Approvals: approving as an exception', () => {
  it('a security reviewer approves a request past the maximum as an exception, with a required reason', async () => {
    const { world, scenario } = await freshScenario();
    await lowerMediumCap(world);
    const screen = await approvals(world, PEOPLE.securityReviewer);
    const table = await screen.waitFor(() => screen.maybeTestId('pending-requests'));
    const row = screen.row(table, 'AIR-5');
    expect(textOf(row)).toContain('30 days (20 allowed)');
    expect(textOf(row)).toContain('needs an exception');
    // Denying is the request's approvers' call: the security reviewer only approves it, as an exception.
    expect(screen.maybeTestId('deny-AIR-5')).toBeUndefined();

    await screen.click(screen.byTestId('approve-AIR-5'));
    const dialog = screen.byTestId('decision-modal');
    expect(textOf(screen.byTestId('exception-notice'))).toContain('This approval goes past the rules: 30 days where 20 are allowed for medium-risk tools.');
    expect(textOf(screen.byTestId('exception-notice'))).toContain('reviewed every 7 days and ends 3 days after a missed review. At most 5 exceptions may be open per medium-risk tool.');
    expect(textOf(submitButton(screen))).toBe('Approve as exception');
    await screen.type(screen.field('rationale', dialog), 'Hardening sprint');
    await screen.type(screen.field('exceptionReason', dialog), 'too short');
    await screen.type(screen.field('durationDays', dialog), '181');
    await screen.submit(screen.form('decision-modal'));
    await screen.waitForText('An exception may last at most 180 days.');
    expect(screen.text()).toContain('why the rules should not apply');
    expect(screen.invoked('approvals.decide')).toEqual([]);

    await screen.type(screen.field('durationDays'), '60');
    expect(textOf(screen.byTestId('exception-notice'))).toContain('60 days where 20 are allowed for medium-risk tools');
    await screen.type(screen.field('exceptionReason'), REASON);
    await screen.submit(screen.form('decision-modal'));
    await screen.waitForText('AIR-5 approved as an exception');
    expect(screen.invoked('approvals.decide')[0]?.payload).toEqual({ requestId: scenario.pendingRequestId, outcome: 'approved', rationale: 'Hardening sprint', durationDays: 60, exception: { reason: REASON } });
    const grantId = (await world.app.deps.store.get('request', scenario.pendingRequestId))?.grantId ?? '';
    expect(await world.app.deps.store.get('grant', grantId)).toMatchObject({ durationDays: 60, exception: { reason: REASON, approvedBy: PEOPLE.securityReviewer } });
    expect(await world.app.deps.store.get('exception', grantId)).toMatchObject({ kinds: ['duration'], allowedDays: 20, grantedDays: 60, state: 'open' });
  });

  it('a project approver reads why the ordinary approval is refused and who may approve it, and cannot send it', async () => {
    const { world, scenario } = await freshScenario();
    await lowerMediumCap(world);
    const screen = await approvals(world, PEOPLE.approver);
    await screen.waitFor(() => screen.maybeTestId('pending-requests'));
    await screen.click(screen.byTestId('approve-AIR-5'));
    const notice = textOf(screen.byTestId('exception-notice'));
    expect(notice).toContain('This approval goes past the rules: 30 days where 20 are allowed for medium-risk tools.');
    expect(notice).toContain('Approve 20 days or fewer; a security reviewer may approve it as an exception, with a reason.');
    expect(screen.find((node) => node.props.name === 'exceptionReason')).toBeUndefined();
    expect(textOf(submitButton(screen))).toBe('Approve');
    await screen.type(screen.field('rationale'), 'Pilot');
    await screen.submit(screen.form('decision-modal'));
    await screen.waitForText('At most 20 days can be approved for Gemini; a security reviewer may approve more as an exception.');
    expect(screen.invoked('approvals.decide')).toEqual([]);
    await screen.type(screen.field('durationDays'), '20');
    await screen.submit(screen.form('decision-modal'));
    await screen.waitForText('AIR-5 approved');
    expect(screen.text()).not.toContain('as an exception');
    expect(screen.invoked('approvals.decide')[0]?.payload).toEqual({ requestId: scenario.pendingRequestId, outcome: 'approved', rationale: 'Pilot', durationDays: 20 });
  });

  it('a tool blocked since: the approver cannot approve it at all; the security reviewer approves it as an exception', async () => {
    const { world, scenario } = await freshScenario();
    await saveTool(world.app.deps, ADMIN, tool('gemini', 'Gemini', { status: 'blocked', riskLevel: 'high' }));
    const approver = await approvals(world, PEOPLE.approver);
    await approver.waitFor(() => approver.maybeTestId('pending-requests'));
    expect(textOf(approver.row(approver.byTestId('pending-requests'), 'AIR-5'))).toContain('Gemini (blocked in the catalog)');
    await approver.click(approver.byTestId('approve-AIR-5'));
    expect(textOf(approver.byTestId('exception-notice'))).toContain('Gemini, which the catalog blocks. It cannot be approved as usual; a security reviewer may approve it as an exception, with a reason.');
    expect(submitButton(approver).props.isDisabled).toBe(true);
    approver.hide?.();

    const reviewer = await approvals(world, PEOPLE.securityReviewer);
    await reviewer.waitFor(() => reviewer.maybeTestId('pending-requests'));
    await reviewer.click(reviewer.byTestId('approve-AIR-5'));
    // 30 days of a high-risk tool (at most 30) that the catalog blocks.
    expect(textOf(reviewer.byTestId('exception-notice'))).toContain('This approval goes past the rules: Gemini, which the catalog blocks.');
    expect(textOf(reviewer.byTestId('exception-notice'))).toContain('At most 3 exceptions may be open per high-risk tool.');
    await reviewer.type(reviewer.field('rationale'), 'Security pilot');
    await reviewer.type(reviewer.field('exceptionReason'), 'The vendor review runs while the pilot team evaluates it.');
    await reviewer.submit(reviewer.form('decision-modal'));
    await reviewer.waitForText('AIR-5 approved as an exception');
    const grantId = (await world.app.deps.store.get('request', scenario.pendingRequestId))?.grantId ?? '';
    expect(await world.app.deps.store.get('exception', grantId)).toMatchObject({ kinds: ['blocked_tool'], grantedDays: 30 });
  });

  it('asks for as long a reason as core does', () => {
    const ask = { requestId: 'req-1', outcome: 'approved', rationale: 'needed' };
    expect(decisionInputSchema.safeParse({ ...ask, exception: { reason: 'x'.repeat(EXCEPTION_REASON_MIN) } }).success).toBe(true);
    expect(decisionInputSchema.safeParse({ ...ask, exception: { reason: 'x'.repeat(EXCEPTION_REASON_MIN - 1) } }).success).toBe(false);
  });

  it('shows core’s refusal in the dialog when the tool is at its limit of open exceptions', async () => {
    const { world } = await freshScenario();
    const rules = scenarioRules();
    await updateGovernance(world.app.deps, ADMIN, { rules: { ...rules, riskRules: { ...rules.riskRules, medium: { ...rules.riskRules.medium, maxDurationDays: 20 } }, exceptions: { ...rules.exceptions, openLimits: { ...rules.exceptions.openLimits, medium: 1 } } } });
    // ChatGPT holds the scenario's one exception: the customer's request (AIR-2) for 30 days would be the second.
    const screen = await approvals(world, PEOPLE.securityReviewer);
    await screen.waitFor(() => screen.maybeTestId('pending-requests'));
    await screen.click(screen.byTestId('approve-AIR-2'));
    expect(textOf(screen.byTestId('exception-notice'))).toContain('At most 1 exception may be open per medium-risk tool.');
    await screen.type(screen.field('rationale'), 'Customer audit');
    await screen.type(screen.field('exceptionReason'), REASON);
    await screen.submit(screen.form('decision-modal'));
    await screen.waitForText('ChatGPT Enterprise already has 1 open exception, the most governance allows for a medium-risk tool; one must end first.');
    expect(screen.maybeTestId('decision-modal')).toBeDefined();
  });
});

describe('Approvals: exception reviews', () => {
  it('are for security reviewers only', async () => {
    const { world } = await freshScenario();
    const screen = await approvals(world, PEOPLE.approver);
    await screen.waitFor(() => screen.maybeTestId('pending-requests'));
    expect(screen.text()).not.toContain('Exception reviews');
    expect(screen.invoked('exceptions.list')).toEqual([]);
  });

  it('keeps an exception whose review is due, with a note', async () => {
    const { world, scenario } = await freshScenario();
    world.clock.advance(7 * DAY_MS);
    const screen = await approvals(world, PEOPLE.securityReviewer);
    const table = await screen.waitFor(() => screen.maybeTestId('exception-reviews'));
    const row = textOf(screen.row(table, 'AIR-6'));
    for (const text of ['ChatGPT Enterprise', 'longer than allowed', '120 days (90 allowed)', EXCEPTION_REASON, 'review due', 'not reviewed yet']) expect(row).toContain(text);
    expect(screen.get((node) => node.type === 'User', 'requester', screen.row(table, 'AIR-6')).props.accountId).toBe(CONTRACTOR);

    await screen.click(screen.byTestId('keep-AIR-6'));
    await screen.submit(screen.form('exception-review'));
    await screen.waitForText('Say what the review found (at least 3 characters)');
    expect(screen.invoked('exceptions.review')).toEqual([]);
    await screen.type(screen.field('reviewNote'), 'The audit is still running');
    await screen.submit(screen.form('exception-review'));
    await screen.waitForText('Exception kept: AIR-6');
    expect(screen.invoked('exceptions.review')[0]?.payload).toEqual({ grantId: scenario.exceptionGrantId, outcome: 'keep', note: 'The audit is still running' });
    await screen.waitForText('No exception reviews are due');
    expect(await world.app.deps.store.get('exception', scenario.exceptionGrantId)).toMatchObject({ nextReviewAt: world.clock.now() + 7 * DAY_MS, reviews: [{ outcome: 'kept' }] });
  });

  it('ends an overdue exception: the grant is revoked and its removal starts', async () => {
    const { world, scenario } = await freshScenario();
    world.clock.advance(8 * DAY_MS);
    const screen = await approvals(world, PEOPLE.securityReviewer);
    const table = await screen.waitFor(() => screen.maybeTestId('exception-reviews'));
    expect(textOf(screen.row(table, 'AIR-6'))).toContain('review overdue');
    await screen.click(screen.byTestId('end-AIR-6'));
    expect(textOf(screen.byTestId('exception-review'))).toContain('Ending it revokes the grant now');
    await screen.type(screen.field('reviewNote'), 'The audit finished');
    await screen.submit(screen.form('exception-review'));
    await screen.waitForText('Exception ended: AIR-6');
    expect(await world.app.deps.store.get('grant', scenario.exceptionGrantId)).toMatchObject({ status: 'revoked', deprovision: 'pending' });
    expect(world.forge.queues.pushed).toEqual([expect.objectContaining({ body: expect.objectContaining({ kind: 'run-fulfillment' }) })]);
  });
});

describe('Governance: Exceptions', () => {
  it('edits the review cadence, grace, longest exception and the open limits, the critical one named as such', async () => {
    const { world } = await freshScenario();
    const screen = await adminTab(world, 'Governance');
    const section = await screen.waitFor(() => screen.maybeTestId('exception-rules'));
    expect(textOf(section)).toContain('Critical exception limit: open exceptions per critical-risk tool');
    expect(screen.field('exceptionMaxDays').props.value).toBe('180');

    await screen.type(screen.field('exceptionReviewDays'), '0');
    await screen.waitForText('Enter a whole number from 1 to 90.');
    expect(screen.button('Save as a new version').props.isDisabled).toBe(true);
    await screen.type(screen.field('exceptionReviewDays'), '14');
    await screen.type(screen.field('exceptionLapseDays'), '5');
    await screen.type(screen.field('exceptionMaxDays'), '120');
    await screen.type(screen.field('exceptionLimit-critical'), '0');
    await screen.type(screen.field('exceptionLimit-high'), '2');
    await screen.click(screen.button('Save as a new version'));
    await screen.waitForText('Saved as governance policy version 2');
    expect((await savedRules(world)).exceptions).toEqual({ reviewEveryDays: 14, lapseAfterDays: 5, maxDurationDays: 120, openLimits: { low: 10, medium: 5, high: 2, critical: 0 } });
  });

  it('keeps the exception settings when another section of Governance, or Intake & Approvals, is saved', async () => {
    const { world } = await freshScenario();
    const custom = { reviewEveryDays: 21, lapseAfterDays: 2, maxDurationDays: 150, openLimits: { low: 4, medium: 3, high: 2, critical: 0 } };
    await updateGovernance(world.app.deps, ADMIN, { rules: scenarioRules({ exceptions: custom }) });
    const governance = await adminTab(world, 'Governance');
    await governance.waitFor(() => governance.maybeTestId('risk-low'));
    await governance.type(governance.field('stalePendingDays'), '21');
    await governance.click(governance.button('Save as a new version'));
    await governance.waitForText('Saved as governance policy version 3');
    expect(await savedRules(world)).toMatchObject({ stalePendingDays: 21, exceptions: custom });
    expect(governance.invoked('governance.update')[0]?.payload).toMatchObject({ rules: { exceptions: custom } });
    governance.hide?.();

    const intake = await adminTab(world, 'Intake & Approvals');
    const fallback = await intake.waitFor(() => intake.find((node) => node.props.name === 'adminFallback' && node.type === 'Toggle'));
    await intake.check(fallback, false);
    await intake.waitFor(() => intake.button('Save as a new version').props.isDisabled === false);
    await intake.click(intake.button('Save as a new version'));
    await intake.waitForText('Saved as governance policy version 4');
    expect(await savedRules(world)).toMatchObject({ approvers: { adminFallback: false }, exceptions: custom });
  });

  it('reports exceptions in force, lists the open ones for admins without review actions, and the history with how each ended', async () => {
    const { world, scenario } = await freshScenario();
    const screen = await adminTab(world, 'Governance');
    const report = await screen.waitFor(() => screen.maybeTestId('exception-report'));
    expect(textOf(screen.byTestId('exceptions-open'))).toBe('1 open exceptions');
    expect(textOf(screen.byTestId('exceptions-due'))).toBe('0 reviews due');
    expect(textOf(screen.byTestId('exceptions-granted'))).toBe('1 granted in the last 30 days');
    expect(textOf(screen.row(screen.byTestId('exception-usage'), 'ChatGPT Enterprise'))).toContain('1 of 5 open (medium risk)');
    expect(report).toBeDefined();
    const open = await screen.waitFor(() => screen.maybeTestId('open-exceptions'));
    const row = screen.row(open, 'AIR-6');
    for (const text of ['longer than allowed', '120 days (90 allowed)', EXCEPTION_REASON, 'open']) expect(textOf(row)).toContain(text);
    expect(screen.all((node) => node.type === 'User', row).map((user) => user.props.accountId)).toEqual([CONTRACTOR, PEOPLE.securityReviewer]);
    // The admin is not a security reviewer: no Keep / End.
    expect(screen.maybeTestId('keep-AIR-6')).toBeUndefined();
    screen.hide?.();

    await world.invoke('globalPage', 'exceptions.review', { grantId: scenario.exceptionGrantId, outcome: 'end', note: 'Audit done' }, { accountId: PEOPLE.securityReviewer });
    const after = await adminTab(world, 'Governance');
    await after.waitFor(() => after.maybeTestId('exception-report'));
    expect(textOf(after.byTestId('exceptions-closed'))).toBe('1 closed in the last 30 days: 1 ended at review');
    await after.waitForText('No open exceptions');
    await after.click(after.byTestId('exceptions-view-history'));
    const history = await after.waitFor(() => after.maybeTestId('exception-history'));
    expect(textOf(after.row(history, 'AIR-6'))).toMatch(/closed.*ended at review on \d{4}-\d{2}-\d{2}.*ended \d{4}-\d{2}-\d{2}: Audit done/);
  });

  it('lets a security reviewer who is an admin review from Governance, and pages the history', async () => {
    const exception = (issueKey: string, overrides: Partial<ExceptionSummary> = {}): ExceptionSummary => ({
      id: `g-${issueKey}`,
      version: 1,
      grantId: `g-${issueKey}`,
      requestId: `r-${issueKey}`,
      issueKey,
      requesterAccountId: 'acc-1',
      toolId: 'claude',
      toolName: 'Claude',
      riskLevel: 'critical',
      kinds: ['duration', 'blocked_tool'],
      allowedDays: 14,
      grantedDays: 45,
      reason: 'Incident response needs it',
      approvedBy: 'acc-sec',
      approvedAt: 0,
      policyVersion: 3,
      reviewEveryDays: 7,
      nextReviewAt: 7 * DAY_MS,
      reviews: [],
      state: 'open',
      standing: 'review_overdue',
      lapsesAt: 10 * DAY_MS,
      mayReview: true,
      ...overrides,
    });
    const report = { generatedAt: 0, open: 1, reviewDue: 0, reviewOverdue: 1, byTool: [{ toolId: 'claude', toolName: 'Claude', riskLevel: 'critical', open: 1, limit: 1 }], last30Days: { granted: 1, closed: { expired: 0, never_provisioned: 0, revoked: 0, ended_by_review: 0, lapsed: 2 } }, truncated: true };
    const screen = await mount(AdminPage, {
      surface: 'adminPage',
      answers: {
        'viewer.context': () => ({ ok: true, data: { accountId: 'acc-sec', isAdmin: true, canApprove: true, canReviewExceptions: true, tabs: [] } }),
        'governance.current': () => ({ ok: true, data: { id: '1', version: 1, policyVersion: 1, rules: scenarioRules(), createdAt: 0, createdBy: 'acc-admin' } }),
        'governance.versions': () => ({ ok: true, data: { items: [] } }),
        'exceptions.report': () => ({ ok: true, data: report }),
        'exceptions.list': (payload) => {
          const { state, cursor } = payload as { state: string; cursor?: string };
          if (state === 'open') return { ok: true, data: { items: [exception('AIR-9')] } };
          return cursor === undefined
            ? { ok: true, data: { items: [exception('AIR-8', { state: 'closed', standing: 'closed', closedHow: 'lapsed', closedAt: 12 * DAY_MS, mayReview: false })], nextCursor: 'page-2' } }
            : { ok: true, data: { items: [exception('AIR-7', { state: 'closed', standing: 'closed', closedHow: 'expired', closedAt: 30 * DAY_MS, mayReview: false })] } };
        },
      },
    });
    await screen.openTab('Governance');
    const usage = await screen.waitFor(() => screen.maybeTestId('exception-usage'));
    expect(textOf(screen.row(usage, 'Claude'))).toContain('1 of 1 open (critical risk): at the limit');
    expect(textOf(screen.byTestId('exceptions-closed'))).toBe('2 closed in the last 30 days: 2 lapsed (review missed)');
    expect(screen.text()).toContain('Counted over the first 1,000 exceptions');
    const open = await screen.waitFor(() => screen.maybeTestId('open-exceptions'));
    expect(textOf(screen.row(open, 'AIR-9'))).toContain('longer than allowed, tool blocked in the catalog');
    expect(textOf(screen.row(open, 'AIR-9'))).toContain('review overdue');
    expect(screen.byTestId('keep-AIR-9')).toBeDefined();
    await screen.click(screen.byTestId('end-AIR-9'));
    expect(textOf(screen.byTestId('exception-review'))).toContain('Approved because: Incident response needs it');
    await screen.click(screen.button('Cancel'));

    await screen.click(screen.byTestId('exceptions-view-history'));
    const history = await screen.waitFor(() => screen.maybeTestId('exception-history'));
    expect(textOf(screen.row(history, 'AIR-8'))).toContain('lapsed (review missed) on');
    await screen.click(screen.button('Next page'));
    await screen.waitFor(() => screen.maybeTestId('exception-history') && textOf(screen.byTestId('exception-history')).includes('AIR-7'));
    expect(screen.invoked('exceptions.list').filter((call) => call.payload.state === 'all').map((call) => call.payload)).toEqual([
      { state: 'all', limit: 25 },
      { state: 'all', limit: 25, cursor: 'page-2' },
    ]);
  });
});

describe('the Exception marker on grants', () => {
  const tooltipsIn = (screen: Screen, row: ForgeNode) => screen.all((node) => node.type === 'Tooltip', row).map((node) => String(node.props.content));

  it('admins see it on the grant, with its reason', async () => {
    const { world } = await freshScenario();
    const screen = await adminTab(world, 'Requests');
    await screen.click(screen.byTestId('requests-view-grants'));
    const grants = await screen.waitFor(() => screen.maybeTestId('all-grants'));
    const exception = screen.row(grants, 'AIR-6');
    expect(textOf(exception)).toContain('Exception');
    expect(tooltipsIn(screen, exception)).toEqual([`Approved as an exception: ${EXCEPTION_REASON}`]);
    expect(textOf(screen.row(grants, 'AIR-1'))).not.toContain('Exception');
  });

  it('the requester sees the marker on My Access and what it means, without the reviewer’s reason', async () => {
    const { world } = await freshScenario();
    const screen = await mount(GlobalPage, { surface: 'globalPage', world, accountId: CONTRACTOR });
    const table = await screen.waitFor(() => screen.maybeTestId('my-access'));
    const row = screen.row(table, 'ChatGPT Enterprise');
    expect(textOf(row)).toContain('Exception');
    expect(textOf(row)).toContain('Approved as an exception to the usual rules: a security reviewer reviews it regularly and may end it early.');
    expect(textOf(row)).not.toContain(EXCEPTION_REASON);
    expect(tooltipsIn(screen, row).some((content) => content.includes(EXCEPTION_REASON))).toBe(false);
    screen.hide?.();

    const other = await mount(GlobalPage, { surface: 'globalPage', world, accountId: PEOPLE.requester });
    const mine = await other.waitFor(() => other.maybeTestId('my-access'));
    expect(textOf(mine)).not.toContain('Exception');
  });
});
