/**
 * Real MCP peers for the gateway's tests: an upstream built with the SDK's own `McpServer`, served
 * statelessly over Streamable HTTP the way the SDK's stateless example serves it, with
 * Atlassian's remote MCP tool names; the SDK's own `Client` as the AI client; a small policy table
 * and token table standing in for core's ports.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import picomatch from 'picomatch';
import { z } from 'zod';
import type { ActivityInput, AgentEffect, CallDecision, GatewayAuthenticator, GatewayCaller, GatewayPolicyPort } from '../../../agent-gateway/call.js';
import { FakeClock, MemoryLogger } from '../../../testing/fakes.js';
import { createMcpGateway, type GatewayLimits, type McpGateway } from '../gateway.js';
import { serveGateway, type ServedGateway } from '../node.js';
import type { UpstreamFactory } from '../upstream.js';

/** Tool names as Atlassian's remote MCP server lists them (see /work/shared/PLATFORM-NOTES.md, "MCP"). */
export const ATLASSIAN_TOOLS = [
  'getJiraIssue',
  'searchJiraIssuesUsingJql',
  'createJiraIssue',
  'editJiraIssue',
  'transitionJiraIssue',
  'addCommentToJiraIssue',
  'deleteJiraIssue',
  'getConfluencePage',
  'createConfluencePage',
  'updateConfluencePage',
] as const;

/** What the upstream does with the next `tools/call` instead of answering it. */
export type UpstreamFault = 'hang' | 'garbage' | 'close' | 'http500' | 'rpcError';

/** A secret an upstream echoes in its failure bodies; no record, log or answer may ever carry it. */
export const UPSTREAM_BODY_SECRET = 'access_token=upstream-body-secret-4711';

function atlassianLikeServer(): McpServer {
  const server = new McpServer({ name: 'atlassian-like', version: '1.0.0' }, { instructions: 'Jira and Confluence tools for the test site.' });
  const issue = { cloudId: z.string().optional(), issueIdOrKey: z.string() };
  const text = (value: unknown) => ({ content: [{ type: 'text' as const, text: JSON.stringify(value) }] });
  server.registerTool('getJiraIssue', { description: 'Get a Jira issue by key.', inputSchema: issue }, async ({ issueIdOrKey }) => ({
    ...text({ key: issueIdOrKey, fields: { summary: 'Laptop request', status: 'Open' } }),
    structuredContent: { key: issueIdOrKey, status: 'Open' },
  }));
  server.registerTool('searchJiraIssuesUsingJql', { description: 'Search issues with JQL.', inputSchema: { jql: z.string(), maxResults: z.number().optional() } }, async ({ jql }) =>
    text({ jql, issues: [{ key: 'AIR-1' }, { key: 'AIR-2' }] }),
  );
  server.registerTool('createJiraIssue', { description: 'Create an issue.', inputSchema: { projectKey: z.string(), summary: z.string() } }, async ({ projectKey }) => text({ key: `${projectKey}-3` }));
  server.registerTool('editJiraIssue', { description: 'Edit an issue.', inputSchema: { ...issue, fields: z.record(z.string(), z.unknown()) } }, async ({ issueIdOrKey }) => text({ key: issueIdOrKey, edited: true }));
  server.registerTool('transitionJiraIssue', { description: 'Move an issue through its workflow.', inputSchema: { ...issue, transition: z.string() } }, async ({ issueIdOrKey, transition }) => ({
    // As Jira refuses a transition the workflow does not offer: the tool ran and reports failure.
    ...text({ errorMessages: [`Transition '${transition}' is not valid for ${issueIdOrKey}.`] }),
    isError: true,
  }));
  server.registerTool('addCommentToJiraIssue', { description: 'Comment on an issue.', inputSchema: { ...issue, commentBody: z.string() } }, async ({ issueIdOrKey }) => text({ key: issueIdOrKey, commented: true }));
  server.registerTool('deleteJiraIssue', { description: 'Delete an issue.', inputSchema: issue }, async ({ issueIdOrKey }) => text({ deleted: issueIdOrKey }));
  server.registerTool('getConfluencePage', { description: 'Get a Confluence page.', inputSchema: { pageId: z.string() } }, async ({ pageId }) => text({ id: pageId, title: 'Runbook' }));
  server.registerTool('createConfluencePage', { description: 'Create a page.', inputSchema: { spaceId: z.string(), title: z.string() } }, async ({ title }) => text({ id: '99', title }));
  server.registerTool('updateConfluencePage', { description: 'Update a page.', inputSchema: { pageId: z.string(), body: z.string() } }, async ({ pageId }) => text({ id: pageId, version: 2 }));
  server.registerResource('jira-projects', 'jira://projects', { mimeType: 'application/json', description: 'Projects on the site.' }, async (uri) => ({
    contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify([{ key: 'AIR' }]) }],
  }));
  server.registerResource('hr-salaries', 'confluence://spaces/HR/pages/salaries', { mimeType: 'text/plain' }, async (uri) => ({ contents: [{ uri: uri.href, text: 'confidential' }] }));
  server.registerPrompt('summarizeIssue', { description: 'Summarize a Jira issue.', argsSchema: { issueKey: z.string() } }, ({ issueKey }) => ({
    messages: [{ role: 'user', content: { type: 'text', text: `Summarize ${issueKey}.` } }],
  }));
  server.registerPrompt('draftDeletionNotice', { description: 'Draft a notice before deleting issues.' }, () => ({
    messages: [{ role: 'user', content: { type: 'text', text: 'Draft a deletion notice.' } }],
  }));
  return server;
}

