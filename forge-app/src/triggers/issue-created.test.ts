import { saveTool, submitRequest, updateGovernance } from '@clearway/core';
import { describe, expect, it } from 'vitest';
import { textToAdf } from '../adapters/jira/adf';
import { PANEL_FORM_MARKER } from '../intake/panel-form';
import { makeQueueConsumer } from '../queue/queue-consumer';
import { makeAppWorld, type AppWorld } from '../test-support/app-world';
import { asDelivered } from '../test-support/fulfillment-world';
import { ADMIN, PEOPLE, scenarioRules, seedSite, tool } from '../test-support/scenario';
import { makeIssueCreatedTrigger } from './issue-created';

async function intakeWorld(rules = scenarioRules()): Promise<AppWorld> {
  const world = makeAppWorld();
  seedSite(world.forge.jira);
  await world.app.ready();
  await updateGovernance(world.app.deps, ADMIN, { rules });
  await saveTool(world.app.deps, ADMIN, tool('chatgpt', 'ChatGPT Enterprise', { riskLevel: 'low' }));
  world.forge.jira.addIssue({
    key: 'AIR-9',
    reporterAccountId: PEOPLE.requester,
    serviceDeskId: '1',
    requestTypeId: '10',
    summary: 'Access to ChatGPT',
    description: textToAdf('Drafting release notes for the mobile app.'),
    properties: { 'clearway-request-panel': { fields: { form: PANEL_FORM_MARKER, toolId: 'chatgpt', durationDays: 14 }, isValid: true } },
  });
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
    if (issue) issue.properties['clearway-request-panel'] = { fields: { form: PANEL_FORM_MARKER, toolId: 'nonexistent' }, isValid: true };
    expect(await makeIssueCreatedTrigger(() => world.app)(created())).toEqual({ status: 'refused', code: 'not_found', commented: true });
  });
});
