/**
 * The simulated Atlassian authorization server, driven by the MCP SDK's own OAuth client
 * (`@modelcontextprotocol/sdk/client/auth.js`: discovery, registration, authorization, exchange,
 * refresh, and `StreamableHTTPClientTransport` with an `authProvider`), as a gateway signing its
 * users in to Atlassian's remote MCP server would drive the real one.
 * - Discovery: a 401 naming `resource_metadata` (RFC 9728 §5.1), protected-resource metadata at the
 *   path-suffixed well-known URI (RFC 9728 §3.1), authorization-server metadata (RFC 8414) — the
 *   chain the MCP specification prescribes
 *   (https://modelcontextprotocol.io/specification/2025-06-18/basic/authorization#authorization-server-location).
 * - Atlassian's endpoints and answers: `/v1/authorize`, `/v1/token`, `/v1/register` on the MCP
 *   origin, revocation at the token endpoint (captured metadata: https://docs.hvitoi.com/iam/oauth/oauth2.1/,
 *   github.com/BerriAI/litellm/issues/42678); `expires_in: 3300`, `token_type: "bearer"`, a new
 *   refresh token on each refresh, 401 `{"error":"invalid_token","error_description":"Invalid access token"}`
 *   with `WWW-Authenticate: Bearer realm="OAuth", error="invalid_token"`
 *   (github.com/bitovi/cascade-mcp, specs/atlassian-mcp-analysis/analysis.md).
 * - Refusals: RFC 6749 §4.1.2.1 (never redirect to an unverified redirect URI; otherwise redirect
 *   with `error` and `state`), §5.2 (token errors, 401 `invalid_client`), §10.5 (a reused code
 *   revokes its tokens); RFC 7636 (PKCE S256; the MCP specification requires it:
 *   https://modelcontextprotocol.io/specification/2025-06-18/basic/authorization#authorization-code-protection);
 *   RFC 7591 §3.2.2 (`invalid_redirect_uri`, `invalid_client_metadata`); RFC 7009 §2.2 (200 for any
 *   token); RFC 8707 (tokens bound to the resource asked for). Error descriptions are those of
 *   Cloudflare's workers-oauth-provider, Atlassian's first OAuth front
 *   (github.com/cloudflare/workers-oauth-provider, src/oauth-provider.ts).
 */
import {
  UnauthorizedError,
  discoverOAuthServerInfo,
  exchangeAuthorization,
  refreshAuthorization,
  registerClient,
  startAuthorization,
  type OAuthClientProvider,
} from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { InvalidClientError, InvalidClientMetadataError, InvalidGrantError, InvalidTargetError, ServerError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import type { AuthorizationServerMetadata, OAuthClientInformationFull, OAuthClientInformationMixed, OAuthClientMetadata, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import { CallToolResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import type { AtlassianSite } from './atlassian-site.js';
import { IdpSimulator } from './server.js';
import type { AtlassianSeed } from './seed.js';

const ANA = 'ana.alvarez@example.com';
const BEN = 'ben.baker@example.com';
/** Where the client wants the browser back; never contacted — the tests read the redirect. */
const REDIRECT = 'http://127.0.0.1:8976/callback';

const PUBLIC_CLIENT: OAuthClientMetadata = { client_name: 'Clearway', redirect_uris: [REDIRECT], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], token_endpoint_auth_method: 'none' };

let simulator: IdpSimulator | undefined;
const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await simulator?.stop();
  simulator = undefined;
});

async function start(atlassian: AtlassianSeed = {}): Promise<{ site: AtlassianSite; origin: string; mcpUrl: string }> {
  simulator = await IdpSimulator.start({ seed: { atlassian } });
  const site = simulator.atlassian;
  if (!site) throw new Error('the simulator did not build the Atlassian site');
  return { site, origin: simulator.url, mcpUrl: `${simulator.url}/v1/mcp` };
}

interface Registered {
  readonly server: string;
  readonly metadata: AuthorizationServerMetadata;
  readonly client: OAuthClientInformationFull;
  readonly resource: URL;
}

/** Discovery from the MCP URL, then dynamic registration, as the SDK's `auth()` does them. */
async function discoverAndRegister(mcpUrl: string, clientMetadata: OAuthClientMetadata = PUBLIC_CLIENT): Promise<Registered> {
  const info = await discoverOAuthServerInfo(mcpUrl);
  const metadata = info.authorizationServerMetadata;
  const resource = info.resourceMetadata?.resource;
  if (!metadata || resource === undefined) throw new Error('discovery found no authorization server');
  const client = await registerClient(info.authorizationServerUrl, { metadata, clientMetadata });
  return { server: info.authorizationServerUrl, metadata, client, resource: new URL(resource) };
}

