/**
 * End to end through the exported Forge handlers only (src/index.ts, or its Forge bundle: see
 * forge-handlers.ts), over the fake platform:
 * an admin sets Clearway up, a portal request comes in, an approver approves it, the queue
 * consumer runs the manual provider, the approver marks it fulfilled, and the requester sees
 * active access — with an evidence pack that verifies offline.
 */
import { verifyEvidence } from '@clearway/core';
import { describe, expect, it } from 'vitest';
import { textToAdf } from '../src/adapters/jira/adf';
import { PANEL_FORM_MARKER } from '../src/intake/panel-form';
import type { ResolverKey, ResolverResponse } from '../src/resolvers/contract';
import { fakeForge } from '../src/test-support/fake-forge/index';
import { PEOPLE, scenarioRules, seedSite, tool } from '../src/test-support/scenario';
import { forgeHandlers } from './forge-handlers';

const { handlers: forge, origin } = await forgeHandlers();

type Definitions = (call: { call: { functionKey: string; payload: unknown }; context: Record<string, unknown> }, runtime: Record<string, unknown>) => Promise<unknown>;

async function call<K extends ResolverKey>(resolver: unknown, moduleType: string, accountId: string, key: K, payload: unknown): Promise<ResolverResponse<K>> {
  fakeForge().jira.actingUser = accountId;
  return (await (resolver as Definitions)({ call: { functionKey: key, payload }, context: { extension: { type: moduleType, portal: { id: '1' }, request: { typeId: '10', key: 'AIR-7' } } } }, { principal: { accountId } })) as ResolverResponse<K>;
}

const admin = (key: ResolverKey, payload: unknown) => call(forge.adminPageResolver, 'jira:adminPage', PEOPLE.admin, key, payload);
const approver = <K extends ResolverKey>(key: K, payload: unknown) => call(forge.globalPageResolver, 'jira:globalPage', PEOPLE.approver, key, payload);

describe(`from a portal request to active access, through ${origin}`, () => {
  it('runs the whole flow through the Forge handlers', async () => {
    const site = fakeForge().jira;
    seedSite(site);
    expect(await admin('governance.update', { rules: scenarioRules(), note: 'first setup' })).toMatchObject({ ok: true });
    expect(await admin('catalog.save', tool('chatgpt', 'ChatGPT Enterprise'))).toMatchObject({ ok: true });

    site.addIssue({
      key: 'AIR-7',
      reporterAccountId: PEOPLE.requester,
      serviceDeskId: '1',
      requestTypeId: '10',
      summary: 'ChatGPT for the docs team',
      description: textToAdf('Drafting and reviewing user documentation.'),
      properties: site.portalPanelProperties({ fields: [{ key: 'clearway-request', value: { form: PANEL_FORM_MARKER, toolId: 'chatgpt', durationDays: 30 } }], isValid: true }),
    });
    expect(await forge.issueCreated({ issue: { key: 'AIR-7', fields: { project: { key: 'AIR' } } } })).toMatchObject({ status: 'ingested' });

    const pending = await approver('approvals.pending', {});
    const request = pending.ok ? pending.data.items.find((item) => item.issueKey === 'AIR-7') : undefined;
    expect(request).toMatchObject({ toolName: 'ChatGPT Enterprise', purpose: 'ChatGPT for the docs team\n\nDrafting and reviewing user documentation.' });
    expect(await approver('approvals.decide', { requestId: request?.id, outcome: 'approved', rationale: 'docs team rollout' })).toMatchObject({ ok: true });

    for (const event of fakeForge().queues.take()) await forge.fulfillmentConsumer({ body: event.body, queueName: event.queueName, jobId: event.jobId, eventId: 'e1' });
    const tasks = await approver('approvals.manualTasks', {});
    const task = tasks.ok ? tasks.data.items[0] : undefined;
    expect(task).toMatchObject({ issueKey: 'AIR-7', completion: 'fulfilled' });
    expect(await approver('approvals.completeManualTask', { jobId: task?.job.id, completion: 'fulfilled', note: 'seat assigned' })).toMatchObject({ ok: true });

    const access = await call(forge.globalPageResolver, 'jira:globalPage', PEOPLE.requester, 'myAccess.list', {});
    expect(access).toMatchObject({ ok: true, data: { items: [{ status: 'active', toolName: 'ChatGPT Enterprise', expiryLabel: '30 days remaining' }] } });
    const status = await call(forge.portalResolver, 'jiraServiceManagement:portalRequestDetail', PEOPLE.requester, 'portal.requestStatus', {});
    expect(status).toMatchObject({ ok: true, data: { issueKey: 'AIR-7', status: 'approved', grant: { status: 'active' } } });

    // The scheduled triggers run on the same store: nothing is due, the sweeps run once.
    expect(await forge.fulfillmentTick()).not.toHaveProperty('failed');
    expect(await forge.lifecycleSweeps()).toMatchObject({ report: expect.any(Object) });

    expect(await admin('audit.verify', {})).toMatchObject({ ok: true, data: { ok: true } });
    const pack = await admin('evidence.export', { format: 'jsonl' });
    const lines = pack.ok && pack.data && 'content' in pack.data ? String(pack.data.content).trim().split('\n') : [];
    const verification = await verifyEvidence(lines);
    expect(verification).toMatchObject({ ok: true });
    expect(verification.verified).toBeGreaterThan(5);
  });
});
