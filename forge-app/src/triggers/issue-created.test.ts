import { saveTool, submitRequest, updateGovernance } from '@clearway/core';
import { describe, expect, it, vi } from 'vitest';
import { textToAdf } from '../adapters/jira/adf';
import { CUSTOMER_TEXT, listIntakeProblems } from '../intake/intake-problems';
import { INTAKE_RETRY_DELAYS_SECONDS, MAX_INTAKE_ATTEMPTS } from '../intake/intake-retry';
import { PANEL_FIELD_KEY, PANEL_FORM_MARKER, type PanelFormInput } from '../intake/panel-form';
import { makeQueueConsumer } from '../queue/queue-consumer';
import { makeAppWorld, type AppWorld } from '../test-support/app-world';
import { asDelivered } from '../test-support/fulfillment-world';
import { ADMIN, PEOPLE, scenarioRules, seedSite, tool } from '../test-support/scenario';
import { makeIssueCreatedTrigger } from './issue-created';

/** The panel's `view.submit` payload, in the documented shape (a list of `{ key, value }` fields). */
const submitted = (form: Omit<PanelFormInput, 'form'>) => ({ fields: [{ key: PANEL_FIELD_KEY, value: { form: PANEL_FORM_MARKER, ...form } }], isValid: true });

async function intakeWorld(rules = scenarioRules()): Promise<AppWorld> {
  const world = makeAppWorld();
  seedSite(world.forge.jira);
  await world.app.ready();
  await updateGovernance(world.app.deps, ADMIN, { rules });
  await saveTool(world.app.deps, ADMIN, tool('chatgpt', 'ChatGPT Enterprise', { riskLevel: 'low' }));
  world.forge.jira.createPortalRequest(
    { key: 'AIR-9', reporterAccountId: PEOPLE.requester, serviceDeskId: '1', requestTypeId: '10', summary: 'Access to ChatGPT', description: textToAdf('Drafting release notes for the mobile app.') },
    submitted({ toolId: 'chatgpt', durationDays: 14 }),
  );
  return world;
}

const created = (key = 'AIR-9', project = 'AIR') => ({ issue: { key, fields: { project: { key: project } } }, atlassianId: PEOPLE.requester, eventType: 'avi:jira:created:issue' });
const comments = (world: AppWorld, key = 'AIR-9') => world.forge.jira.issues.get(key)?.comments.length ?? 0;
const commentText = (world: AppWorld, key = 'AIR-9') => JSON.stringify(world.forge.jira.issues.get(key)?.comments);

async function auditTypes(world: AppWorld): Promise<string[]> {
  return (await world.app.deps.store.query('audit', 'bySeq', { partition: [], direction: 'desc', limit: 5 })).items.map((event) => event.type);
}

/** Jira answers 503 to reading the issue (intake's first call) and serves everything else. */
function failIssueReads(world: AppWorld, key = 'AIR-9'): void {
  const site = world.forge.jira;
  const handle = site.handle.bind(site);
  vi.spyOn(site, 'handle').mockImplementation((target, path, init) =>
    path.startsWith(`/rest/api/3/issue/${key}?`) ? new Response(JSON.stringify({ errorMessages: ['Service unavailable'] }), { status: 503 }) : handle(target, path, init),
  );
}

