import { describe, expect, it } from 'vitest';
import { saveTool } from '../catalog/catalog-service.js';
import { updateGovernance } from '../governance/governance-service.js';
import { DAY_MS } from '../ports/clock.js';
import { submitRequest } from '../requests/submit-request.js';
import { admin, approver, chatgpt, makeWorld, requestInput, requester, securityReviewer, snapshot, testRules } from '../test-support/harness.js';
import { decide } from './decide.js';

async function pendingRequest(world: Awaited<ReturnType<typeof makeWorld>>, overrides: Record<string, unknown> = {}) {
  return (await submitRequest(world, requester, requestInput(overrides))).request;
}

describe('decide', () => {
  it('approves: records the decision with its policy version and creates a grant waiting for provisioning', async () => {
    const world = await makeWorld();
    const request = await pendingRequest(world);
    world.clock.advance(3_600_000);
    const { request: decided, grant } = await decide(world, approver, { requestId: request.id, outcome: 'approved', rationale: 'Release notes work' });
    expect(decided).toMatchObject({ status: 'approved', grantId: grant?.id, decision: { outcome: 'approved', decidedBy: 'approver-1', source: 'human', rationale: 'Release notes work', policyVersion: 1, decidedAt: world.clock.at } });
    expect(await world.store.get('grant', grant!.id)).toMatchObject({ status: 'pending_provision', toolId: 'chatgpt', connectorId: 'manual', durationDays: 30, requesterAccountId: 'user-1' });
    expect(world.jira.comments).toEqual([{ issueKey: 'AIR-1', text: expect.stringMatching(/^Access to ChatGPT Enterprise for 30 days approved by approver-1 under governance policy v1/) }]);
    expect(world.jira.transitions).toEqual([{ issueKey: 'AIR-1', candidates: ['approve', 'approved', 'accept', 'accepted'] }]);
  });

  it('denies: no grant, the claim released, a deny transition attempted', async () => {
    const world = await makeWorld();
    const request = await pendingRequest(world);
    const { request: decided, grant } = await decide(world, approver, { requestId: request.id, outcome: 'denied', rationale: 'Use the team account' });
    expect(grant).toBeUndefined();
    expect(decided).toMatchObject({ status: 'denied', decision: { outcome: 'denied' } });
    expect(world.jira.transitions[0]?.candidates).toEqual(['deny', 'denied', 'decline', 'declined', 'reject', 'rejected', 'cancel']);
    expect(await world.store.get('claim', 'open:user-1:chatgpt')).toBeUndefined();
  });

  it('lets an approver shorten the duration, and refuses one past the limits', async () => {
    const world = await makeWorld();
    const request = await pendingRequest(world);
    await expect(decide(world, approver, { requestId: request.id, outcome: 'approved', rationale: 'fine', durationDays: 120 })).rejects.toMatchObject({ code: 'validation_failed' });
    const { grant } = await decide(world, approver, { requestId: request.id, outcome: 'approved', rationale: 'fine', durationDays: 7 });
    expect(grant?.expiresAt).toBe(world.clock.at + 7 * DAY_MS);
  });

  it('refuses self-approval, non-approvers and already-decided requests, changing nothing', async () => {
    const world = await makeWorld();
    const request = await pendingRequest(world);
    const before = snapshot(world.store);
    await expect(decide(world, { ...requester, isAdmin: true }, { requestId: request.id, outcome: 'approved', rationale: 'mine' })).rejects.toMatchObject({ code: 'self_approval' });
    await expect(decide(world, { accountId: 'random' }, { requestId: request.id, outcome: 'approved', rationale: 'why not' })).rejects.toMatchObject({ code: 'forbidden', message: /not an approver for project AIR/ });
    await expect(decide(world, approver, { requestId: 'req_missing', outcome: 'approved', rationale: 'why not' })).rejects.toMatchObject({ code: 'not_found' });
    expect(snapshot(world.store)).toBe(before);
    await decide(world, approver, { requestId: request.id, outcome: 'denied', rationale: 'no need' });
    await expect(decide(world, admin, { requestId: request.id, outcome: 'approved', rationale: 'override' })).rejects.toMatchObject({ code: 'already_decided', message: 'Request AIR-1 is already denied.' });
  });

  it('accepts project approvers, delegates until the delegation ends, and admins only with admin fallback', async () => {
    const until = Date.parse('2026-11-30T00:00:00Z');
    const world = await makeWorld({
      approvers: { byProject: { AIR: ['lead-1'] }, default: [], securityReviewers: [], adminFallback: false, delegations: [{ from: 'lead-1', to: 'deputy-1', until }] },
    });
    const first = await pendingRequest(world);
    await expect(decide(world, admin, { requestId: first.id, outcome: 'approved', rationale: 'admin' })).rejects.toMatchObject({ code: 'forbidden' });
    await expect(decide(world, { accountId: 'deputy-1' }, { requestId: first.id, outcome: 'approved', rationale: 'deputy' })).resolves.toBeDefined();

    const second = (await submitRequest(world, { accountId: 'user-9' }, requestInput({ issueKey: 'AIR-9' }))).request;
    world.clock.at = until + 1;
    await expect(decide(world, { accountId: 'deputy-1' }, { requestId: second.id, outcome: 'approved', rationale: 'deputy' })).rejects.toMatchObject({ code: 'forbidden' });
    await expect(decide(world, { accountId: 'lead-1' }, { requestId: second.id, outcome: 'approved', rationale: 'lead' })).resolves.toBeDefined();
  });

  it('needs a security reviewer for a critical-risk tool', async () => {
    const world = await makeWorld();
    await saveTool(world, admin, { ...chatgpt, id: 'agent', name: 'Autonomous Agent', riskLevel: 'critical', defaultDurationDays: 7, maxDurationDays: 14 });
    const request = await pendingRequest(world, { toolId: 'agent', durationDays: 7 });
    await expect(decide(world, approver, { requestId: request.id, outcome: 'approved', rationale: 'ok then' })).rejects.toMatchObject({ message: /security reviewer must decide/ });
    await expect(decide(world, securityReviewer, { requestId: request.id, outcome: 'approved', rationale: 'reviewed' })).resolves.toMatchObject({ request: { status: 'approved' } });
  });

  it('refuses to approve a tool the catalog blocked after the request came in, but may deny it', async () => {
    const world = await makeWorld();
    const request = await pendingRequest(world);
    await saveTool(world, admin, { ...chatgpt, status: 'blocked' });
    await expect(decide(world, approver, { requestId: request.id, outcome: 'approved', rationale: 'ok then' })).rejects.toMatchObject({ code: 'tool_not_requestable' });
    await expect(decide(world, approver, { requestId: request.id, outcome: 'denied', rationale: 'tool blocked' })).resolves.toMatchObject({ request: { status: 'denied' } });
  });

  it('records exactly one decision when two approvers decide the same request at once', async () => {
    const world = await makeWorld({ approvers: { ...testRules().approvers, default: ['approver-1', 'approver-2'] } });
    const request = await pendingRequest(world);
    const results = await Promise.allSettled([
      decide(world, approver, { requestId: request.id, outcome: 'approved', rationale: 'first' }),
      decide(world, { accountId: 'approver-2' }, { requestId: request.id, outcome: 'denied', rationale: 'second' }),
    ]);
    const won = results.filter((result) => result.status === 'fulfilled');
    const lost = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]?.reason).toMatchObject({ code: 'already_decided' });
    const grants = await world.store.query('grant', 'byRequester', { partition: ['user-1'], limit: 10 });
    const stored = await world.store.get('request', request.id);
    expect(grants.items).toHaveLength(stored?.status === 'approved' ? 1 : 0);
    const decisions = (await world.store.query('audit', 'bySeq', { partition: [], limit: 100 })).items.filter((event) => event.type === 'request.approved' || event.type === 'request.denied');
    expect(decisions).toHaveLength(1);
  });

  it('keeps the decision when Jira is down, and audits the failed update', async () => {
    const world = await makeWorld();
    const request = await pendingRequest(world);
    world.jira.failing = true;
    const { request: decided } = await decide(world, approver, { requestId: request.id, outcome: 'approved', rationale: 'needed' });
    expect(decided.status).toBe('approved');
    const [last] = (await world.store.query('audit', 'bySeq', { partition: [], direction: 'desc', limit: 1 })).items;
    expect(last).toMatchObject({ type: 'jira.update_failed', refs: { issueKey: 'AIR-1' } });
    expect(world.logger.lines.some((line) => line.level === 'warn')).toBe(true);
  });

  it('records the governance version in force at decision time', async () => {
    const world = await makeWorld();
    const request = await pendingRequest(world);
    await updateGovernance(world, admin, { rules: testRules({ reviewWindowDays: 7 }) });
    const { request: decided } = await decide(world, approver, { requestId: request.id, outcome: 'approved', rationale: 'needed' });
    expect(decided.policyVersionAtSubmit).toBe(1);
    expect(decided.decision?.policyVersion).toBe(2);
  });

  it('approves a request for a new tool only once it is linked to a catalog tool', async () => {
    const world = await makeWorld({ unknownTools: 'allow_request' });
    const request = await pendingRequest(world, { toolId: undefined, newTool: { name: 'Napkin AI' } });
    await expect(decide(world, approver, { requestId: request.id, outcome: 'approved', rationale: 'useful' })).rejects.toMatchObject({ code: 'validation_failed', message: /not in the catalog/ });
    await saveTool(world, admin, { ...chatgpt, id: 'napkin', name: 'Napkin AI' });
    const { request: decided, grant } = await decide(world, approver, { requestId: request.id, outcome: 'approved', rationale: 'useful', toolId: 'napkin' });
    expect(decided.toolId).toBe('napkin');
    expect(grant?.toolId).toBe('napkin');
    expect(await world.store.get('claim', 'open:user-1:napkin')).toBeDefined();
    expect(await world.store.get('claim', 'open:user-1:new:napkin-ai')).toBeUndefined();
  });
});
