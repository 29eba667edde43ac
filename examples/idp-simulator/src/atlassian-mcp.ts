import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { AtlassianSiteError, STATUS_CATEGORIES, STATUSES, type AtlassianAccount, type AtlassianSite, type ConfluencePageRecord, type JiraCommentRecord, type JiraIssueRecord } from './atlassian-site.js';
import { protectedResourceMetadataUrl } from './atlassian-oauth-http.js';
import { header, json, type SimRequest, type SimResponse } from './http.js';

/*
 * The upstream MCP server the AI-agent gateway proxies to in the sandbox: Atlassian's remote MCP
 * server's tool names and argument names, acting on the simulated site.
 * - Names and arguments: `getJiraIssue(cloudId, issueIdOrKey)`,
 *   `searchJiraIssuesUsingJql(cloudId, jql, fields, maxResults)`,
 *   `createJiraIssue(cloudId, projectKey, issueTypeName, summary, description, assignee_account_id)`,
 *   `editJiraIssue(cloudId, issueIdOrKey, fields)`, `transitionJiraIssue(cloudId, issueIdOrKey, transition: {id})`,
 *   `addCommentToJiraIssue(cloudId, issueIdOrKey, commentBody)`, `getConfluencePage(cloudId, pageId)`,
 *   `createConfluencePage(cloudId, spaceId, title, body, parentId)`,
 *   `updateConfluencePage(cloudId, pageId, body, title, versionMessage)`, `atlassianUserInfo()` —
 *   as Atlassian's own skills call them (github.com/atlassian/atlassian-mcp-server, skills/triage-issue/SKILL.md)
 *   and as the supported-tools list names them (https://support.atlassian.com/atlassian-rovo-mcp-server/docs/supported-tools/).
 * - `deleteJiraIssue` belongs to the `delete_jira` permission group, "disabled by default and must be
 *   enabled by an admin" (github.com/atlassian/atlassian-mcp-server, README "Supported products and
 *   tools"); the simulated site has it enabled so the gateway has a destructive tool to refuse.
 * - Caller identity: a bearer token — an OAuth access token from the site's authorization server
 *   (`atlassian-oauth.ts`), or one `issueToken` made, standing for a service account's API key
 *   (`Authorization: Bearer <api_key>`, same README, "API token authentication"); a request without
 *   a valid one is 401 with `WWW-Authenticate: Bearer` (RFC 6750 §3, https://www.rfc-editor.org/rfc/rfc6750#section-3)
 *   naming the protected-resource metadata (`unauthorized` below).
 * - Transport: stateless Streamable HTTP with JSON answers (sessionIdGenerator undefined,
 *   enableJsonResponse), one server per request; GET is 405, which the specification allows a
 *   server that offers no SSE stream (https://modelcontextprotocol.io/specification/2025-06-18/basic/transports#listening-for-messages-from-the-server).
 *   The web-standard transport is the one the SDK's Node `StreamableHTTPServerTransport` wraps; it
 *   hands back a `Response` instead of writing to the socket, so the simulator answers through its
 *   own path — the call record, injected faults and lost responses apply to `/mcp` as to the IdPs.
 */

export const ATLASSIAN_MCP_TOOLS = [
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
  'atlassianUserInfo',
] as const;

/** What the call record keeps of an MCP exchange. */
export interface McpCallSummary {
  /** The JSON-RPC method (`tools/call`, `initialize`, …); `batch` for an array; absent when unreadable. */
  readonly method?: string;
  /** The tool of a `tools/call`. */
  readonly tool?: string;
  /** A tool answered with `isError: true`. */
  readonly toolError?: boolean;
  /** The JSON-RPC error code when the answer was a protocol error. */
  readonly rpcErrorCode?: number;
}

export interface AtlassianMcpExchange {
  readonly response: SimResponse;
  readonly mcp: McpCallSummary;
}

/** An HTTP-level refusal in the shape the MCP SDK's own transports use: a JSON-RPC error with no id. */
export function mcpHttpError(status: number, message: string, headers: Record<string, string> = {}): SimResponse {
  return json(status, { jsonrpc: '2.0', error: { code: -32000, message }, id: null }, headers);
}

const jiraDate = (ms: number) => new Date(ms).toISOString().replace('Z', '+0000');
const DEFAULT_SEARCH_FIELDS = ['summary', 'status', 'issuetype', 'project', 'assignee', 'reporter', 'created', 'updated'];
const PAGE_TOKEN_PREFIX = 'simpage_';

