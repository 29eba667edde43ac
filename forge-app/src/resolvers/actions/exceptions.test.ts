/**
 * Exceptions through the real resolvers over the fake platform: who may list, report and review
 * them, approving one through `approvals.decide`, the per-tool limit's refusal as the UI receives
 * it, and the approval queue's bounds. Every refusal is checked to change nothing.
 */
import { DAY_MS, DEFAULT_EXCEPTION_RULES, saveTool, updateGovernance } from '@clearway/core';
import { describe, expect, it } from 'vitest';
import type { AppWorld } from '../../test-support/app-world';
import { ADMIN, CONTRACTOR, EXCEPTION_REASON, freshScenario, PEOPLE, scenarioRules, tool } from '../../test-support/scenario';
import type { ResolverKey } from '../contract';

const as = (accountId: string) => ({ accountId });
const reviewer = as(PEOPLE.securityReviewer);
const REASON = 'Release hardening needs the full four months of access.';

/** Storage, the queue and Jira's writes, to compare before and after a refused call. */
function state(world: AppWorld) {
  return { kvs: world.forge.kvs.snapshot(), queued: world.forge.queues.pushed.length, jiraWrites: world.forge.jira.requests.filter((request) => request.method !== 'GET').length };
}

async function refusedChangingNothing(world: AppWorld, key: ResolverKey, payload: unknown, accountId: string, code: string, message?: RegExp) {
  const before = state(world);
  const answer = await world.invoke('globalPage', key, payload, as(accountId));
  expect(answer).toMatchObject({ ok: false, error: { code, ...(message && { message: expect.stringMatching(message) }) } });
  expect(state(world)).toEqual(before);
}

describe('exceptions.list and exceptions.report', () => {
  it('show the scenario’s exception to admins and security reviewers; only the reviewer may review it', async () => {
    const { world, scenario } = await freshScenario();
    for (const accountId of [PEOPLE.admin, PEOPLE.securityReviewer]) {
      const open = await world.invoke('globalPage', 'exceptions.list', { state: 'open' }, as(accountId));
      expect(open).toMatchObject({
        ok: true,
        data: {
          items: [
            {
              grantId: scenario.exceptionGrantId,
              issueKey: 'AIR-6',
              requesterAccountId: CONTRACTOR,
              toolName: 'ChatGPT Enterprise',
              kinds: ['duration'],
              grantedDays: 120,
              allowedDays: 90,
              reason: EXCEPTION_REASON,
              approvedBy: PEOPLE.securityReviewer,
              standing: 'open',
              lapsesAt: world.clock.now() + 10 * DAY_MS,
              mayReview: accountId === PEOPLE.securityReviewer,
            },
          ],
        },
      });
      const report = await world.invoke('adminPage', 'exceptions.report', {}, as(accountId));
      expect(report).toMatchObject({ ok: true, data: { open: 1, reviewDue: 0, reviewOverdue: 0, byTool: [{ toolId: 'chatgpt', open: 1, limit: 5, riskLevel: 'medium' }], last30Days: { granted: 1 } } });
    }
  });

  it('says when a review is due, then overdue', async () => {
    const { world } = await freshScenario();
    world.clock.advance(7 * DAY_MS);
    expect(await world.invoke('globalPage', 'exceptions.list', {}, reviewer)).toMatchObject({ ok: true, data: { items: [{ standing: 'review_due' }] } });
    world.clock.advance(DAY_MS);
    expect(await world.invoke('globalPage', 'exceptions.report', {}, reviewer)).toMatchObject({ ok: true, data: { open: 1, reviewDue: 0, reviewOverdue: 1 } });
  });

  it('refuses approvers, requesters (the exception’s own included) and portal customers, changing nothing', async () => {
    const { world } = await freshScenario();
    for (const accountId of [PEOPLE.approver, PEOPLE.requester, PEOPLE.stranger, PEOPLE.customer, CONTRACTOR]) {
      await refusedChangingNothing(world, 'exceptions.list', { state: 'all' }, accountId, 'forbidden', /Only Jira admins and security reviewers/);
      await refusedChangingNothing(world, 'exceptions.report', {}, accountId, 'forbidden');
    }
  });

  it('admits a security reviewer’s delegate while the delegation lasts', async () => {
    const { world, scenario } = await freshScenario();
    const base = scenarioRules();
    const until = world.clock.now() + DAY_MS;
    await updateGovernance(world.app.deps, ADMIN, { rules: { ...base, approvers: { ...base.approvers, delegations: [{ from: PEOPLE.securityReviewer, to: PEOPLE.approver, until }] } } });
    expect(await world.invoke('globalPage', 'viewer.context', {}, as(PEOPLE.approver))).toMatchObject({ ok: true, data: { canReviewExceptions: true } });
    expect(await world.invoke('globalPage', 'exceptions.list', {}, as(PEOPLE.approver))).toMatchObject({ ok: true, data: { items: [{ grantId: scenario.exceptionGrantId, mayReview: true }] } });
    world.clock.advance(2 * DAY_MS);
    await refusedChangingNothing(world, 'exceptions.list', {}, PEOPLE.approver, 'forbidden');
  });
});

