/**
 * The AI agents resolvers through the real resolver definitions over the fake platform: where AI
 * clients connect (the web trigger's URL from the platform), saving the agent policy (checked
 * against the site's groups through Jira's "Bulk get groups"), explaining a call, the activity
 * log and its detail, the dashboard, and connections — each person ending only their own, and no
 * token in any answer. The gateway's host is the stand-in of `test-support/gateway-world.ts`.
 */
import { createGatewayPolicy, listAgentPolicyVersions, listAuditEvents, MINUTE_MS } from '@clearway/core';
import { afterEach, describe, expect, it } from 'vitest';
import { installForgeRuntime } from '../../test-support/fake-forge/index';
import { ARGUMENT_SECRET, installGatewayDouble, seedActivity, UNA, UNA_CLAUDE } from '../../test-support/gateway-world';
import { CONTRACTOR, freshScenario, PEOPLE } from '../../test-support/scenario';

const admin = { accountId: PEOPLE.admin };
const requester = { accountId: PEOPLE.requester };

let uninstall: (() => void) | undefined;
afterEach(() => {
  uninstall?.();
  uninstall = undefined;
});

describe('gateway.setup', () => {
  it('answers the MCP and callback URLs under the web trigger URL the platform hands out, and the Rovo status once a sign-in came back', async () => {
    const { world } = await freshScenario();
    uninstall = installForgeRuntime();
    const double = installGatewayDouble(world, { baseUrl: 'webTrigger' });
    const first = await world.invoke('adminPage', 'gateway.setup', {}, admin);
    const url = world.forge.webTriggers.urlOf('clearway-gateway');
    expect(url).toMatch(/^https:\/\/[0-9a-f-]+\.hello\.atlassian-dev\.net\/x1\/[\w-]+$/);
    // The URL has a path: the endpoints are appended to it, never put at the host's root.
    expect(first).toEqual({ ok: true, data: { mcpUrl: `${url}/mcp`, callbackUrl: `${url}/callback` } });

    double.connections.callbackVerifiedAt = world.clock.now();
    expect(await world.invoke('adminPage', 'gateway.setup', {}, admin)).toMatchObject({ ok: true, data: { callbackVerifiedAt: world.clock.now() } });
  });

  it('runs the test call and answers its named checks; ten a minute per admin', async () => {
    const { world } = await freshScenario();
    const double = installGatewayDouble(world);
    double.checks = [{ name: 'Atlassian authorization server', ok: false, detail: 'mcp.atlassian.com did not answer its protected-resource metadata (HTTP 503).' }];
    expect(await world.invoke('adminPage', 'gateway.selfTest', {}, admin)).toEqual({ ok: true, data: double.checks });
    for (let call = 1; call < 10; call += 1) await world.invoke('adminPage', 'gateway.selfTest', {}, admin);
    expect(await world.invoke('adminPage', 'gateway.selfTest', {}, admin)).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    expect(double.selfTests).toBe(10);
  });
});

