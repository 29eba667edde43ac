import { describe, expect, it } from 'vitest';
import { saveTool } from '../catalog/catalog-service.js';
import { decide } from '../decisions/decide.js';
import { currentGovernance } from '../governance/current.js';
import { DEFAULT_GOVERNANCE_RULES, type GovernanceRules } from '../governance/policy.js';
import { activateGrant, expireGrant, extendGrant, revokeGrant } from '../grants/grant-service.js';
import { DAY_MS } from '../ports/clock.js';
import { put } from '../ports/store.js';
import { submitRequest } from '../requests/submit-request.js';
import { admin, approver, chatgpt, makeWorld, requestInput, requester, otherRequester, securityReviewer, snapshot } from '../test-support/harness.js';
import { exceptionReport, listExceptions } from './queries.js';
import { reviewException } from './review.js';
import { EXCEPTION_LAPSED, sweepExceptions } from './sweep.js';

type World = Awaited<ReturnType<typeof makeWorld>>;

/** Medium risk capped at 30 days, so ChatGPT (its own maximum 90) for 60 days is an exception. */
function rules(overrides: Partial<GovernanceRules> = {}): Partial<GovernanceRules> {
  return { riskRules: { ...DEFAULT_GOVERNANCE_RULES.riskRules, medium: { requiresApproval: true, maxDurationDays: 30, requiresSecurityReview: false } }, ...overrides };
}

async function pending(world: World, who = requester, issueKey = 'AIR-1') {
  return (await submitRequest(world, who, requestInput({ issueKey, durationDays: 30 }))).request;
}

const REASON = 'Quarter-end audit support needs the full engagement';

async function auditTypes(world: World): Promise<string[]> {
  const page = await world.store.query('audit', 'bySeq', { partition: [], limit: 100 });
  return page.items.map((event) => event.type);
}

async function grantedException(world: World, days = 60) {
  const request = await pending(world);
  const { grant } = await decide(world, securityReviewer, { requestId: request.id, outcome: 'approved', rationale: 'needed', durationDays: days, exception: { reason: REASON } });
  return grant!;
}

