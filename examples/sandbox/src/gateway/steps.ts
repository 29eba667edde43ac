/**
 * The main job's AI-agent gateway steps: an AI client connects to Clearway's MCP URL instead of
 * the site's, the agent policy blocks a delete and allows a search, a person without a grant for
 * the client is refused with the way to get one, and the activity log and dashboard show it all.
 */
import {
  atlassianAuditJson,
  gatewayDashboard,
  listActivity,
  saveAgentPolicy,
  verifyAuditLog,
  type Actor,
} from '@clearway/core';
import type { ServedGatewayHost } from '@clearway/core/gateway-sign-in';
import type { IdpSimulator } from '@clearway/idp-simulator';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { paths } from '../paths.js';
import { PEOPLE } from '../simulator-seed.js';
import { table, type Story } from '../story.js';
import type { SandboxDeps } from '../world.js';
import { SimulatedAiClient, connectSignedIn } from '@clearway/idp-simulator';
import { sandboxGroups } from './directory.js';
import { startSandboxGateway } from './host.js';
import { fileSignInStore } from './sign-in-store.js';

const errorText = async (attempt: Promise<unknown>): Promise<string | undefined> =>
  attempt.then(
    () => undefined,
    (error: unknown) => (error instanceof Error ? error.message : String(error)),
  );