function userJson(site: AtlassianSite, accountId: string | null) {
  const account = accountId === null ? undefined : site.accounts.get(accountId);
  return account ? { accountId: account.accountId, accountType: 'atlassian', displayName: account.displayName, emailAddress: account.emailAddress, active: account.active } : null;
}

function commentJson(site: AtlassianSite, comment: JiraCommentRecord) {
  const author = userJson(site, comment.authorId);
  return { id: comment.id, author, body: comment.body, updateAuthor: author, created: jiraDate(comment.created), updated: jiraDate(comment.created) };
}

/** An issue as Jira's REST API v3 returns it, with only the `fields` asked for (all by default). */
function issueJson(site: AtlassianSite, issue: JiraIssueRecord, options: { fields?: readonly string[]; transitions?: boolean } = {}) {
  const project = site.projects.get(issue.projectKey);
  const category = STATUS_CATEGORIES[issue.status];
  const all: Record<string, unknown> = {
    summary: issue.summary,
    description: issue.description,
    issuetype: { name: issue.issueType, subtask: false },
    project: project && { id: project.id, key: project.key, name: project.name },
    status: { id: STATUSES[issue.status].id, name: issue.status, statusCategory: { id: category.id, key: category.key, name: category.name, colorName: category.colorName } },
    assignee: userJson(site, issue.assigneeId),
    reporter: userJson(site, issue.reporterId),
    created: jiraDate(issue.created),
    updated: jiraDate(issue.updated),
    comment: { comments: issue.comments.map((comment) => commentJson(site, comment)), maxResults: issue.comments.length, total: issue.comments.length, startAt: 0 },
  };
  const wanted = options.fields && !options.fields.includes('*all') ? options.fields : Object.keys(all);
  return {
    id: issue.id,
    key: issue.key,
    self: `${site.siteUrl}/rest/api/3/issue/${issue.id}`,
    fields: Object.fromEntries(wanted.filter((field) => field in all).map((field) => [field, all[field]])),
    ...(options.transitions && { transitions: site.transitionsOf(issue).map((transition) => ({ id: transition.id, name: transition.name, to: { id: STATUSES[transition.to].id, name: transition.to } })) }),
  };
}

/** A page as Confluence's v2 API returns it, the body as the Markdown the MCP server hands out. */
function pageJson(site: AtlassianSite, page: ConfluencePageRecord) {
  const space = site.spaces.get(page.spaceId);
  return {
    id: page.id,
    status: 'current',
    title: page.title,
    spaceId: page.spaceId,
    parentId: page.parentId,
    authorId: page.authorId,
    createdAt: new Date(page.createdAt).toISOString(),
    version: { number: page.version.number, message: page.version.message, authorId: page.version.authorId, createdAt: new Date(page.version.createdAt).toISOString() },
    body: page.body,
    _links: { webui: `/spaces/${space?.key ?? page.spaceId}/pages/${page.id}`, base: `${site.siteUrl}/wiki` },
  };
}

const answer = (value: unknown): CallToolResult => ({ content: [{ type: 'text', text: JSON.stringify(value) }] });

const cloudId = z.string().min(1).describe('The site: its cloud id (a UUID), its URL (https://<site>.atlassian.net) or its host name');
const issueIdOrKey = z.string().min(1).describe('An issue key such as OPS-1, or an issue id');