describe('portal intake (avi:jira:created:issue)', () => {
  it('turns the panel form into the request record, enriched from the issue; a second delivery changes nothing', async () => {
    const world = await intakeWorld();
    const trigger = makeIssueCreatedTrigger(() => world.app);
    const outcome = await trigger(created());
    expect(outcome).toMatchObject({ status: 'ingested', autoApproved: false });
    const requestId = outcome.status === 'ingested' ? outcome.requestId : '';
    expect(await world.app.deps.store.get('request', requestId)).toMatchObject({
      issueKey: 'AIR-9',
      projectKey: 'AIR',
      portalId: '1',
      requestTypeId: '10',
      requesterAccountId: PEOPLE.requester,
      requesterEmail: 'una@example.com',
      requesterName: 'Una User',
      toolId: 'chatgpt',
      durationDays: 14,
      purpose: 'Access to ChatGPT\n\nDrafting release notes for the mobile app.',
      status: 'pending',
    });
    const after = world.forge.kvs.snapshot();
    expect(await trigger(created())).toEqual({ status: 'already_ingested', requestId });
    expect(world.forge.kvs.snapshot()).toBe(after);
    expect(world.forge.queues.pushed).toEqual([]);
    expect(comments(world)).toBe(0);
  });

  it('auto-approves by group membership, comments once and queues fulfillment once, however often it is delivered', async () => {
    const rules = scenarioRules({ autoApproval: [{ id: 'engineers', name: 'Engineers', scope: { projectKeys: [], toolIds: [] }, autoApprove: true, allowedGroups: ['engineering'], maxDurationDays: 30 }] });
    const world = await intakeWorld(rules);
    const trigger = makeIssueCreatedTrigger(() => world.app);
    expect(await trigger(created())).toMatchObject({ status: 'ingested', autoApproved: true });
    expect(world.forge.queues.take()).toHaveLength(1);
    expect(comments(world)).toBe(1);
    const after = world.forge.kvs.snapshot();
    expect(await trigger(created())).toMatchObject({ status: 'already_ingested' });
    expect(world.forge.kvs.snapshot()).toBe(after);
    expect(world.forge.queues.pushed).toEqual([]);
    expect(comments(world)).toBe(1);
  });

  it('tells the requester once why a request was refused', async () => {
    const world = await intakeWorld();
    await submitRequest(world.app.deps, { accountId: PEOPLE.requester }, { issueKey: 'AIR-8', projectKey: 'AIR', portalId: '1', requestTypeId: '10', toolId: 'chatgpt', purpose: 'An earlier request for it' });
    const trigger = makeIssueCreatedTrigger(() => world.app);
    expect(await trigger(created())).toEqual({ status: 'refused', code: 'duplicate_request', commented: true });
    expect(JSON.stringify(world.forge.jira.issues.get('AIR-9')?.comments)).toContain('could not take in this request');
    const after = world.forge.kvs.snapshot();
    expect(await trigger(created())).toEqual({ status: 'refused', code: 'duplicate_request', commented: false });
    expect(world.forge.kvs.snapshot()).toBe(after);
    expect(comments(world)).toBe(1);
  });

  it('drops issues outside the intake project without calling Jira', async () => {
    const world = await intakeWorld();
    const calls = world.forge.jira.requests.length;
    expect(await makeIssueCreatedTrigger(() => world.app)(created('OPS-1', 'OPS'))).toEqual({ status: 'skipped', reason: 'not the intake project' });
    expect(world.forge.jira.requests.length).toBe(calls);
  });

  it('skips requests that carry no Clearway form, and malformed events', async () => {
    const world = await intakeWorld();
    world.forge.jira.addIssue({ key: 'AIR-10', reporterAccountId: PEOPLE.requester, serviceDeskId: '1', requestTypeId: '10', properties: { 'other-app': { fields: { colour: 'blue' } } } });
    const trigger = makeIssueCreatedTrigger(() => world.app);
    expect(await trigger(created('AIR-10'))).toEqual({ status: 'skipped', reason: 'the request carries no Clearway form' });
    expect(await trigger({ issue: { key: 'not a key' } })).toEqual({ status: 'ignored' });
    expect(await trigger(undefined)).toEqual({ status: 'ignored' });
  });

  it('hands intake to the queue when Jira is down, and the consumer finishes it', async () => {
    const world = await intakeWorld();
    world.forge.jira.outage = true;
    expect(await makeIssueCreatedTrigger(() => world.app)(created())).toEqual({ status: 'queued_for_retry', attempt: 2 });
    const [retry] = world.forge.queues.take();
    expect(retry).toMatchObject({ delayInSeconds: 60, body: { kind: 'ingest-issue', issueKey: 'AIR-9', projectKey: 'AIR', attempt: 2 } });
    world.forge.jira.outage = false;
    const consumer = makeQueueConsumer(() => world.app);
    expect(await consumer(asDelivered(retry!))).toMatchObject({ status: 'ingested' });
    expect(await consumer(asDelivered(retry!, 'again'))).toMatchObject({ status: 'already_ingested' });
  });

  it('refuses a form that names a tool not in the catalog, telling the requester', async () => {
    const world = await intakeWorld();
    const issue = world.forge.jira.issues.get('AIR-9');
    if (issue) Object.assign(issue.properties, world.forge.jira.portalPanelProperties(submitted({ toolId: 'nonexistent' })));
    expect(await makeIssueCreatedTrigger(() => world.app)(created())).toEqual({ status: 'refused', code: 'not_found', commented: true });
  });

  it('takes in a request from the intake service desk although its portal has another id, and refuses another desk’s', async () => {
    // Intake & Approvals stores service desk 3, whose customer portal is 7; portal 3 belongs to service desk 5.
    const world = await intakeWorld(scenarioRules({ intake: { projectKey: 'AIR', portalId: '3', requestTypeIds: [], recertIssueTypeId: '10005' } }));
    world.forge.jira.serviceDesks.push(
      { id: '3', portalId: '7', projectKey: 'AIR', projectName: 'AI Requests', requestTypes: [{ id: '30', name: 'Request an AI tool' }] },
      { id: '5', portalId: '3', projectKey: 'AIR', projectName: 'Another desk', requestTypes: [{ id: '50', name: 'Anything' }] },
    );
    const site = world.forge.jira;
    site.createPortalRequest({ key: 'AIR-20', reporterAccountId: PEOPLE.requester, serviceDeskId: '3', requestTypeId: '30' }, submitted({ toolId: 'chatgpt' }));
    site.createPortalRequest({ key: 'AIR-21', reporterAccountId: PEOPLE.requester, serviceDeskId: '5', requestTypeId: '50' }, submitted({ toolId: 'chatgpt' }));
    const trigger = makeIssueCreatedTrigger(() => world.app);
    expect(await trigger(created('AIR-20'))).toMatchObject({ status: 'ingested' });
    expect(await trigger(created('AIR-21'))).toEqual({ status: 'skipped', reason: 'This request is not taken in by Clearway: it came from another portal.' });
  });

  it('ignores a panel submission the site dropped: `fields` as a plain object is not stored', async () => {
    const world = await intakeWorld();
    world.forge.jira.createPortalRequest(
      { key: 'AIR-22', reporterAccountId: PEOPLE.requester, serviceDeskId: '1', requestTypeId: '10' },
      { fields: { form: PANEL_FORM_MARKER, toolId: 'chatgpt' }, isValid: true },
    );
    expect(world.forge.jira.issues.get('AIR-22')?.properties).toEqual({});
    expect(await makeIssueCreatedTrigger(() => world.app)(created('AIR-22'))).toEqual({ status: 'skipped', reason: 'the request carries no Clearway form' });
  });
});