export async function gatewaySteps(story: Story, deps: SandboxDeps, simulator: IdpSimulator, admin: Actor): Promise<void> {
  const site = simulator.atlassian!;
  const cloudId = site.cloudId;
  let gateway: ServedGatewayHost | undefined;
  const clients: Client[] = [];
  const anaChatGpt = new SimulatedAiClient('chatgpt');

  await story.step("Ana's ChatGPT signs in with Atlassian through Clearway and connects to Clearway's MCP URL instead of the site's", async () => {
    const refused = saveAgentPolicy({ ...deps, groups: sandboxGroups }, admin, { rules: { defaultEffect: 'allow', rules: [{ group: 'enginering', operation: 'create*', effect: 'allow' }] } });
    await story.expectRefusal('the agent policy refuses a group the site does not have', refused, 'validation_failed');
    const saved = await saveAgentPolicy({ ...deps, groups: sandboxGroups }, admin, {
      note: 'sandbox: no AI deletes anything; everything else for people with the client’s grant',
      rules: {
        defaultEffect: 'allow',
        defaultRequiresGrant: true,
        rules: [
          { operation: 'delete*', effect: 'deny', note: 'AI may never delete' },
          { group: 'engineering', operation: '*', effect: 'allow', requireGrant: true, note: 'engineering works through AI with its grant' },
        ],
        clients: [
          { name: 'claude', toolId: 'claude-enterprise' },
          { name: 'chatgpt', toolId: 'chatgpt-enterprise' },
        ],
      },
    });
    story.expect('agent policy v1 saved: delete* denied first, then engineering, default allow with the client’s grant', saved.policyVersion === 1);
    gateway = await startSandboxGateway(deps, simulator, fileSignInStore(paths.gatewaySignIn));
    story.note(`gateway ${gateway.mcpUrl.href} → upstream ${simulator.url}/v1/mcp (the simulated Atlassian site); Rovo callback ${gateway.baseUrl}/callback`);
    const before = await gateway.host.connections.status();
    story.expect('Getting Started says "Action needed" for the Rovo domain until a sign-in comes back through the callback', before.callbackVerifiedAt === undefined);
    site.signInAs(PEOPLE.ana.accountId);
    const ana = await connectSignedIn(gateway.mcpUrl, anaChatGpt, { name: 'openai-mcp', version: '1.0.0' });
    clients.push(ana);
    const route = anaChatGpt.visited.map((url) => url.replace(gateway!.baseUrl, 'clearway').replace(simulator.url, 'atlassian').replace(anaChatGpt.redirectUrl, 'chatgpt'));
    story.expect(
      'the MCP SDK client found Clearway from the 401, registered, and her browser went Clearway → Atlassian sign-in → Clearway callback → ChatGPT',
      route.join(' → ') === 'clearway/authorize → atlassian/v1/authorize → clearway/callback → chatgpt',
      route.join(' → '),
    );
    story.expect('Ana connects with ChatGPT (she holds an active ChatGPT grant)', ana.getServerCapabilities()?.tools !== undefined, JSON.stringify(ana.getServerVersion()));
    const [connection] = await gateway.host.connections.listForAccount(PEOPLE.ana.accountId);
    story.expect('My Access lists her connected AI client', connection?.client === 'chatgpt', connection && `${connection.client} since ${new Date(connection.connectedAt).toISOString()}`);
    story.expect('the Rovo domain now shows "Allowed"', (await gateway.host.connections.status()).callbackVerifiedAt !== undefined);
    const tools = (await ana.listTools()).tools.map((tool) => tool.name);
    story.expect('tools/list hides what the policy denies: deleteJiraIssue is not offered', tools.includes('searchJiraIssuesUsingJql') && !tools.includes('deleteJiraIssue'), `${tools.length} tools`);
  });

  await story.step('delete* → deny blocks a delete; a search is allowed', async () => {
    const ana = clients[0]!;
    const search = await ana.callTool({ name: 'searchJiraIssuesUsingJql', arguments: { cloudId, jql: 'project = OPS ORDER BY created DESC' } });
    const text = JSON.stringify(search.content);
    story.expect('the search runs on the site and answers with its issues', search.isError !== true && text.includes('OPS-1'), text.slice(0, 120));
    const refusal = await errorText(ana.callTool({ name: 'deleteJiraIssue', arguments: { cloudId, issueIdOrKey: 'OPS-2' } }));
    story.expect('the delete is refused with a JSON-RPC error naming the rule and its note', refusal !== undefined && refusal.includes('rule 1') && refusal.includes('AI may never delete'), refusal);
    story.expect('OPS-2 is still on the site', simulator.atlassian!.issue('OPS-2') !== undefined);
  });

  await story.step('A user without an active grant for the client is refused, and told how to get one', async () => {
    site.signInAs(PEOPLE.ben.accountId);
    const ben = await connectSignedIn(gateway!.mcpUrl, new SimulatedAiClient('chatgpt'), { name: 'openai-mcp', version: '1.0.0' });
    clients.push(ben);
    const offered = (await ben.listTools()).tools;
    story.expect('Ben (sales; his ChatGPT request was denied) is offered no tools', offered.length === 0, `${offered.length} tools`);
    const refusal = await errorText(ben.callTool({ name: 'getJiraIssue', arguments: { cloudId, issueIdOrKey: 'OPS-1' } }));
    story.expect('his call is refused with the reason and the way to request access', refusal !== undefined && /Request ChatGPT[^.]* from the Clearway portal/.test(refusal), refusal);
    const stranger = await fetch(gateway!.mcpUrl, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: '{"jsonrpc":"2.0","id":1,"method":"tools/list"}' });
    story.expect('a caller without a token gets 401 naming the resource metadata', stranger.status === 401 && (stranger.headers.get('www-authenticate') ?? '').includes('resource_metadata='), `${stranger.status}`);
  });

  await story.step('Ana disconnects ChatGPT from My Access: its token stops working and her Atlassian tokens are revoked', async () => {
    const host = gateway!.host;
    const [connection] = await host.connections.listForAccount(PEOPLE.ana.accountId);
    const token = anaChatGpt.tokens()?.access_token ?? '';
    await host.connections.disconnect(connection!.id, { accountId: PEOPLE.ana.accountId, role: 'user' });
    const after = await fetch(gateway!.mcpUrl, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: '{"jsonrpc":"2.0","id":1,"method":"tools/list"}' });
    story.expect('her old token now gets 401 invalid_token', after.status === 401 && (after.headers.get('www-authenticate') ?? '').includes('invalid_token'), String(after.status));
    const revoked = site.oauth.revocations(PEOPLE.ana.accountId);
    story.expect('Clearway revoked her Atlassian tokens at the authorization server (RFC 7009)', revoked.length > 0, `${revoked.length} revocation(s)`);
    story.expect('My Access lists no connected AI client for her', (await host.connections.listForAccount(PEOPLE.ana.accountId)).length === 0);
  });

  await story.step('The activity log and the dashboard show every call; the chain holds them', async () => {
    for (const client of clients) await client.close().catch(() => undefined);
    await gateway?.close();
    const log = await listActivity(deps, { limit: 20 });
    const names: Record<string, string> = Object.fromEntries(Object.values(PEOPLE).map((person) => [person.accountId, person.displayName]));
    const rows = log.items.map(({ data }) => [data.kind === 'call' ? data.operation : data.method, names[data.accountId] ?? '—', data.client || '—', data.decision, data.ruleIndex === undefined ? data.basis : `rule ${data.ruleIndex + 1}`, data.upstreamStatus, `${data.responseBytes} B`]);
    console.log(`\n${table(['operation', 'user', 'client', 'decision', 'by', 'upstream', 'response'], rows)}`);
    const blocked = await listActivity(deps, { decision: 'blocked', limit: 20 });
    story.expect('the blocked delete and Ben’s refused call are in the log, filtered by decision', blocked.items.some((record) => record.data.operation === 'deleteJiraIssue') && blocked.items.some((record) => record.data.basis === 'no_grant'));
    const search = (await listActivity(deps, { text: 'project = OPS', limit: 5 })).items[0];
    story.expect('a text search finds the search by its JQL, with response size and latency', search?.data.decision === 'allowed' && search.data.responseBytes > 0, search && `${search.data.responseBytes} B in ${search.data.latencyMs} ms`);
    if (search) story.note(`as Atlassian audit JSON: ${JSON.stringify(atlassianAuditJson(search)).slice(0, 160)}…`);
    const today = await gatewayDashboard(deps, 'today');
    console.log(`\n${table(['today', 'calls', 'allowed', 'blocked', 'block rate', 'refused before evaluation', 'top operation'], [['gateway', String(today.calls), String(today.allowed), String(today.blocked), `${Math.round(today.blockRate * 100)} %`, String(today.invalid), today.topOperations[0]?.operation ?? '—']])}`);
    story.expect('the dashboard counts 1 allowed and 2 blocked calls today', today.allowed === 1 && today.blocked === 2, `${today.allowed} allowed, ${today.blocked} blocked`);
    const chain = await verifyAuditLog(deps);
    story.expect('the chain, with the gateway calls in it, verifies', chain.ok, `${chain.verified} events`);
  });
}
