/**
 * The work-linked access trigger, end to end inside the app: payloads shaped as Atlassian's "Jira
 * events" reference shows them (https://developer.atlassian.com/platform/forge/events-reference/jira/,
 * built in ./fixtures/jira-issue-events.ts), core's real handler over the app's KVS store on the
 * fake platform, and a WorkIssues fake that answers each issue as it is now. Retries follow
 * "Retry product events" (https://developer.atlassian.com/platform/forge/events-reference/product_events/):
 * return an `InvocationError`, at most four times, `retryAfter` at most 900 seconds.
 */
import { saveTool, saveWorkPolicy, setWorkPolicyEnabled, updateGovernance, type Grant, type WorkIssue, type WorkIssuePage, type WorkIssueQuery, type WorkLink } from '@clearway/core';
import { InvocationErrorCode } from '@forge/events';
import { runInNewContext } from 'node:vm';
import { describe, expect, it, vi } from 'vitest';
import { JiraError } from '../adapters/jira/jira-request';
import * as handlers from '../index';
import { FakeClock, makeAppWorld, type AppWorld } from '../test-support/app-world';
import { readManifest } from '../test-support/fake-forge/index';
import { ADMIN, scenarioRules, seedSite, tool } from '../test-support/scenario';
import {
  ASSOCIATED_USERS_SHAPES,
  assigneeChange,
  IN_PROGRESS,
  issueEvent,
  issueTypeChange,
  RESOLVED,
  resolutionChange,
  statusChange,
  summaryChange,
  TO_DO,
  userPickerChange,
  type ChangelogItem,
  type EventStatus,
  type IssueEventInput,
  type IssueEventType,
} from './fixtures/jira-issue-events';
import { classifyFailure, makeWorkEventsTrigger, MAX_PLATFORM_RETRIES, retryAfterSeconds, toWorkEvent, type WorkEventOutcome } from './work-events';

const MIA = { accountId: 'acc-mia', name: 'Mia Krystof' };
const LEO = { accountId: 'acc-leo', name: 'Leo Hart' };
const EMMA = { accountId: 'acc-emma', name: 'Emma Richards' };
const T = 1_790_000_000_000;
const MINUTE = 60_000;

/** Jira as it is now: each issue's current state, as the WorkIssues port reads it. */
class CurrentIssues {
  readonly issues = new Map<string, WorkIssue>();

  set(issue: { id: string; key: string; status: EventStatus; assignee?: string; resolved?: boolean; projectKey?: string }): void {
    this.issues.set(issue.id, {
      id: issue.id,
      key: issue.key,
      projectKey: issue.projectKey ?? 'OPS',
      issueTypeId: '10004',
      status: { id: issue.status.id, name: issue.status.name, categoryKey: issue.status.category },
      resolved: issue.resolved ?? issue.status.category === 'done',
      ...(issue.assignee !== undefined && { assigneeAccountId: issue.assignee }),
      reporterAccountId: EMMA.accountId,
      userFields: {},
    });
  }

  read(idOrKey: string): WorkIssue | undefined {
    return [...this.issues.values()].find((issue) => issue.id === idOrKey || issue.key === idOrKey);
  }

  search(query: WorkIssueQuery): WorkIssuePage {
    const issues = [...this.issues.values()].filter((issue) =>
      query.kind === 'ids'
        ? query.issueIds.includes(issue.id)
        : issue.projectKey === query.projectKey &&
          (query.issueTypeIds.length === 0 || query.issueTypeIds.includes(issue.issueTypeId)) &&
          (query.statusIds.includes(issue.status.id) || query.categoryKeys.includes(issue.status.categoryKey)) &&
          !issue.resolved,
    );
    return { issues };
  }
}

const POLICY = {
  name: 'On-call incidents',
  projectKey: 'OPS',
  issueTypeIds: ['10004'],
  statusIds: [],
  categoryKeys: ['indeterminate' as const],
  subject: { kind: 'assignee' as const },
  toolId: 'chatgpt',
  maxDurationHours: 24,
  approval: 'automatic' as const,
};