describe('gateway.savePolicy', () => {
  it('saves a new version that decides the very next call', async () => {
    const { world } = await freshScenario();
    installGatewayDouble(world);
    const saved = await world.invoke('adminPage', 'gateway.savePolicy', { rules: { defaultEffect: 'allow', rules: [{ group: 'Engineering', operation: 'delete*', effect: 'deny', note: 'Engineers never delete' }] }, note: 'no deletes for engineering' }, admin);
    expect(saved).toMatchObject({ ok: true, data: { policyVersion: 1, createdBy: PEOPLE.admin, note: 'no deletes for engineering', rules: { rules: [{ group: 'Engineering', client: '*', requireGrant: false }] } } });
    const [decision] = await createGatewayPolicy(world.app.deps).decide(UNA, ['deleteJiraIssue']);
    expect(decision).toMatchObject({ effect: 'deny', basis: 'rule', ruleIndex: 0, policyVersion: 1, reason: expect.stringContaining('Engineers never delete') });
    expect(await world.invoke('adminPage', 'gateway.policy', {}, admin)).toMatchObject({ ok: true, data: { policyVersion: 1 } });
    expect(await world.invoke('adminPage', 'gateway.policyVersions', {}, admin)).toMatchObject({ ok: true, data: { items: [{ policyVersion: 1 }] } });
  });

  it('refuses a group the site does not have (asked of Jira) and a bad glob, naming the rule, saving nothing', async () => {
    const { world } = await freshScenario();
    installGatewayDouble(world);
    const before = world.forge.kvs.snapshot();
    const unknownGroup = await world.invoke('adminPage', 'gateway.savePolicy', { rules: { defaultEffect: 'deny', rules: [{ operation: '*', effect: 'allow' }, { group: 'enginering', operation: 'create*', effect: 'allow' }] } }, admin);
    expect(unknownGroup).toMatchObject({ ok: false, error: { code: 'validation_failed', issues: [{ path: 'rules.1.group', message: expect.stringContaining('enginering') }] } });
    expect(world.forge.jira.requests.some((request) => request.path.startsWith('/rest/api/3/group/bulk'))).toBe(true);

    const badGlob = await world.invoke('adminPage', 'gateway.savePolicy', { rules: { defaultEffect: 'allow', rules: [{ operation: '', effect: 'deny' }] } }, admin);
    expect(badGlob).toMatchObject({ ok: false, error: { code: 'validation_failed', issues: [{ path: 'rules.rules.0.operation' }] } });
    expect(world.forge.kvs.snapshot()).toBe(before);
    expect((await listAgentPolicyVersions(world.app.deps)).items).toEqual([]);
  });
});

describe('gateway.explain', () => {
  it("explains a named person's call with their Jira groups, their name and the grant condition", async () => {
    const { world } = await freshScenario();
    installGatewayDouble(world);
    // The scenario's catalog has Claude as `claude`: the grant condition asks for that tool's grant.
    const rules = { defaultEffect: 'deny', rules: [{ group: 'engineering', operation: 'get*', effect: 'allow', requireGrant: true }], clients: [{ name: 'claude', toolId: 'claude' }] };
    expect(await world.invoke('adminPage', 'gateway.savePolicy', { rules }, admin)).toMatchObject({ ok: true });
    const answer = await world.invoke('adminPage', 'gateway.explain', { client: 'claude', operation: 'getJiraIssue', accountId: PEOPLE.requester }, admin);
    expect(answer).toMatchObject({
      ok: true,
      data: {
        policyVersion: 1,
        decidedBy: 'rule 1 (get* → allow for any client, group engineering)',
        effect: 'allow',
        requiresGrant: true,
        toolId: 'claude',
        groups: ['engineering'],
        name: 'Una User',
        // The scenario's Claude grant (AIR-4) is still waiting for its manual task: not active.
        decision: { effect: 'deny', basis: 'no_grant', reason: expect.stringContaining('active Clearway access to Claude (claude), and Una User has none') },
      },
    });
    const hypothetical = await world.invoke('adminPage', 'gateway.explain', { client: 'claude', operation: 'getJiraIssue', groups: ['support'] }, admin);
    expect(hypothetical).toMatchObject({ ok: true, data: { decidedBy: 'the default decision (deny)', effect: 'deny', groups: ['support'] } });
    // No person named: nothing to check the grant condition for.
    expect(hypothetical.ok ? hypothetical.data.decision : 'refused').toBeUndefined();
  });
});