describe('exceptions.review', () => {
  it('keeps an exception: the next review is one period from now, and nothing is provisioned or removed', async () => {
    const { world, scenario } = await freshScenario();
    world.clock.advance(7 * DAY_MS);
    const kept = await world.invoke('globalPage', 'exceptions.review', { grantId: scenario.exceptionGrantId, outcome: 'keep', note: 'The audit is still running' }, reviewer);
    expect(kept).toMatchObject({ ok: true, data: { state: 'open', standing: 'open', nextReviewAt: world.clock.now() + 7 * DAY_MS, reviews: [{ by: PEOPLE.securityReviewer, outcome: 'kept', note: 'The audit is still running' }], mayReview: true } });
    expect(world.forge.queues.pushed).toEqual([]);
    expect(await world.app.deps.store.get('grant', scenario.exceptionGrantId)).toMatchObject({ status: 'active' });
  });

  it('ends an exception: the grant is revoked, its removal queued and a fulfillment run asked for', async () => {
    const { world, scenario } = await freshScenario();
    const ended = await world.invoke('adminPage', 'exceptions.review', { grantId: scenario.exceptionGrantId, outcome: 'end', note: 'The audit finished early' }, reviewer);
    expect(ended).toMatchObject({ ok: true, data: { state: 'closed', standing: 'closed', closedHow: 'ended_by_review', mayReview: false } });
    expect(await world.app.deps.store.get('grant', scenario.exceptionGrantId)).toMatchObject({ status: 'revoked', deprovision: 'pending' });
    expect(world.forge.queues.take()).toEqual([expect.objectContaining({ body: expect.objectContaining({ kind: 'run-fulfillment' }) })]);
    const history = await world.invoke('adminPage', 'exceptions.list', { state: 'all' }, as(PEOPLE.admin));
    expect(history).toMatchObject({ ok: true, data: { items: [{ grantId: scenario.exceptionGrantId, state: 'closed', closedHow: 'ended_by_review' }] } });
    expect(await world.invoke('adminPage', 'exceptions.list', { state: 'open' }, as(PEOPLE.admin))).toMatchObject({ ok: true, data: { items: [] } });
  });

  it('refuses admins, approvers and the requester before anything runs, and a note too short, changing nothing', async () => {
    const { world, scenario } = await freshScenario();
    const review = { grantId: scenario.exceptionGrantId, outcome: 'end', note: 'not needed any more' };
    for (const accountId of [PEOPLE.admin, PEOPLE.approver, CONTRACTOR]) await refusedChangingNothing(world, 'exceptions.review', review, accountId, 'forbidden', /Only security reviewers/);
    await refusedChangingNothing(world, 'exceptions.review', { ...review, note: ' x ' }, PEOPLE.securityReviewer, 'validation_failed');
    await refusedChangingNothing(world, 'exceptions.review', { ...review, grantId: scenario.activeGrantId }, PEOPLE.securityReviewer, 'not_found');
  });
});

describe('approving as an exception through approvals.decide', () => {
  it('a security reviewer approves 120 days of Gemini with a reason; the grant is marked and the exception listed', async () => {
    const { world, scenario } = await freshScenario();
    const decided = await world.invoke('globalPage', 'approvals.decide', { requestId: scenario.pendingRequestId, outcome: 'approved', rationale: 'hardening', durationDays: 120, exception: { reason: REASON } }, reviewer);
    expect(decided).toMatchObject({ ok: true, data: { grant: { durationDays: 120, exception: { reason: REASON, approvedBy: PEOPLE.securityReviewer } } } });
    expect(world.forge.queues.take()).toHaveLength(1);
    const grants = await world.invoke('adminPage', 'grants.all', {}, as(PEOPLE.admin));
    expect(grants.ok && grants.data.items.find((grant) => grant.issueKey === 'AIR-5')).toMatchObject({ toolName: 'Gemini', exception: { reason: REASON } });
    const open = await world.invoke('globalPage', 'exceptions.list', {}, reviewer);
    expect(open.ok && open.data.items.map((item) => item.issueKey).sort()).toEqual(['AIR-5', 'AIR-6']);
  });

  it('a project approver cannot: as an exception it is refused, and past the maximum the message names the way', async () => {
    const { world, scenario } = await freshScenario();
    const ask = { requestId: scenario.pendingRequestId, outcome: 'approved', rationale: 'hardening', durationDays: 120 };
    await refusedChangingNothing(world, 'approvals.decide', { ...ask, exception: { reason: REASON } }, PEOPLE.approver, 'forbidden', /Only a security reviewer \(or their delegate\) can approve an exception/);
    await refusedChangingNothing(world, 'approvals.decide', ask, PEOPLE.approver, 'validation_failed', /At most 90 days can be approved for Gemini; a security reviewer may approve it as an exception, with a reason\./);
    await refusedChangingNothing(world, 'approvals.decide', { ...ask, exception: { reason: REASON } }, PEOPLE.admin, 'forbidden');
  });

  it('answers exception_limit_reached with core’s message when the tool is at its limit, changing nothing', async () => {
    const { world, scenario } = await freshScenario();
    await updateGovernance(world.app.deps, ADMIN, { rules: scenarioRules({ exceptions: { ...DEFAULT_EXCEPTION_RULES, maxDurationDays: 180, openLimits: { ...DEFAULT_EXCEPTION_RULES.openLimits, medium: 1 } } }) });
    await refusedChangingNothing(
      world,
      'approvals.decide',
      { requestId: scenario.customerRequestId, outcome: 'approved', rationale: 'audit', durationDays: 120, exception: { reason: REASON } },
      PEOPLE.securityReviewer,
      'exception_limit_reached',
      /^ChatGPT Enterprise already has 1 open exception, the most governance allows for a medium-risk tool; one must end first\.$/,
    );
  });
});

