import { discoverOAuthServerInfo, registerClient } from '@modelcontextprotocol/sdk/client/auth.js';
import { OAuthMetadataSchema, OAuthProtectedResourceMetadataSchema, OpenIdProviderDiscoveryMetadataSchema } from '@modelcontextprotocol/sdk/shared/auth.js';
import { describe, expect, it } from 'vitest';
import { s256 } from './authorize.js';
import { createGatewayHost } from './host.js';
import { MemorySignInStore } from './memory-store.js';
import { redirectUriProblem } from './register.js';
import type { SignInEvent } from './types.js';

// A Forge web trigger's URL has a path, and the host's root is Atlassian's, not the app's.
const BASE = 'https://4f1c2b7e-0000-4000-8000-000000000000.hello.atlassian-dev.net/x1/AbCdEf123';
const REDIRECT = 'http://127.0.0.1:33418/oauth/callback';
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

function world() {
  const store = new MemorySignInStore();
  const events: SignInEvent[] = [];
  const host = createGatewayHost({
    baseUrl: BASE,
    store,
    // Nothing answers upstream: whatever needs Atlassian fails as when it is down.
    upstream: { mcpUrl: 'https://upstream.invalid/v1/mcp', fetch: () => Promise.reject(new TypeError('fetch failed')) },
    groups: { groupsOf: () => Promise.resolve([]) },
    policy: { decide: () => Promise.resolve([]), record: () => Promise.resolve() },
    events: { record: (event) => Promise.resolve(void events.push(event)) },
  });
  const fetchFn = (url: string | URL, init?: RequestInit) => host.handle(new Request(url, init));
  return { host, store, events, fetchFn };
}

