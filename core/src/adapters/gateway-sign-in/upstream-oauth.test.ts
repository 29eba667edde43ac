import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../testing/fakes.js';
import { MemorySignInStore } from './memory-store.js';
import { Records, names } from './records.js';
import { UpstreamOAuth } from './upstream-oauth.js';

const AUTH = 'https://auth.upstream.example';

/** An upstream whose MCP server publishes no protected-resource metadata and whose origin is its authorization server (RFC 8414 metadata, RFC 7591 registration). */
function upstream() {
  const registrations: unknown[] = [];
  const fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : input);
    if (url.pathname.startsWith('/.well-known/oauth-authorization-server') || url.pathname.startsWith('/.well-known/openid-configuration')) {
      return Response.json({
        issuer: AUTH,
        authorization_endpoint: `${AUTH}/authorize`,
        token_endpoint: `${AUTH}/token`,
        registration_endpoint: `${AUTH}/register`,
        response_types_supported: ['code'],
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: ['none'],
      });
    }
    if (url.pathname === '/register' && init?.method === 'POST') {
      registrations.push(JSON.parse(typeof init.body === 'string' ? init.body : '{}'));
      return Response.json({ client_id: `client-${registrations.length}`, redirect_uris: ['https://clearway.example/callback'], token_endpoint_auth_method: 'none' }, { status: 201 });
    }
    return new Response('not found', { status: 404 });
  };
  return { fetch, registrations };
}

/** Counts reads of Clearway's stored upstream registration. */
class CountingStore extends MemorySignInStore {
  registrationReads = 0;
  override async get(name: string): Promise<string | undefined> {
    if (name === names.upstreamClient) this.registrationReads += 1;
    return super.get(name);
  }
}

describe("Clearway's registration with the upstream authorization server", () => {
  it('is registered once, read from storage once per process, and shared by a second process through storage', async () => {
    const site = upstream();
    const store = new CountingStore();
    const config = { mcpUrl: `${AUTH}/v1/mcp`, fetch: site.fetch };
    const first = new UpstreamOAuth(config, new Records(store), new FakeClock());
    const clients = [];
    for (let call = 0; call < 3; call += 1) clients.push(await first.registration('https://clearway.example/callback'));
    expect(site.registrations).toHaveLength(1);
    expect(new Set(clients.map((client) => client.information.client_id))).toEqual(new Set(['client-1']));
    expect(store.registrationReads).toBe(1);

    const second = new UpstreamOAuth(config, new Records(store), new FakeClock());
    expect((await second.registration('https://clearway.example/callback')).information.client_id).toBe('client-1');
    await second.registration('https://clearway.example/callback');
    expect(site.registrations).toHaveLength(1);
    expect(store.registrationReads).toBe(2);
  });

  it('registers again when the redirect URI changes (a new gateway URL)', async () => {
    const site = upstream();
    const oauth = new UpstreamOAuth({ mcpUrl: `${AUTH}/v1/mcp`, fetch: site.fetch }, new Records(new MemorySignInStore()), new FakeClock());
    await oauth.registration('https://clearway.example/callback');
    expect((await oauth.registration('https://moved.example/callback')).information.client_id).toBe('client-2');
    expect(site.registrations).toHaveLength(2);
  });
});
