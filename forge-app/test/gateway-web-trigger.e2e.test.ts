/**
 * The AI-agent gateway through the exported `gatewayWebTrigger` handler only (src/index.ts, or its
 * Forge bundle: see forge-handlers.ts), over the fake platform: the installation's web trigger URL
 * comes from `webTrigger.getUrl`, requests arrive in the web trigger's documented shape
 * (https://developer.atlassian.com/platform/forge/runtime-reference/web-trigger), and the answers
 * leave in it. Discovery, registration (stored in Forge secret storage), the 401 challenge that
 * starts an MCP client's sign-in, CORS and refusals. The whole OAuth round trip with Atlassian is
 * the sign-in host's own end-to-end test.
 */
import { webTrigger } from '@forge/api';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeForge, installForgeRuntime } from '../src/test-support/fake-forge/index';
import type { WebTriggerResponse } from '../src/triggers/gateway-web-trigger';
import { forgeHandlers } from './forge-handlers';

const { handlers: forge, origin } = await forgeHandlers();

let uninstall: (() => void) | undefined;
afterEach(() => uninstall?.());

function bodyOf(answer: WebTriggerResponse): unknown {
  return JSON.parse(answer.body) as unknown;
}

describe(`the gateway web trigger, through ${origin}`, () => {
  it('serves discovery, registration and the sign-in challenge under the installation’s web trigger URL', async () => {
    uninstall = installForgeRuntime();
    const url = await webTrigger.getUrl('clearway-gateway');
    const basePath = new URL(url).pathname;
    const call = (method: string, userPath: string, options: { headers?: Record<string, string[]>; body?: string; query?: Record<string, string[]> } = {}) =>
      forge.gatewayWebTrigger({
        method,
        path: `${basePath}${userPath}`,
        userPath,
        headers: { Host: [new URL(url).host], 'User-Agent': ['claude-code/2.1'], ...options.headers },
        queryParameters: options.query ?? {},
        ...(options.body !== undefined && { body: options.body }),
      });

    const resource = await call('GET', '/.well-known/oauth-protected-resource/mcp');
    expect(resource.statusCode).toBe(200);
    expect(resource.headers['content-type']).toEqual(['application/json']);
    expect(bodyOf(resource)).toMatchObject({ resource: `${url}/mcp`, authorization_servers: [url] });

    const server = bodyOf(await call('GET', '/.well-known/oauth-authorization-server'));
    expect(server).toMatchObject({
      issuer: url,
      authorization_endpoint: `${url}/authorize`,
      token_endpoint: `${url}/token`,
      registration_endpoint: `${url}/register`,
      code_challenge_methods_supported: expect.arrayContaining(['S256']),
    });

    const unauthenticated = await call('POST', '/mcp', {
      headers: { 'Content-Type': ['application/json'], Accept: ['application/json, text/event-stream'] },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'claude', version: '1' } } }),
    });
    expect(unauthenticated.statusCode).toBe(401);
    expect(unauthenticated.headers['www-authenticate']).toEqual([`Bearer resource_metadata="${url}/.well-known/oauth-protected-resource"`]);

    const registered = await call('POST', '/register', {
      headers: { 'Content-Type': ['application/json'] },
      body: JSON.stringify({ client_name: 'Claude', redirect_uris: ['https://claude.ai/api/mcp/auth_callback'], token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'refresh_token'] }),
    });
    expect(registered.statusCode).toBe(201);
    expect(bodyOf(registered)).toMatchObject({ client_id: expect.any(String), client_name: 'Claude', token_endpoint_auth_method: 'none' });
    const signIn = fakeForge()
      .kvs.calls.filter((entry) => entry.path.endsWith('/set'))
      .map((entry) => entry.body as { key: string; value: unknown })
      .filter((entry) => entry.key.startsWith('gateway'));
    // The registration per-minute window, then the client.
    expect(signIn).toEqual([
      { key: 'gateway:gw:window:register', value: expect.stringContaining('"count":1') },
      { key: expect.stringMatching(/^gateway:gw:client:/), value: expect.stringContaining((bodyOf(registered) as { client_id: string }).client_id) },
    ]);
    expect(signIn.map((written) => fakeForge().kvs.calls.find((entry) => entry.body === written)?.path)).toEqual(['/api/v1/secret/set', '/api/v1/secret/set']);

    const preflight = await call('OPTIONS', '/token', { headers: { Origin: ['https://inspector.example'], 'Access-Control-Request-Method': ['POST'] } });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toEqual(['*']);

    const nowhere = await call('GET', '/admin');
    expect(nowhere.statusCode).toBe(404);
    expect(bodyOf(nowhere)).toMatchObject({ error: 'not_found' });

    // One URL for the installation: the app asked Forge for it once and reused it.
    expect(fakeForge().webTriggers.requests.filter((request) => (request.input as { triggerKey: string }).triggerKey === 'clearway-gateway')).toHaveLength(2);
  });
});
