import { describe, expect, it } from 'vitest';
import { saveTool } from '../catalog/catalog-service.js';
import { decide } from '../decisions/decide.js';
import { admin, approver, chatgpt, makeWorld, otherRequester, requestInput, requester, snapshot, testRules } from '../test-support/harness.js';
import { updateGovernance } from '../governance/governance-service.js';
import { findRequestByIssue } from './request-queries.js';
import { submitRequest } from './submit-request.js';

describe('submitRequest', () => {
  it('takes in a pending request with the policy version in force and audits it', async () => {
    const world = await makeWorld();
    const { request, autoApproved } = await submitRequest(world, requester, requestInput());
    expect(autoApproved).toBe(false);
    expect(request).toMatchObject({ status: 'pending', toolId: 'chatgpt', durationDays: 30, requesterAccountId: 'user-1', policyVersionAtSubmit: 1, version: 1 });
    expect(await world.store.get('request', request.id)).toEqual(request);
    const events = (await world.store.query('audit', 'bySeq', { partition: [], direction: 'desc', limit: 1 })).items;
    expect(events[0]).toMatchObject({ type: 'request.submitted', actor: 'user-1', refs: { requestId: request.id, issueKey: 'AIR-1' }, policyVersion: 1 });
  });

  it.each([
    ['another project', { projectKey: 'HR' }, /not the intake project/],
    ['another portal', { portalId: '2' }, /another portal/],
    ['another request type', { requestTypeId: '11' }, /request type/],
  ])('does not ingest a request from %s', async (_what, overrides, message) => {
    const world = await makeWorld();
    const before = snapshot(world.store);
    await expect(submitRequest(world, requester, requestInput(overrides))).rejects.toMatchObject({ code: 'not_ingested', message: expect.stringMatching(message) });
    expect(snapshot(world.store)).toBe(before);
  });

  it('does not ingest anything before an intake project is configured', async () => {
    const world = await makeWorld({ intake: { requestTypeIds: [] } });
    await expect(submitRequest(world, requester, requestInput())).rejects.toMatchObject({ code: 'not_ingested', message: expect.stringMatching(/no intake project/) });
  });

  it('validates input and names each bad field', async () => {
    const world = await makeWorld();
    const before = snapshot(world.store);
    const attempt = submitRequest(world, requester, requestInput({ purpose: 'short', durationDays: 0, issueKey: 'air1' }));
    await expect(attempt).rejects.toMatchObject({ code: 'validation_failed' });
    const error = (await attempt.catch((caught: unknown) => caught)) as { issues: Array<{ path: string }> };
    expect(error.issues.map((issue) => issue.path).sort()).toEqual(['durationDays', 'issueKey', 'purpose']);
    await expect(submitRequest(world, requester, requestInput({ newTool: { name: 'Foo' } }))).rejects.toMatchObject({ code: 'validation_failed' });
    expect(snapshot(world.store)).toBe(before);
  });

  it('refuses unknown and non-requestable tools, and durations past the limits', async () => {
    const world = await makeWorld();
    await saveTool(world, admin, { ...chatgpt, id: 'deepseek', name: 'DeepSeek', status: 'blocked' });
    const before = snapshot(world.store);
    await expect(submitRequest(world, requester, requestInput({ toolId: 'nope' }))).rejects.toMatchObject({ code: 'not_found' });
    await expect(submitRequest(world, requester, requestInput({ toolId: 'deepseek' }))).rejects.toMatchObject({ code: 'tool_not_requestable' });
    await expect(submitRequest(world, requester, requestInput({ durationDays: 91 }))).rejects.toMatchObject({ code: 'validation_failed', message: /At most 90 days/ });
    expect(snapshot(world.store)).toBe(before);
  });

  it('caps the duration by the risk rule as well as the tool', async () => {
    const world = await makeWorld();
    await saveTool(world, admin, { ...chatgpt, id: 'cursor', name: 'Cursor', riskLevel: 'high', maxDurationDays: 180 });
    await expect(submitRequest(world, requester, requestInput({ toolId: 'cursor', durationDays: 31 }))).rejects.toMatchObject({ message: /At most 30 days/ });
  });

  it('refuses a second pending request for the same tool with an explicit conflict, changing nothing', async () => {
    const world = await makeWorld();
    await submitRequest(world, requester, requestInput());
    const before = snapshot(world.store);
    await expect(submitRequest(world, requester, requestInput({ issueKey: 'AIR-2' }))).rejects.toMatchObject({
      code: 'duplicate_request',
      message: 'You already have a pending request for ChatGPT Enterprise (AIR-1).',
    });
    expect(snapshot(world.store)).toBe(before);
    // Someone else may still ask for the same tool.
    await expect(submitRequest(world, otherRequester, requestInput({ issueKey: 'AIR-3' }))).resolves.toMatchObject({ request: { status: 'pending' } });
  });

  it('refuses a request while a grant for the tool is live, and allows one after a denial', async () => {
    const world = await makeWorld();
    const first = await submitRequest(world, requester, requestInput());
    await decide(world, approver, { requestId: first.request.id, outcome: 'approved', rationale: 'needed for release' });
    await expect(submitRequest(world, requester, requestInput({ issueKey: 'AIR-2' }))).rejects.toMatchObject({ code: 'duplicate_request', message: /live grant/ });

    const other = await submitRequest(world, otherRequester, requestInput({ issueKey: 'AIR-5' }));
    await decide(world, approver, { requestId: other.request.id, outcome: 'denied', rationale: 'not needed' });
    await expect(submitRequest(world, otherRequester, requestInput({ issueKey: 'AIR-6' }))).resolves.toMatchObject({ request: { status: 'pending' } });
  });

  it('lets exactly one of two simultaneous duplicate submissions through', async () => {
    const world = await makeWorld();
    const results = await Promise.allSettled([
      submitRequest(world, requester, requestInput({ issueKey: 'AIR-1' })),
      submitRequest(world, requester, requestInput({ issueKey: 'AIR-2' })),
    ]);
    expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);
    const pending = await world.store.query('request', 'byRequester', { partition: ['user-1'], limit: 10 });
    expect(pending.items).toHaveLength(1);
  });

  it('finds the request taken in from an issue', async () => {
    const world = await makeWorld();
    const { request } = await submitRequest(world, requester, requestInput());
    expect(await findRequestByIssue(world, 'AIR-1')).toMatchObject({ id: request.id });
    expect(await findRequestByIssue(world, 'AIR-404')).toBeUndefined();
  });

  it('returns the existing request when the same issue is ingested again', async () => {
    const world = await makeWorld();
    const first = await submitRequest(world, requester, requestInput());
    const again = await submitRequest(world, requester, requestInput());
    expect(again).toMatchObject({ alreadyIngested: true, request: { id: first.request.id } });
    await expect(submitRequest(world, otherRequester, requestInput())).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('takes requests for tools outside the catalog only when governance allows it', async () => {
    const allowing = await makeWorld({ unknownTools: 'allow_request' });
    const { request } = await submitRequest(allowing, requester, requestInput({ toolId: undefined, newTool: { name: 'Napkin AI', url: 'https://napkin.ai' } }));
    expect(request).toMatchObject({ status: 'pending', newTool: { name: 'Napkin AI' }, durationDays: 30 });
    await expect(submitRequest(allowing, requester, requestInput({ issueKey: 'AIR-2', toolId: undefined, newTool: { name: 'napkin  ai' } }))).rejects.toMatchObject({ code: 'duplicate_request' });

    const blocking = await makeWorld({ unknownTools: 'block' });
    await expect(submitRequest(blocking, requester, requestInput({ toolId: undefined, newTool: { name: 'Napkin AI' } }))).rejects.toMatchObject({ code: 'tool_not_requestable' });
  });
});

describe('auto-approval on submission', () => {
  const policy = {
    id: 'eng-chatgpt',
    name: 'Engineering ChatGPT',
    scope: { projectKeys: ['AIR'], toolIds: ['chatgpt'] },
    autoApprove: true,
    allowedGroups: ['engineering'],
    maxDurationDays: 30,
  };

  it('approves when scope, autoApprove, group and duration all match, with evidence on the issue', async () => {
    const world = await makeWorld({ autoApproval: [policy] });
    const result = await submitRequest(world, requester, requestInput());
    expect(result.autoApproved).toBe(true);
    expect(result.request.decision).toMatchObject({ outcome: 'approved', source: 'auto', policyId: 'eng-chatgpt', policyVersion: 1, decidedBy: 'clearway:auto-approval' });
    expect(result.grant).toMatchObject({ status: 'pending_provision', toolId: 'chatgpt' });
    expect(await world.store.get('grant', result.grant!.id)).toMatchObject({ status: 'pending_provision' });
    expect(world.jira.comments[0]?.text).toMatch(/approved by Clearway auto-approval under governance policy v1/);
    expect(world.jira.transitions[0]?.candidates).toEqual(['approve', 'approved', 'accept', 'accepted']);
  });

  it.each([
    ['the requester is in none of the groups', otherRequester, {}, {}],
    ['the duration is over the policy maximum', requester, { durationDays: 31 }, {}],
    ['the policy does not auto-approve', requester, {}, { autoApprove: false }],
    ['the tool is outside the scope', requester, {}, { scope: { projectKeys: [], toolIds: ['other'] } }],
  ])('leaves the request pending when %s', async (_why, who, input, policyOverride) => {
    const world = await makeWorld({ autoApproval: [{ ...policy, ...policyOverride }] });
    const result = await submitRequest(world, who, requestInput(input));
    expect(result.autoApproved).toBe(false);
    expect(result.request.status).toBe('pending');
  });

  it('never auto-approves a risk that needs security review', async () => {
    const world = await makeWorld({ autoApproval: [{ ...policy, scope: { projectKeys: [], toolIds: [] } }] });
    await saveTool(world, admin, { ...chatgpt, id: 'critical-tool', name: 'Critical', riskLevel: 'critical', defaultDurationDays: 7, maxDurationDays: 14 });
    const result = await submitRequest(world, requester, requestInput({ toolId: 'critical-tool', durationDays: 7 }));
    expect(result.autoApproved).toBe(false);
  });

  it('approves at once when the risk rule needs no approval', async () => {
    const world = await makeWorld();
    const rules = testRules();
    await updateGovernance(world, admin, { rules: { ...rules, riskRules: { ...rules.riskRules, medium: { ...rules.riskRules.medium, requiresApproval: false } } } });
    const result = await submitRequest(world, requester, requestInput());
    expect(result.request.decision).toMatchObject({ source: 'auto', policyId: 'risk-rule:medium', policyVersion: 2 });
  });
});
