/**
 * The gateway between real MCP peers: the SDK's own `Client` + `StreamableHTTPClientTransport` as
 * the AI client, and an upstream built with the SDK's `McpServer` (stateless Streamable HTTP),
 * both from @modelcontextprotocol/sdk 1.32.2. Behaviour follows the MCP specification 2025-06-18:
 * lifecycle (https://modelcontextprotocol.io/specification/2025-06-18/basic/lifecycle), tools
 * (https://modelcontextprotocol.io/specification/2025-06-18/server/tools), resources
 * (https://modelcontextprotocol.io/specification/2025-06-18/server/resources), prompts
 * (https://modelcontextprotocol.io/specification/2025-06-18/server/prompts) and pagination
 * (https://modelcontextprotocol.io/specification/2025-06-18/server/utilities/pagination).
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { ListToolsRequestSchema, McpError, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ActivityInput } from '../../agent-gateway/call.js';
import { GATEWAY_ERROR_CODES } from './wire.js';
import { ATLASSIAN_TOOLS, TOKENS, dev, startRig, una, upstreamToken, type Rig } from './test-support/peers.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

async function rpcError(call: Promise<unknown>): Promise<McpError> {
  const error = await call.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(McpError);
  return error as McpError;
}

function only(records: readonly ActivityInput[], method: string): ActivityInput[] {
  return records.filter((record) => record.method === method);
}

describe('initialize', () => {
  it("reflects the upstream's tools, resources and prompts, names Clearway, and records clientInfo.name beside the registered client", async () => {
    rig = await startRig();
    const client = await rig.connect(TOKENS.una, 'Claude Code');
    expect(client.getServerVersion()).toMatchObject({ name: 'clearway-agent-gateway', title: 'Clearway AI-agent gateway' });
    // McpServer declares `tools: { listChanged: true }` etc.; a stateless JSON gateway cannot send list_changed, so the flag is dropped.
    expect(client.getServerCapabilities()).toEqual({ tools: {}, resources: {}, prompts: {} });
    expect(client.getInstructions()).toBe('Jira and Confluence tools for the test site.');
    const [initialize] = only(rig.policy.records, 'initialize');
    expect(initialize).toEqual({
      caller: { ...una, clientInfoName: 'Claude Code' },
      method: 'initialize',
      operation: 'initialize',
      decision: { effect: 'allow', basis: 'protocol', policyVersion: 0, reason: expect.any(String) },
      upstreamStatus: 'ok',
      responseBytes: expect.any(Number),
      latencyMs: 0,
      startedAt: rig.clock.now(),
    });
    expect(initialize!.responseBytes).toBeGreaterThan(100);
    // `notifications/initialized` is answered 202 and recorded too, without clientInfoName (only initialize carries it).
    const [initialized] = only(rig.policy.records, 'notifications/initialized');
    expect(initialized).toMatchObject({ caller: una, operation: 'notifications/initialized', decision: { effect: 'allow', basis: 'protocol' }, upstreamStatus: 'not_forwarded', responseBytes: 0 });
    expect(rig.policy.decideCalls).toEqual([]);
    // The SDK client then probes for an SSE stream with GET; the stateless gateway answers 405 (which the
    // transport spec allows: "or else return HTTP 405"), the client carries on, and the probe is recorded
    // as protocol (part of MCP), not as a refused request.
    await vi.waitFor(() => expect(rig!.policy.records).toHaveLength(3));
    expect(rig.policy.records[2]).toMatchObject({ caller: una, method: 'HTTP GET', operation: 'HTTP GET', decision: { effect: 'allow', basis: 'protocol' }, error: 'HTTP GET is not served', rpcErrorCode: -32000 });
  });

  it('reflects only what an upstream declares: a tools-only upstream yields a tools-only gateway, and resources/read is "method not found"', async () => {
    const upstreamServer = new Server({ name: 'tools-only', version: '1' }, { capabilities: { tools: {} } });
    upstreamServer.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: [] }));
    rig = await startRig({ upstream: async () => ({ client: await connectedInMemory(upstreamServer) }) });
    const client = await rig.connect();
    expect(client.getServerCapabilities()).toEqual({ tools: {} });
    const error = await rpcError(client.readResource({ uri: 'jira://projects' }));
    expect(error.code).toBe(GATEWAY_ERROR_CODES.methodNotFound);
    expect(rig.policy.records.at(-1)).toMatchObject({ method: 'resources/read', operation: 'resource:jira://projects', upstreamStatus: 'not_forwarded', rpcErrorCode: -32601, error: 'upstream offers no resources' });
  });
});

describe('tools', () => {
  it('lists only the tools the caller may call, with one decision for the whole list', async () => {
    rig = await startRig();
    const client = await rig.connect();
    rig.policy.decideCalls.length = 0;
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(ATLASSIAN_TOOLS.filter((name) => name !== 'deleteJiraIssue'));
    expect(tools.find((tool) => tool.name === 'getJiraIssue')?.inputSchema).toMatchObject({ type: 'object', required: ['issueIdOrKey'] });
    expect(rig.policy.decideCalls).toEqual([[...ATLASSIAN_TOOLS]]);
    expect(only(rig.policy.records, 'tools/list')).toEqual([
      expect.objectContaining({
        operation: 'tools/list',
        decision: { effect: 'allow', basis: 'protocol', policyVersion: 3, reason: 'Listed 9 of 10 tools; the agent policy hides 1.' },
        upstreamStatus: 'ok',
      }),
    ]);
  });

  it('forwards an allowed call and returns the upstream result unchanged', async () => {
    rig = await startRig();
    const client = await rig.connect();
    const through = await client.callTool({ name: 'getJiraIssue', arguments: { issueIdOrKey: 'AIR-1' } });
    const upstreamCalls = rig.upstream.received.filter((entry) => entry.method === 'tools/call').map((entry) => entry.authorization);
    const direct = new Client({ name: 'direct', version: '1' });
    await direct.connect(new StreamableHTTPClientTransport(rig.upstream.url));
    const straight = await direct.callTool({ name: 'getJiraIssue', arguments: { issueIdOrKey: 'AIR-1' } });
    await direct.close();
    expect(through).toEqual(straight);
    expect(through.structuredContent).toEqual({ key: 'AIR-1', status: 'Open' });
    const record = only(rig.policy.records, 'tools/call')[0]!;
    expect(record).toEqual({
      caller: una,
      method: 'tools/call',
      operation: 'getJiraIssue',
      arguments: { issueIdOrKey: 'AIR-1' },
      decision: { effect: 'allow', basis: 'default', policyVersion: 3, reason: 'Allowed by the default decision (allow) of agent policy v3.' },
      upstreamStatus: 'ok',
      responseBytes: expect.any(Number),
      latencyMs: 0,
      startedAt: rig.clock.now(),
    });
    expect(record.responseBytes).toBe(Buffer.byteLength(JSON.stringify({ result: through, jsonrpc: '2.0', id: 1 })));
    // The user's upstream token went to the upstream, and only there.
    expect(upstreamCalls).toEqual([`Bearer ${upstreamToken(una)}`]);
  });

  it('refuses a denied call with a JSON-RPC error naming the rule and its note, and never reaches the upstream', async () => {
    rig = await startRig();
    const client = await rig.connect();
    const error = await rpcError(client.callTool({ name: 'deleteJiraIssue', arguments: { issueIdOrKey: 'AIR-1' } }));
    expect(error.code).toBe(GATEWAY_ERROR_CODES.blockedByPolicy);
    // The message is core's reason, once: the policy version, the rule and its note.
    expect(error.message).toBe('MCP error -32001: Blocked by rule 2 (delete* → deny) of agent policy v3: AI may never delete.');
    expect(error.data).toEqual({ clearway: { effect: 'deny', basis: 'rule', policyVersion: 3, ruleIndex: 1, note: 'AI may never delete' } });
    expect(rig.upstream.received.some((entry) => entry.method === 'tools/call')).toBe(false);
    expect(only(rig.policy.records, 'tools/call')).toEqual([
      expect.objectContaining({
        operation: 'deleteJiraIssue',
        arguments: { issueIdOrKey: 'AIR-1' },
        decision: expect.objectContaining({ effect: 'deny', basis: 'rule', ruleIndex: 1, note: 'AI may never delete' }),
        upstreamStatus: 'not_forwarded',
        rpcErrorCode: -32001,
      }),
    ]);
  });

  it('matches case-insensitively as the policy port decides, and names the default when no rule matched', async () => {
    rig = await startRig({ rules: [{ operation: 'DELETE*', effect: 'deny', note: 'no deletes' }] });
    rig.policy.defaultEffect = 'deny';
    const client = await rig.connect();
    const error = await rpcError(client.callTool({ name: 'createJiraIssue', arguments: { projectKey: 'AIR', summary: 'x' } }));
    expect(error.message).toMatch(/the default decision.*agent policy v3/);
  });

  it("passes a tool's own failure through as a result and records it as tool_error", async () => {
    rig = await startRig();
    const client = await rig.connect();
    const result = (await client.callTool({ name: 'transitionJiraIssue', arguments: { issueIdOrKey: 'AIR-1', transition: 'Reopen' } })) as CallToolResult;
    expect(result.isError).toBe(true);
    expect(result.content[0]).toMatchObject({ type: 'text', text: expect.stringContaining("Transition 'Reopen' is not valid") });
    expect(only(rig.policy.records, 'tools/call')[0]).toMatchObject({ upstreamStatus: 'tool_error', decision: { effect: 'allow' } });
    expect(only(rig.policy.records, 'tools/call')[0]).not.toHaveProperty('rpcErrorCode');
  });

  it('passes pagination cursors through and filters each page', async () => {
    const pages: Record<string, { tools: Array<{ name: string; inputSchema: { type: 'object' } }>; nextCursor?: string }> = {
      first: { tools: [tool('getJiraIssue'), tool('deleteJiraIssue')], nextCursor: 'page-2' },
      'page-2': { tools: [tool('deleteConfluencePage'), tool('searchJiraIssuesUsingJql')] },
    };
    const seen: Array<string | undefined> = [];
    const upstreamServer = new Server({ name: 'paged', version: '1' }, { capabilities: { tools: {} } });
    upstreamServer.setRequestHandler(ListToolsRequestSchema, async (request) => {
      seen.push(request.params?.cursor);
      return pages[request.params?.cursor ?? 'first']!;
    });
    rig = await startRig({ upstream: async () => ({ client: await connectedInMemory(upstreamServer) }) });
    const client = await rig.connect();
    const first = await client.listTools();
    expect(first).toEqual({ tools: [tool('getJiraIssue')], nextCursor: 'page-2' });
    const second = await client.listTools({ cursor: 'page-2' });
    expect(second).toEqual({ tools: [tool('searchJiraIssuesUsingJql')] });
    expect(seen).toEqual([undefined, 'page-2']);
  });

  it('answers 20 concurrent calls, each recorded exactly once', async () => {
    rig = await startRig();
    const client = await rig.connect();
    const before = rig.policy.records.length;
    const keys = Array.from({ length: 20 }, (_, index) => `AIR-${index + 1}`);
    const results = await Promise.all(
      keys.map((key, index) =>
        index % 5 === 4
          ? client.callTool({ name: 'deleteJiraIssue', arguments: { issueIdOrKey: key } }).then(
              () => 'allowed',
              (error: McpError) => `refused ${error.code}`,
            )
          : client.callTool({ name: 'getJiraIssue', arguments: { issueIdOrKey: key } }).then((result) => (result.structuredContent as { key: string }).key),
      ),
    );
    expect(results).toEqual(keys.map((key, index) => (index % 5 === 4 ? 'refused -32001' : key)));
    const records = only(rig.policy.records.slice(before), 'tools/call');
    expect(records).toHaveLength(20);
    expect(new Set(records.map((record) => (record.arguments as { issueIdOrKey: string }).issueIdOrKey))).toEqual(new Set(keys));
    expect(records.filter((record) => record.decision.effect === 'deny')).toHaveLength(4);
    // One connected upstream client served them all: the upstream saw one initialize for Una.
    expect(rig.upstream.received.filter((entry) => entry.method === 'initialize')).toHaveLength(1);
  });
});

describe('resources and prompts', () => {
  it('lists and reads resources through the policy as resource:<uri>', async () => {
    rig = await startRig();
    const client = await rig.connect();
    const { resources } = await client.listResources();
    expect(resources.map((resource) => resource.uri)).toEqual(['jira://projects']);
    expect(rig.policy.decideCalls.at(-1)).toEqual(['resource:jira://projects', 'resource:confluence://spaces/HR/pages/salaries']);
    const read = await client.readResource({ uri: 'jira://projects' });
    expect(read.contents[0]).toMatchObject({ uri: 'jira://projects', text: '[{"key":"AIR"}]' });
    const error = await rpcError(client.readResource({ uri: 'confluence://spaces/HR/pages/salaries' }));
    expect(error.code).toBe(-32001);
    expect(error.message).toContain('rule 3 (resource:confluence://spaces/HR/** → deny) of agent policy v3: HR pages stay private.');
    expect(only(rig.policy.records, 'resources/read').map((record) => [record.operation, record.decision.effect, record.upstreamStatus])).toEqual([
      ['resource:jira://projects', 'allow', 'ok'],
      ['resource:confluence://spaces/HR/pages/salaries', 'deny', 'not_forwarded'],
    ]);
    expect(only(rig.policy.records, 'resources/list')[0]).toMatchObject({ decision: { basis: 'protocol', policyVersion: 3, reason: 'Listed 1 of 2 resources; the agent policy hides 1.' } });
  });

  it('lists and gets prompts through the policy as prompt:<name>', async () => {
    rig = await startRig();
    const client = await rig.connect();
    const { prompts } = await client.listPrompts();
    expect(prompts.map((prompt) => prompt.name)).toEqual(['summarizeIssue']);
    const prompt = await client.getPrompt({ name: 'summarizeIssue', arguments: { issueKey: 'AIR-7' } });
    expect(prompt.messages[0]?.content).toEqual({ type: 'text', text: 'Summarize AIR-7.' });
    const error = await rpcError(client.getPrompt({ name: 'draftDeletionNotice' }));
    expect(error.message).toContain('rule 4 (prompt:draftDeletion* → deny) of agent policy v3.');
    expect(only(rig.policy.records, 'prompts/get').map((record) => [record.operation, record.arguments, record.decision.effect])).toEqual([
      ['prompt:summarizeIssue', { issueKey: 'AIR-7' }, 'allow'],
      ['prompt:draftDeletionNotice', undefined, 'deny'],
    ]);
  });
});

describe('upstream connections', () => {
  it('keeps one upstream client per account for its time to live, then connects afresh', async () => {
    rig = await startRig({ limits: { upstreamClientTtlMs: 60_000 } });
    const unaClient = await rig.connect(TOKENS.una);
    const devClient = await rig.connect(TOKENS.dev);
    await unaClient.listTools();
    await devClient.listTools();
    const initializes = () => rig!.upstream.received.filter((entry) => entry.method === 'initialize').map((entry) => entry.authorization);
    expect(initializes()).toEqual([`Bearer ${upstreamToken(una)}`, `Bearer ${upstreamToken(dev)}`]);
    rig.clock.advance(60_000);
    await unaClient.listTools();
    expect(initializes()).toEqual([`Bearer ${upstreamToken(una)}`, `Bearer ${upstreamToken(dev)}`, `Bearer ${upstreamToken(una)}`]);
  });

  it('replaces an upstream client that failed: the call after a dropped connection succeeds on a new one', async () => {
    rig = await startRig();
    const client = await rig.connect();
    rig.upstream.fault('close');
    const error = await rpcError(client.callTool({ name: 'getJiraIssue', arguments: { issueIdOrKey: 'AIR-1' } }));
    expect(error.code).toBe(GATEWAY_ERROR_CODES.upstreamFailed);
    const result = await client.callTool({ name: 'getJiraIssue', arguments: { issueIdOrKey: 'AIR-2' } });
    expect(result.structuredContent).toEqual({ key: 'AIR-2', status: 'Open' });
    expect(rig.upstream.received.filter((entry) => entry.method === 'initialize')).toHaveLength(2);
  });
});

function tool(name: string) {
  return { name, inputSchema: { type: 'object' as const } };
}

async function connectedInMemory(server: Server): Promise<Client> {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'gateway', version: '1' });
  await client.connect(clientSide);
  return client;
}
