import { describe, expect, it } from 'vitest';
import { decide } from '../decisions/decide.js';
import { activateGrant, extendGrant, revokeGrant } from '../grants/grant-service.js';
import { HOUR_MS } from '../ports/clock.js';
import { submitRequest } from '../requests/submit-request.js';
import { admin, approver, requestInput } from '../test-support/harness.js';
import { STATUSES, makeWorkWorld } from '../test-support/work-world.js';
import type { Grant } from '../grants/grant.js';
import { handleWorkEvent } from './events.js';
import { reconcileWorkIssue } from './reconcile.js';

type World = Awaited<ReturnType<typeof makeWorkWorld>>;

async function auditTypes(world: World): Promise<string[]> {
  const page = await world.store.query('audit', 'bySeq', { partition: [], limit: 100 });
  return page.items.map((event) => event.type);
}

async function grantsOf(world: World, accountId: string): Promise<Grant[]> {
  return [...(await world.store.query('grant', 'byRequester', { partition: [accountId], limit: 100 })).items];
}

const holding = (grants: Grant[]) => grants.filter((grant) => ['pending_provision', 'active', 'provision_failed'].includes(grant.status));

const updated = (id: string, at: number, enteredStatusId?: string) => ({ kind: 'updated' as const, issueId: id, issueKey: `INC-${id}`, projectKey: 'INC', at, ...(enteredStatusId !== undefined && { enteredStatusId }) });