describe('exceptions: approving outside the rules', () => {
  it('refuses an ordinary approval past the maximum and says an exception is the way, changing nothing', async () => {
    const world = await makeWorld(rules());
    const request = await pending(world);
    const before = snapshot(world.store);
    await expect(decide(world, approver, { requestId: request.id, outcome: 'approved', rationale: 'long project', durationDays: 60 })).rejects.toMatchObject({
      code: 'validation_failed',
      message: 'At most 30 days can be approved for ChatGPT Enterprise; a security reviewer may approve it as an exception, with a reason.',
    });
    expect(snapshot(world.store)).toBe(before);
  });

  it('a security reviewer approves 60 days with a reason: the grant is marked, the exception is open with a 7-day review, and audited', async () => {
    const world = await makeWorld(rules());
    const grant = await grantedException(world);
    expect(grant).toMatchObject({ durationDays: 60, exception: { reason: REASON, approvedBy: 'security-1' }, status: 'pending_provision' });
    const exception = await world.store.get('exception', grant.id);
    expect(exception).toMatchObject({
      state: 'open',
      kinds: ['duration'],
      allowedDays: 30,
      grantedDays: 60,
      reason: REASON,
      approvedBy: 'security-1',
      riskLevel: 'medium',
      nextReviewAt: world.clock.now() + 7 * DAY_MS,
    });
    expect(await auditTypes(world)).toEqual(expect.arrayContaining(['request.approved', 'grant.created', 'exception.granted']));
    const events = (await world.store.query('audit', 'bySeq', { partition: [], limit: 100 })).items;
    expect(events.find((event) => event.type === 'exception.granted')?.data).toMatchObject({ kinds: ['duration'], allowedDays: 30, grantedDays: 60, openForTool: 1, limit: 5 });
    expect(events.find((event) => event.type === 'request.approved')?.data).toMatchObject({ exception: true });
  });

  it('only a security reviewer or their delegate approves one: not a project approver, not an admin by fallback, never the requester', async () => {
    const until = Date.parse('2030-01-01T00:00:00Z');
    const world = await makeWorld(rules({ approvers: { ...DEFAULT_GOVERNANCE_RULES.approvers, default: ['approver-1'], securityReviewers: ['security-1'], adminFallback: true, delegations: [{ from: 'security-1', to: 'deputy-1', until }] } }));
    const request = await pending(world);
    const before = snapshot(world.store);
    const ask = { requestId: request.id, outcome: 'approved' as const, rationale: 'needed', durationDays: 60, exception: { reason: REASON } };
    await expect(decide(world, approver, ask)).rejects.toMatchObject({ code: 'forbidden', message: /Only a security reviewer/ });
    await expect(decide(world, admin, ask)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(decide(world, { ...requester, isAdmin: true }, ask)).rejects.toMatchObject({ code: 'self_approval' });
    expect(snapshot(world.store)).toBe(before);
    const { grant } = await decide(world, { accountId: 'deputy-1' }, ask);
    expect(grant?.exception?.approvedBy).toBe('deputy-1');
  });

  it('refuses an exception that is not one, one with a denial, a reason too short, and one past the exceptions maximum', async () => {
    const world = await makeWorld(rules());
    const request = await pending(world);
    const before = snapshot(world.store);
    const base = { requestId: request.id, outcome: 'approved' as const, rationale: 'needed' };
    await expect(decide(world, securityReviewer, { ...base, durationDays: 20, exception: { reason: REASON } })).rejects.toMatchObject({ code: 'validation_failed', message: /within the rules \(at most 30\): approve it without an exception/ });
    await expect(decide(world, securityReviewer, { ...base, outcome: 'denied', exception: { reason: REASON } })).rejects.toMatchObject({ code: 'validation_failed', message: /a denial needs none/ });
    await expect(decide(world, securityReviewer, { ...base, durationDays: 60, exception: { reason: 'because' } })).rejects.toMatchObject({ code: 'validation_failed' });
    await expect(decide(world, securityReviewer, { ...base, durationDays: 120, exception: { reason: REASON } })).rejects.toMatchObject({ code: 'validation_failed', message: 'An exception may last at most 90 days.' });
    expect(snapshot(world.store)).toBe(before);
  });

  it('a tool the catalog blocks is approved only as an exception; a denied tool never', async () => {
    const world = await makeWorld(rules());
    const request = await pending(world);
    await saveTool(world, admin, { ...chatgpt, status: 'blocked' });
    await expect(decide(world, approver, { requestId: request.id, outcome: 'approved', rationale: 'needed' })).rejects.toMatchObject({ code: 'tool_not_requestable', message: /blocked in the catalog now.*as an exception/ });
    const { grant } = await decide(world, securityReviewer, { requestId: request.id, outcome: 'approved', rationale: 'pilot', exception: { reason: 'Security pilot while the vendor review runs' } });
    expect((await world.store.get('exception', grant!.id))?.kinds).toEqual(['blocked_tool']);

    const second = await pending(world, otherRequester, 'AIR-2').catch(() => undefined);
    expect(second).toBeUndefined(); // a blocked tool takes no new requests
    await saveTool(world, admin, { ...chatgpt, status: 'approved' });
    const third = await pending(world, otherRequester, 'AIR-3');
    await saveTool(world, admin, { ...chatgpt, status: 'denied' });
    await expect(decide(world, securityReviewer, { requestId: third.id, outcome: 'approved', rationale: 'needed', exception: { reason: REASON } })).rejects.toMatchObject({ code: 'tool_not_requestable', message: /denied/ });
  });
});

describe('exceptions: the open limit per tool and risk level', () => {
  it('refuses the exception past the limit, changing nothing; a slot frees when an exception ends', async () => {
    const world = await makeWorld(rules({ exceptions: { ...DEFAULT_GOVERNANCE_RULES.exceptions, openLimits: { ...DEFAULT_GOVERNANCE_RULES.exceptions.openLimits, medium: 1 } } }));
    const first = await grantedException(world);
    const request = await pending(world, otherRequester, 'AIR-2');
    const before = snapshot(world.store);
    const ask = { requestId: request.id, outcome: 'approved' as const, rationale: 'needed', durationDays: 60, exception: { reason: REASON } };
    await expect(decide(world, securityReviewer, ask)).rejects.toMatchObject({
      code: 'exception_limit_reached',
      message: 'ChatGPT Enterprise already has 1 open exception, the most governance allows for a medium-risk tool; one must end first.',
    });
    expect(snapshot(world.store)).toBe(before);

    await revokeGrant(world, securityReviewer, { grantId: first.id, rationale: 'project cancelled' });
    expect(await world.store.get('exception', first.id)).toMatchObject({ state: 'closed', closedHow: 'revoked' });
    const { grant } = await decide(world, securityReviewer, ask);
    expect(grant?.exception).toBeDefined();
    expect(await auditTypes(world)).toContain('exception.closed');
  });

  it('a limit of 0 allows none', async () => {
    const world = await makeWorld(rules({ exceptions: { ...DEFAULT_GOVERNANCE_RULES.exceptions, openLimits: { ...DEFAULT_GOVERNANCE_RULES.exceptions.openLimits, medium: 0 } } }));
    const request = await pending(world);
    await expect(decide(world, securityReviewer, { requestId: request.id, outcome: 'approved', rationale: 'needed', durationDays: 60, exception: { reason: REASON } })).rejects.toMatchObject({
      code: 'exception_limit_reached',
      message: 'Governance allows no exceptions for medium-risk tools such as ChatGPT Enterprise.',
    });
  });

  it('two reviewers approving the last allowed exception at once: exactly one succeeds', async () => {
    const world = await makeWorld(
      rules({
        approvers: { ...DEFAULT_GOVERNANCE_RULES.approvers, default: ['approver-1'], securityReviewers: ['security-1', 'security-2'] },
        exceptions: { ...DEFAULT_GOVERNANCE_RULES.exceptions, openLimits: { ...DEFAULT_GOVERNANCE_RULES.exceptions.openLimits, medium: 1 } },
      }),
    );
    const one = await pending(world);
    const two = await pending(world, otherRequester, 'AIR-2');
    const results = await Promise.allSettled([
      decide(world, securityReviewer, { requestId: one.id, outcome: 'approved', rationale: 'needed', durationDays: 60, exception: { reason: REASON } }),
      decide(world, { accountId: 'security-2' }, { requestId: two.id, outcome: 'approved', rationale: 'needed too', durationDays: 60, exception: { reason: REASON } }),
    ]);
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    expect(results.find((result) => result.status === 'rejected')).toMatchObject({ reason: { code: 'exception_limit_reached' } });
    expect((await listExceptions(world)).items).toHaveLength(1);
  });
});

describe('exceptions: review, lapse and the end of the grant', () => {
  it('the sweep opens one review issue when the review is due; keeping it sets the next review and settles the issue', async () => {
    const world = await makeWorld(rules());
    const grant = await grantedException(world);
    await activateGrant(world, grant.id, { by: 'admin-1', via: 'manual', outcome: 'added' });
    expect(await sweepExceptions(world)).toEqual({ reviewsDue: 0, lapsed: 0 });
    world.clock.advance(7 * DAY_MS);
    expect(await sweepExceptions(world)).toEqual({ reviewsDue: 1, lapsed: 0 });
    expect(await sweepExceptions(world)).toEqual({ reviewsDue: 0, lapsed: 0 });
    const issue = world.jira.issues.at(-1)!;
    expect(issue).toMatchObject({ projectKey: 'AIR', issueTypeId: '10005', summary: expect.stringMatching(/^Review exception: ChatGPT Enterprise for user-1/) });
    expect(issue.description).toContain('60 days where 30 are allowed');
    expect((await listExceptions(world)).items[0]).toMatchObject({ standing: 'review_due', reviewIssue: { state: 'opened', issueKey: issue.key } });

    await expect(reviewException(world, approver, { grantId: grant.id, outcome: 'keep', note: 'still needed' })).rejects.toMatchObject({ code: 'forbidden' });
    const kept = await reviewException(world, securityReviewer, { grantId: grant.id, outcome: 'keep', note: 'audit still running' });
    expect(kept).toMatchObject({ state: 'open', nextReviewAt: world.clock.now() + 7 * DAY_MS, reviews: [{ by: 'security-1', outcome: 'kept', note: 'audit still running' }] });
    expect(kept.reviewIssue).toBeUndefined();
    expect(world.jira.internalNotes.at(-1)).toMatchObject({ issueKey: issue.key, text: expect.stringMatching(/kept at review; the next review is due/) });
    expect(await auditTypes(world)).toEqual(expect.arrayContaining(['exception.review_due', 'exception.reviewed']));
  });

  it('ending it at review revokes the grant in the same commit: the user is taken out of the group', async () => {
    const world = await makeWorld(rules());
    const grant = await grantedException(world);
    await activateGrant(world, grant.id, { by: 'admin-1', via: 'manual', outcome: 'added' });
    const ended = await reviewException(world, securityReviewer, { grantId: grant.id, outcome: 'end', note: 'audit finished early' });
    expect(ended).toMatchObject({ state: 'closed', closedHow: 'ended_by_review', reviews: [{ outcome: 'ended' }] });
    expect(await world.store.get('exception', grant.id)).toMatchObject({ state: 'closed', closedHow: 'ended_by_review', reviews: [{ outcome: 'ended', note: 'audit finished early' }] });
    expect(await world.store.get('grant', grant.id)).toMatchObject({ status: 'revoked', deprovision: 'pending', endedBy: 'security-1' });
    const jobs = await world.store.query('job', 'byGrant', { partition: [grant.id], limit: 10 });
    expect(jobs.items.map((job) => job.type)).toContain('deprovision');
    await expect(reviewException(world, securityReviewer, { grantId: grant.id, outcome: 'keep', note: 'again' })).rejects.toMatchObject({ code: 'invalid_transition' });
  });

  it('an exception nobody reviews lapses: the grant is revoked by the system and must leave the group', async () => {
    const world = await makeWorld(rules());
    const grant = await grantedException(world);
    await activateGrant(world, grant.id, { by: 'admin-1', via: 'manual', outcome: 'added' });
    world.clock.advance(7 * DAY_MS);
    await sweepExceptions(world);
    world.clock.advance(DAY_MS + 1);
    expect((await listExceptions(world)).items[0]?.standing).toBe('review_overdue');
    world.clock.advance(2 * DAY_MS);
    expect(await sweepExceptions(world)).toEqual({ reviewsDue: 0, lapsed: 1 });
    expect(await world.store.get('grant', grant.id)).toMatchObject({ status: 'revoked', endReason: EXCEPTION_LAPSED, endedBy: 'clearway:system', deprovision: 'pending' });
    expect(await world.store.get('exception', grant.id)).toMatchObject({ state: 'closed', closedHow: 'lapsed' });
    expect(await sweepExceptions(world)).toEqual({ reviewsDue: 0, lapsed: 0 });
  });

  it('a review racing the lapse: either the review lands and nothing lapses, or it lapses and the review is refused', async () => {
    const world = await makeWorld(rules());
    const grant = await grantedException(world);
    await activateGrant(world, grant.id, { by: 'admin-1', via: 'manual', outcome: 'added' });
    world.clock.advance(10 * DAY_MS);
    const [swept, reviewed] = await Promise.allSettled([sweepExceptions(world), reviewException(world, securityReviewer, { grantId: grant.id, outcome: 'keep', note: 'still needed' })]);
    const stored = await world.store.get('grant', grant.id);
    const exception = await world.store.get('exception', grant.id);
    if (reviewed.status === 'fulfilled') {
      expect(swept).toMatchObject({ status: 'fulfilled', value: { lapsed: 0 } });
      expect([stored?.status, exception?.state]).toEqual(['active', 'open']);
    } else {
      expect(reviewed.reason).toMatchObject({ code: 'invalid_transition' });
      expect([stored?.status, exception?.state, exception?.closedHow]).toEqual(['revoked', 'closed', 'lapsed']);
    }
  });

  it('closes with its grant: expired, or never provisioned', async () => {
    const world = await makeWorld(rules());
    const grant = await grantedException(world, 31);
    world.clock.advance(32 * DAY_MS);
    await expireGrant(world, grant.id);
    expect(await world.store.get('exception', grant.id)).toMatchObject({ state: 'closed', closedHow: 'never_provisioned' });
  });

  it('an exception grant is extended only while live and within the exceptions maximum; once expired, it takes a new request', async () => {
    const world = await makeWorld(rules());
    const grant = await grantedException(world, 60);
    await activateGrant(world, grant.id, { by: 'admin-1', via: 'manual', outcome: 'added' });
    await expect(extendGrant(world, securityReviewer, { grantId: grant.id, days: 31, rationale: 'longer' })).rejects.toMatchObject({
      code: 'extension_out_of_bounds',
      message: 'An exception may last at most 90 days from its start; at most 30 more days are possible.',
    });
    world.clock.advance(60 * DAY_MS);
    await expireGrant(world, grant.id);
    const before = snapshot(world.store);
    await expect(extendGrant(world, securityReviewer, { grantId: grant.id, days: 5, rationale: 'a little more' })).rejects.toMatchObject({
      code: 'extension_out_of_bounds',
      message: 'This grant was an exception and ended with it; the requester must ask again.',
    });
    expect(snapshot(world.store)).toBe(before);
    expect(await world.store.get('exception', grant.id)).toMatchObject({ state: 'closed', closedHow: 'expired' });
  });

  it('only a security reviewer extends an exception grant', async () => {
    const world = await makeWorld(rules());
    const grant = await grantedException(world);
    await activateGrant(world, grant.id, { by: 'admin-1', via: 'manual', outcome: 'added' });
    await expect(extendGrant(world, approver, { grantId: grant.id, days: 10, rationale: 'more time' })).rejects.toMatchObject({ code: 'forbidden', message: /only a security reviewer can extend it/ });
    expect((await extendGrant(world, securityReviewer, { grantId: grant.id, days: 10, rationale: 'more time' })).expiresAt).toBe(grant.createdAt + 70 * DAY_MS);
  });
});

describe('exceptions: report and rules', () => {
  it('reports open exceptions against each tool limit, due and overdue reviews, and the last 30 days', async () => {
    const world = await makeWorld(rules());
    const first = await grantedException(world);
    const second = await pending(world, otherRequester, 'AIR-2');
    await decide(world, securityReviewer, { requestId: second.id, outcome: 'approved', rationale: 'needed', durationDays: 45, exception: { reason: REASON } });
    await revokeGrant(world, securityReviewer, { grantId: first.id, rationale: 'done' });
    world.clock.advance(8 * DAY_MS + 1);
    const report = await exceptionReport(world);
    expect(report).toMatchObject({
      open: 1,
      reviewDue: 0,
      reviewOverdue: 1,
      byTool: [{ toolId: 'chatgpt', toolName: 'ChatGPT Enterprise', riskLevel: 'medium', open: 1, limit: 5 }],
      last30Days: { granted: 2, closed: { revoked: 1, expired: 0, lapsed: 0, ended_by_review: 0, never_provisioned: 0 } },
      truncated: false,
    });
    expect((await listExceptions(world, { state: 'all' })).items.map((exception) => exception.standing)).toEqual(['review_overdue', 'closed']);
  });

  it('a governance version saved before exception rules existed runs with their defaults', async () => {
    const world = await makeWorld();
    const current = await currentGovernance(world.store);
    const { exceptions: _absent, ...older } = current.rules;
    await world.store.commit([put('governance', { ...current, id: '00000099', version: 0, policyVersion: 99, rules: older as GovernanceRules })]);
    expect((await currentGovernance(world.store)).rules.exceptions).toEqual(DEFAULT_GOVERNANCE_RULES.exceptions);
  });
});
