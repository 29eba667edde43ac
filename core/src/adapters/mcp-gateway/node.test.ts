import { request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { TOKENS, rpc, startRig, type Rig } from './test-support/peers.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

/** A request through node:http, which (unlike fetch) lets a test send any Host header. */
function raw(url: URL, path: string, headers: Record<string, string>, body: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path, method: 'POST', headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('serveGateway', () => {
  it('listens on loopback at /mcp', async () => {
    rig = await startRig();
    expect(rig.served.url.href).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
  });

  it('answers other paths with 404 and does not count them as gateway calls', async () => {
    rig = await startRig();
    const response = await raw(rig.served.url, '/.well-known/oauth-protected-resource', { authorization: `Bearer ${TOKENS.una}`, 'content-type': 'application/json' }, '');
    expect(response.status).toBe(404);
    expect(rig.policy.records).toEqual([]);
  });

  it("builds the 401's metadata URL from the socket's address, never from the Host header a client sent", async () => {
    rig = await startRig();
    const response = await raw(rig.served.url, '/mcp', { host: 'evil.example', 'content-type': 'application/json' }, rpc('tools/list'));
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toBe(`Bearer resource_metadata="${rig.served.url.origin}/.well-known/oauth-protected-resource"`);
  });

  it('closes the connection after answering a request whose body it did not read', async () => {
    rig = await startRig();
    const refused = await raw(rig.served.url, '/mcp', { 'content-type': 'application/json' }, rpc('tools/list'));
    expect(refused.headers.connection).toBe('close');
    const answered = await raw(rig.served.url, '/mcp', { authorization: `Bearer ${TOKENS.una}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, rpc('ping'));
    expect(answered.status).toBe(200);
    expect(answered.headers.connection).not.toBe('close');
    expect(JSON.parse(answered.body)).toEqual({ jsonrpc: '2.0', id: 1, result: {} });
  });
});