async function registered(fetchFn: (url: string | URL, init?: RequestInit) => Promise<Response>) {
  // As a client does: the registration endpoint comes from the metadata (the SDK's default `<issuer origin>/register` is not ours).
  const { authorizationServerMetadata: metadata } = await discoverOAuthServerInfo(`${BASE}/mcp`, { resourceMetadataUrl: new URL(`${BASE}/.well-known/oauth-protected-resource`), fetchFn });
  return registerClient(BASE, { metadata, clientMetadata: { client_name: 'Claude', redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none' }, fetchFn });
}

const authorizeUrl = (params: Record<string, string>) => `${BASE}/authorize?${new URLSearchParams(params).toString()}`;

describe('gateway sign-in: what an AI client sees before anyone signs in', () => {
  it('PKCE S256 matches RFC 7636 Appendix B (https://www.rfc-editor.org/rfc/rfc7636#appendix-B)', () => {
    expect(s256('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(CHALLENGE);
  });

  it('the MCP SDK client discovers Clearway as the authorization server of a web-trigger URL with a path', async () => {
    const { host, fetchFn } = world();
    const anonymous = await host.handle(new Request(`${BASE}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: '{"jsonrpc":"2.0","id":1,"method":"ping"}' }));
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe(`Bearer resource_metadata="${BASE}/.well-known/oauth-protected-resource"`);
    const info = await discoverOAuthServerInfo(`${BASE}/mcp`, { resourceMetadataUrl: new URL(`${BASE}/.well-known/oauth-protected-resource`), fetchFn });
    expect(info.resourceMetadata?.resource).toBe(`${BASE}/mcp`);
    expect(info.authorizationServerUrl).toBe(BASE);
    expect(info.authorizationServerMetadata).toMatchObject({ issuer: BASE, authorization_endpoint: `${BASE}/authorize`, token_endpoint: `${BASE}/token`, registration_endpoint: `${BASE}/register`, code_challenge_methods_supported: ['S256'] });
  });

  it('serves metadata every published schema accepts, at the path-appended well-known names', async () => {
    const { host } = world();
    const read = async (path: string) => (await host.handle(new Request(`${BASE}${path}`))).json();
    expect(OAuthProtectedResourceMetadataSchema.parse(await read('/.well-known/oauth-protected-resource/mcp')).authorization_servers).toEqual([BASE]);
    expect(OAuthMetadataSchema.parse(await read('/.well-known/oauth-authorization-server')).issuer).toBe(BASE);
    const oidc = OpenIdProviderDiscoveryMetadataSchema.parse(await read('/.well-known/openid-configuration'));
    expect(oidc.scopes_supported).toEqual([]);
    expect(await read('/.well-known/jwks.json')).toEqual({ keys: [] });
  });

  it('registers a public client with the SDK and keeps the name rules match', async () => {
    const { fetchFn, store } = world();
    const client = await registered(fetchFn);
    expect(client.client_id).toMatch(/^cwc_/);
    expect(client.token_endpoint_auth_method).toBe('none');
    expect(client.client_secret).toBeUndefined();
    expect(client.client_name).toBe('Claude');
    expect(store.names().some((name) => name.includes(client.client_id))).toBe(false);
  });

  it.each([
    [{ redirect_uris: ['http://example.com/cb'] }, 'invalid_redirect_uri'],
    [{ redirect_uris: ['https://example.com/cb#x'] }, 'invalid_redirect_uri'],
    [{ redirect_uris: [] }, 'invalid_redirect_uri'],
    [{ redirect_uris: ['https://a.example/cb'], grant_types: ['implicit'] }, 'invalid_client_metadata'],
    [{ redirect_uris: ['https://a.example/cb'], response_types: ['token'] }, 'invalid_client_metadata'],
    [{ client_name: 'x' }, 'invalid_client_metadata'],
  ])('refuses registration %j with %s and stores nothing', async (metadata, error) => {
    const { host, store } = world();
    const answer = await host.handle(new Request(`${BASE}/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(metadata) }));
    expect(answer.status).toBe(400);
    expect(((await answer.json()) as { error: string }).error).toBe(error);
    expect(store.names()).toEqual([]);
  });

  it('caps registrations per minute (the URL is public and each one is stored), and lets them through again the next minute', async () => {
    let now = Date.UTC(2026, 11, 7, 12, 0, 0);
    const store = new MemorySignInStore();
    const host = createGatewayHost({
      baseUrl: BASE,
      store,
      clock: { now: () => now },
      upstream: { mcpUrl: 'https://upstream.invalid/v1/mcp' },
      groups: { groupsOf: () => Promise.resolve([]) },
      policy: { decide: () => Promise.resolve([]), record: () => Promise.resolve() },
      events: { record: () => Promise.resolve() },
    });
    const register = () => host.handle(new Request(`${BASE}/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ client_name: 'spam', redirect_uris: [REDIRECT] }) }));
    for (let i = 0; i < 30; i += 1) expect((await register()).status).toBe(201);
    const refused = await register();
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('60');
    expect(store.names().filter((name) => name.startsWith('gw:client:'))).toHaveLength(30);
    now += 60_000;
    expect((await register()).status).toBe(201);
  });

  it.each([
    ['https://claude.ai/api/mcp/auth_callback', undefined],
    ['http://localhost:6274/oauth/callback', undefined],
    ['cursor://anysphere.cursor-retrieval/oauth/callback', undefined],
    ['javascript:alert(1)', 'uses the javascript: scheme'],
    ['https://user:pw@example.com/cb', 'carries credentials'],
    ['/relative', 'is not an absolute URL'],
  ])('redirect URI %s → %s', (uri, problem) => {
    expect(redirectUriProblem(uri)).toBe(problem);
  });

  it('never redirects to an unregistered client or redirect URI: a page instead', async () => {
    const { host, fetchFn } = world();
    const client = await registered(fetchFn);
    for (const params of [
      { client_id: 'cwc_unknown', redirect_uri: REDIRECT, response_type: 'code', code_challenge: CHALLENGE, code_challenge_method: 'S256' },
      { client_id: client.client_id, redirect_uri: `${REDIRECT}/../evil`, response_type: 'code', code_challenge: CHALLENGE, code_challenge_method: 'S256' },
      { client_id: client.client_id, redirect_uri: `${REDIRECT}?x=1`, response_type: 'code', code_challenge: CHALLENGE, code_challenge_method: 'S256' },
    ]) {
      const answer = await host.handle(new Request(authorizeUrl(params)));
      expect(answer.status).toBe(400);
      expect(answer.headers.get('location')).toBeNull();
      expect(answer.headers.get('content-type')).toMatch(/text\/html/);
    }
  });

  it.each([
    [{ code_challenge_method: 'S256' }, 'invalid_request'],
    [{ code_challenge: CHALLENGE, code_challenge_method: 'plain' }, 'invalid_request'],
    [{ code_challenge: 'short', code_challenge_method: 'S256' }, 'invalid_request'],
    [{ code_challenge: CHALLENGE, code_challenge_method: 'S256', response_type: 'token' }, 'unsupported_response_type'],
    [{ code_challenge: CHALLENGE, code_challenge_method: 'S256', resource: 'https://mcp.atlassian.com/v1/mcp' }, 'invalid_target'],
    [{ code_challenge: CHALLENGE, code_challenge_method: 'S256' }, 'temporarily_unavailable'],
  ])('authorize %j → redirect with %s, the state and iss', async (params, error) => {
    const { host, fetchFn } = world();
    const client = await registered(fetchFn);
    const answer = await host.handle(new Request(authorizeUrl({ response_type: 'code', client_id: client.client_id, redirect_uri: REDIRECT, state: 's-1', ...params })));
    expect(answer.status).toBe(302);
    const location = new URL(answer.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
    expect(Object.fromEntries(location.searchParams)).toMatchObject({ error, state: 's-1', iss: BASE });
  });

  it('a hanging upstream authorization server ends the sign-in with temporarily_unavailable within the deadline, not the platform’s 55 s', async () => {
    const hanging = (_input: string | URL | Request, init?: RequestInit) =>
      new Promise<Response>((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(new DOMException('The operation timed out.', 'TimeoutError'))));
    const host = createGatewayHost({
      baseUrl: BASE,
      store: new MemorySignInStore(),
      upstream: { mcpUrl: 'https://upstream.invalid/v1/mcp', fetch: hanging, timeoutMs: 50 },
      groups: { groupsOf: () => Promise.resolve([]) },
      policy: { decide: () => Promise.resolve([]), record: () => Promise.resolve() },
      events: { record: () => Promise.resolve() },
    });
    const fetchFn = (url: string | URL, init?: RequestInit) => host.handle(new Request(url, init));
    const client = await registered(fetchFn);
    const answer = await host.handle(new Request(authorizeUrl({ response_type: 'code', client_id: client.client_id, redirect_uri: REDIRECT, state: 's', code_challenge: CHALLENGE, code_challenge_method: 'S256' })));
    expect(new URL(answer.headers.get('location')!).searchParams.get('error')).toBe('temporarily_unavailable');
  });

  it('answers an unknown or replayed callback state with a page, not a redirect', async () => {
    const { host } = world();
    const answer = await host.handle(new Request(`${BASE}/callback?code=abc&state=never-issued`));
    expect(answer.status).toBe(400);
    expect(answer.headers.get('location')).toBeNull();
    expect(await answer.text()).toContain('already used or has expired');
  });

  it.each([
    ['an unregistered client', { grant_type: 'authorization_code', client_id: 'cwc_x', code: 'c', code_verifier: 'v' }, {}, 401, 'invalid_client'],
    ['a client secret', { grant_type: 'authorization_code', client_id: '$CLIENT', client_secret: 's', code: 'c', code_verifier: 'v' }, {}, 401, 'invalid_client'],
    ['Basic credentials', { grant_type: 'authorization_code', client_id: '$CLIENT', code: 'c', code_verifier: 'v' }, { authorization: 'Basic eDp5' }, 401, 'invalid_client'],
    ['an unknown grant', { grant_type: 'password', client_id: '$CLIENT' }, {}, 400, 'unsupported_grant_type'],
    ['no grant', { client_id: '$CLIENT' }, {}, 400, 'invalid_request'],
    ['an unknown code', { grant_type: 'authorization_code', client_id: '$CLIENT', code: 'cwk_nope', code_verifier: 'x'.repeat(43) }, {}, 400, 'invalid_grant'],
    ['an unknown refresh token', { grant_type: 'refresh_token', client_id: '$CLIENT', refresh_token: 'cwr_nope' }, {}, 400, 'invalid_grant'],
  ])('token endpoint refuses %s', async (_case, form, headers, status, error) => {
    const { host, fetchFn } = world();
    const client = await registered(fetchFn);
    const body = new URLSearchParams(Object.entries(form).map(([key, value]): [string, string] => [key, value === '$CLIENT' ? client.client_id : value]));
    const answer = await host.handle(new Request(`${BASE}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body }));
    expect(answer.status).toBe(status);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(((await answer.json()) as { error: string }).error).toBe(error);
  });

  it('token endpoint refuses JSON and repeated parameters', async () => {
    const { host } = world();
    const json = await host.handle(new Request(`${BASE}/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }));
    expect(((await json.json()) as { error: string }).error).toBe('invalid_request');
    const twice = await host.handle(new Request(`${BASE}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=a&grant_type=b' }));
    expect(await twice.json()).toMatchObject({ error: 'invalid_request', error_description: 'The grant_type parameter was sent twice.' });
  });

  it('routes only under the base URL: 404 elsewhere, 405 with Allow for a wrong method, CORS preflight', async () => {
    const { host } = world();
    expect((await host.handle(new Request('https://4f1c2b7e-0000-4000-8000-000000000000.hello.atlassian-dev.net/.well-known/oauth-authorization-server'))).status).toBe(404);
    expect((await host.handle(new Request(`${BASE}/admin`))).status).toBe(404);
    const wrong = await host.handle(new Request(`${BASE}/token`));
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST');
    const preflight = await host.handle(new Request(`${BASE}/token`, { method: 'OPTIONS' }));
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('selfTest names what works and what does not, without a secret', async () => {
    const { host } = world();
    const checks = await host.selfTest();
    expect(checks.map((check) => [check.name, check.ok])).toEqual([
      ['Protected-resource metadata', true],
      ['MCP endpoint asks for sign-in', true],
      ['Atlassian authorization server', false],
      ['Domain allowed in Rovo', false],
    ]);
    expect(checks.at(-1)!.detail).toContain(`${BASE}/callback`);
  });

  it('refuses a base URL that is not http(s) at first use', async () => {
    const host = createGatewayHost({
      baseUrl: 'ftp://x',
      store: new MemorySignInStore(),
      upstream: { mcpUrl: 'https://upstream.invalid/v1/mcp' },
      groups: { groupsOf: () => Promise.resolve([]) },
      policy: { decide: () => Promise.resolve([]), record: () => Promise.resolve() },
      events: { record: () => Promise.resolve() },
    });
    expect((await host.handle(new Request('ftp://x/mcp'))).status).toBe(500);
  });
});