interface WorkWorld {
  readonly world: AppWorld;
  readonly jira: CurrentIssues;
  readonly reads: ReturnType<typeof vi.fn>;
  readonly trigger: (payload: unknown) => Promise<WorkEventOutcome>;
}

async function workWorld(): Promise<WorkWorld> {
  const world = makeAppWorld({ clock: new FakeClock(T) });
  const site = world.forge.jira;
  seedSite(site);
  for (const person of [MIA, LEO, EMMA]) site.addUser({ accountId: person.accountId, displayName: person.name, emailAddress: `${person.accountId}@example.com` });
  // The work issues are JSM requests: notes on them are internal.
  site.addIssue({ key: 'OPS-7', id: '20007', reporterAccountId: EMMA.accountId, serviceDeskId: '2' });
  site.addIssue({ key: 'OPS-8', id: '20008', reporterAccountId: EMMA.accountId, serviceDeskId: '2' });
  await world.app.ready();
  await updateGovernance(world.app.deps, ADMIN, { rules: scenarioRules() });
  await saveTool(world.app.deps, ADMIN, tool('chatgpt', 'ChatGPT Enterprise'));
  await saveWorkPolicy(world.app.deps, ADMIN, POLICY);
  const jira = new CurrentIssues();
  const reads = vi.fn(async (idOrKey: string) => jira.read(idOrKey));
  vi.spyOn(world.app.workDeps.issues, 'read').mockImplementation(reads);
  vi.spyOn(world.app.workDeps.issues, 'search').mockImplementation(async (query) => jira.search(query));
  world.forge.queues.take();
  site.requests.length = 0;
  return { world, jira, reads, trigger: makeWorkEventsTrigger(() => world.app) };
}

const HOLDING = new Set<Grant['status']>(['pending_provision', 'active', 'provision_failed']);

/** The work-linked grants a person holds now. */
async function heldBy(world: AppWorld, accountId: string): Promise<Grant[]> {
  const grants = (await world.app.deps.store.query('grant', 'byRequester', { partition: [accountId], limit: 50 })).items;
  return grants.filter((grant) => grant.work !== undefined && HOLDING.has(grant.status));
}

async function allGrants(world: AppWorld, accountId: string): Promise<readonly Grant[]> {
  return (await world.app.deps.store.query('grant', 'byRequester', { partition: [accountId], limit: 50 })).items;
}

async function linksOf(world: AppWorld, issueId: string): Promise<readonly WorkLink[]> {
  return (await world.app.deps.store.query('workLink', 'byIssue', { partition: [issueId], limit: 50 })).items;
}

function event(type: IssueEventType, overrides: Partial<IssueEventInput> & { status: EventStatus; timestamp: number }): Record<string, unknown> {
  return issueEvent(type, { issueId: '20007', issueKey: 'OPS-7', projectKey: 'OPS', reporter: EMMA.accountId, actor: EMMA.accountId, ...overrides });
}

/** OPS-7 moved to In Progress while assigned to `assignee`: the update Jira sends for the transition. */
const enteredInProgress = (assignee: string, timestamp = T) => event('avi:jira:updated:issue', { status: IN_PROGRESS, assignee, timestamp, changelog: [statusChange(TO_DO, IN_PROGRESS)], changelogId: '10101' });

/** OPS-7 reassigned: Jira sends `assigned` and an `updated` for the same change (same changelog id). */
function reassigned(from: typeof MIA, to: typeof MIA, timestamp: number): Array<Record<string, unknown>> {
  const input = { status: IN_PROGRESS, assignee: to.accountId, timestamp, changelog: [assigneeChange(from, to)], changelogId: '10102' };
  return [event('avi:jira:assigned:issue', input), event('avi:jira:updated:issue', input)];
}

const resolvedEvent = (timestamp: number) => event('avi:jira:updated:issue', { status: RESOLVED, assignee: MIA.accountId, timestamp, changelog: [statusChange(IN_PROGRESS, RESOLVED), resolutionChange('Done')], changelogId: '10103' });