export interface UpstreamPeer {
  readonly url: URL;
  /** Every POST the upstream received: its JSON-RPC method, `params._meta` and Authorization header. */
  readonly received: Array<{ readonly method: string; readonly meta?: unknown; readonly authorization: string | undefined }>;
  /** The next request for `method` (default `tools/call`) meets `fault` instead of an answer. */
  fault(fault: UpstreamFault, method?: string): void;
  /** How many hung requests the caller gave up on (their connection closed). */
  readonly abandoned: () => number;
  close(): Promise<void>;
}

/** The Atlassian-like upstream on a loopback port: a new `McpServer` and stateless transport per request. */
export async function startUpstream(options: { readonly jsonResponses?: boolean } = {}): Promise<UpstreamPeer> {
  const received: Array<{ method: string; meta?: unknown; authorization: string | undefined }> = [];
  const sockets = new Set<Socket>();
  let pending: { fault: UpstreamFault; method: string } | undefined;
  let abandoned = 0;
  const httpServer = createServer((req, res) => void serve(req, res));
  httpServer.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST') {
      // The SDK's stateless example: no SSE stream, no session to delete.
      res.writeHead(405, { allow: 'POST', 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed.' }, id: null }));
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { method: string; id?: string | number; params?: { _meta?: unknown } };
    received.push({ method: body.method, authorization: req.headers.authorization, ...(body.params?._meta !== undefined && { meta: body.params._meta }) });
    if (pending !== undefined && body.method === pending.method) {
      const { fault } = pending;
      pending = undefined;
      if (fault === 'hang') res.on('close', () => (abandoned += 1));
      return injure(fault, body.id ?? null, req, res);
    }
    const server = atlassianLikeServer();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: options.jsonResponses ?? false });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  }

  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const { port } = httpServer.address() as AddressInfo;
  return {
    url: new URL(`http://127.0.0.1:${port}/mcp`),
    received,
    fault: (fault, method = 'tools/call') => void (pending = { fault, method }),
    abandoned: () => abandoned,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}

function injure(fault: UpstreamFault, id: string | number | null, req: IncomingMessage, res: ServerResponse): void {
  switch (fault) {
    case 'hang':
      return; // never answers; the socket is destroyed when the gateway gives up on it or the peer closes
    case 'garbage':
      res.writeHead(200, { 'content-type': 'application/json' }).end(`{"jsonrpc":"2.0","id":${JSON.stringify(id)},"result":{"content": [trunc ${UPSTREAM_BODY_SECRET}`);
      return;
    case 'close':
      req.socket.destroy();
      return;
    case 'http500':
      res.writeHead(500, { 'content-type': 'text/plain' }).end(`java.lang.IllegalStateException at com.example.Upstream ${UPSTREAM_BODY_SECRET}`);
      return;
    case 'rpcError':
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id, error: { code: -32602, message: `Issue key AIR-X is not valid (Bearer ${'x'.repeat(24)})` } }));
      return;
  }
}

export interface TableRule {
  readonly operation: string;
  readonly effect: AgentEffect;
  readonly note?: string;
}

/**
 * A first-match policy over operation globs, standing in for core's `GatewayPolicyPort` (which
 * lands beside this adapter). It keeps every decide call and every record, and can be told to fail.
 */
export class TablePolicy implements GatewayPolicyPort {
  readonly records: ActivityInput[] = [];
  readonly decideCalls: Array<readonly string[]> = [];
  decideFailure: 'throw' | 'short' | undefined;
  recordFailure = false;

  constructor(
    public rules: readonly TableRule[],
    public defaultEffect: AgentEffect = 'allow',
    public version = 3,
  ) {}

  async decide(_caller: GatewayCaller, operations: readonly string[]): Promise<readonly CallDecision[]> {
    this.decideCalls.push([...operations]);
    if (this.decideFailure === 'throw') throw new Error('store unavailable: ECONNRESET while reading agentPolicy');
    const decisions = operations.map((operation) => this.decideOne(operation));
    return this.decideFailure === 'short' ? decisions.slice(1) : decisions;
  }

  async record(activity: ActivityInput): Promise<void> {
    if (this.recordFailure) throw new Error('store unavailable: chain head moved');
    this.records.push(activity);
  }