/** The browser at the authorization endpoint: it follows no redirect, so the test sees where it would go. */
const visit = (url: URL | string) => fetch(url, { redirect: 'manual' });

/** The query the authorization endpoint redirected back to the client with. */
function callback(response: Response): URLSearchParams {
  expect(response.status).toBe(302);
  const location = new URL(response.headers.get('location') ?? 'about:blank');
  expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
  return location.searchParams;
}

async function authorizeUrl(registered: Registered, state = 'state-123'): Promise<{ url: URL; codeVerifier: string }> {
  const { authorizationUrl, codeVerifier } = await startAuthorization(registered.server, { metadata: registered.metadata, clientInformation: registered.client, redirectUrl: REDIRECT, state, resource: registered.resource });
  return { url: authorizationUrl, codeVerifier };
}

async function codeFor(registered: Registered): Promise<{ code: string; codeVerifier: string }> {
  const { url, codeVerifier } = await authorizeUrl(registered);
  const code = callback(await visit(url)).get('code');
  if (code === null) throw new Error('no code in the redirect');
  return { code, codeVerifier };
}

function exchange(registered: Registered, code: string, codeVerifier: string, clientInformation: OAuthClientInformationMixed = registered.client): Promise<OAuthTokens> {
  return exchangeAuthorization(registered.server, { metadata: registered.metadata, clientInformation, authorizationCode: code, codeVerifier, redirectUri: REDIRECT, resource: registered.resource });
}

function refresh(registered: Registered, refreshToken: string): Promise<OAuthTokens> {
  return refreshAuthorization(registered.server, { metadata: registered.metadata, clientInformation: registered.client, refreshToken, resource: registered.resource });
}

/** Registration, sign-in as `account` and the code exchange: the tokens a client holds afterwards. */
async function signIn(site: AtlassianSite, mcpUrl: string, account = ANA, clientMetadata: OAuthClientMetadata = PUBLIC_CLIENT): Promise<{ registered: Registered; tokens: OAuthTokens }> {
  const registered = await discoverAndRegister(mcpUrl, clientMetadata);
  site.signInAs(account);
  const { code, codeVerifier } = await codeFor(registered);
  return { registered, tokens: await exchange(registered, code, codeVerifier) };
}

const INITIALIZE = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } });

/** One raw MCP `initialize` with a bearer token. */
const mcpCall = (url: string, token?: string) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...(token !== undefined && { authorization: `Bearer ${token}` }) }, body: INITIALIZE });

/** A token-endpoint request as a client without the SDK sends it. */
const tokenEndpoint = (origin: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
  fetch(`${origin}/v1/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(fields).toString() });

const register = (origin: string, body: unknown) => fetch(`${origin}/v1/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });

async function userInfo(client: Client): Promise<{ email: string; account_id: string }> {
  const result = CallToolResultSchema.parse(await client.callTool({ name: 'atlassianUserInfo', arguments: {} }));
  const [first] = result.content;
  if (first?.type !== 'text') throw new Error('expected a text answer');
  return JSON.parse(first.text) as { email: string; account_id: string };
}

describe('Atlassian OAuth: discovery', () => {
  it("answers the MCP endpoint's 401 with resource_metadata, and the documents lead the SDK to Atlassian's endpoints", async () => {
    const { origin, mcpUrl } = await start();
    const unauthorized = await mcpCall(mcpUrl);
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.headers.get('www-authenticate')).toBe(`Bearer realm="OAuth", resource_metadata="${origin}/.well-known/oauth-protected-resource/v1/mcp"`);
    expect(await unauthorized.text()).toBe('');

    const info = await discoverOAuthServerInfo(mcpUrl);
    expect(info.resourceMetadata).toEqual({ resource: `${origin}/v1/mcp`, authorization_servers: [origin], bearer_methods_supported: ['header'] });
    expect(info.authorizationServerUrl).toBe(origin);
    expect(info.authorizationServerMetadata).toMatchObject({
      issuer: origin,
      authorization_endpoint: `${origin}/v1/authorize`,
      token_endpoint: `${origin}/v1/token`,
      registration_endpoint: `${origin}/v1/register`,
      revocation_endpoint: `${origin}/v1/token`,
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
      code_challenge_methods_supported: ['S256'],
    });
    expect((await discoverOAuthServerInfo(`${origin}/mcp`)).resourceMetadata?.resource).toBe(`${origin}/mcp`);
    expect(await (await fetch(`${origin}/.well-known/oauth-protected-resource`)).json()).toMatchObject({ resource: `${origin}/v1/mcp` });
    // Atlassian advertises revocation at the token endpoint; there is no /v1/revoke to lean on.
    expect((await fetch(`${origin}/v1/revoke`, { method: 'POST' })).status).toBe(404);
    expect(simulator?.calls.filter((call) => call.oauth).map((call) => [call.vendor, call.oauth?.endpoint])).toContainEqual(['atlassian', 'authorization_server_metadata']);
  });
});