describe('gateway.activity, gateway.activityDetail and gateway.dashboard', () => {
  it('lists the calls newest first, filters them, and opens one with its audit JSON, arguments redacted', async () => {
    const { world } = await freshScenario();
    installGatewayDouble(world);
    await seedActivity(world);
    const all = await world.invoke('adminPage', 'gateway.activity', {}, admin);
    if (!all.ok) throw new Error(all.error.message);
    expect(all.data.items.map((record) => record.data.operation)).toEqual(['deleteJiraIssue', 'createJiraIssue', 'getConfluencePage', 'searchJiraIssuesUsingJql']);
    const operations = async (filter: Record<string, unknown>) => {
      const page = await world.invoke('adminPage', 'gateway.activity', filter, admin);
      return page.ok ? page.data.items.map((record) => record.data.operation) : page.error.code;
    };
    expect(await operations({ decision: 'blocked' })).toEqual(['deleteJiraIssue']);
    expect(await operations({ user: CONTRACTOR })).toEqual(['getConfluencePage']);
    expect(await operations({ client: 'CURSOR' })).toEqual(['createJiraIssue']);
    expect(await operations({ operation: 'searchjiraissuesusingjql' })).toEqual(['searchJiraIssuesUsingJql']);
    expect(await operations({ text: 'invoice' })).toEqual(['searchJiraIssuesUsingJql']);
    expect(await operations({ user: PEOPLE.requester, limit: 1 })).toEqual(['deleteJiraIssue']);

    const cole = all.data.items.find((record) => record.data.accountId === CONTRACTOR);
    const detail = await world.invoke('adminPage', 'gateway.activityDetail', { seq: cole?.seq }, admin);
    expect(detail).toMatchObject({
      ok: true,
      data: {
        record: { data: { name: 'Cole Contractor', email: 'cole@example.com', client: 'chatgpt', clientInfoName: 'openai-mcp', arguments: { pageId: '42', apiToken: '[REDACTED]' }, decision: 'allowed', agentPolicyVersion: 1 } },
        auditJson: { authorAccountId: CONTRACTOR, summary: 'AI call allowed: getConfluencePage', category: 'AI agent gateway', eventSource: 'clearway:chatgpt', clearway: { agentPolicyVersion: 1, responseBytes: 5_120 } },
      },
    });
    expect(JSON.stringify(all)).not.toContain(ARGUMENT_SECRET);
    expect(JSON.stringify(detail)).not.toContain(ARGUMENT_SECRET);
  });

  it('answers not_found for a sequence number that is no gateway call', async () => {
    const { world } = await freshScenario();
    installGatewayDouble(world);
    // Seq 1 is the scenario's first governance event, not an AI call.
    expect(await world.invoke('adminPage', 'gateway.activityDetail', { seq: 1 }, admin)).toMatchObject({ ok: false, error: { code: 'not_found', message: 'AI agent call 1 does not exist.' } });
  });

  it('counts the seeded calls on the dashboard for today and the last 7 days; nothing 30 days on', async () => {
    const { world } = await freshScenario();
    installGatewayDouble(world);
    await seedActivity(world);
    for (const range of ['today', '7d'] as const) {
      expect(await world.invoke('adminPage', 'gateway.dashboard', { range }, admin)).toMatchObject({
        ok: true,
        data: { range, calls: 4, allowed: 3, blocked: 1, blockRate: 0.25, topOperations: expect.arrayContaining([{ operation: 'deleteJiraIssue', calls: 1, allowed: 0, blocked: 1 }]) },
      });
    }
    world.clock.advance(31 * 24 * 60 * MINUTE_MS);
    expect(await world.invoke('adminPage', 'gateway.dashboard', { range: '30d' }, admin)).toMatchObject({ ok: true, data: { calls: 0, blockRate: 0 } });
    expect(await world.invoke('adminPage', 'gateway.dashboard', { range: '90d' }, admin)).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
  });
});