describe('approvals.pending: the bounds of an approval', () => {
  it('gives each request its maximum, and only a security reviewer the exception’s terms', async () => {
    const { world } = await freshScenario();
    const mine = await world.invoke('globalPage', 'approvals.pending', {}, as(PEOPLE.approver));
    expect(mine.ok && mine.data.items.find((request) => request.issueKey === 'AIR-5')?.bounds).toEqual({ riskLevel: 'medium', toolStatus: 'approved', maxDays: 90, cappedBy: 'tool', mayDecide: true });
    // Nothing in the scenario needs an exception as asked: the security reviewer decides none of it.
    expect(await world.invoke('globalPage', 'approvals.pending', {}, reviewer)).toMatchObject({ ok: true, data: { items: [] } });
  });

  it('lists a request for a tool blocked since to the security reviewer, who approves it as an exception; its approver only reads why not', async () => {
    const { world, scenario } = await freshScenario();
    await saveTool(world.app.deps, ADMIN, tool('gemini', 'Gemini', { status: 'blocked', riskLevel: 'high' }));
    const theirs = await world.invoke('globalPage', 'approvals.pending', {}, reviewer);
    expect(theirs.ok && theirs.data.items.map((request) => [request.issueKey, request.bounds])).toEqual([
      ['AIR-5', { riskLevel: 'high', toolStatus: 'blocked', maxDays: 30, cappedBy: 'risk', mayDecide: false, exception: { maxDays: 180, reviewEveryDays: 7, lapseAfterDays: 3, openLimit: 3 } }],
    ]);
    const approvers = await world.invoke('globalPage', 'approvals.pending', {}, as(PEOPLE.approver));
    expect(approvers.ok && approvers.data.items.find((request) => request.issueKey === 'AIR-5')?.bounds).toMatchObject({ toolStatus: 'blocked', mayDecide: true });
    expect(approvers.ok && approvers.data.items.find((request) => request.issueKey === 'AIR-5')?.bounds?.exception).toBeUndefined();
    await refusedChangingNothing(world, 'approvals.decide', { requestId: scenario.pendingRequestId, outcome: 'approved', rationale: 'pilot' }, PEOPLE.approver, 'tool_not_requestable', /blocked in the catalog now.*as an exception/);
    const approved = await world.invoke('globalPage', 'approvals.decide', { requestId: scenario.pendingRequestId, outcome: 'approved', rationale: 'pilot', durationDays: 14, exception: { reason: REASON } }, reviewer);
    expect(approved).toMatchObject({ ok: true, data: { grant: { durationDays: 14, exception: { approvedBy: PEOPLE.securityReviewer } } } });
    expect(await world.app.deps.store.get('exception', approved.ok ? (approved.data.grant?.id ?? '') : '')).toMatchObject({ kinds: ['blocked_tool'], allowedDays: 30 });
  });

  it('tells the viewer whether they review exceptions', async () => {
    const { world } = await freshScenario();
    expect(await world.invoke('globalPage', 'viewer.context', {}, reviewer)).toMatchObject({ ok: true, data: { canApprove: true, canReviewExceptions: true, tabs: expect.arrayContaining(['approvals']) } });
    expect(await world.invoke('globalPage', 'viewer.context', {}, as(PEOPLE.admin))).toMatchObject({ ok: true, data: { canReviewExceptions: false } });
  });
});