describe('Atlassian OAuth: registration (RFC 7591)', () => {
  it('registers a public client without a secret and a confidential one with one, echoing their metadata', async () => {
    const { site, mcpUrl } = await start();
    const before = Math.floor(Date.now() / 1000);
    const open = (await discoverAndRegister(mcpUrl)).client;
    expect(open).toMatchObject({ client_name: 'Clearway', redirect_uris: [REDIRECT], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], token_endpoint_auth_method: 'none' });
    expect(open.client_id).toMatch(/^[A-Za-z0-9]{16}$/);
    expect(open.client_secret).toBeUndefined();
    expect(open.client_id_issued_at).toBeGreaterThanOrEqual(before);

    const confidential = (await discoverAndRegister(mcpUrl, { ...PUBLIC_CLIENT, client_name: 'Back office', token_endpoint_auth_method: 'client_secret_post' })).client;
    expect(confidential.client_secret).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(confidential.client_secret_expires_at).toBe(0);
    expect(site.oauth.clients().map((client) => [client.clientName, client.tokenEndpointAuthMethod])).toEqual([['Clearway', 'none'], ['Back office', 'client_secret_post']]);
    expect(site.oauth.clients().every((client) => !('clientSecret' in client))).toBe(true);
  });

  it('refuses registrations without usable redirect URIs, or asking for what it does not support', async () => {
    const { site, origin, mcpUrl } = await start();
    const refusal = async (body: unknown) => {
      const response = await register(origin, body);
      return [response.status, ((await response.json()) as { error: string }).error];
    };
    expect(await refusal({ client_name: 'x' })).toEqual([400, 'invalid_redirect_uri']);
    expect(await refusal({ redirect_uris: [] })).toEqual([400, 'invalid_redirect_uri']);
    expect(await refusal({ redirect_uris: ['/callback'] })).toEqual([400, 'invalid_redirect_uri']);
    expect(await refusal({ redirect_uris: ['javascript:alert(1)'] })).toEqual([400, 'invalid_redirect_uri']);
    expect(await refusal({ redirect_uris: ['https://app.example.com/cb#here'] })).toEqual([400, 'invalid_redirect_uri']);
    expect(await refusal({ redirect_uris: 'https://app.example.com/cb' })).toEqual([400, 'invalid_redirect_uri']);
    expect(await refusal({ redirect_uris: [REDIRECT], token_endpoint_auth_method: 'private_key_jwt' })).toEqual([400, 'invalid_client_metadata']);
    expect(await refusal('not json')).toEqual([400, 'invalid_request']);
    await expect(discoverAndRegister(mcpUrl, { ...PUBLIC_CLIENT, grant_types: ['client_credentials'] })).rejects.toSatisfy((error) => error instanceof InvalidClientMetadataError && error.message === 'Unsupported grant_type: client_credentials');
    expect(site.oauth.clients()).toEqual([]);
  });
});

