/**
 * The simulator's upstream MCP server, driven by the MCP SDK's own `Client` and
 * `StreamableHTTPClientTransport` over the simulator's TLS, as the AI-agent gateway will drive it.
 * - Tool and argument names: Atlassian's remote MCP server — `getJiraIssue(cloudId, issueIdOrKey)`,
 *   `searchJiraIssuesUsingJql(cloudId, jql, fields, maxResults)`, `createJiraIssue(cloudId, projectKey,
 *   issueTypeName, summary, description)`, `addCommentToJiraIssue(cloudId, issueIdOrKey, commentBody)`,
 *   `transitionJiraIssue(cloudId, issueIdOrKey, transition: {id})`, `getConfluencePage(cloudId, pageId)`,
 *   `createConfluencePage(cloudId, spaceId, title, body, parentId)`, `updateConfluencePage(cloudId, pageId,
 *   body, versionMessage)`, `atlassianUserInfo` (github.com/atlassian/atlassian-mcp-server,
 *   skills/triage-issue/SKILL.md; https://support.atlassian.com/atlassian-rovo-mcp-server/docs/supported-tools/).
 * - Jira's texts: "Issue does not exist or you do not have permission to see it." and the JQL
 *   errors (https://support.atlassian.com/jira/kb/how-to-handle-http-400-bad-request-errors-on-jira-search-rest-api-endpoint).
 * - A request without a token: 401 with `WWW-Authenticate: Bearer`, an unknown token adds
 *   `error="invalid_token"` (RFC 6750 §3 and §3.1, https://www.rfc-editor.org/rfc/rfc6750#section-3).
 * - Tool failures are results with `isError: true`, not protocol errors
 *   (https://modelcontextprotocol.io/specification/2025-06-18/server/tools#error-handling).
 */