describe('work-linked access: an issue entering, moving and leaving its live statuses', () => {
  it('entering In Progress makes a request decided by the policy (source work), a grant that lives by the issue, and its provision job', async () => {
    const world = await makeWorkWorld();
    world.issues.set({ id: '101', status: STATUSES.progress, assigneeAccountId: 'oncall-1' });
    const outcome = await handleWorkEvent(world, updated('101', world.clock.now(), STATUSES.progress.id));
    expect(outcome.started).toBe(1);
    const [grant] = await grantsOf(world, 'oncall-1');
    expect(grant).toMatchObject({ status: 'pending_provision', issueKey: 'INC-101', toolId: 'chatgpt' });
    expect(grant!.work?.links).toEqual([expect.objectContaining({ issueKey: 'INC-101', policyId: world.policy.id, deadline: world.clock.now() + 12 * HOUR_MS })]);
    expect(grant!.work?.endsWhen).toContain('When INC-101 leaves its live statuses');
    expect(grant!.expiresAt).toBe(world.clock.now() + 12 * HOUR_MS);
    const request = await world.store.get('request', grant!.requestId);
    expect(request?.decision).toMatchObject({ source: 'work', decidedBy: 'clearway:work', policyId: world.policy.id, workPolicyVersion: 1 });
    expect(request?.work).toEqual({ kind: 'grant', policyId: world.policy.id, policyVersion: 1, issueId: '101' });
    const jobs = await world.store.query('job', 'byGrant', { partition: [grant!.id], limit: 10 });
    expect(jobs.items.map((job) => job.type)).toEqual(['provision']);
    expect(await auditTypes(world)).toEqual(expect.arrayContaining(['request.approved', 'grant.created', 'work.link_started']));
    expect(world.jira.internalNotes).toEqual([expect.objectContaining({ issueKey: 'INC-101', text: expect.stringContaining('access to ChatGPT Enterprise while this issue is in In Progress, Investigating') })]);
    expect(world.jira.comments).toEqual([]);
    // An incident is not a request: no approve transition is applied to it.
    expect(world.jira.transitions).toEqual([]);
  });

  it('activation keeps the end the work allows (the deadline), not a term of days', async () => {
    const world = await makeWorkWorld();
    world.issues.set({ id: '101', status: STATUSES.progress, assigneeAccountId: 'oncall-1' });
    await reconcileWorkIssue(world, '101');
    const [grant] = await grantsOf(world, 'oncall-1');
    const deadline = grant!.expiresAt;
    world.clock.advance(HOUR_MS);
    await activateGrant(world, grant!.id, { by: 'clearway:engine', via: 'provider', outcome: 'applied' });
    const active = await world.store.get('grant', grant!.id);
    expect(active).toMatchObject({ status: 'active', expiresAt: deadline, activatedAt: world.clock.now() });
  });

  it('the same event twice, and events out of order, change nothing once applied: the issue as it is now decides', async () => {
    const world = await makeWorkWorld();
    world.issues.set({ id: '101', status: STATUSES.progress, assigneeAccountId: 'oncall-1' });
    const event = updated('101', world.clock.now(), STATUSES.progress.id);
    await handleWorkEvent(world, event);
    const before = await auditTypes(world);
    const again = await handleWorkEvent(world, event);
    const assigned = await handleWorkEvent(world, { ...event, kind: 'assigned' });
    expect(again).toMatchObject({ started: 0, ended: 0, unchanged: 1 });
    expect(assigned).toMatchObject({ started: 0, ended: 0 });
    expect(await auditTypes(world)).toEqual(before);
    expect(holding(await grantsOf(world, 'oncall-1'))).toHaveLength(1);

    // Resolved now; a late event from when it was still Open arrives, then the old "entered In Progress" one.
    world.issues.set({ id: '101', status: STATUSES.resolved, resolved: true });
    await handleWorkEvent(world, updated('101', world.clock.now() - 10 * 60_000));
    await handleWorkEvent(world, event);
    expect(holding(await grantsOf(world, 'oncall-1'))).toHaveLength(0);
    const [ended] = await grantsOf(world, 'oncall-1');
    expect(ended).toMatchObject({ status: 'revoked', endedBy: 'clearway:work', endReason: 'INC-101: the issue was resolved', deprovision: 'pending' });
  });

  it('reassignment moves the access: the old assignee loses it (deprovisioned), the new one gains it', async () => {
    const world = await makeWorkWorld();
    world.issues.set({ id: '101', status: STATUSES.progress, assigneeAccountId: 'oncall-1' });
    await reconcileWorkIssue(world, '101');
    world.issues.set({ id: '101', assigneeAccountId: 'oncall-2' });
    const outcome = await handleWorkEvent(world, { ...updated('101', world.clock.now()), kind: 'assigned' });
    expect(outcome).toMatchObject({ started: 1, ended: 1 });
    const [old] = await grantsOf(world, 'oncall-1');
    expect(old).toMatchObject({ status: 'revoked', deprovision: 'pending', endReason: 'INC-101: the issue moved to someone else' });
    const deprovision = await world.store.query('job', 'byGrant', { partition: [old!.id], limit: 10 });
    expect(deprovision.items.map((job) => job.type)).toContain('deprovision');
    expect(holding(await grantsOf(world, 'oncall-2'))).toHaveLength(1);
    expect(world.jira.internalNotes.at(-2)?.text).toContain('Clearway removed ChatGPT Enterprise access for account oncall-1: the issue moved to someone else');
  });

  it('leaving the live statuses, deletion (read nothing) and re-entering: access ends, and starts again', async () => {
    const world = await makeWorkWorld();
    world.issues.set({ id: '101', status: STATUSES.progress, assigneeAccountId: 'oncall-1' });
    await reconcileWorkIssue(world, '101');
    world.issues.set({ id: '101', status: STATUSES.open });
    expect(await handleWorkEvent(world, updated('101', world.clock.now(), STATUSES.open.id))).toMatchObject({ ended: 1 });
    world.issues.set({ id: '101', status: STATUSES.investigating });
    expect(await handleWorkEvent(world, updated('101', world.clock.now(), STATUSES.investigating.id))).toMatchObject({ started: 1 });
    expect(holding(await grantsOf(world, 'oncall-1'))).toHaveLength(1);
    const reads = world.issues.reads;
    world.issues.delete('101');
    expect(await handleWorkEvent(world, { kind: 'deleted', issueId: '101', issueKey: 'INC-101', projectKey: 'INC', at: world.clock.now() })).toMatchObject({ ended: 1 });
    expect(world.issues.reads).toBe(reads);
    expect((await grantsOf(world, 'oncall-1')).map((grant) => grant.endReason)).toContain('INC-101: the issue was deleted');
  });

  it('two live issues for one user and tool share one grant, which ends with the last link; the duplicate rule is not in the way', async () => {
    const world = await makeWorkWorld();
    world.issues.set({ id: '101', status: STATUSES.progress, assigneeAccountId: 'oncall-1' });
    await reconcileWorkIssue(world, '101');
    world.clock.advance(HOUR_MS);
    world.issues.set({ id: '102', status: STATUSES.progress, assigneeAccountId: 'oncall-1' });
    expect(await reconcileWorkIssue(world, '102')).toMatchObject({ started: 1 });
    const grants = holding(await grantsOf(world, 'oncall-1'));
    expect(grants).toHaveLength(1);
    expect(grants[0]!.work?.links.map((link) => link.issueKey)).toEqual(['INC-101', 'INC-102']);
    expect(grants[0]!.expiresAt).toBe(world.clock.now() + 12 * HOUR_MS);
    expect(grants[0]!.work?.endsWhen).toContain('the last of INC-101, INC-102');

    world.issues.set({ id: '101', status: STATUSES.resolved, resolved: true });
    await reconcileWorkIssue(world, '101');
    const still = holding(await grantsOf(world, 'oncall-1'));
    expect(still).toHaveLength(1);
    expect(still[0]!.work?.links.map((link) => link.issueKey)).toEqual(['INC-102']);
    expect(world.jira.internalNotes.at(-1)?.text).toContain('other work still does');

    world.issues.set({ id: '102', status: STATUSES.closed, resolved: true });
    await reconcileWorkIssue(world, '102');
    expect(holding(await grantsOf(world, 'oncall-1'))).toHaveLength(0);
  });

  it('a user who already holds the tool through a request is covered: no second grant, and no duplicate-request refusal', async () => {
    const world = await makeWorkWorld();
    const { request: ordinary } = await submitRequest(world, { accountId: 'oncall-1', email: 'o@example.com', groups: [] }, requestInput());
    world.issues.set({ id: '101', status: STATUSES.progress, assigneeAccountId: 'oncall-1' });
    expect(await reconcileWorkIssue(world, '101')).toMatchObject({ covered: 1, started: 0 });
    const link = await world.store.get('workLink', `wl:${world.policy.id}:101:oncall-1`);
    expect(link).toMatchObject({ state: 'covered', requestId: ordinary.id });
    // The ordinary request is denied: the next pass gives the work its own grant.
    await decide(world, approver, { requestId: ordinary.id, outcome: 'denied', rationale: 'use the incident access' });
    expect(await reconcileWorkIssue(world, '101')).toMatchObject({ started: 1 });
    expect(holding(await grantsOf(world, 'oncall-1'))[0]?.work).toBeDefined();
  });

  it('a user holding a work grant who asks from the portal meets the duplicate rule: they have the tool already', async () => {
    const world = await makeWorkWorld();
    world.issues.set({ id: '101', status: STATUSES.progress, assigneeAccountId: 'oncall-1' });
    await reconcileWorkIssue(world, '101');
    await expect(submitRequest(world, { accountId: 'oncall-1', email: 'o@example.com', groups: [] }, requestInput())).rejects.toMatchObject({ code: 'duplicate_request' });
  });

  it('the maximum duration ends access although the work goes on, and it does not start again until the issue leaves and re-enters', async () => {
    const world = await makeWorkWorld();
    world.issues.set({ id: '101', status: STATUSES.progress, assigneeAccountId: 'oncall-1' });
    await reconcileWorkIssue(world, '101');
    world.clock.advance(12 * HOUR_MS);
    expect(await reconcileWorkIssue(world, '101')).toMatchObject({ ended: 1 });
    expect((await grantsOf(world, 'oncall-1'))[0]?.endReason).toBe("INC-101: the policy's maximum duration passed");
    expect(await reconcileWorkIssue(world, '101')).toMatchObject({ started: 0, unchanged: 1 });
    // The status change event itself is evidence the work began again, even before anyone saw the issue leave.
    world.clock.advance(HOUR_MS);
    expect(await handleWorkEvent(world, updated('101', world.clock.now(), STATUSES.investigating.id))).toMatchObject({ started: 1 });
  });

  it('under a policy of status categories, an event entering one after the maximum duration starts access again', async () => {
    const world = await makeWorkWorld({ statusIds: [], statusNames: {}, categoryKeys: ['indeterminate'] });
    world.issues.set({ id: '101', status: STATUSES.progress, assigneeAccountId: 'oncall-1' });
    await reconcileWorkIssue(world, '101');
    world.clock.advance(12 * HOUR_MS);
    expect(await reconcileWorkIssue(world, '101')).toMatchObject({ ended: 1 });
    world.clock.advance(HOUR_MS);
    world.issues.set({ id: '101', status: STATUSES.investigating });
    // The event names only the status id; its category (In Progress) is the issue's status now.
    expect(await handleWorkEvent(world, updated('101', world.clock.now(), STATUSES.investigating.id))).toMatchObject({ started: 1 });
  });

  it('notes name the person as Jira shows them', async () => {
    const world = await makeWorkWorld();
    world.issues.set({ id: '101', status: STATUSES.progress, assigneeAccountId: 'oncall-1', people: { 'oncall-1': { displayName: 'Chen Wu', email: 'chen@example.com' } } });
    await reconcileWorkIssue(world, '101');
    world.issues.set({ id: '101', status: STATUSES.resolved, resolved: true, people: {} });
    await reconcileWorkIssue(world, '101');
    expect(world.jira.internalNotes.map((note) => note.text)).toEqual([
      expect.stringMatching(/^Clearway is giving Chen Wu \(the assignee\) access to ChatGPT Enterprise/),
      'Clearway removed ChatGPT Enterprise access for Chen Wu: the issue was resolved.',
    ]);
    const [grant] = await grantsOf(world, 'oncall-1');
    expect((await world.store.get('request', grant!.requestId))).toMatchObject({ requesterEmail: 'chen@example.com', requesterName: 'Chen Wu' });
  });

  it('an approver revoking a work grant by hand is final for that stretch of work', async () => {
    const world = await makeWorkWorld();
    world.issues.set({ id: '101', status: STATUSES.progress, assigneeAccountId: 'oncall-1' });
    await reconcileWorkIssue(world, '101');
    const [grant] = await grantsOf(world, 'oncall-1');
    await revokeGrant(world, approver, { grantId: grant!.id, rationale: 'not needed for this one' });
    expect(await reconcileWorkIssue(world, '101')).toMatchObject({ ended: 1, started: 0 });
    expect(await reconcileWorkIssue(world, '101')).toMatchObject({ started: 0 });
    world.issues.set({ id: '101', status: STATUSES.open });
    await reconcileWorkIssue(world, '101');
    world.issues.set({ id: '101', status: STATUSES.progress });
    expect(await reconcileWorkIssue(world, '101')).toMatchObject({ started: 1 });
  });

  it('a work grant cannot be extended: it ends with its work', async () => {
    const world = await makeWorkWorld();
    world.issues.set({ id: '101', status: STATUSES.progress, assigneeAccountId: 'oncall-1' });
    await reconcileWorkIssue(world, '101');
    const [grant] = await grantsOf(world, 'oncall-1');
    await expect(extendGrant(world, approver, { grantId: grant!.id, days: 5, rationale: 'longer please' })).rejects.toThrow(/lives by its work \(INC-101\)/);
  });

  it('a reporter or user-picker policy names its own subjects; an issue of another project or type is not covered', async () => {
    const world = await makeWorkWorld({ subject: { kind: 'field', fieldId: 'customfield_10050', fieldName: 'Responders' }, issueTypeIds: ['10001'] });
    world.issues.set({ id: '101', status: STATUSES.progress, assigneeAccountId: 'a', userFields: { customfield_10050: ['r1', 'r2', 'r1'] } });
    world.issues.set({ id: '102', status: STATUSES.progress, issueTypeId: '10002', userFields: { customfield_10050: ['r3'] } });
    world.issues.set({ id: '103', status: STATUSES.progress, projectKey: 'OPS', userFields: { customfield_10050: ['r4'] } });
    for (const id of ['101', '102', '103']) await reconcileWorkIssue(world, id);
    expect(holding(await grantsOf(world, 'r1'))).toHaveLength(1);
    expect(holding(await grantsOf(world, 'r2'))).toHaveLength(1);
    for (const other of ['a', 'r3', 'r4']) expect(await grantsOf(world, other)).toEqual([]);
  });

  it('events from a project no policy watches are dropped before any Jira call', async () => {
    const world = await makeWorkWorld();
    const outcome = await handleWorkEvent(world, { ...updated('900', world.clock.now()), projectKey: 'OPS' });
    expect(outcome.ignored).toContain('OPS');
    expect(world.issues.reads).toBe(0);
  });

  it('Jira failing to answer throws (the trigger retries) and changes nothing', async () => {
    const world = await makeWorkWorld();
    world.issues.failing = true;
    await expect(handleWorkEvent(world, updated('101', world.clock.now()))).rejects.toThrow('Jira is unavailable');
    expect(await grantsOf(world, 'oncall-1')).toEqual([]);
    void admin;
  });
});
