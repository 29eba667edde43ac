import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  auditMacKey,
  exportEvidence,
  initializeClearway,
  listActivity,
  randomIds,
  saveAgentPolicy,
  seedCatalog,
  verifyAuditLog,
  verifyEvidence,
  type ActivityRecord,
  type AgentPolicyRulesInput,
} from '@clearway/core';
import type { ServedGatewayHost } from '@clearway/core/gateway-sign-in';
import { SqliteStore } from '@clearway/core/sqlite';
import { IdpSimulator, ensureCertificate } from '@clearway/idp-simulator';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CollectingLogger, FileSecrets, SandboxJira, VirtualClock } from '../src/adapters.js';
import { SimulatedAiClient, connectSignedIn, signedInToken } from '@clearway/idp-simulator';
import { sandboxGroups } from '../src/gateway/directory.js';
import { fixedUpstream, startSandboxGateway } from '../src/gateway/host.js';
import { fileSignInStore } from '../src/gateway/sign-in-store.js';
import { paths } from '../src/paths.js';
import { PEOPLE, SITE_ACCOUNTS, STAFF, sandboxSeed } from '../src/simulator-seed.js';
import type { SandboxDeps } from '../src/world.js';
import { clearwayData, inspectorToolNames, refusal, resultText, runInspector, startEverythingServer, type EverythingServer } from './mcp-peers.js';

/**
 * One agent policy for both upstreams, default deny: what an admin writes for a server they do not
 * fully know. Rule 1 comes before the Jira rule that would allow a delete (first match wins).
 */
const POLICY: AgentPolicyRulesInput = {
  defaultEffect: 'deny',
  rules: [
    { operation: 'delete*', effect: 'deny', note: 'AI may never delete' },
    { operation: 'get-env', effect: 'deny', note: 'the server environment holds its secrets' },
    { group: 'engineering', operation: '*JiraIssue*', effect: 'allow', note: 'engineering works on Jira issues through AI' },
    { operation: 'echo', effect: 'allow' },
    { operation: 'resource:demo://resource/static/*', effect: 'allow', note: 'the reference server documents' },
    { operation: 'prompt:simple-prompt', effect: 'allow' },
  ],
};

/** The simulated site's tools that POLICY offers an engineer: every `*JiraIssue*` tool but the delete, in the site's order. */
const JIRA_TOOLS_OFFERED = ['getJiraIssue', 'searchJiraIssuesUsingJql', 'createJiraIssue', 'editJiraIssue', 'transitionJiraIssue', 'addCommentToJiraIssue'];
/** A credential an AI passes in a tool argument: the activity log and the evidence must never hold it. */
const SECRET = 'sk-live-4711-do-not-log';
const DELETE_REFUSAL = 'Blocked by rule 1 (delete* → deny for any client, any user) of agent policy v1: AI may never delete.';