import { request as httpsRequest } from 'node:https';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { CallToolResultSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { IdpSimulator } from './server.js';
import { createCertificate, type TlsMaterial } from './tls.js';

const ANA = 'ana.alvarez@example.com';
const BEN = 'ben.baker@example.com';

/**
 * The sandbox trusts the simulator's certificate through NODE_EXTRA_CA_CERTS, which Node reads only
 * at start-up; this package's vitest config does not set it, so the client's fetch trusts the
 * certificate explicitly (`ca`) — TLS is verified, not switched off.
 */
function trustingFetch(ca: string): FetchLike {
  return (url, init = {}) =>
    new Promise<Response>((resolve, reject) => {
      const outgoing = httpsRequest(new URL(url), { method: init.method ?? 'GET', headers: Object.fromEntries(new Headers(init.headers)), ca }, (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('error', reject);
        incoming.on('end', () => {
          const headers = new Headers();
          for (const [name, value] of Object.entries(incoming.headers)) for (const item of value === undefined ? [] : Array.isArray(value) ? value : [value]) headers.append(name, item);
          const body = Buffer.concat(chunks);
          resolve(new Response(body.length === 0 ? null : body, { status: incoming.statusCode ?? 500, headers }));
        });
      });
      outgoing.on('error', reject);
      init.signal?.addEventListener('abort', () => outgoing.destroy(new Error('aborted by the client')));
      outgoing.end(typeof init.body === 'string' ? init.body : undefined);
    });
}

let tls: TlsMaterial;
let simulator: IdpSimulator;
const clients: Client[] = [];

beforeAll(async () => {
  tls = await createCertificate(1);
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await simulator.stop();
});

async function start(): Promise<{ site: NonNullable<IdpSimulator['atlassian']>; cloudId: string }> {
  simulator = await IdpSimulator.start({ seed: { atlassian: {} }, tls });
  const site = simulator.atlassian;
  if (!site) throw new Error('the simulator did not build the Atlassian site');
  return { site, cloudId: site.cloudId };
}

async function connect(token: string | undefined, path = '/mcp'): Promise<Client> {
  const client = new Client({ name: 'idp-simulator-test', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(`${simulator.url}${path}`), {
    fetch: trustingFetch(tls.cert),
    ...(token !== undefined && { requestInit: { headers: { authorization: `Bearer ${token}` } } }),
  });
  await client.connect(transport);
  clients.push(client);
  return client;
}

async function call(client: Client, name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  return CallToolResultSchema.parse(await client.callTool({ name, arguments: args }));
}

function text(result: CallToolResult): string {
  const [first] = result.content;
  if (first?.type !== 'text') throw new Error('expected a text answer');
  return first.text;
}

/** The JSON a successful tool answered. */
async function ok<T>(client: Client, name: string, args: Record<string, unknown>): Promise<T> {
  const result = await call(client, name, args);
  if (result.isError) throw new Error(`${name} failed: ${text(result)}`);
  return JSON.parse(text(result)) as T;
}

interface IssueJson {
  key: string;
  fields: { summary?: string; status?: { name: string; statusCategory: { key: string } }; assignee?: { emailAddress: string } | null; reporter?: { accountId: string }; comment?: { comments: Array<{ body: string; author: { emailAddress: string } }> } };
  transitions?: Array<{ id: string; name: string }>;
}

describe('Atlassian MCP server: discovery and identity', () => {
  it("lists Atlassian's tool names, each taking cloudId as Atlassian's do, and says who the caller is", async () => {
    const { site } = await start();
    expect(simulator.url).toMatch(/^https:/);
    const client = await connect(site.issueToken(ANA));
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(
      ['getJiraIssue', 'searchJiraIssuesUsingJql', 'createJiraIssue', 'editJiraIssue', 'transitionJiraIssue', 'addCommentToJiraIssue', 'deleteJiraIssue', 'getConfluencePage', 'createConfluencePage', 'updateConfluencePage', 'atlassianUserInfo'].sort(),
    );
    const getIssue = tools.find((tool) => tool.name === 'getJiraIssue');
    expect(getIssue?.inputSchema.required).toEqual(expect.arrayContaining(['cloudId', 'issueIdOrKey']));
    expect(tools.find((tool) => tool.name === 'deleteJiraIssue')?.annotations?.destructiveHint).toBe(true);
    expect(await ok(client, 'atlassianUserInfo', {})).toMatchObject({ account_id: site.account(ANA)?.accountId, email: ANA, name: 'Ana Alvarez' });
  });

  it('answers on the /v1/mcp alias too', async () => {
    const { site } = await start();
    const client = await connect(site.issueToken(BEN), '/v1/mcp');
    expect(await ok(client, 'atlassianUserInfo', {})).toMatchObject({ email: BEN });
  });

  it('refuses a request without a token, or with one it did not issue, with 401 and a Bearer challenge', async () => {
    const { site } = await start();
    await expect(connect(undefined)).rejects.toSatisfy((error) => error instanceof StreamableHTTPError && error.code === 401);
    const initialize = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } });
    const post = (headers: Record<string, string>) =>
      trustingFetch(tls.cert)(`${simulator.url}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers }, body: initialize });
    const missing = await post({});
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer\b/);
    expect(missing.headers.get('www-authenticate')).not.toContain('error=');
    const unknown = await post({ authorization: 'Bearer not-a-token-it-issued' });
    expect(unknown.status).toBe(401);
    expect(unknown.headers.get('www-authenticate')).toMatch(/^Bearer .*error="invalid_token"/);
    const revoked = site.issueToken(ANA);
    site.revokeToken(revoked);
    expect((await post({ authorization: `Bearer ${revoked}` })).status).toBe(401);
    expect(simulator.calls.filter((record) => record.vendor === 'atlassian').map((record) => record.status)).toEqual([401, 401, 401, 401]);
  });

  it('refuses a cloudId that is not this site, as a tool error', async () => {
    const { site } = await start();
    const client = await connect(site.issueToken(ANA));
    const result = await call(client, 'getJiraIssue', { cloudId: 'https://elsewhere.atlassian.net', issueIdOrKey: 'OPS-1' });
    expect(result.isError).toBe(true);
    expect(text(result)).toContain("Cloud id 'https://elsewhere.atlassian.net' is not a site this account can access.");
    expect((await call(client, 'getJiraIssue', { cloudId: site.siteUrl, issueIdOrKey: 'OPS-1' })).isError).toBeFalsy();
  });
});

describe('Atlassian MCP server: Jira', () => {
  it('gets an issue with its status category, people and the transitions it can take', async () => {
    const { site, cloudId } = await start();
    const client = await connect(site.issueToken(ANA));
    const issue = await ok<IssueJson>(client, 'getJiraIssue', { cloudId, issueIdOrKey: 'ops-1', expand: 'transitions' });
    expect(issue.key).toBe('OPS-1');
    expect(issue.fields).toMatchObject({ summary: 'Rotate the VPN gateway certificate', status: { name: 'In Progress', statusCategory: { key: 'indeterminate' } }, assignee: { emailAddress: ANA } });
    expect(issue.transitions?.map((transition) => [transition.id, transition.name])).toEqual([['11', 'To Do'], ['31', 'Done']]);
  });

  it('searches with JQL as the caller: currentUser(), statusCategory, text, ORDER BY created DESC', async () => {
    const { site, cloudId } = await start();
    const ben = await connect(site.issueToken(BEN));
    const search = async (jql: string, extra: Record<string, unknown> = {}) => (await ok<{ issues: IssueJson[]; isLast: boolean; nextPageToken?: string }>(ben, 'searchJiraIssuesUsingJql', { cloudId, jql, ...extra }));
    expect((await search('assignee = currentUser()')).issues.map((issue) => issue.key)).toEqual(['ENG-1']);
    expect((await search('project = OPS AND statusCategory != Done ORDER BY created DESC')).issues.map((issue) => issue.key)).toEqual(['OPS-2', 'OPS-1']);
    expect((await search('text ~ "duplex"')).issues.map((issue) => issue.key)).toEqual(['OPS-3']);
    const first = await search('status = "In Progress" ORDER BY created DESC', { maxResults: 1, fields: ['summary'] });
    expect(first).toMatchObject({ isLast: false, issues: [{ key: 'ENG-2', fields: { summary: 'Write down the release checklist' } }] });
    expect(Object.keys(first.issues[0]?.fields ?? {})).toEqual(['summary']);
    const second = await search('status = "In Progress" ORDER BY created DESC', { maxResults: 1, nextPageToken: first.nextPageToken });
    expect(second).toMatchObject({ isLast: true, issues: [{ key: 'OPS-1' }] });
  });

  it('refuses bad JQL with a tool error in Jira’s words, not a protocol error', async () => {
    const { site, cloudId } = await start();
    const client = await connect(site.issueToken(ANA));
    const unknownField = await call(client, 'searchJiraIssuesUsingJql', { cloudId, jql: 'projct = OPS' });
    expect(unknownField.isError).toBe(true);
    expect(text(unknownField)).toBe("Field 'projct' does not exist or you do not have permission to view it.");
    const malformed = await call(client, 'searchJiraIssuesUsingJql', { cloudId, jql: 'invalid query' });
    expect(malformed.isError).toBe(true);
    expect(text(malformed)).toMatch(/^Error in the JQL Query: Expecting operator but got 'query'\. .* \(line 1, character 9\)$/);
    expect(simulator.calls.at(-1)).toMatchObject({ vendor: 'atlassian', status: 200, mcp: { method: 'tools/call', tool: 'searchJiraIssuesUsingJql', toolError: true } });
  });

  it('creates an issue reported by the account whose token made the call', async () => {
    const { site, cloudId } = await start();
    const ana = await connect(site.issueToken(ANA));
    const ben = await connect(site.issueToken(BEN));
    const byAna = await ok<{ key: string; id: string }>(ana, 'createJiraIssue', { cloudId, projectKey: 'OPS', issueTypeName: 'Task', summary: 'Renew the wildcard certificate', description: 'Expires in March.' });
    const byBen = await ok<{ key: string }>(ben, 'createJiraIssue', { cloudId, projectKey: 'ENG', issueTypeName: 'Bug', summary: 'Search page ignores filters' });
    expect(byAna.key).toBe('OPS-4');
    expect(site.issue(byAna.key)).toMatchObject({ id: byAna.id, summary: 'Renew the wildcard certificate', description: 'Expires in March.', status: 'To Do', reporterId: site.account(ANA)?.accountId });
    expect(site.issue(byBen.key)?.reporterId).toBe(site.account(BEN)?.accountId);
    const found = await ok<{ issues: IssueJson[] }>(ana, 'searchJiraIssuesUsingJql', { cloudId, jql: 'project = OPS ORDER BY created DESC', maxResults: 1 });
    expect(found.issues[0]).toMatchObject({ key: 'OPS-4', fields: { reporter: { accountId: site.account(ANA)?.accountId } } });
    const badProject = await call(ana, 'createJiraIssue', { cloudId, projectKey: 'NOPE', issueTypeName: 'Task', summary: 'x' });
    expect(badProject.isError).toBe(true);
    expect(text(badProject)).toContain('valid project is required');
  });

  it('edits, transitions, comments on and deletes an issue, and the site changes each time', async () => {
    const { site, cloudId } = await start();
    const client = await connect(site.issueToken(BEN));
    const benId = site.account(BEN)?.accountId;

    await ok(client, 'editJiraIssue', { cloudId, issueIdOrKey: 'OPS-2', fields: { summary: 'Laptops for the April starters', assignee: { accountId: benId } } });
    expect(site.issue('OPS-2')).toMatchObject({ summary: 'Laptops for the April starters', assigneeId: benId });
    const refused = await call(client, 'editJiraIssue', { cloudId, issueIdOrKey: 'OPS-2', fields: { priority: { name: 'High' } } });
    expect(refused.isError).toBe(true);
    expect(text(refused)).toContain("Field 'priority' cannot be set.");

    expect((await ok<IssueJson>(client, 'transitionJiraIssue', { cloudId, issueIdOrKey: 'OPS-2', transition: { id: '21' } })).fields.status?.name).toBe('In Progress');
    expect(site.issue('OPS-2')?.status).toBe('In Progress');
    await ok(client, 'transitionJiraIssue', { cloudId, issueIdOrKey: 'OPS-2', transition: { id: '31' } });
    expect(site.issue('OPS-2')?.status).toBe('Done');
    const again = await call(client, 'transitionJiraIssue', { cloudId, issueIdOrKey: 'OPS-2', transition: { id: '31' } });
    expect(again.isError).toBe(true);
    expect(text(again)).toBe("Transition id '31' is not valid for this issue.");
    const open = await ok<{ issues: IssueJson[] }>(client, 'searchJiraIssuesUsingJql', { cloudId, jql: 'project = OPS AND statusCategory != Done' });
    expect(open.issues.map((issue) => issue.key)).toEqual(['OPS-1']);

    await ok(client, 'addCommentToJiraIssue', { cloudId, issueIdOrKey: 'OPS-2', commentBody: 'Imaged and handed over.' });
    expect(site.issue('OPS-2')?.comments.at(-1)).toMatchObject({ body: 'Imaged and handed over.', authorId: benId });
    const withComment = await ok<IssueJson>(client, 'getJiraIssue', { cloudId, issueIdOrKey: 'OPS-2' });
    expect(withComment.fields.comment?.comments.at(-1)).toMatchObject({ body: 'Imaged and handed over.', author: { emailAddress: BEN } });

    expect(await ok(client, 'deleteJiraIssue', { cloudId, issueIdOrKey: 'OPS-2' })).toEqual({ key: 'OPS-2', deleted: true });
    expect(site.issue('OPS-2')).toBeUndefined();
    const gone = await call(client, 'getJiraIssue', { cloudId, issueIdOrKey: 'OPS-2' });
    expect(gone.isError).toBe(true);
    expect(text(gone)).toBe('Issue does not exist or you do not have permission to see it.');
    expect((await ok<{ issues: IssueJson[] }>(client, 'searchJiraIssuesUsingJql', { cloudId, jql: 'project = OPS' })).issues.map((issue) => issue.key)).not.toContain('OPS-2');
    expect(simulator.calls.filter((record) => record.mcp?.tool === 'deleteJiraIssue').map((record) => record.mcp)).toEqual([{ method: 'tools/call', tool: 'deleteJiraIssue' }]);
  });

  it('answers an issue that never existed with a tool error', async () => {
    const { site, cloudId } = await start();
    const client = await connect(site.issueToken(ANA));
    for (const name of ['getJiraIssue', 'deleteJiraIssue']) {
      const result = await call(client, name, { cloudId, issueIdOrKey: 'OPS-999' });
      expect(result.isError).toBe(true);
      expect(text(result)).toBe('Issue does not exist or you do not have permission to see it.');
    }
    expect(site.issues.size).toBe(5);
  });
});

describe('Atlassian MCP server: Confluence', () => {
  it('gets, creates and updates pages; each update is the next version, by the caller', async () => {
    const { site, cloudId } = await start();
    const ana = await connect(site.issueToken(ANA));
    const ben = await connect(site.issueToken(BEN));
    const seeded = [...site.pages.values()].find((page) => page.title === 'Onboarding checklist');
    const space = site.spaceByKey('IT');
    if (!seeded || !space) throw new Error('fixture');

    expect(await ok(ana, 'getConfluencePage', { cloudId, pageId: seeded.id })).toMatchObject({ id: seeded.id, title: 'Onboarding checklist', spaceId: space.id, version: { number: 1 } });
    const created = await ok<{ id: string; version: { number: number } }>(ana, 'createConfluencePage', { cloudId, spaceId: space.id, title: 'VPN how-to', body: 'Connect with the client.', parentId: seeded.id });
    expect(created.version.number).toBe(1);
    expect(site.pages.get(created.id)).toMatchObject({ title: 'VPN how-to', parentId: seeded.id, authorId: site.account(ANA)?.accountId });

    expect(await ok(ben, 'updateConfluencePage', { cloudId, pageId: created.id, body: 'Connect with the client, then sign in.', versionMessage: 'sign-in step' })).toMatchObject({ version: { number: 2, message: 'sign-in step', authorId: site.account(BEN)?.accountId } });
    await ok(ana, 'updateConfluencePage', { cloudId, pageId: created.id, body: 'Final.', title: 'VPN: how to connect' });
    expect(site.pages.get(created.id)).toMatchObject({ title: 'VPN: how to connect', body: 'Final.', version: { number: 3 } });
    expect(await ok(ben, 'getConfluencePage', { cloudId, pageId: created.id })).toMatchObject({ body: 'Final.', version: { number: 3 } });

    const duplicate = await call(ana, 'createConfluencePage', { cloudId, spaceId: space.id, title: 'Onboarding checklist', body: 'again' });
    expect(duplicate.isError).toBe(true);
    expect(text(duplicate)).toContain('A page with this title already exists');
    const missing = await call(ana, 'getConfluencePage', { cloudId, pageId: '424242' });
    expect(missing.isError).toBe(true);
    expect(text(missing)).toBe('No content found with id: ContentId{id=424242}');
  });
});

describe('Atlassian MCP server: faults and the call record', () => {
  it('answers an injected 429 with Retry-After before applying anything, then serves the next call', async () => {
    const { site, cloudId } = await start();
    const client = await connect(site.issueToken(ANA));
    // POST only: the SDK client's optional GET for an SSE stream may reach /mcp after connect() returns.
    simulator.failNext({ vendor: 'atlassian', method: 'POST', status: 429, retryAfterSeconds: 2 });
    await expect(call(client, 'createJiraIssue', { cloudId, projectKey: 'OPS', issueTypeName: 'Task', summary: 'Never made' })).rejects.toSatisfy((error) => error instanceof StreamableHTTPError && error.code === 429);
    expect([...site.issues.values()].map((issue) => issue.summary)).not.toContain('Never made');
    expect(simulator.calls.at(-1)).toMatchObject({ vendor: 'atlassian', status: 429, outcome: 'fault' });
    expect((await ok<{ key: string }>(client, 'createJiraIssue', { cloudId, projectKey: 'OPS', issueTypeName: 'Task', summary: 'Made' })).key).toBe('OPS-4');
  });

  it('applies a call whose answer it then loses (504), so the caller cannot tell it worked', async () => {
    const { site, cloudId } = await start();
    const client = await connect(site.issueToken(ANA));
    simulator.failNext({ vendor: 'atlassian', method: 'POST', lostResponse: true });
    await expect(call(client, 'deleteJiraIssue', { cloudId, issueIdOrKey: 'OPS-3' })).rejects.toSatisfy((error) => error instanceof StreamableHTTPError && error.code === 504);
    expect(site.issue('OPS-3')).toBeUndefined();
    expect(simulator.calls.at(-1)).toMatchObject({ status: 504, outcome: 'lost_response', mcp: { tool: 'deleteJiraIssue' } });
  });

  it('leaves the next MCP request unanswered until the client gives up, then answers the one after', async () => {
    const { site, cloudId } = await start();
    const client = await connect(site.issueToken(ANA));
    simulator.hangNext({ vendor: 'atlassian', method: 'POST' });
    const started = Date.now();
    await expect(client.callTool({ name: 'getJiraIssue', arguments: { cloudId, issueIdOrKey: 'OPS-1' } }, undefined, { timeout: 300 })).rejects.toThrow(/timed out/i);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(simulator.calls.at(-1)).toMatchObject({ vendor: 'atlassian', outcome: 'hang', status: 0 });
    expect((await ok<IssueJson>(client, 'getJiraIssue', { cloudId, issueIdOrKey: 'OPS-1' })).key).toBe('OPS-1');
  });

  it('records every MCP exchange with its JSON-RPC method and tool, and keeps GET to 405', async () => {
    const { site, cloudId } = await start();
    const client = await connect(site.issueToken(ANA));
    await ok(client, 'getJiraIssue', { cloudId, issueIdOrKey: 'OPS-1' });
    const records = simulator.calls.filter((record) => record.vendor === 'atlassian');
    expect(records.filter((record) => record.method === 'POST').map((record) => [record.status, record.mcp?.method, record.mcp?.tool])).toEqual([
      [200, 'initialize', undefined],
      [202, 'notifications/initialized', undefined],
      [200, 'tools/call', 'getJiraIssue'],
    ]);
    // The SDK client asks for its optional SSE stream with a GET; a JSON-only server answers 405.
    expect(records.filter((record) => record.method === 'GET').map((record) => record.status)).toEqual([405]);
  });
});