describe('Atlassian OAuth: signing in', () => {
  it('signs in with the SDK functions: code with state and iss, tokens shaped like Atlassian’s, a working bearer, rotating refresh tokens', async () => {
    const { site, origin, mcpUrl } = await start();
    const registered = await discoverAndRegister(mcpUrl);
    site.signInAs(ANA);
    const { url, codeVerifier } = await authorizeUrl(registered, 'xyz');
    const back = callback(await visit(url));
    expect(back.get('state')).toBe('xyz');
    expect(back.get('iss')).toBe(origin);
    const tokens = await exchange(registered, back.get('code') ?? '', codeVerifier);
    const anaId = site.account(ANA)?.accountId ?? '';
    expect(tokens).toMatchObject({ token_type: 'bearer', expires_in: 3300, scope: 'read:jira-work write:jira-work offline_access' });
    expect(tokens.access_token.startsWith(`${encodeURIComponent(anaId)}:`)).toBe(true);
    expect((await mcpCall(mcpUrl, tokens.access_token)).status).toBe(200);
    expect(site.accountForToken(tokens.access_token)?.emailAddress).toBe(ANA);

    const first = tokens.refresh_token ?? '';
    const next = await refresh(registered, first);
    expect(next.refresh_token).not.toBe(first);
    expect((await mcpCall(mcpUrl, next.access_token)).status).toBe(200);
    await expect(refresh(registered, first)).rejects.toSatisfy((error) => error instanceof InvalidGrantError && error.message === 'Invalid refresh token');
    expect((await refresh(registered, next.refresh_token ?? '')).access_token).not.toBe(next.access_token);
    expect(site.oauth.issuances(ANA).map((issuance) => issuance.grantType)).toEqual(['authorization_code', 'refresh_token', 'refresh_token']);
    // Earlier access tokens live out their time, as the provider leaves them; one refresh token stays.
    expect(site.oauth.activeTokens(ANA)).toEqual({ accessTokens: 3, refreshTokens: 1 });
  });

  it('signs in an SDK Client through its authProvider, calls atlassianUserInfo on /v1/mcp, and refreshes when the token expires', async () => {
    const { site, mcpUrl } = await start();
    const browser = new BrowserProvider();
    site.signInAs(BEN);
    const transport = new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: browser });
    const first = new Client({ name: 'oauth-test', version: '1.0.0' });
    await expect(first.connect(transport)).rejects.toThrow(UnauthorizedError);
    expect(browser.code).toBeDefined();
    await transport.finishAuth(browser.code ?? '');
    await first.close();

    const client = new Client({ name: 'oauth-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: browser }));
    clients.push(client);
    expect(await userInfo(client)).toMatchObject({ email: BEN, account_id: site.account(BEN)?.accountId });
    // The SDK followed the 401's resource_metadata to the path-suffixed document.
    expect(simulator?.calls.map((call) => call.path)).toContain('/.well-known/oauth-protected-resource/v1/mcp');

    site.advanceTime(3300);
    expect(await userInfo(client)).toMatchObject({ email: BEN });
    expect(site.oauth.issuances(BEN).map((issuance) => issuance.grantType)).toEqual(['authorization_code', 'refresh_token']);
    expect(simulator?.calls.filter((call) => call.oauth?.endpoint === 'token').map((call) => [call.status, call.oauth?.grantType])).toEqual([[200, 'authorization_code'], [200, 'refresh_token']]);
    // The provider holds the refreshed tokens: the access token it would send next is Ben's and live.
    expect(site.accountForToken(browser.saved?.access_token ?? '')?.emailAddress).toBe(BEN);
  });

  it('shows a sign-in page when the browser has no session; each account on it signs in as that account', async () => {
    const { site, origin, mcpUrl } = await start();
    const registered = await discoverAndRegister(mcpUrl);
    const { url, codeVerifier } = await authorizeUrl(registered);
    const chooser = await visit(url);
    expect(chooser.status).toBe(200);
    expect(chooser.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await chooser.text();
    expect(html).toContain('Clearway wants to access your Atlassian account');
    const links = [...html.matchAll(/<a href="([^"]+)">([^<]+)<\/a>/g)].map(([, href = '', label = '']) => ({ href: href.replace(/&#38;/g, '&'), label }));
    expect(links.map((link) => link.label)).toEqual(['Ana Alvarez (ana.alvarez@example.com)', 'Ben Baker (ben.baker@example.com)', 'Chloe Chen (chloe.chen@example.com)']);
    const ben = links.find((link) => link.label.includes(BEN));
    const code = callback(await visit(`${origin}${ben?.href ?? ''}`)).get('code') ?? '';
    const tokens = await exchange(registered, code, codeVerifier);
    expect(site.accountForToken(tokens.access_token)?.emailAddress).toBe(BEN);

    const unknownHint = new URL(url);
    unknownHint.searchParams.set('login_hint', 'nobody@example.com');
    const again = await visit(unknownHint);
    expect(again.status).toBe(200);
    expect(await again.text()).toContain('No account on this site matches nobody@example.com');
  });

  it('redirects a denied consent and a deactivated account with access_denied and the state', async () => {
    const { site, mcpUrl } = await start({ accounts: [{ name: 'Ana Alvarez', email: ANA }, { name: 'Dora Dormant', email: 'dora@example.com', active: false }] });
    const registered = await discoverAndRegister(mcpUrl);
    site.signInAs(ANA);
    site.denyNextConsent();
    const denied = callback(await visit((await authorizeUrl(registered, 's1')).url));
    expect([denied.get('error'), denied.get('state'), denied.get('code')]).toEqual(['access_denied', 's1', null]);
    expect(callback(await visit((await authorizeUrl(registered)).url)).get('code')).not.toBeNull();

    site.signInAs('dora@example.com');
    const inactive = callback(await visit((await authorizeUrl(registered, 's2')).url));
    expect([inactive.get('error'), inactive.get('state')]).toEqual(['access_denied', 's2']);
  });

  it('never redirects for a client or redirect URI it cannot verify: it shows a 400 page', async () => {
    const { site, mcpUrl } = await start();
    const registered = await discoverAndRegister(mcpUrl);
    site.signInAs(ANA);
    const { url } = await authorizeUrl(registered);
    const altered = (name: string, value: string | undefined) => {
      const next = new URL(url);
      if (value === undefined) next.searchParams.delete(name);
      else next.searchParams.set(name, value);
      return next;
    };
    for (const bad of [altered('client_id', 'notARegisteredId'), altered('client_id', undefined), altered('redirect_uri', 'https://attacker.example.com/callback'), altered('redirect_uri', 'http://127.0.0.1:9999/callback'), altered('redirect_uri', undefined)]) {
      const answer = await visit(bad);
      expect(answer.status).toBe(400);
      expect(answer.headers.get('location')).toBeNull();
      expect(await answer.text()).toMatch(/invalid_request: (Invalid client_id|client_id is required|Invalid redirect URI)/);
    }
  });

  it('redirects a request without S256 PKCE, with another response type, or for another resource, with the error and the state', async () => {
    const { site, origin, mcpUrl } = await start();
    const registered = await discoverAndRegister(mcpUrl);
    site.signInAs(ANA);
    const { url } = await authorizeUrl(registered, 'keep-me');
    const refusal = async (change: (next: URL) => void) => {
      const next = new URL(url);
      change(next);
      const back = callback(await visit(next));
      expect(back.get('state')).toBe('keep-me');
      expect(back.get('code')).toBeNull();
      return [back.get('error'), back.get('error_description')];
    };
    expect(await refusal((next) => next.searchParams.delete('code_challenge'))).toEqual(['invalid_request', 'PKCE code_challenge is required when code_challenge_method is provided.']);
    expect(await refusal((next) => (next.searchParams.delete('code_challenge'), next.searchParams.delete('code_challenge_method')))).toEqual(['invalid_request', 'Public clients must use PKCE with the authorization code flow.']);
    expect(await refusal((next) => next.searchParams.set('code_challenge_method', 'plain'))).toEqual(['invalid_request', 'The plain PKCE method is not allowed. Use S256 instead.']);
    expect(await refusal((next) => next.searchParams.delete('code_challenge_method'))).toEqual(['invalid_request', 'The plain PKCE method is not allowed. Use S256 instead.']);
    expect((await refusal((next) => next.searchParams.set('response_type', 'token')))[0]).toBe('unsupported_response_type');
    expect(await refusal((next) => next.searchParams.set('resource', 'https://mcp.example.com/v1/mcp'))).toEqual(['invalid_target', `The resource parameter must be the Atlassian MCP server: ${origin}/v1/mcp or ${origin}/mcp`]);
  });
});

describe('Atlassian OAuth: the token endpoint', () => {
  it('refuses a wrong verifier and a changed redirect URI without using up the code; refuses an expired code', async () => {
    const { site, origin, mcpUrl } = await start();
    const registered = await discoverAndRegister(mcpUrl);
    site.signInAs(ANA);
    const { code, codeVerifier } = await codeFor(registered);
    await expect(exchange(registered, code, 'W'.repeat(43))).rejects.toSatisfy((error) => error instanceof InvalidGrantError && error.message === 'Invalid PKCE code_verifier');
    const moved = await tokenEndpoint(origin, { grant_type: 'authorization_code', code, code_verifier: codeVerifier, redirect_uri: 'http://127.0.0.1:8976/elsewhere', client_id: registered.client.client_id });
    expect([moved.status, await moved.json()]).toEqual([400, { error: 'invalid_grant', error_description: 'Invalid redirect URI' }]);
    const missing = await tokenEndpoint(origin, { grant_type: 'authorization_code', code, client_id: registered.client.client_id });
    expect(await missing.json()).toEqual({ error: 'invalid_request', error_description: 'code_verifier is required for PKCE' });
    expect((await exchange(registered, code, codeVerifier)).access_token).toBeTruthy();

    const late = await codeFor(registered);
    site.advanceTime(61);
    await expect(exchange(registered, late.code, late.codeVerifier)).rejects.toSatisfy((error) => error instanceof InvalidGrantError && error.message === 'Grant not found or authorization code expired');
  });

  it('refuses a reused code and revokes every token its first exchange issued (RFC 6749 §10.5)', async () => {
    const { site, mcpUrl } = await start();
    const registered = await discoverAndRegister(mcpUrl);
    site.signInAs(ANA);
    const { code, codeVerifier } = await codeFor(registered);
    const tokens = await exchange(registered, code, codeVerifier);
    expect((await mcpCall(mcpUrl, tokens.access_token)).status).toBe(200);
    await expect(exchange(registered, code, codeVerifier)).rejects.toSatisfy((error) => error instanceof InvalidGrantError && error.message === 'Authorization code already used');
    expect((await mcpCall(mcpUrl, tokens.access_token)).status).toBe(401);
    await expect(refresh(registered, tokens.refresh_token ?? '')).rejects.toBeInstanceOf(InvalidGrantError);
    expect(site.oauth.revocations(ANA).map((entry) => [entry.token, entry.reason])).toEqual([['access_token', 'code_reused'], ['refresh_token', 'code_reused']]);
    expect(site.oauth.activeTokens(ANA)).toEqual({ accessTokens: 0, refreshTokens: 0 });
  });

  it('authenticates a client by its registered method; a wrong or missing secret is 401 invalid_client', async () => {
    const { site, origin, mcpUrl } = await start();
    const registered = await discoverAndRegister(mcpUrl, { ...PUBLIC_CLIENT, token_endpoint_auth_method: 'client_secret_basic' });
    site.signInAs(ANA);
    const { code, codeVerifier } = await codeFor(registered);
    await expect(exchange(registered, code, codeVerifier, { ...registered.client, client_secret: 'not-the-secret' })).rejects.toSatisfy((error) => error instanceof InvalidClientError && error.message === 'Client authentication failed: invalid client_secret');
    const basic = await tokenEndpoint(origin, { grant_type: 'authorization_code', code, code_verifier: codeVerifier }, { authorization: `Basic ${Buffer.from(`${registered.client.client_id}:wrong`).toString('base64')}` });
    expect(basic.status).toBe(401);
    expect(basic.headers.get('www-authenticate')).toBe('Basic realm="OAuth"');
    const asPublic = await tokenEndpoint(origin, { grant_type: 'authorization_code', code, code_verifier: codeVerifier, client_id: registered.client.client_id });
    expect([asPublic.status, await asPublic.json()]).toEqual([401, { error: 'invalid_client', error_description: 'Client authentication failed' }]);
    const stranger = await tokenEndpoint(origin, { grant_type: 'authorization_code', code, code_verifier: codeVerifier, client_id: 'nobodyRegistered' });
    expect([stranger.status, ((await stranger.json()) as { error: string }).error]).toEqual([401, 'invalid_client']);
    expect((await exchange(registered, code, codeVerifier)).token_type).toBe('bearer');
  });

  it('binds tokens to the resource asked for (RFC 8707): another MCP path is 401, another resource at the token endpoint invalid_target', async () => {
    const { site, origin, mcpUrl } = await start();
    const { registered, tokens } = await signIn(site, mcpUrl);
    expect((await mcpCall(mcpUrl, tokens.access_token)).status).toBe(200);
    const elsewhere = await mcpCall(`${origin}/mcp`, tokens.access_token);
    expect(elsewhere.status).toBe(401);
    expect(elsewhere.headers.get('www-authenticate')).toBe(`Bearer realm="OAuth", resource_metadata="${origin}/.well-known/oauth-protected-resource/mcp", error="invalid_token", error_description="Invalid audience"`);
    const other = await refreshAuthorization(registered.server, { metadata: registered.metadata, clientInformation: registered.client, refreshToken: tokens.refresh_token ?? '', resource: new URL(`${origin}/mcp`) }).catch((error: unknown) => error);
    expect(other).toBeInstanceOf(InvalidTargetError);
  });

  it('refuses what is not a token request it serves', async () => {
    const { origin, site, mcpUrl } = await start();
    const { registered } = await signIn(site, mcpUrl);
    const clientId = registered.client.client_id;
    const asJson = await fetch(`${origin}/v1/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ grant_type: 'refresh_token', client_id: clientId }) });
    expect(await asJson.json()).toEqual({ error: 'invalid_request', error_description: 'Content-Type must be application/x-www-form-urlencoded' });
    const credentials = await tokenEndpoint(origin, { grant_type: 'client_credentials', client_id: clientId });
    expect([credentials.status, ((await credentials.json()) as { error: string }).error]).toEqual([400, 'unsupported_grant_type']);
    const repeated = await fetch(`${origin}/v1/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `grant_type=refresh_token&refresh_token=a&refresh_token=b&client_id=${clientId}` });
    expect(await repeated.json()).toEqual({ error: 'invalid_request', error_description: 'Request parameter "refresh_token" must not be repeated' });
    expect((await fetch(`${origin}/v1/token`)).status).toBe(405);
  });
});