describe('work-linked access events (avi:jira:updated|assigned|deleted:issue)', () => {
  it('gives the assignee the tool when the incident enters In Progress, notes it internally and asks for fulfillment; the same event again changes nothing', async () => {
    const { world, jira, trigger } = await workWorld();
    jira.set({ id: '20007', key: 'OPS-7', status: IN_PROGRESS, assignee: MIA.accountId });

    expect(await trigger(enteredInProgress(MIA.accountId))).toMatchObject({ started: 1, ended: 0, fulfillmentRequested: true });
    const [grant] = await heldBy(world, MIA.accountId);
    expect(grant).toMatchObject({ toolId: 'chatgpt', status: 'pending_provision', work: { links: [expect.objectContaining({ issueKey: 'OPS-7' })] } });
    expect(world.forge.queues.take()).toEqual([expect.objectContaining({ body: expect.objectContaining({ kind: 'run-fulfillment' }) })]);
    const notes = world.forge.jira.requestComments.get('OPS-7') ?? [];
    expect(notes).toHaveLength(1);
    expect(notes[0]?.public).toBe(false);

    const after = world.forge.kvs.snapshot();
    expect(await trigger(enteredInProgress(MIA.accountId))).toMatchObject({ started: 0, ended: 0, fulfillmentRequested: false });
    expect(world.forge.kvs.snapshot()).toBe(after);
    expect(world.forge.queues.pushed).toEqual([]);
    expect(world.forge.jira.requestComments.get('OPS-7')).toHaveLength(1);
  });

  it('moves access on reassignment, once, though Jira sends both the assigned event and its twin update', async () => {
    const { world, jira, trigger } = await workWorld();
    jira.set({ id: '20007', key: 'OPS-7', status: IN_PROGRESS, assignee: MIA.accountId });
    await trigger(enteredInProgress(MIA.accountId));
    jira.set({ id: '20007', key: 'OPS-7', status: IN_PROGRESS, assignee: LEO.accountId });

    const [assigned, twin] = reassigned(MIA, LEO, T + MINUTE);
    expect(await trigger(assigned)).toMatchObject({ started: 1, ended: 1, fulfillmentRequested: true });
    const after = world.forge.kvs.snapshot();
    expect(await trigger(twin)).toMatchObject({ started: 0, ended: 0 });
    expect(world.forge.kvs.snapshot()).toBe(after);

    expect(await heldBy(world, MIA.accountId)).toEqual([]);
    expect(await allGrants(world, MIA.accountId)).toEqual([expect.objectContaining({ status: 'revoked', deprovision: 'pending' })]);
    expect(await heldBy(world, LEO.accountId)).toHaveLength(1);
    expect(await linksOf(world, '20007')).toEqual(
      expect.arrayContaining([expect.objectContaining({ accountId: MIA.accountId, state: 'ended', endReason: 'reassigned' }), expect.objectContaining({ accountId: LEO.accountId, state: 'live' })]),
    );
  });

  it('follows the issue as it is now, whatever order the events arrive in, however often, however late', async () => {
    const history = [enteredInProgress(MIA.accountId, T), ...reassigned(MIA, LEO, T + MINUTE)];
    const orders: Array<[string, Array<Record<string, unknown>>]> = [
      ['in order', history],
      ['reversed', [...history].reverse()],
      // The transition arrives last, three minutes late, after a duplicate of the reassignment.
      ['late and duplicated', [history[1]!, history[2]!, history[1]!, history[0]!, history[0]!]],
    ];
    for (const [name, deliveries] of orders) {
      vi.restoreAllMocks();
      const { world, jira, trigger } = await workWorld();
      // Jira now: In Progress, assigned to Leo; Mia's turn is history.
      jira.set({ id: '20007', key: 'OPS-7', status: IN_PROGRESS, assignee: LEO.accountId });
      world.clock.at = T + 3 * MINUTE;
      for (const delivery of deliveries) await trigger(delivery);
      expect(await heldBy(world, LEO.accountId), name).toHaveLength(1);
      expect(await heldBy(world, MIA.accountId), name).toEqual([]);
      // Mia never held it: every event was judged by the issue as it is now.
      expect(await allGrants(world, MIA.accountId), name).toEqual([]);
    }
  });

  it('gives nothing for a late “entered In Progress” once the issue is resolved, and ends access on the resolution', async () => {
    const { world, jira, trigger } = await workWorld();
    jira.set({ id: '20007', key: 'OPS-7', status: IN_PROGRESS, assignee: MIA.accountId });
    await trigger(enteredInProgress(MIA.accountId, T));
    jira.set({ id: '20007', key: 'OPS-7', status: RESOLVED, assignee: MIA.accountId });
    world.clock.at = T + 10 * MINUTE;

    expect(await trigger(resolvedEvent(T + 9 * MINUTE))).toMatchObject({ ended: 1, fulfillmentRequested: true });
    expect(await trigger(enteredInProgress(MIA.accountId, T))).toMatchObject({ started: 0, ended: 0 });
    expect(await heldBy(world, MIA.accountId)).toEqual([]);
    expect(await linksOf(world, '20007')).toEqual([expect.objectContaining({ state: 'ended', endReason: 'resolved' })]);
  });

  it('ends access when the issue is deleted, without asking Jira about it', async () => {
    const { world, jira, reads, trigger } = await workWorld();
    jira.set({ id: '20007', key: 'OPS-7', status: IN_PROGRESS, assignee: MIA.accountId });
    await trigger(enteredInProgress(MIA.accountId));
    jira.issues.delete('20007');
    const readsBefore = reads.mock.calls.length;

    expect(await trigger(event('avi:jira:deleted:issue', { status: IN_PROGRESS, assignee: MIA.accountId, timestamp: T + MINUTE }))).toMatchObject({ ended: 1 });
    expect(reads.mock.calls.length).toBe(readsBefore);
    expect(await heldBy(world, MIA.accountId)).toEqual([]);
    expect(await linksOf(world, '20007')).toEqual([expect.objectContaining({ state: 'ended', endReason: 'deleted' })]);
  });

  it('applies the app’s own changes (selfGenerated events) like anyone’s', async () => {
    const { world, jira, trigger } = await workWorld();
    jira.set({ id: '20007', key: 'OPS-7', status: IN_PROGRESS, assignee: MIA.accountId });
    const own = { ...enteredInProgress(MIA.accountId), selfGenerated: true, atlassianId: 'app-clearway' };
    expect(await trigger(own)).toMatchObject({ started: 1 });
    expect(await heldBy(world, MIA.accountId)).toHaveLength(1);
  });

  it('drops events from projects no enabled policy names before any Jira call, and every event once no policy is enabled', async () => {
    const { world, jira, reads, trigger } = await workWorld();
    jira.set({ id: '30001', key: 'HR-1', projectKey: 'HR', status: IN_PROGRESS, assignee: MIA.accountId });
    const before = world.forge.kvs.snapshot();
    const hr = issueEvent('avi:jira:updated:issue', { issueId: '30001', issueKey: 'HR-1', projectKey: 'HR', status: IN_PROGRESS, assignee: MIA.accountId, reporter: EMMA.accountId, actor: EMMA.accountId, timestamp: T, changelog: [statusChange(TO_DO, IN_PROGRESS)] });
    expect(await trigger(hr)).toEqual({ ignored: 'no enabled work-linked access policy watches project HR' });
    expect(reads).not.toHaveBeenCalled();
    expect(world.forge.jira.requests).toEqual([]);
    expect(world.forge.kvs.snapshot()).toBe(before);

    const [policy] = (await world.app.deps.store.query('workPolicies', 'byVersion', { partition: [], direction: 'desc', limit: 1 })).items[0]?.policies ?? [];
    await setWorkPolicyEnabled(world.app.workDeps, ADMIN, { policyId: policy!.id, enabled: false });
    jira.set({ id: '20007', key: 'OPS-7', status: IN_PROGRESS, assignee: MIA.accountId });
    expect(await trigger(enteredInProgress(MIA.accountId))).toEqual({ ignored: 'no enabled work-linked access policy' });
    expect(reads).not.toHaveBeenCalled();
  });

  it('drops a payload it cannot read with a warning, reading and writing nothing', async () => {
    const { world, reads, trigger } = await workWorld();
    const before = world.forge.kvs.snapshot();
    const unreadable: unknown[] = [
      null,
      'avi:jira:updated:issue',
      {},
      { ...enteredInProgress(MIA.accountId), eventType: 'avi:jira:commented:issue' },
      { ...enteredInProgress(MIA.accountId), issue: { key: 'OPS-7', fields: {} } },
      { ...enteredInProgress(MIA.accountId), issue: { id: '20007', key: 'not a key' } },
      { ...enteredInProgress(MIA.accountId), issue: { id: '20007 OR 1=1', key: 'OPS-7' } },
    ];
    for (const payload of unreadable) expect(await trigger(payload)).toEqual({ ignored: 'unreadable event' });
    expect(reads).not.toHaveBeenCalled();
    expect(world.forge.kvs.snapshot()).toBe(before);
    expect(world.logger.lines.filter((line) => line.level === 'warn')).toHaveLength(unreadable.length);
  });
});