/** The MCP server for one request, acting on the site as `caller`. */
export function createAtlassianMcpServer(site: AtlassianSite, caller: AtlassianAccount): McpServer {
  const server = new McpServer({ name: 'atlassian-mcp-simulator', version: '1.0.0' });
  const onSite = <Args extends { cloudId: string }>(handler: (args: Args) => unknown) => async (args: Args): Promise<CallToolResult> => {
    if (!site.isThisSite(args.cloudId)) throw new AtlassianSiteError('not_found', `Cloud id '${args.cloudId}' is not a site this account can access.`);
    return answer(handler(args));
  };

  server.registerTool(
    'getJiraIssue',
    {
      description: 'Get a Jira issue by key or id: its fields, status, people and comments. `expand: "transitions"` adds the transitions it can take now.',
      inputSchema: { cloudId, issueIdOrKey, fields: z.array(z.string()).optional(), expand: z.string().optional() },
      annotations: { readOnlyHint: true },
    },
    onSite(({ issueIdOrKey: key, fields, expand }) => issueJson(site, site.getIssue(key), { ...(fields && { fields }), transitions: expand?.split(',').some((part) => part.trim() === 'transitions') ?? false })),
  );

  server.registerTool(
    'searchJiraIssuesUsingJql',
    {
      description: 'Search Jira issues with JQL. Pages with nextPageToken.',
      inputSchema: { cloudId, jql: z.string(), fields: z.array(z.string()).optional(), maxResults: z.number().int().min(1).max(100).optional(), nextPageToken: z.string().optional() },
      annotations: { readOnlyHint: true },
    },
    onSite(({ jql, fields, maxResults = 50, nextPageToken }) => {
      const offset = nextPageToken === undefined ? 0 : Number(Buffer.from(nextPageToken.startsWith(PAGE_TOKEN_PREFIX) ? nextPageToken.slice(PAGE_TOKEN_PREFIX.length) : '', 'base64url').toString());
      if (!Number.isSafeInteger(offset) || offset < 0 || (nextPageToken !== undefined && offset === 0)) throw new AtlassianSiteError('invalid_request', 'The provided next page token is invalid or expired.');
      const matches = site.search(jql, caller.accountId);
      const page = matches.slice(offset, offset + maxResults);
      const isLast = offset + page.length >= matches.length;
      return {
        issues: page.map((issue) => issueJson(site, issue, { fields: fields ?? DEFAULT_SEARCH_FIELDS })),
        isLast,
        ...(!isLast && { nextPageToken: `${PAGE_TOKEN_PREFIX}${Buffer.from(String(offset + page.length)).toString('base64url')}` }),
      };
    }),
  );

  server.registerTool(
    'createJiraIssue',
    {
      description: 'Create a Jira issue in a project; the caller is its reporter.',
      inputSchema: { cloudId, projectKey: z.string().min(1), issueTypeName: z.string().min(1).describe('Task, Bug, Story or Epic'), summary: z.string(), description: z.string().optional(), assignee_account_id: z.string().optional() },
    },
    onSite(({ projectKey, issueTypeName, summary, description, assignee_account_id: assigneeId }) => {
      const issue = site.createIssue({ projectKey, issueTypeName, summary, ...(description !== undefined && { description }), ...(assigneeId !== undefined && { assigneeId }) }, caller.accountId);
      return { id: issue.id, key: issue.key, self: `${site.siteUrl}/rest/api/3/issue/${issue.id}` };
    }),
  );

  server.registerTool(
    'editJiraIssue',
    {
      description: 'Change fields of a Jira issue: summary, description, assignee ({ accountId } or null). Other fields are refused.',
      inputSchema: { cloudId, issueIdOrKey, fields: z.record(z.string(), z.unknown()) },
      annotations: { idempotentHint: true },
    },
    onSite(({ issueIdOrKey: key, fields }) => issueJson(site, site.editIssue(key, fields))),
  );

  server.registerTool(
    'transitionJiraIssue',
    {
      description: 'Move a Jira issue through its workflow: 11 To Do, 21 In Progress, 31 Done.',
      inputSchema: { cloudId, issueIdOrKey, transition: z.object({ id: z.string().min(1) }) },
    },
    onSite(({ issueIdOrKey: key, transition }) => issueJson(site, site.transitionIssue(key, transition.id), { fields: ['status', 'updated'] })),
  );

  server.registerTool(
    'addCommentToJiraIssue',
    {
      description: 'Add a comment to a Jira issue, as the caller.',
      inputSchema: { cloudId, issueIdOrKey, commentBody: z.string() },
    },
    onSite(({ issueIdOrKey: key, commentBody }) => commentJson(site, site.addComment(key, commentBody, caller.accountId))),
  );

  server.registerTool(
    'deleteJiraIssue',
    {
      description: 'Delete a Jira issue for good.',
      inputSchema: { cloudId, issueIdOrKey },
      annotations: { destructiveHint: true },
    },
    onSite(({ issueIdOrKey: key }) => ({ key: site.deleteIssue(key).key, deleted: true })),
  );

  server.registerTool(
    'getConfluencePage',
    {
      description: 'Get a Confluence page by id, its body as Markdown.',
      inputSchema: { cloudId, pageId: z.string().min(1) },
      annotations: { readOnlyHint: true },
    },
    onSite(({ pageId }) => pageJson(site, site.getPage(pageId))),
  );

  server.registerTool(
    'createConfluencePage',
    {
      description: 'Create a Confluence page in a space (by space id), optionally under a parent page.',
      inputSchema: { cloudId, spaceId: z.string().min(1), title: z.string(), body: z.string(), parentId: z.string().optional() },
    },
    onSite(({ spaceId, title, body, parentId }) => pageJson(site, site.createPage({ spaceId, title, body, ...(parentId !== undefined && { parentId }) }, caller.accountId))),
  );

  server.registerTool(
    'updateConfluencePage',
    {
      description: "Replace a Confluence page's body (and title) as its next version.",
      inputSchema: { cloudId, pageId: z.string().min(1), body: z.string(), title: z.string().optional(), versionMessage: z.string().optional() },
    },
    onSite(({ pageId, body, title, versionMessage }) => pageJson(site, site.updatePage({ pageId, body, ...(title !== undefined && { title }), ...(versionMessage !== undefined && { versionMessage }) }, caller.accountId))),
  );

  server.registerTool(
    'atlassianUserInfo',
    { description: 'Who the caller is on Atlassian.', annotations: { readOnlyHint: true } },
    async () => answer({ account_id: caller.accountId, email: caller.emailAddress, name: caller.displayName, account_type: 'atlassian', account_status: caller.active ? 'active' : 'inactive' }),
  );

  return server;
}

