import { saveTool, submitRequest, updateGovernance } from '@clearway/core';
import { describe, expect, it } from 'vitest';
import { textToAdf } from '../adapters/jira/adf';
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
    expect(await makeIssueCreatedTrigger(() => world.app)(created())).toEqual({ status: 'queued_for_retry' });
    const [retry] = world.forge.queues.take();
    expect(retry).toMatchObject({ delayInSeconds: 60, body: { kind: 'ingest-issue', issueKey: 'AIR-9', projectKey: 'AIR' } });
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