describe('reading an issue event into core’s WorkEvent', () => {
  it('takes the issue, its project, the time (epoch ms, sent as a string) and the status an update entered', () => {
    expect(toWorkEvent(enteredInProgress(MIA.accountId, T), 0)).toEqual({
      event: { kind: 'updated', issueId: '20007', issueKey: 'OPS-7', projectKey: 'OPS', at: T, enteredStatusId: IN_PROGRESS.id },
      retryCount: 0,
    });
    const [assigned] = reassigned(MIA, LEO, T + MINUTE);
    expect(toWorkEvent(assigned, 0)?.event).toEqual({ kind: 'assigned', issueId: '20007', issueKey: 'OPS-7', projectKey: 'OPS', at: T + MINUTE });
    expect(toWorkEvent(event('avi:jira:deleted:issue', { status: IN_PROGRESS, timestamp: T }), 0)?.event).toEqual({ kind: 'deleted', issueId: '20007', issueKey: 'OPS-7', projectKey: 'OPS', at: T });
    expect(toWorkEvent(event('avi:jira:created:issue', { status: TO_DO, timestamp: T }), 0)?.event.kind).toBe('created');
    // An update that did not touch the status entered none.
    expect(toWorkEvent(event('avi:jira:updated:issue', { status: IN_PROGRESS, timestamp: T, changelog: [summaryChange('a', 'b')] }), 0)?.event).not.toHaveProperty('enteredStatusId');
  });

  it('accepts associatedUsers in each shape it has been seen in, and any other, since it reads the people from the issue', () => {
    const expected = toWorkEvent(enteredInProgress(MIA.accountId), 0);
    for (const associatedUsers of [ASSOCIATED_USERS_SHAPES.list([EMMA.accountId, MIA.accountId]), ASSOCIATED_USERS_SHAPES.users([EMMA.accountId]), ASSOCIATED_USERS_SHAPES.associatedUsers([EMMA.accountId]), 'odd', undefined]) {
      expect(toWorkEvent({ ...enteredInProgress(MIA.accountId), associatedUsers }, 0)).toEqual(expected);
    }
  });

  it('falls back on the time it arrived when the timestamp is missing or odd, and on a Jira read when the project or changelog is odd', () => {
    const now = T + 5 * MINUTE;
    const { timestamp: _dropped, ...untimed } = enteredInProgress(MIA.accountId);
    expect(toWorkEvent(untimed, now)?.event.at).toBe(now);
    expect(toWorkEvent({ ...enteredInProgress(MIA.accountId), timestamp: '2021-01-20T15:58:12.797+1100' }, now)?.event.at).toBe(now);
    expect(toWorkEvent({ ...enteredInProgress(MIA.accountId), timestamp: T }, now)?.event.at).toBe(T);
    const odd = toWorkEvent({ ...enteredInProgress(MIA.accountId), issue: { id: 20007, key: 'OPS-7', fields: { project: 'OPS' } }, changelog: { items: 'status' } }, now);
    expect(odd?.event).toEqual({ kind: 'updated', issueId: '20007', issueKey: 'OPS-7', at: T });
  });

  it('counts the platform’s redeliveries from retryContext', () => {
    expect(toWorkEvent(event('avi:jira:updated:issue', { status: IN_PROGRESS, timestamp: T, retryCount: 3 }), 0)?.retryCount).toBe(3);
  });
});