const rpcMessage = z.object({ method: z.string(), params: z.object({ name: z.string() }).partial().optional() });
const rpcAnswer = z.object({ result: z.object({ isError: z.boolean().optional() }).optional(), error: z.object({ code: z.number() }).optional() });

function parsed(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function summarize(rawBody: string): McpCallSummary {
  const body = parsed(rawBody);
  if (Array.isArray(body)) return { method: 'batch' };
  const message = rpcMessage.safeParse(body);
  if (!message.success) return {};
  return { method: message.data.method, ...(message.data.method === 'tools/call' && message.data.params?.name !== undefined && { tool: message.data.params.name }) };
}

function withOutcome(call: McpCallSummary, answerText: string): McpCallSummary {
  const outcome = rpcAnswer.safeParse(parsed(answerText));
  if (!outcome.success) return call;
  return { ...call, ...(outcome.data.result?.isError === true && { toolError: true }), ...(outcome.data.error && { rpcErrorCode: outcome.data.error.code }) };
}

/** Hop-by-hop and framing headers stay with the simulator's own connection. */
const NOT_FORWARDED = new Set(['host', 'connection', 'keep-alive', 'content-length', 'transfer-encoding']);

function webRequest(request: SimRequest): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined || NOT_FORWARDED.has(name)) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  return new Request(request.url, { method: request.method, headers, body: request.rawBody });
}

/**
 * The resource server's 401 as workers-oauth-provider answers it (Atlassian's first OAuth front):
 * `Bearer realm="OAuth"` with `resource_metadata` (RFC 9728 §5.1, required by the MCP
 * specification: https://modelcontextprotocol.io/specification/2025-06-18/basic/authorization#authorization-server-location);
 * no token: no error code and no body (RFC 6750 §3.1); a bad one: `error="invalid_token"` and
 * `{"error":"invalid_token","error_description":"Invalid access token"}`, the body captured from
 * Atlassian's server (github.com/bitovi/cascade-mcp, specs/atlassian-mcp-analysis/analysis.md).
 */
function unauthorized(url: URL, refused: 'invalid' | 'audience' | undefined): SimResponse {
  const challenge = `Bearer realm="OAuth", resource_metadata="${protectedResourceMetadataUrl(url)}"`;
  if (refused === undefined) return { status: 401, headers: { 'www-authenticate': challenge, 'cache-control': 'no-store' } };
  const audience = refused === 'audience';
  return json(401, { error: 'invalid_token', error_description: audience ? 'Token audience does not match resource server' : 'Invalid access token' }, {
    'www-authenticate': `${challenge}, error="invalid_token"${audience ? ', error_description="Invalid audience"' : ''}`,
    'cache-control': 'no-store',
  });
}

/** Authenticates the caller, then answers one JSON-RPC POST with a fresh server and transport. */
export async function handleAtlassianMcp(site: AtlassianSite, request: SimRequest): Promise<AtlassianMcpExchange> {
  const mcp = summarize(request.rawBody);
  if (request.method !== 'POST') return { response: mcpHttpError(405, 'Method not allowed.', { allow: 'POST' }), mcp };
  const token = /^Bearer\s+(\S+)\s*$/i.exec(header(request, 'authorization') ?? '')?.[1];
  const check = token === undefined ? undefined : site.oauth.checkAccessToken(token, request.url);
  if (!check || !('account' in check)) return { response: unauthorized(request.url, check?.refused), mcp };
  const { account } = check;
  const server = createAtlassianMcpServer(site, account);
  try {
    const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    await server.connect(transport);
    const reply = await transport.handleRequest(webRequest(request));
    const text = await reply.text();
    return { response: { status: reply.status, headers: Object.fromEntries(reply.headers), ...(text !== '' && { body: text }) }, mcp: withOutcome(mcp, text) };
  } finally {
    await server.close();
  }
}