describe('real MCP peers through the AI-agent gateway', () => {
  const admin = STAFF.admin;
  const chen = PEOPLE.chen;
  const clients: Client[] = [];
  let deps: SandboxDeps;
  let simulator: IdpSimulator;
  let everything: EverythingServer;
  let atlassianGateway: ServedGatewayHost;
  let everythingGateway: ServedGatewayHost;
  let cloudId: string;

  /** Every activity record, newest first (the log pages at 100). */
  async function allActivity(): Promise<ActivityRecord[]> {
    const records: ActivityRecord[] = [];
    let cursor: string | undefined;
    do {
      const page = await listActivity(deps, { limit: 100, ...(cursor !== undefined && { cursor }) });
      records.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    return records;
  }

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clearway-gateway-peers-'));
    deps = { store: new SqliteStore(), clock: new VirtualClock(), ids: randomIds, secrets: new FileSecrets(join(dir, 'secrets.json')), jira: new SandboxJira(undefined, SITE_ACCOUNTS), logger: new CollectingLogger() };
    await initializeClearway(deps);
    await seedCatalog(deps, admin);
    const saved = await saveAgentPolicy({ ...deps, groups: sandboxGroups }, admin, { rules: POLICY, note: 'real peers' });
    expect(saved.policyVersion).toBe(1);
    // The simulator serves TLS with the certificate vitest.config.ts made every worker trust.
    [simulator, everything] = await Promise.all([IdpSimulator.start({ seed: sandboxSeed(), tls: await ensureCertificate(paths.certificate) }), startEverythingServer()]);
    cloudId = simulator.atlassian!.cloudId;
    // Whoever signs in below, through either gateway, signs in with the simulated Atlassian as Chen (the browser's session).
    simulator.atlassian!.signInAs(chen.accountId);
    atlassianGateway = await startSandboxGateway(deps, simulator, fileSignInStore(join(dir, 'atlassian-sign-in.json')));
    // People still sign in with the simulated Atlassian; their calls go to the reference server.
    everythingGateway = await startSandboxGateway(deps, simulator, fileSignInStore(join(dir, 'everything-sign-in.json')), { forward: fixedUpstream(everything.url.href) });
  }, 60_000);

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await Promise.all([atlassianGateway?.close(), everythingGateway?.close()]);
    await Promise.all([simulator?.stop(), everything?.stop()]);
    deps?.store.close();
  });

  it("the SDK's own Client reaches the simulated Atlassian site: the delete is hidden and refused by rule 1, a search is answered, both are recorded", async () => {
    // Signed in as MCP clients do: 401, discovery, registration as "claude", Atlassian sign-in, token.
    const client = await connectSignedIn(atlassianGateway.mcpUrl, new SimulatedAiClient('claude'), { name: 'claude-code', version: '1.0.0' });
    clients.push(client);
    expect(client.getServerVersion()).toMatchObject({ name: 'clearway-agent-gateway' });

    expect((await client.listTools()).tools.map((tool) => tool.name)).toEqual(JIRA_TOOLS_OFFERED);

    const search = await client.callTool({ name: 'searchJiraIssuesUsingJql', arguments: { cloudId, jql: 'project = OPS ORDER BY created DESC' } });
    expect(search.isError).not.toBe(true);
    expect(resultText(search)).toContain('"OPS-1"');
    expect(resultText(search)).toContain('Rotate the VPN gateway certificate');

    const deleted = await refusal(client.callTool({ name: 'deleteJiraIssue', arguments: { cloudId, issueIdOrKey: 'OPS-2' } }));
    expect(deleted.code).toBe(-32001);
    expect(deleted.message).toBe(`MCP error -32001: ${DELETE_REFUSAL}`);
    expect(clearwayData(deleted)).toMatchObject({ effect: 'deny', basis: 'rule', ruleIndex: 0, policyVersion: 1, note: 'AI may never delete' });
    const confluence = await refusal(client.callTool({ name: 'getConfluencePage', arguments: { cloudId, pageId: '1' } }));
    expect(confluence.message).toContain('the default decision (deny) of agent policy v1');

    // The refused calls never reached the site; the search did, after sign-in asked the site who Chen is.
    expect(simulator.atlassian!.issue('OPS-2')).toBeDefined();
    const toolsCalled = simulator.calls.flatMap((call) => (call.mcp?.tool ? [call.mcp.tool] : []));
    expect(toolsCalled).toEqual(['atlassianUserInfo', 'searchJiraIssuesUsingJql']);

    const records = (await listActivity(deps, { user: chen.accountId, client: 'claude', limit: 20 })).items;
    const byOperation = (operation: string) => records.find((record) => record.data.operation === operation)?.data;
    expect(byOperation('initialize')).toMatchObject({ kind: 'protocol', clientInfoName: 'claude-code', upstreamStatus: 'ok' });
    expect(byOperation('tools/list')).toMatchObject({ decision: 'allowed', reason: 'Listed 6 of 11 tools; the agent policy hides 5.' });
    expect(byOperation('searchJiraIssuesUsingJql')).toMatchObject({
      kind: 'call',
      decision: 'allowed',
      basis: 'rule',
      ruleIndex: 2,
      agentPolicyVersion: 1,
      upstreamStatus: 'ok',
      name: chen.displayName,
      email: chen.email,
      groups: ['engineering'],
      arguments: { cloudId, jql: 'project = OPS ORDER BY created DESC' },
    });
    expect(byOperation('searchJiraIssuesUsingJql')!.responseBytes).toBeGreaterThan(500);
    expect(byOperation('deleteJiraIssue')).toMatchObject({ decision: 'blocked', ruleIndex: 0, note: 'AI may never delete', reason: DELETE_REFUSAL, upstreamStatus: 'not_forwarded', rpcErrorCode: -32001 });
    expect(byOperation('getConfluencePage')).toMatchObject({ decision: 'blocked', basis: 'default', upstreamStatus: 'not_forwarded' });
  }, 60_000);

  it('the MCP Inspector in CLI mode lists the filtered tools, gets an answer to an allowed call, and fails on a denied one naming rule 1', async () => {
    // The Inspector's CLI takes a header, not a sign-in: its token comes from a sign-in as the client "inspector".
    const token = await signedInToken(atlassianGateway.mcpUrl, new SimulatedAiClient('inspector'));
    // Three separate Inspector runs, side by side (each is two Node processes).
    const [listed, search, deleted] = await Promise.all([
      runInspector(atlassianGateway.mcpUrl, token, ['--method', 'tools/list']),
      runInspector(atlassianGateway.mcpUrl, token, ['--method', 'tools/call', '--tool-name', 'searchJiraIssuesUsingJql', '--tool-arg', `cloudId=${cloudId}`, 'jql=project = ENG']),
      runInspector(atlassianGateway.mcpUrl, token, ['--method', 'tools/call', '--tool-name', 'deleteJiraIssue', '--tool-arg', `cloudId=${cloudId}`, 'issueIdOrKey=ENG-1']),
    ]);
    expect(listed.status).toBe(0);
    expect(inspectorToolNames(listed)).toEqual(JIRA_TOOLS_OFFERED);

    expect(search.status).toBe(0);
    const answer = JSON.parse(search.stdout) as { content: Array<{ type: string; text: string }>; isError?: boolean };
    expect(answer.isError).not.toBe(true);
    expect(resultText(answer)).toContain('Login page times out on slow connections');
    expect(resultText(answer)).not.toContain('"OPS-');

    expect(deleted.status).toBe(1);
    expect(deleted.stdout).toBe('');
    expect(deleted.stderr).toContain(`Failed to call tool deleteJiraIssue: MCP error -32001: ${DELETE_REFUSAL}`);
    expect(simulator.atlassian!.issue('ENG-1')).toBeDefined();

    // Recorded under the client its token was issued for; the Inspector's self-reported name beside it (the oldest: the sign-in's own connection).
    const records = (await listActivity(deps, { client: 'inspector', limit: 20 })).items.map((record) => record.data);
    expect(records.filter((data) => data.method === 'initialize').map((data) => data.clientInfoName)).toEqual(['inspector-cli', 'inspector-cli', 'inspector-cli', 'inspector']);
    expect(records.filter((data) => data.kind === 'call').map((data) => [data.operation, data.decision, data.upstreamStatus]).sort()).toEqual([
      ['deleteJiraIssue', 'blocked', 'not_forwarded'],
      ['searchJiraIssuesUsingJql', 'allowed', 'ok'],
    ]);
  }, 90_000);

  it('server-everything as a second upstream: only echo is offered and answers, get-env and the rest are refused; its resources and prompts go through resource: and prompt: rules', async () => {
    const client = await connectSignedIn(everythingGateway.mcpUrl, new SimulatedAiClient('claude'), { name: 'claude-code', version: '1.0.0' });
    clients.push(client);
    // initialize reflects what the reference server declares, minus what a JSON-only gateway cannot deliver.
    expect(client.getServerCapabilities()).toEqual({ tools: {}, resources: {}, prompts: {} });
    expect(client.getInstructions()).toBe(readFileSync(join(everything.packageDir, 'dist', 'docs', 'instructions.md'), 'utf8'));

    expect((await client.listTools()).tools.map((tool) => tool.name)).toEqual(['echo']);
    const echoed = await client.callTool({ name: 'echo', arguments: { message: 'through Clearway' } });
    expect(echoed.content).toEqual([{ type: 'text', text: 'Echo: through Clearway' }]);
    // The upstream gets the arguments as sent; the record keeps them with the credential redacted.
    const withSecret = await client.callTool({ name: 'echo', arguments: { message: `deploy with Bearer ${SECRET}` } });
    expect(resultText(withSecret)).toBe(`Echo: deploy with Bearer ${SECRET}`);
    const echoRecord = (await listActivity(deps, { operation: 'echo', limit: 1 })).items[0]!.data;
    expect(echoRecord.arguments).toEqual({ message: 'deploy with Bearer [REDACTED]' });

    const env = await refusal(client.callTool({ name: 'get-env', arguments: {} }));
    expect(env.message).toBe('MCP error -32001: Blocked by rule 2 (get-env → deny for any client, any user) of agent policy v1: the server environment holds its secrets.');
    const sum = await refusal(client.callTool({ name: 'get-sum', arguments: { a: 1, b: 2 } }));
    expect(sum.message).toContain('the default decision (deny) of agent policy v1');
    expect(clearwayData(sum)).toMatchObject({ effect: 'deny', basis: 'default' });

    const resources = (await client.listResources()).resources.map((resource) => resource.uri);
    expect(resources).toContain('demo://resource/static/document/architecture.md');
    expect(resources.every((uri) => uri.startsWith('demo://resource/static/'))).toBe(true);
    expect((await client.listResourceTemplates()).resourceTemplates).toEqual([]);
    const document = await client.readResource({ uri: 'demo://resource/static/document/architecture.md' });
    expect(document.contents).toEqual([expect.objectContaining({ uri: 'demo://resource/static/document/architecture.md', text: readFileSync(join(everything.packageDir, 'dist', 'docs', 'architecture.md'), 'utf8') })]);
    const dynamic = await refusal(client.readResource({ uri: 'demo://resource/dynamic/text/1' }));
    expect(dynamic.code).toBe(-32001);
    expect(dynamic.message).toContain('the default decision (deny)');

    expect((await client.listPrompts()).prompts.map((prompt) => prompt.name)).toEqual(['simple-prompt']);
    expect((await client.getPrompt({ name: 'simple-prompt' })).messages.length).toBeGreaterThan(0);
    const prompt = await refusal(client.getPrompt({ name: 'args-prompt', arguments: { city: 'Paris' } }));
    expect(prompt.code).toBe(-32001);

    // The Inspector once against the same upstream: the same filtered list, the same echo.
    const inspectorToken = await signedInToken(everythingGateway.mcpUrl, new SimulatedAiClient('inspector'));
    const [listed, echo] = await Promise.all([
      runInspector(everythingGateway.mcpUrl, inspectorToken, ['--method', 'tools/list']),
      runInspector(everythingGateway.mcpUrl, inspectorToken, ['--method', 'tools/call', '--tool-name', 'echo', '--tool-arg', 'message=hello from the Inspector']),
    ]);
    expect(listed.status).toBe(0);
    expect(inspectorToolNames(listed)).toEqual(['echo']);
    expect(echo.status).toBe(0);
    expect(JSON.parse(echo.stdout)).toEqual({ content: [{ type: 'text', text: 'Echo: hello from the Inspector' }] });

    const calls = (await listActivity(deps, { limit: 40 })).items.filter((record) => record.data.kind === 'call').map(({ data }) => [data.operation, data.decision, data.basis, data.ruleIndex]);
    expect(calls).toEqual(
      expect.arrayContaining([
        ['echo', 'allowed', 'rule', 3],
        ['get-env', 'blocked', 'rule', 1],
        ['get-sum', 'blocked', 'default', undefined],
        ['resource:demo://resource/static/document/architecture.md', 'allowed', 'rule', 4],
        ['resource:demo://resource/dynamic/text/1', 'blocked', 'default', undefined],
        ['prompt:simple-prompt', 'allowed', 'rule', 5],
        ['prompt:args-prompt', 'blocked', 'default', undefined],
      ]),
    );
  }, 90_000);

  it('after all of that the chain verifies, and an evidence export holds every gateway call and verifies with the key; an edited call is caught', async () => {
    const records = await allActivity();
    const chain = await verifyAuditLog(deps);
    expect(chain.ok).toBe(true);
    // Every record plus initialization, the catalog seed and the policy save.
    expect(chain.verified).toBeGreaterThan(records.length);

    const lines: string[] = [];
    const manifest = await exportEvidence(deps, admin, {}, { jsonl: (line) => void lines.push(line) });
    const key = await auditMacKey(deps.secrets, deps.ids);
    const verified = await verifyEvidence(lines, { key });
    expect(verified).toMatchObject({ ok: true, macChecked: true, manifestMacChecked: true });
    expect(manifest.count).toBe(chain.verified);

    const events = lines.map((line) => JSON.parse(line) as { seq?: number; type?: string; data?: { operation?: string; decision?: string } });
    const calls = events.filter((event) => event.type === 'gateway.call');
    expect(calls.map((event) => event.seq)).toEqual(records.map((record) => record.seq).reverse());
    expect(calls.map((event) => event.data?.operation)).toEqual(expect.arrayContaining(['searchJiraIssuesUsingJql', 'deleteJiraIssue', 'echo', 'get-env', 'prompt:args-prompt']));
    expect(lines.join('\n')).not.toContain(SECRET);

    // An auditor's copy where the refused delete was rewritten as allowed fails at that very event.
    const target = lines.findIndex((line) => line.includes('"type":"gateway.call"') && line.includes('"operation":"deleteJiraIssue"'));
    const tampered = [...lines];
    tampered[target] = tampered[target]!.replace('"decision":"blocked"', '"decision":"allowed"');
    expect(tampered[target]).not.toBe(lines[target]);
    const caught = await verifyEvidence(tampered, { key });
    expect(caught.ok).toBe(false);
    expect(caught.firstBadSeq).toBe(events[target]!.seq);
  }, 60_000);
});