describe('failures while applying an event', () => {
  it('asks the platform to deliver the event again when Jira or storage is unavailable, and the redelivery applies it', async () => {
    const { world, jira, reads, trigger } = await workWorld();
    jira.set({ id: '20007', key: 'OPS-7', status: IN_PROGRESS, assignee: MIA.accountId });

    reads.mockRejectedValueOnce(new JiraError('Reading issue 20007', 503));
    expect(await trigger(enteredInProgress(MIA.accountId))).toEqual({ _retry: true, retryOptions: { retryAfter: 60, retryReason: InvocationErrorCode.FUNCTION_RETRY_REQUEST } });

    world.forge.kvs.failNext('/api/v1/entity/query', () => new Response(JSON.stringify({ code: 'INTERNAL_SERVER_ERROR', message: 'storage is down' }), { status: 500 }));
    const redelivered = { ...enteredInProgress(MIA.accountId), retryContext: { retryCount: 1, retryReason: 'FUNCTION_RETRY_REQUEST' } };
    expect(await trigger(redelivered)).toEqual({ _retry: true, retryOptions: { retryAfter: 120, retryReason: InvocationErrorCode.FUNCTION_RETRY_REQUEST } });

    reads.mockRejectedValueOnce(new JiraError('Reading issue 20007', 429));
    const third = await trigger({ ...enteredInProgress(MIA.accountId), retryContext: { retryCount: 2 } });
    expect(third).toEqual({ _retry: true, retryOptions: { retryAfter: 240, retryReason: InvocationErrorCode.FUNCTION_UPSTREAM_RATE_LIMITED } });

    expect(await trigger({ ...enteredInProgress(MIA.accountId), retryContext: { retryCount: 3 } })).toMatchObject({ started: 1 });
    expect(await heldBy(world, MIA.accountId)).toHaveLength(1);
  });

  it('logs and drops a failure retrying cannot fix, and one still failing on the last delivery', async () => {
    const { world, jira, reads, trigger } = await workWorld();
    jira.set({ id: '20007', key: 'OPS-7', status: IN_PROGRESS, assignee: MIA.accountId });
    reads.mockRejectedValueOnce(new JiraError('Reading issue 20007', 403));
    expect(await trigger(enteredInProgress(MIA.accountId))).toEqual({ dropped: 'Reading issue 20007: Jira answered HTTP 403.' });
    reads.mockRejectedValueOnce(new JiraError('Reading issue 20007', 503));
    const last = await trigger({ ...enteredInProgress(MIA.accountId), retryContext: { retryCount: MAX_PLATFORM_RETRIES } });
    expect(last).toEqual({ dropped: 'Reading issue 20007: Jira answered HTTP 503.' });
    expect(world.logger.lines.filter((line) => line.level === 'error').map((line) => line.fields?.issueKey)).toEqual(['OPS-7', 'OPS-7']);
    expect(await heldBy(world, MIA.accountId)).toEqual([]);
  });

  it('classifies Jira, storage and core failures, and never waits longer than the platform allows', () => {
    expect(classifyFailure(new JiraError('x', undefined))).toBe('transient');
    expect(classifyFailure(new JiraError('x (unexpected answer)', 200))).toBe('transient');
    expect(classifyFailure(new JiraError('x', 502))).toBe('transient');
    expect(classifyFailure(new JiraError('x', 429))).toBe('rate_limited');
    for (const status of [400, 401, 403, 404]) expect(classifyFailure(new JiraError('x', status))).toBe('permanent');
    for (let count = 0; count <= MAX_PLATFORM_RETRIES; count += 1) {
      expect(retryAfterSeconds(count)).toBeGreaterThan(0);
      expect(retryAfterSeconds(count)).toBeLessThanOrEqual(900);
    }
    expect(retryAfterSeconds(20)).toBe(900);
  });
});