describe('portal intake that cannot take a request in (issue 16, item 12)', () => {
  it.each([
    ['its summary', { summary: 'Access to ChatGPT \uD800 zebra crossing' }, {}],
    ['the panel’s purpose', {}, { purpose: 'Drafting \uDC00 zebra crossing notes' }],
  ])('never retries a request whose text in %s is not valid Unicode: the customer is told once, without their text, and admins see it', async (_where, issueFields, form) => {
    const world = await intakeWorld();
    const issue = world.forge.jira.issues.get('AIR-9');
    if (issue) Object.assign(issue, issueFields, { properties: world.forge.jira.portalPanelProperties(submitted({ toolId: 'chatgpt', durationDays: 14, ...form })) });
    const trigger = makeIssueCreatedTrigger(() => world.app);
    expect(await trigger(created())).toEqual({ status: 'refused', code: 'validation_failed', commented: true });
    expect(world.forge.queues.pushed).toEqual([]);
    expect(comments(world)).toBe(1);
    expect(commentText(world)).toContain('Clearway could not take in this request');
    expect(commentText(world)).toContain('contact your Jira administrator');
    expect(commentText(world)).not.toMatch(/zebra|\\ud8|\\udc/i);
    expect(await listIntakeProblems(world.app)).toEqual([
      { issueKey: 'AIR-9', at: world.clock.now(), kind: 'invalid_request', code: 'validation_failed', detail: expect.stringContaining('purpose'), attempts: 1, customerTold: true },
    ]);
    expect(await auditTypes(world)).toContain('request.intake_failed');

    const after = world.forge.kvs.snapshot();
    expect(await trigger(created())).toEqual({ status: 'refused', code: 'validation_failed', commented: false });
    expect(await makeQueueConsumer(() => world.app)({ body: { kind: 'ingest-issue', issueKey: 'AIR-9', projectKey: 'AIR', attempt: 2, requestedAt: 1 } })).toMatchObject({ status: 'refused', commented: false });
    expect(world.forge.kvs.snapshot()).toBe(after);
    expect(comments(world)).toBe(1);
    expect(world.forge.queues.pushed).toEqual([]);
  });

  it('never retries a request core refuses for good for another reason (its issue holds another requester’s request), and lists it', async () => {
    const world = await intakeWorld();
    await submitRequest(world.app.deps, { accountId: PEOPLE.customer }, { issueKey: 'AIR-9', projectKey: 'AIR', portalId: '1', requestTypeId: '10', toolId: 'chatgpt', purpose: 'Someone else’s request on this issue' });
    expect(await makeIssueCreatedTrigger(() => world.app)(created())).toEqual({ status: 'refused', code: 'forbidden', commented: true });
    expect(world.forge.queues.pushed).toEqual([]);
    expect(commentText(world)).toContain(CUSTOMER_TEXT.notTakenIn.split('\n')[0]);
    expect(commentText(world)).not.toContain('another requester');
    expect(await listIntakeProblems(world.app)).toEqual([expect.objectContaining({ issueKey: 'AIR-9', kind: 'refused', code: 'forbidden', customerTold: true })]);
  });

  it('retries while Jira fails, a bounded number of times, then lists the request for admins and tells the customer once', async () => {
    const world = await intakeWorld();
    failIssueReads(world);
    const consumer = makeQueueConsumer(() => world.app);
    expect(await makeIssueCreatedTrigger(() => world.app)(created())).toEqual({ status: 'queued_for_retry', attempt: 2 });
    const delays: number[] = [];
    let last: ReturnType<typeof world.forge.queues.take>[number] | undefined;
    let outcome: unknown;
    for (let delivery = 0; delivery < 20; delivery += 1) {
      const [next] = world.forge.queues.take();
      if (!next) break;
      last = next;
      delays.push(next.delayInSeconds ?? 0);
      outcome = await consumer(asDelivered(next, `delivery-${delivery}`));
    }
    expect(delays).toEqual([...INTAKE_RETRY_DELAYS_SECONDS]);
    expect(last?.body).toMatchObject({ attempt: MAX_INTAKE_ATTEMPTS });
    expect(outcome).toEqual({ status: 'abandoned', commented: true });
    expect(comments(world)).toBe(1);
    expect(commentText(world)).toContain('Clearway could not take in this request, so it has not reached the approvers.');
    expect(await listIntakeProblems(world.app)).toEqual([
      {
        issueKey: 'AIR-9',
        at: world.clock.now(),
        kind: 'retries_exhausted',
        code: 'jira_unavailable',
        detail: '5 attempts failed; the last: Reading AIR-9: Jira answered HTTP 503.',
        attempts: MAX_INTAKE_ATTEMPTS,
        customerTold: true,
      },
    ]);
    const [event] = (await world.app.deps.store.query('audit', 'bySeq', { partition: [], direction: 'desc', limit: 1 })).items;
    expect(event).toMatchObject({ type: 'request.intake_failed', refs: { issueKey: 'AIR-9' }, data: { kind: 'retries_exhausted', code: 'jira_unavailable', attempts: 5 } });

    // The last event delivered again gives up again, silently: nothing new is written, queued or said.
    const after = world.forge.kvs.snapshot();
    expect(await consumer(asDelivered(last!, 'again'))).toEqual({ status: 'abandoned', commented: false });
    expect(world.forge.kvs.snapshot()).toBe(after);
    expect(world.forge.queues.pushed).toEqual([]);
    expect(comments(world)).toBe(1);
  });

  it('counts the platform’s own redeliveries, so a consumer that cannot queue the next attempt still gives up in the end', async () => {
    const world = await intakeWorld();
    failIssueReads(world);
    const consumer = makeQueueConsumer(() => world.app);
    const event = { body: { kind: 'ingest-issue', issueKey: 'AIR-9', projectKey: 'AIR', attempt: 3, requestedAt: 1 } };
    world.forge.queues.rateLimitNext = true;
    expect(await consumer(event)).toMatchObject({ _retry: true });
    expect(await listIntakeProblems(world.app)).toEqual([]);
    expect(await consumer({ ...event, retryContext: { retryCount: 2, retryReason: 'FUNCTION_RETRY_REQUEST', retryData: null } })).toEqual({ status: 'abandoned', commented: true });
    expect(world.forge.queues.pushed).toEqual([]);
    expect(await listIntakeProblems(world.app)).toEqual([expect.objectContaining({ kind: 'retries_exhausted', attempts: 5 })]);
  });

  it('gives up at once when the queue refuses the first retry, and says when the customer could not be told', async () => {
    const world = await intakeWorld();
    world.forge.jira.outage = true;
    world.forge.queues.rateLimitNext = true;
    expect(await makeIssueCreatedTrigger(() => world.app)(created())).toEqual({ status: 'abandoned', commented: false });
    expect(await listIntakeProblems(world.app)).toEqual([
      expect.objectContaining({ issueKey: 'AIR-9', kind: 'retries_exhausted', code: 'jira_unavailable', detail: '1 attempt failed; the last: Reading AIR-9: Jira answered HTTP 503.', attempts: 1, customerTold: false }),
    ]);
    expect(world.logger.lines).toContainEqual(expect.objectContaining({ level: 'error', message: expect.stringContaining('Intake problems') }));
  });

  it('gives up on an issue outside the intake project without a word on it', async () => {
    const world = await intakeWorld();
    world.forge.jira.addIssue({ key: 'OPS-3', reporterAccountId: PEOPLE.requester });
    failIssueReads(world, 'OPS-3');
    const consumer = makeQueueConsumer(() => world.app);
    expect(await consumer({ body: { kind: 'ingest-issue', issueKey: 'OPS-3', attempt: MAX_INTAKE_ATTEMPTS, requestedAt: 1 } })).toEqual({ status: 'skipped', reason: 'not the intake project' });
    expect(comments(world, 'OPS-3')).toBe(0);
    expect(await listIntakeProblems(world.app)).toEqual([]);
  });
});