describe('connections', () => {
  it('lists only the caller’s own connected AI clients; the account in a payload is refused, never used', async () => {
    const { world } = await freshScenario();
    installGatewayDouble(world);
    expect(await world.invoke('globalPage', 'myClients.list', {}, requester)).toEqual({ ok: true, data: [UNA_CLAUDE] });
    expect(await world.invoke('globalPage', 'myClients.list', {}, { accountId: PEOPLE.approver })).toEqual({ ok: true, data: [] });
    expect(await world.invoke('globalPage', 'myClients.list', { accountId: PEOPLE.requester }, { accountId: PEOPLE.approver })).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
  });

  it('lets a person disconnect their own connection only: another’s answers not_found and stays connected', async () => {
    const { world } = await freshScenario();
    const double = installGatewayDouble(world);
    const others = await world.invoke('globalPage', 'myClients.disconnect', { connectionId: UNA_CLAUDE.id }, { accountId: PEOPLE.approver });
    expect(others).toEqual({ ok: false, error: { code: 'not_found', message: `Connected AI client ${UNA_CLAUDE.id} does not exist.` } });
    expect(double.connections.byId.has(UNA_CLAUDE.id)).toBe(true);
    expect(double.connections.events).toEqual([]);

    expect(await world.invoke('globalPage', 'myClients.disconnect', { connectionId: UNA_CLAUDE.id }, requester)).toEqual({ ok: true, data: UNA_CLAUDE });
    expect(double.connections.events).toEqual([{ type: 'gateway.disconnected', connection: UNA_CLAUDE, by: { accountId: PEOPLE.requester, role: 'user' }, upstreamRevoked: true }]);
    expect(await world.invoke('globalPage', 'myClients.list', {}, requester)).toEqual({ ok: true, data: [] });
  });

  it('lets an admin list, disconnect and forget anyone’s, recorded as the admin', async () => {
    const { world } = await freshScenario();
    const second = { ...UNA_CLAUDE, id: 'conn-una-cursor', client: 'cursor', connectedAt: UNA_CLAUDE.connectedAt + MINUTE_MS };
    const double = installGatewayDouble(world, { connections: [UNA_CLAUDE, second] });
    expect(await world.invoke('adminPage', 'gateway.connections', { accountId: PEOPLE.requester }, admin)).toMatchObject({ ok: true, data: [{ id: 'conn-una-cursor' }, { id: UNA_CLAUDE.id }] });
    expect(await world.invoke('adminPage', 'gateway.disconnect', { connectionId: 'conn-una-cursor' }, admin)).toMatchObject({ ok: true, data: { id: 'conn-una-cursor', client: 'cursor' } });
    expect(await world.invoke('adminPage', 'gateway.disconnect', { connectionId: 'conn-gone' }, admin)).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await world.invoke('adminPage', 'gateway.forgetUser', { accountId: PEOPLE.requester }, admin)).toEqual({ ok: true, data: { disconnected: 1 } });
    expect(double.connections.events.map((event) => [event.type, 'by' in event ? event.by : undefined])).toEqual([
      ['gateway.disconnected', { accountId: PEOPLE.admin, role: 'admin' }],
      ['gateway.user_forgotten', { accountId: PEOPLE.admin, role: 'admin' }],
    ]);
  });

  it('answers no token, whatever else the host’s connection summary carries', async () => {
    const { world } = await freshScenario();
    const leaky = { ...UNA_CLAUDE, accessToken: 'cwat_0c1d2e3f4a5b6c7d', upstreamRefreshToken: 'atl_rt_9f8e7d6c5b4a' };
    installGatewayDouble(world, { connections: [leaky] });
    const answers = [
      await world.invoke('globalPage', 'myClients.list', {}, requester),
      await world.invoke('adminPage', 'gateway.connections', { accountId: PEOPLE.requester }, admin),
      await world.invoke('globalPage', 'myClients.disconnect', { connectionId: UNA_CLAUDE.id }, requester),
    ];
    for (const answer of answers) {
      expect(answer.ok, JSON.stringify(answer)).toBe(true);
      expect(JSON.stringify(answer)).not.toMatch(/cwat_|atl_rt_|[Tt]oken/);
    }
    expect(answers[0]).toEqual({ ok: true, data: [UNA_CLAUDE] });
  });
});

describe('over the app’s own gateway, as wired for Forge (no stand-in)', () => {
  it('answers the addresses, no connections, not_found for an unknown one, and records forgetting a user on the audit chain', async () => {
    const { world } = await freshScenario();
    uninstall = installForgeRuntime();
    const url = await world.app.gateway.baseUrl();
    expect(await world.invoke('adminPage', 'gateway.setup', {}, admin)).toEqual({ ok: true, data: { mcpUrl: `${url}/mcp`, callbackUrl: `${url}/callback` } });
    expect(await world.invoke('globalPage', 'myClients.list', {}, requester)).toEqual({ ok: true, data: [] });
    expect(await world.invoke('globalPage', 'myClients.disconnect', { connectionId: 'conn-unknown' }, requester)).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await world.invoke('adminPage', 'gateway.disconnect', { connectionId: 'conn-unknown' }, admin)).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await world.invoke('adminPage', 'gateway.forgetUser', { accountId: PEOPLE.requester }, admin)).toEqual({ ok: true, data: { disconnected: 0 } });
    const events = await listAuditEvents(world.app.deps, { limit: 5 });
    expect(events.items.find((event) => event.type === 'gateway.user_forgotten')).toMatchObject({ actor: PEOPLE.admin, data: { accountId: PEOPLE.requester, by: 'admin', connections: 0 } });
  });
});