describe('the clearway-work-events trigger in manifest.yml', () => {
  type TriggerModule = { key: string; function: string; events: string[]; filter?: { expression?: string; onError?: string; ignoreSelf?: boolean } };
  const modules = readManifest().modules as unknown as Record<string, TriggerModule[] | undefined>;
  const trigger = (modules.trigger ?? []).find((module) => module.key === 'clearway-work-events');
  const expression = trigger?.filter?.expression ?? '';

  /**
   * The filter is a Jira expression over `event` (https://developer.atlassian.com/platform/forge/manifest-reference/modules/trigger/,
   * https://developer.atlassian.com/cloud/jira/platform/jira-expressions/). It is written only with
   * what Jira expressions and JavaScript read alike (`==`, `!=`, `||`, `?.`, an arrow function,
   * List `some` and `includes`), so evaluating it as JavaScript shows what it lets through.
   */
  const passes = (payload: unknown): unknown => runInNewContext(expression, { event: structuredClone(payload) });
  const update = (changelog: readonly ChangelogItem[] | undefined) => event('avi:jira:updated:issue', { status: IN_PROGRESS, timestamp: T, ...(changelog !== undefined && { changelog }) });

  it('takes creations, updates, assignments and deletes into the work-events function, and sees our own changes too', () => {
    expect(trigger).toMatchObject({ function: 'work-events', events: ['avi:jira:created:issue', 'avi:jira:updated:issue', 'avi:jira:assigned:issue', 'avi:jira:deleted:issue'] });
    expect(trigger?.filter?.ignoreSelf).toBeUndefined();
    const fn = (modules.function as unknown as Array<{ key: string; handler: string }>).find((candidate) => candidate.key === 'work-events');
    expect(fn?.handler).toBe('index.workEvents');
    expect(typeof handlers.workEvents).toBe('function');
  });

  it('lets through only events that can change work-linked access, within the platform’s limits, and delivers the event if the filter fails', () => {
    expect(expression.length).toBeGreaterThan(0);
    expect(expression.length).toBeLessThanOrEqual(10_000);
    expect(trigger?.filter?.onError).toBe('RECEIVE_AND_LOG');
    const cases: Array<[string, unknown, boolean]> = [
      ['a status change', update([statusChange(TO_DO, IN_PROGRESS)]), true],
      ['a resolution', update([resolutionChange('Done')]), true],
      ['an assignee change in an update', update([assigneeChange(MIA, LEO)]), true],
      ['a user-picker field', update([userPickerChange('customfield_10050', 'Responders', LEO)]), true],
      ['a move to another issue type', update([issueTypeChange({ id: '10004', name: 'Incident' }, { id: '10001', name: 'Task' })]), true],
      ['a reporter change (by field name only)', update([{ field: 'reporter', fieldtype: 'jira', from: null, fromString: null, to: MIA.accountId, toString: MIA.name } as unknown as ChangelogItem]), true],
      ['the summary alone', update([summaryChange('a', 'b')]), false],
      ['the summary and a status', update([summaryChange('a', 'b'), statusChange(TO_DO, IN_PROGRESS)]), true],
      ['an update without a changelog', update(undefined), false],
      ['an assignment', reassigned(MIA, LEO, T)[0], true],
      ['a delete', event('avi:jira:deleted:issue', { status: IN_PROGRESS, timestamp: T }), true],
      ['an issue created in a live status', event('avi:jira:created:issue', { status: IN_PROGRESS, timestamp: T }), true],
    ];
    for (const [name, payload, expected] of cases) expect(passes(payload), name).toBe(expected);
  });
});