  private decideOne(operation: string): CallDecision {
    const index = this.rules.findIndex((rule) => picomatch.isMatch(operation, rule.operation, { nocase: true }));
    if (index === -1) {
      return { effect: this.defaultEffect, basis: 'default', policyVersion: this.version, reason: `${this.defaultEffect === 'allow' ? 'Allowed' : 'Blocked'} by the default decision (${this.defaultEffect}) of agent policy v${this.version}.` };
    }
    const rule = this.rules[index]!;
    const verb = rule.effect === 'allow' ? 'Allowed' : 'Blocked';
    return {
      effect: rule.effect,
      basis: 'rule',
      ruleIndex: index,
      policyVersion: this.version,
      ...(rule.note !== undefined && { note: rule.note }),
      reason: `${verb} by rule ${index + 1} (${rule.operation} → ${rule.effect}) of agent policy v${this.version}${rule.note ? `: ${rule.note}` : ''}.`,
    };
  }
}

export const una: GatewayCaller = { accountId: 'acc-una', name: 'Una User', email: 'una@example.com', groups: ['developers'], client: 'claude' };
export const dev: GatewayCaller = { accountId: 'acc-dev', name: 'Dev Eloper', email: 'dev@example.com', groups: ['developers'], client: 'cursor' };

/** Bearer tokens the test authenticator knows (long, so a leak is unmistakable in any text). */
export const TOKENS = { una: 'cw-token-una-9f8e7d6c5b4a39281706', dev: 'cw-token-dev-0a1b2c3d4e5f60718293' } as const;

export class TableAuthenticator implements GatewayAuthenticator {
  failure = false;
  readonly seen: string[] = [];
  async authenticate(bearerToken: string): Promise<GatewayCaller | undefined> {
    this.seen.push(bearerToken);
    if (this.failure) throw new Error('identity store unavailable');
    if (bearerToken === TOKENS.una) return una;
    if (bearerToken === TOKENS.dev) return dev;
    return undefined;
  }
}

/** The upstream token the factory hands the gateway for a caller; it must never surface anywhere else. */
export function upstreamToken(caller: GatewayCaller): string {
  return `atl-upstream-${caller.accountId}-5e3f1c9a7b`;
}

/** Atlassian-like policy used by most tests: deletes are never allowed, HR pages and the deletion prompt are hidden. */
export const DEFAULT_RULES: readonly TableRule[] = [
  { operation: 'searchJiraIssuesUsingJql', effect: 'allow', note: 'Search is read-only' },
  { operation: 'delete*', effect: 'deny', note: 'AI may never delete' },
  { operation: 'resource:confluence://spaces/HR/**', effect: 'deny', note: 'HR pages stay private' },
  { operation: 'prompt:draftDeletion*', effect: 'deny' },
];

export interface Rig {
  readonly upstream: UpstreamPeer;
  readonly policy: TablePolicy;
  readonly authenticator: TableAuthenticator;
  readonly logger: MemoryLogger;
  readonly clock: FakeClock;
  readonly gateway: McpGateway;
  readonly served: ServedGateway;
  /** The SDK's own client, connected through the gateway with `token`, reporting `clientName`. */
  connect(token?: string, clientName?: string): Promise<Client>;
  close(): Promise<void>;
}

export async function startRig(options: { readonly limits?: Partial<GatewayLimits>; readonly upstream?: UpstreamFactory; readonly rules?: readonly TableRule[] } = {}): Promise<Rig> {
  const upstream = await startUpstream();
  const policy = new TablePolicy(options.rules ?? DEFAULT_RULES);
  const authenticator = new TableAuthenticator();
  const logger = new MemoryLogger();
  const clock = new FakeClock();
  const gateway = createMcpGateway({
    policy,
    authenticator,
    upstream: options.upstream ?? (async (caller) => ({ url: upstream.url, headers: { authorization: `Bearer ${upstreamToken(caller)}` } })),
    clock,
    logger,
    ...(options.limits && { limits: options.limits }),
  });
  const served = await serveGateway(gateway);
  const clients: Client[] = [];
  return {
    upstream,
    policy,
    authenticator,
    logger,
    clock,
    gateway,
    served,
    connect: async (token = TOKENS.una, clientName = 'claude-code') => {
      const client = new Client({ name: clientName, version: '1.0.0' });
      await client.connect(new StreamableHTTPClientTransport(served.url, { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
      clients.push(client);
      return client;
    },
    close: async () => {
      await Promise.all(clients.map((client) => client.close()));
      await served.close();
      await upstream.close();
    },
  };
}

/** A raw POST to the gateway, for what no well-behaved client sends. */
export function post(rig: Rig, body: string | Uint8Array | ReadableStream<Uint8Array>, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(rig.served.url, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKENS.una}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
    body,
    ...(body instanceof ReadableStream && { duplex: 'half' }),
  });
}

/** A JSON-RPC request body. */
export function rpc(method: string, params?: Record<string, unknown>, id: string | number = 1): string {
  return JSON.stringify({ jsonrpc: '2.0', id, method, ...(params !== undefined && { params }) });
}
