/**
 * The whole sign-in, end to end, through the Forge web trigger handler: the official MCP SDK
 * client with its OAuth client provider (`SimulatedAiClient`, whose browser follows redirects)
 * talks to a loopback "Forge edge" that turns each HTTP request into the web trigger's documented
 * event (https://developer.atlassian.com/platform/forge/runtime-reference/web-trigger) under a
 * base URL with a path, as a real trigger URL has (`/x1/<id>`); the handler runs over the fake
 * Forge platform (KVS, secret storage, Jira); Atlassian's authorization server and remote MCP
 * server are the IdP simulator's (shaped on captures of the real ones; see its README).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { initializeClearway, saveAgentPolicy } from '@clearway/core';
import { IdpSimulator, SimulatedAiClient, SignInRefused, connectSignedIn } from '@clearway/idp-simulator';
import { refreshAuthorization } from '@modelcontextprotocol/sdk/client/auth.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp, type ClearwayApp } from '../composition/app';
import { fakeForge, installForgeRuntime } from '../test-support/fake-forge/index';
import { makeGatewayWebTrigger } from './gateway-web-trigger';

const ANA = { accountId: '712020:ana', name: 'Ana Alvarez', email: 'ana.alvarez@example.com' };
const BEN = { accountId: '712020:ben', name: 'Ben Baker', email: 'ben.baker@example.com' };
const ADMIN = { accountId: '712020:admin', isAdmin: true };
const TRIGGER_PATH = '/x1/Zm9yZ2UtdHJpZ2dlci1pZA';

/** A loopback stand-in for Forge's web trigger edge: HTTP in, the documented event to the handler, its answer out. */
async function forgeEdge(handler: (event: unknown) => Promise<{ statusCode: number; headers?: Record<string, string[]>; body?: string }>): Promise<{ server: Server; base: string }> {
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://edge');
      const headers: Record<string, string[]> = {};
      for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) (headers[req.rawHeaders[i]!.toLowerCase()] ??= []).push(req.rawHeaders[i + 1]!);
      const queryParameters: Record<string, string[]> = {};
      for (const [key, value] of url.searchParams) (queryParameters[key] ??= []).push(value);
      const body = Buffer.concat(chunks).toString('utf8');
      void handler({
        method: req.method ?? 'GET',
        path: url.pathname,
        userPath: url.pathname.startsWith(TRIGGER_PATH) ? url.pathname.slice(TRIGGER_PATH.length) : url.pathname,
        headers,
        queryParameters,
        ...(body !== '' && { body }),
      }).then((answer) => {
        for (const [name, values] of Object.entries(answer.headers ?? {})) res.setHeader(name, values);
        res.writeHead(answer.statusCode).end(answer.body ?? '');
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}${TRIGGER_PATH}` };
}

describe('gateway sign-in through the Forge web trigger, with the MCP SDK client and the simulated Atlassian', () => {
  let simulator: IdpSimulator;
  let edge: { server: Server; base: string };
  let app: ClearwayApp;
  let uninstall: () => void;

  beforeAll(async () => {
    uninstall = installForgeRuntime();
    simulator = await IdpSimulator.start({
      seed: { atlassian: { accounts: [{ accountId: ANA.accountId, name: ANA.name, email: ANA.email }, { accountId: BEN.accountId, name: BEN.name, email: BEN.email }], projects: [{ key: 'OPS' }], issues: [{ project: 'OPS', summary: 'Rotate the VPN certificate' }] } },
    });
    let base = '';
    app = createApp({ gatewayUpstream: { mcpUrl: `${simulator.url}/v1/mcp` }, gatewayBaseUrl: () => Promise.resolve(base) });
    edge = await forgeEdge(makeGatewayWebTrigger(() => app));
    base = edge.base;
  }, 60_000);

  // The fake platform starts empty for every test (test-support/setup.ts): the site's people and the policy, each time.
  beforeEach(async () => {
    const jira = fakeForge().jira;
    jira.addUser({ accountId: ANA.accountId, displayName: ANA.name, groups: ['engineering'] });
    jira.addUser({ accountId: BEN.accountId, displayName: BEN.name, groups: ['contractors'] });
    await initializeClearway(app.deps);
    await saveAgentPolicy({ ...app.deps, groups: app.gateway.groups }, ADMIN, {
      rules: { defaultEffect: 'deny', rules: [{ group: 'engineering', operation: '*JiraIssue*', effect: 'allow', note: 'engineering works on Jira through AI' }] },
    });
  });

  afterAll(async () => {
    await (await app.gateway.host()).close();
    edge.server.closeAllConnections();
    await new Promise((resolve) => edge.server.close(resolve));
    await simulator.stop();
    uninstall();
  });

  it('discovers, registers, signs in with Atlassian through /callback, calls as the user, refreshes, and disconnects with the Atlassian tokens revoked', async () => {
    const host = await app.gateway.host();
    expect((await host.connections.status()).callbackVerifiedAt).toBeUndefined();
    simulator.atlassian!.signInAs(ANA.accountId);
    const provider = new SimulatedAiClient('claude');
    const client = await connectSignedIn(new URL(`${edge.base}/mcp`), provider);
    expect(provider.visited.map((url) => url.replace(edge.base, 'clearway').replace(simulator.url, 'atlassian'))).toEqual(['clearway/authorize', 'atlassian/v1/authorize', 'clearway/callback', provider.redirectUrl]);

    const tools = (await client.listTools()).tools.map((tool) => tool.name);
    expect(tools).toContain('getJiraIssue');
    expect(tools).not.toContain('getConfluencePage');
    const issue = await client.callTool({ name: 'getJiraIssue', arguments: { cloudId: simulator.atlassian!.cloudId, issueIdOrKey: 'OPS-1' } });
    expect(JSON.stringify(issue.content)).toContain('Rotate the VPN certificate');
    await client.close();

    // Getting Started's Rovo card turns to Allowed, and My Access lists the connection, with no token in it.
    expect((await host.connections.status()).callbackVerifiedAt).toBeTypeOf('number');
    const [connection] = await host.connections.listForAccount(ANA.accountId);
    expect(connection).toMatchObject({ accountId: ANA.accountId, name: ANA.name, client: 'claude' });
    const tokens = provider.tokens()!;
    expect(JSON.stringify(connection)).not.toContain(tokens.access_token);

    // Forge storage holds Clearway's tokens only as digests.
    const stored = fakeForge().kvs.snapshot();
    expect(stored).not.toContain(tokens.access_token);
    expect(stored).not.toContain(tokens.refresh_token!);

    // Clearway's refresh (SDK client function, metadata from the web trigger): the old refresh token is refused after.
    const metadata = { issuer: edge.base, authorization_endpoint: `${edge.base}/authorize`, token_endpoint: `${edge.base}/token`, response_types_supported: ['code'] };
    const refreshed = await refreshAuthorization(edge.base, { metadata, clientInformation: provider.clientInformation()!, refreshToken: tokens.refresh_token!, resource: `${edge.base}/mcp` });
    expect(refreshed.access_token).not.toBe(tokens.access_token);
    await expect(refreshAuthorization(edge.base, { metadata, clientInformation: provider.clientInformation()!, refreshToken: tokens.refresh_token!, resource: `${edge.base}/mcp` })).rejects.toThrow(/refresh token/i);

    // Disconnect: Clearway's token stops working and Atlassian's are revoked (RFC 7009), recorded on the chain.
    await host.connections.disconnect(connection!.id, { accountId: ANA.accountId, role: 'user' });
    const after = await fetch(`${edge.base}/mcp`, { method: 'POST', headers: { authorization: `Bearer ${refreshed.access_token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: '{"jsonrpc":"2.0","id":1,"method":"tools/list"}' });
    expect(after.status).toBe(401);
    expect(after.headers.get('www-authenticate')).toContain(`resource_metadata="${edge.base}/.well-known/oauth-protected-resource"`);
    expect(simulator.atlassian!.oauth.revocations(ANA.accountId).length).toBeGreaterThan(0);
    expect(simulator.atlassian!.oauth.activeTokens(ANA.accountId)).toEqual({ accessTokens: 0, refreshTokens: 0 });
  }, 60_000);

  it('one Atlassian grant per person, shared by their AI clients: disconnecting one keeps the other working; the last one revokes it', async () => {
    const host = await app.gateway.host();
    const site = simulator.atlassian!;
    const call = (client: Awaited<ReturnType<typeof connectSignedIn>>) => client.callTool({ name: 'getJiraIssue', arguments: { cloudId: site.cloudId, issueIdOrKey: 'OPS-1' } });
    site.signInAs(ANA.accountId);
    const claude = await connectSignedIn(new URL(`${edge.base}/mcp`), new SimulatedAiClient('claude'));
    const cursor = await connectSignedIn(new URL(`${edge.base}/mcp`), new SimulatedAiClient('cursor'));
    // Cursor's sign-in superseded the grant Claude's brought; Claude now calls with the new one.
    const revokedBefore = site.oauth.revocations(ANA.accountId).length;
    expect((await call(claude)).isError).not.toBe(true);
    const connections = await host.connections.listForAccount(ANA.accountId);
    expect(connections.map((connection) => connection.client).sort()).toEqual(['claude', 'cursor']);
    await host.connections.disconnect(connections.find((connection) => connection.client === 'claude')!.id, { accountId: ANA.accountId, role: 'user' });
    expect((await call(cursor)).isError).not.toBe(true);
    expect(site.oauth.revocations(ANA.accountId)).toHaveLength(revokedBefore);
    await host.connections.disconnect(connections.find((connection) => connection.client === 'cursor')!.id, { accountId: ANA.accountId, role: 'user' });
    expect(site.oauth.revocations(ANA.accountId).length).toBeGreaterThan(revokedBefore);
    expect(site.oauth.activeTokens(ANA.accountId)).toEqual({ accessTokens: 0, refreshTokens: 0 });
    await Promise.all([claude.close(), cursor.close()]);
  }, 60_000);

  it('refuses: consent declined at Atlassian comes back to the client as access_denied, and nothing is connected', async () => {
    simulator.atlassian!.signInAs(BEN.accountId);
    simulator.atlassian!.denyNextConsent();
    const refused = await connectSignedIn(new URL(`${edge.base}/mcp`), new SimulatedAiClient('cursor')).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(SignInRefused);
    expect((refused as SignInRefused).error).toBe('access_denied');
    expect(await (await app.gateway.host()).connections.listForAccount(BEN.accountId)).toEqual([]);
  }, 60_000);

  it('groups come from Jira: a contractor signed in through the trigger is refused by the default deny', async () => {
    simulator.atlassian!.signInAs(BEN.accountId);
    const client = await connectSignedIn(new URL(`${edge.base}/mcp`), new SimulatedAiClient('claude'));
    expect((await client.listTools()).tools).toEqual([]);
    await expect(client.callTool({ name: 'getJiraIssue', arguments: { cloudId: simulator.atlassian!.cloudId, issueIdOrKey: 'OPS-1' } })).rejects.toThrow('Blocked by the default decision (deny) of agent policy v1.');
    await client.close();
  }, 60_000);
});