describe('Atlassian OAuth: expiry, revocation and rotation', () => {
  it('expires access tokens after the configured lifetime on the site’s clock, or at once with expireAccessTokens; a refresh still works', async () => {
    const { site, mcpUrl } = await start({ oauth: { accessTokenSeconds: 120 } });
    const { registered, tokens } = await signIn(site, mcpUrl);
    expect(tokens.expires_in).toBe(120);
    site.advanceTime(119);
    expect((await mcpCall(mcpUrl, tokens.access_token)).status).toBe(200);
    site.advanceTime(1);
    const expired = await mcpCall(mcpUrl, tokens.access_token);
    expect(expired.status).toBe(401);
    expect(expired.headers.get('www-authenticate')).toMatch(/^Bearer realm="OAuth", resource_metadata="[^"]+", error="invalid_token"$/);
    expect(await expired.json()).toEqual({ error: 'invalid_token', error_description: 'Invalid access token' });

    const renewed = await refresh(registered, tokens.refresh_token ?? '');
    expect((await mcpCall(mcpUrl, renewed.access_token)).status).toBe(200);
    site.oauth.configure({ accessTokenSeconds: 600 });
    expect((await refresh(registered, renewed.refresh_token ?? '')).expires_in).toBe(600);
    expect(site.expireAccessTokens(ANA)).toBe(2);
    expect((await mcpCall(mcpUrl, renewed.access_token)).status).toBe(401);
  });

  it('revokes an access token alone, and a refresh token with everything its grant issued (RFC 7009, at the token endpoint)', async () => {
    const { site, origin, mcpUrl } = await start();
    const { registered, tokens } = await signIn(site, mcpUrl);
    const clientId = registered.client.client_id;
    const revoke = (token: string) => tokenEndpoint(origin, { token, client_id: clientId });

    const answer = await revoke(tokens.access_token);
    expect([answer.status, await answer.text()]).toEqual([200, '']);
    expect((await mcpCall(mcpUrl, tokens.access_token)).status).toBe(401);
    const renewed = await refresh(registered, tokens.refresh_token ?? '');
    expect((await mcpCall(mcpUrl, renewed.access_token)).status).toBe(200);

    // Another client's token and a token never issued: 200, and nothing changes.
    const other = await signIn(site, mcpUrl, ANA, { ...PUBLIC_CLIENT, client_name: 'Other' });
    expect((await revoke(other.tokens.access_token)).status).toBe(200);
    expect((await revoke('never:issued:token')).status).toBe(200);
    expect((await mcpCall(mcpUrl, other.tokens.access_token)).status).toBe(200);

    expect((await revoke(renewed.refresh_token ?? '')).status).toBe(200);
    expect((await mcpCall(mcpUrl, renewed.access_token)).status).toBe(401);
    await expect(refresh(registered, renewed.refresh_token ?? '')).rejects.toBeInstanceOf(InvalidGrantError);
    expect(site.oauth.activeTokens(ANA, clientId)).toEqual({ accessTokens: 0, refreshTokens: 0 });
    expect(site.oauth.activeTokens(ANA)).toEqual({ accessTokens: 1, refreshTokens: 1 });
    expect(site.oauth.revocations(ANA).map((entry) => [entry.token, entry.reason, entry.clientId === clientId])).toEqual([
      ['access_token', 'revocation_request', true],
      ['access_token', 'revocation_request', true],
      ['refresh_token', 'revocation_request', true],
    ]);
    expect(simulator?.calls.filter((call) => call.oauth?.endpoint === 'revocation')).toHaveLength(4);
  });

  it('loses a rotated refresh token with a lost answer under strict rotation; `until-successor-used` lets the client retry it', async () => {
    const strict = await start();
    const first = await signIn(strict.site, strict.mcpUrl);
    simulator?.failNext({ vendor: 'atlassian', path: /^\/v1\/token/, lostResponse: true });
    await expect(refresh(first.registered, first.tokens.refresh_token ?? '')).rejects.toBeInstanceOf(ServerError);
    expect(simulator?.calls.at(-1)).toMatchObject({ vendor: 'atlassian', bucket: 'token', status: 504, outcome: 'lost_response', oauth: { endpoint: 'token', grantType: 'refresh_token' } });
    await expect(refresh(first.registered, first.tokens.refresh_token ?? '')).rejects.toSatisfy((error) => error instanceof InvalidGrantError && error.message === 'Invalid refresh token');
    await simulator?.stop();

    const lenient = await start({ oauth: { refreshTokenReuse: 'until-successor-used' } });
    const second = await signIn(lenient.site, lenient.mcpUrl);
    const r0 = second.tokens.refresh_token ?? '';
    simulator?.failNext({ vendor: 'atlassian', path: /^\/v1\/token/, lostResponse: true });
    await expect(refresh(second.registered, r0)).rejects.toBeInstanceOf(ServerError);
    const retried = await refresh(second.registered, r0);
    const r2 = (await refresh(second.registered, retried.refresh_token ?? '')).refresh_token ?? '';
    await expect(refresh(second.registered, r0)).rejects.toSatisfy((error) => error instanceof InvalidGrantError && error.message === 'Invalid refresh token');
    expect((await refresh(second.registered, r2)).access_token).toBeTruthy();
  });

  it('keeps earlier grants of the same account and client by default; with revokeExistingGrants a new sign-in revokes them', async () => {
    const kept = await start();
    const registered = await discoverAndRegister(kept.mcpUrl);
    kept.site.signInAs(ANA);
    const one = await codeFor(registered);
    const firstTokens = await exchange(registered, one.code, one.codeVerifier);
    const two = await codeFor(registered);
    await exchange(registered, two.code, two.codeVerifier);
    expect((await mcpCall(kept.mcpUrl, firstTokens.access_token)).status).toBe(200);
    kept.site.oauth.configure({ revokeExistingGrants: true });
    const three = await codeFor(registered);
    await exchange(registered, three.code, three.codeVerifier);
    expect((await mcpCall(kept.mcpUrl, firstTokens.access_token)).status).toBe(401);
    expect(new Set(kept.site.oauth.revocations(ANA).map((entry) => entry.reason))).toEqual(new Set(['reauthorized']));
    expect(kept.site.oauth.activeTokens(ANA)).toEqual({ accessTokens: 1, refreshTokens: 1 });
  });

  it('answers an injected 503 at the token endpoint in plain text before applying anything; the code works afterwards', async () => {
    const { site, origin, mcpUrl } = await start();
    const registered = await discoverAndRegister(mcpUrl);
    site.signInAs(ANA);
    const { code, codeVerifier } = await codeFor(registered);
    simulator?.failNext({ vendor: 'atlassian', path: /^\/v1\/token/, status: 503, retryAfterSeconds: 2 });
    const failed = await tokenEndpoint(origin, { grant_type: 'authorization_code', code, code_verifier: codeVerifier, redirect_uri: REDIRECT, client_id: registered.client.client_id });
    expect([failed.status, failed.headers.get('content-type'), failed.headers.get('retry-after'), await failed.text()]).toEqual([503, 'text/plain; charset=utf-8', '2', 'Service Unavailable']);
    expect(simulator?.calls.at(-1)).toMatchObject({ vendor: 'atlassian', bucket: 'token', status: 503, outcome: 'fault' });
    expect(site.oauth.issuances()).toEqual([]);
    expect((await exchange(registered, code, codeVerifier)).token_type).toBe('bearer');
  });
});

/** An AI client's side of the sign-in: its browser follows the authorization URL and keeps the code. */
class BrowserProvider implements OAuthClientProvider {
  code: string | undefined;
  saved: OAuthTokens | undefined;
  private client: OAuthClientInformationMixed | undefined;
  private verifier = '';

  get redirectUrl(): string {
    return REDIRECT;
  }

  get clientMetadata(): OAuthClientMetadata {
    return PUBLIC_CLIENT;
  }

  clientInformation(): OAuthClientInformationMixed | undefined {
    return this.client;
  }

  saveClientInformation(information: OAuthClientInformationMixed): void {
    this.client = information;
  }

  tokens(): OAuthTokens | undefined {
    return this.saved;
  }

  saveTokens(tokens: OAuthTokens): void {
    this.saved = tokens;
  }

  async redirectToAuthorization(authorizationUrl: URL): Promise<void> {
    this.code = callback(await visit(authorizationUrl)).get('code') ?? undefined;
  }

  saveCodeVerifier(codeVerifier: string): void {
    this.verifier = codeVerifier;
  }

  codeVerifier(): string {
    return this.verifier;
  }
}
