/**
 * What no well-behaved client sends, over raw `fetch` to the gateway on a loopback port: each gets
 * the answer the specifications name and exactly one record, and nothing crashes.
 * - MCP Streamable HTTP (https://modelcontextprotocol.io/specification/2025-06-18/basic/transports):
 *   one JSON-RPC message per POST; 202 with no body for a notification; 405 for GET when the server
 *   offers no SSE stream; the client sends `Accept: application/json, text/event-stream`.
 * - MCP 2025-06-18 removed JSON-RPC batching (https://modelcontextprotocol.io/specification/2025-06-18/changelog).
 * - JSON-RPC 2.0 error codes (https://www.jsonrpc.org/specification#error_object): -32700 parse
 *   error, -32600 invalid request, -32601 method not found; id null when it could not be read.
 * - MCP authorization (https://modelcontextprotocol.io/specification/2025-06-18/basic/authorization)
 *   and RFC 9728 §5.1 (https://datatracker.ietf.org/doc/html/rfc9728#section-5.1): a 401 carries
 *   `WWW-Authenticate: Bearer resource_metadata="<url>"`; RFC 6750 §3.1
 *   (https://datatracker.ietf.org/doc/html/rfc6750#section-3.1): no error code when no credentials
 *   were sent, `invalid_token` for a bad one.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ValidationError } from '../../errors.js';
import { FakeClock } from '../../testing/fakes.js';
import { createMcpGateway } from './gateway.js';
import { TOKENS, TableAuthenticator, TablePolicy, post, rpc, startRig, una, upstreamToken, type Rig } from './test-support/peers.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

interface RpcBody {
  readonly jsonrpc: string;
  readonly id: string | number | null;
  readonly result?: Record<string, unknown>;
  readonly error?: { readonly code: number; readonly message: string; readonly data?: unknown };
}

async function rpcBody(response: Response): Promise<RpcBody> {
  expect(response.headers.get('content-type')).toContain('application/json');
  return (await response.json()) as RpcBody;
}

function lastRecord(current: Rig) {
  expect(current.policy.records.length).toBeGreaterThan(0);
  return current.policy.records.at(-1)!;
}

describe('authentication', () => {
  it('answers a request without a bearer token with 401 and the protected-resource metadata URL', async () => {
    rig = await startRig();
    const response = await fetch(rig.served.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: rpc('tools/list') });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(`Bearer resource_metadata="${rig.served.url.origin}/.well-known/oauth-protected-resource"`);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({ error: 'invalid_token', error_description: expect.stringContaining('needs an access token') });
    expect(rig.policy.records).toEqual([
      {
        caller: undefined,
        method: 'invalid',
        operation: 'invalid',
        decision: { effect: 'deny', basis: 'invalid', policyVersion: 0, reason: 'Refused: no bearer token was sent.' },
        upstreamStatus: 'not_forwarded',
        error: 'no bearer token was sent',
        responseBytes: Buffer.byteLength(text),
        latencyMs: 0,
        startedAt: rig.clock.now(),
      },
    ]);
    expect(rig.upstream.received).toEqual([]);
  });

  it('answers an unknown token, and a non-bearer scheme, with 401 invalid_token, and never records or logs the token', async () => {
    rig = await startRig();
    const forged = 'cw-token-forged-abcdef0123456789';
    const unknown = await post(rig, rpc('tools/list'), { authorization: `Bearer ${forged}` });
    expect(unknown.status).toBe(401);
    expect(unknown.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token", error_description="[^"]+", resource_metadata="http:\/\/127\.0\.0\.1:\d+\/\.well-known\/oauth-protected-resource"$/);
    const basic = await post(rig, rpc('tools/list'), { authorization: `Basic ${Buffer.from(`una:${TOKENS.una}`).toString('base64')}` });
    expect(basic.status).toBe(401);
    expect(rig.authenticator.seen).toEqual([forged]);
    expect(rig.policy.records.map((record) => record.error)).toEqual(['the bearer token is unknown, expired or revoked', 'the Authorization header is not a bearer token']);
    const everything = JSON.stringify([rig.policy.records, rig.logger.lines, await unknown.text(), await basic.text()]);
    expect(everything).not.toContain(forged);
    expect(everything).not.toContain(TOKENS.una);
  });

  it('names the configured metadata URL in the challenge (the Forge host is not the request URL)', async () => {
    const policy = new TablePolicy([]);
    const gateway = createMcpGateway({ policy, authenticator: new TableAuthenticator(), upstream: () => Promise.reject(new Error('unused')), resourceMetadataUrl: 'https://clearway.example.net/x1/t/.well-known/oauth-protected-resource' });
    const response = await gateway.handle(new Request('http://internal.invalid/x/webtrigger', { method: 'POST', body: rpc('ping') }));
    expect(response.headers.get('www-authenticate')).toBe('Bearer resource_metadata="https://clearway.example.net/x1/t/.well-known/oauth-protected-resource"');
    expect(policy.records).toHaveLength(1);
  });

  it('refuses options it cannot work with, naming each', () => {
    const base = { policy: new TablePolicy([]), authenticator: new TableAuthenticator(), upstream: () => Promise.reject(new Error('unused')) };
    expect(() => createMcpGateway({ ...base, limits: { maxBodyBytes: 0 } })).toThrow(ValidationError);
    expect(() => createMcpGateway({ ...base, resourceMetadataUrl: 'https://clearway.example.net/a"b' })).toThrow(
      expect.objectContaining({ issues: [expect.objectContaining({ path: 'resourceMetadataUrl' })] }),
    );
  });

  it('answers 503 and records the refusal when the identity port fails', async () => {
    rig = await startRig();
    rig.authenticator.failure = true;
    const response = await post(rig, rpc('tools/list'));
    expect(response.status).toBe(503);
    expect((await rpcBody(response)).error).toEqual({ code: -32603, message: expect.stringContaining('could not verify the access token') });
    expect(lastRecord(rig)).toMatchObject({ caller: undefined, decision: { effect: 'deny', basis: 'policy_unavailable' }, error: 'identity port failed', rpcErrorCode: -32603 });
  });
});

describe('malformed JSON-RPC', () => {
  it('answers invalid JSON with -32700 and id null', async () => {
    rig = await startRig();
    const response = await post(rig, '{"jsonrpc":"2.0","id":1,"method":"tools/call",');
    expect(response.status).toBe(400);
    expect(await rpcBody(response)).toEqual({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error: the request body is not valid JSON.' } });
    expect(lastRecord(rig)).toMatchObject({ caller: una, method: 'invalid', decision: { basis: 'invalid' }, rpcErrorCode: -32700 });
  });

  it('answers bytes that are not UTF-8 with -32700', async () => {
    rig = await startRig();
    const response = await post(rig, new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]));
    expect(response.status).toBe(400);
    expect((await rpcBody(response)).error?.code).toBe(-32700);
    expect(lastRecord(rig).error).toBe('the body is not UTF-8');
  });

  it.each([
    ['a number', '42'],
    ['null', 'null'],
    ['a string', '"tools/list"'],
  ])('answers %s with -32600', async (_name, body) => {
    rig = await startRig();
    const response = await post(rig, body);
    expect(response.status).toBe(400);
    expect(await rpcBody(response)).toMatchObject({ id: null, error: { code: -32600 } });
    expect(lastRecord(rig)).toMatchObject({ method: 'invalid', rpcErrorCode: -32600, decision: { basis: 'invalid' } });
  });

  it('answers a message without "jsonrpc": "2.0" with -32600, keeping the id it could read', async () => {
    rig = await startRig();
    const response = await post(rig, JSON.stringify({ id: 9, method: 'tools/call', params: { name: 'deleteJiraIssue' } }));
    expect(response.status).toBe(400);
    expect(await rpcBody(response)).toMatchObject({ id: 9, error: { code: -32600 } });
    expect(lastRecord(rig)).toMatchObject({ method: 'tools/call', operation: 'invalid', rpcErrorCode: -32600 });
    expect(rig.policy.decideCalls).toEqual([]);
  });

  it('answers a null id, and a JSON-RPC response sent to the server, with -32600', async () => {
    rig = await startRig();
    const nullId = await post(rig, JSON.stringify({ jsonrpc: '2.0', id: null, method: 'tools/list' }));
    expect((await rpcBody(nullId)).error?.code).toBe(-32600);
    const response = await post(rig, JSON.stringify({ jsonrpc: '2.0', id: 3, result: {} }));
    expect(response.status).toBe(400);
    expect(await rpcBody(response)).toMatchObject({ id: 3, error: { code: -32600, message: expect.stringContaining('accepts no JSON-RPC responses') } });
    expect(rig.policy.records).toHaveLength(2);
  });

  it('refuses a batch as a whole: HTTP 400, -32600, nothing evaluated or forwarded', async () => {
    rig = await startRig();
    const batch = `[${rpc('tools/call', { name: 'getJiraIssue', arguments: { issueIdOrKey: 'AIR-1' } }, 1)},${rpc('tools/call', { name: 'deleteJiraIssue', arguments: { issueIdOrKey: 'AIR-1' } }, 2)}]`;
    const response = await post(rig, batch);
    expect(response.status).toBe(400);
    expect(await rpcBody(response)).toEqual({ jsonrpc: '2.0', id: null, error: { code: -32600, message: 'Invalid Request: JSON-RPC batches are not supported; send one message per HTTP request.' } });
    expect(rig.policy.records).toHaveLength(1);
    expect(rig.policy.decideCalls).toEqual([]);
    expect(rig.upstream.received).toEqual([]);
  });

  it('answers an unknown method with -32601 under the request id, without evaluating or forwarding it', async () => {
    rig = await startRig();
    const response = await post(rig, rpc('jira/deleteEverything', {}, 'abc'));
    expect(response.status).toBe(200);
    expect(await rpcBody(response)).toMatchObject({ id: 'abc', error: { code: -32601 } });
    expect(lastRecord(rig)).toMatchObject({ method: 'jira/deleteEverything', operation: 'jira/deleteEverything', decision: { effect: 'deny', basis: 'invalid' }, upstreamStatus: 'not_forwarded', rpcErrorCode: -32601 });
    expect(rig.policy.decideCalls).toEqual([]);
    expect(rig.upstream.received).toEqual([]);
  });

  it('answers tools/call without a tool name with -32602 (invalid params), before any evaluation', async () => {
    rig = await startRig();
    const response = await post(rig, rpc('tools/call', { arguments: {} }));
    expect(await rpcBody(response)).toEqual({ jsonrpc: '2.0', id: 1, error: { code: -32602, message: expect.stringMatching(/^Invalid params for tools\/call: name: /) } });
    expect(lastRecord(rig)).toMatchObject({ method: 'tools/call', operation: 'tools/call', decision: { basis: 'invalid' }, error: 'invalid params', rpcErrorCode: -32602 });
    expect(rig.policy.decideCalls).toEqual([]);
  });

  it('accepts a notification with 202 and no body, and records it', async () => {
    rig = await startRig();
    const response = await post(rig, JSON.stringify({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 4, reason: 'user stopped' } }));
    expect(response.status).toBe(202);
    expect(await response.text()).toBe('');
    expect(lastRecord(rig)).toMatchObject({ method: 'notifications/cancelled', operation: 'notifications/cancelled', decision: { effect: 'allow', basis: 'protocol' }, responseBytes: 0 });
    expect(lastRecord(rig)).not.toHaveProperty('rpcErrorCode');
  });

  it("forwards the client's _meta but not its progressToken (a JSON answer cannot carry progress)", async () => {
    rig = await startRig();
    const response = await post(rig, rpc('tools/call', { name: 'getJiraIssue', arguments: { issueIdOrKey: 'AIR-1' }, _meta: { progressToken: 7, 'com.example/trace': 'abc' } }));
    expect((await rpcBody(response)).result).toMatchObject({ structuredContent: { key: 'AIR-1' } });
    expect(rig.upstream.received.find((entry) => entry.method === 'tools/call')?.meta).toEqual({ 'com.example/trace': 'abc' });
  });

  it('answers ping itself, without the upstream', async () => {
    rig = await startRig();
    const response = await post(rig, rpc('ping', undefined, 5));
    expect(await rpcBody(response)).toEqual({ jsonrpc: '2.0', id: 5, result: {} });
    expect(lastRecord(rig)).toMatchObject({ method: 'ping', decision: { basis: 'protocol' }, upstreamStatus: 'not_forwarded' });
    expect(rig.upstream.received).toEqual([]);
  });
});

describe('HTTP-level refusals', () => {
  it.each(['GET', 'DELETE', 'PUT'])('answers %s with 405 and Allow: POST', async (method) => {
    rig = await startRig();
    const response = await fetch(rig.served.url, { method, headers: { authorization: `Bearer ${TOKENS.una}`, accept: 'text/event-stream' } });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    expect((await rpcBody(response)).error?.code).toBe(-32000);
    // GET (an SSE stream) and DELETE (a session's end) are MCP's own, answered 405 by a stateless server: protocol, not refused input.
    const probe = method !== 'PUT';
    expect(lastRecord(rig)).toMatchObject({ caller: una, method: probe ? `HTTP ${method}` : 'invalid', decision: { basis: probe ? 'protocol' : 'invalid' }, error: `HTTP ${method} is not served`, rpcErrorCode: -32000 });
  });

  it('answers a body that is not application/json with 415, unread', async () => {
    rig = await startRig();
    const response = await post(rig, rpc('tools/list'), { 'content-type': 'text/plain' });
    expect(response.status).toBe(415);
    expect((await rpcBody(response)).error?.code).toBe(-32000);
    expect(lastRecord(rig).error).toBe('the Content-Type is not application/json');
  });

  it("leaves Accept to the SDK transport: without text/event-stream it is 406, recorded as refused", async () => {
    rig = await startRig();
    const response = await post(rig, rpc('tools/list'), { accept: 'application/json' });
    expect(response.status).toBe(406);
    expect(lastRecord(rig)).toMatchObject({ method: 'tools/list', decision: { basis: 'invalid' }, rpcErrorCode: -32000 });
    expect(rig.upstream.received).toEqual([]);
    const initialize = await post(rig, rpc('initialize', { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } }), { accept: 'application/json' });
    expect(initialize.status).toBe(406);
    expect(lastRecord(rig)).toMatchObject({ method: 'initialize', decision: { basis: 'invalid' }, rpcErrorCode: -32000 });
  });

  it('answers an unsupported MCP-Protocol-Version with 400, as the SDK transport does', async () => {
    rig = await startRig();
    const response = await post(rig, rpc('tools/list'), { 'mcp-protocol-version': '1999-01-01' });
    expect(response.status).toBe(400);
    expect((await rpcBody(response)).error?.message).toContain('Unsupported protocol version');
    expect(lastRecord(rig)).toMatchObject({ method: 'tools/list', decision: { basis: 'invalid' } });
  });

  it('answers a declared oversized body with 413 without reading it', async () => {
    rig = await startRig({ limits: { maxBodyBytes: 1024 } });
    const response = await post(rig, JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'createJiraIssue', arguments: { summary: 'x'.repeat(4096) } } }));
    expect(response.status).toBe(413);
    expect(await rpcBody(response)).toEqual({ jsonrpc: '2.0', id: null, error: { code: -32000, message: 'Payload Too Large: a request body may hold at most 1024 bytes.' } });
    expect(lastRecord(rig)).toMatchObject({ method: 'invalid', error: 'the body is larger than 1024 bytes', rpcErrorCode: -32000 });
  });

  it('stops reading a streamed body of undeclared length at the limit and answers 413', async () => {
    rig = await startRig({ limits: { maxBodyBytes: 64 * 1024 } });
    const chunk = new Uint8Array(16 * 1024).fill(0x20);
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const response = await rig.gateway.handle(
      new Request(rig.served.url, { method: 'POST', headers: { authorization: `Bearer ${TOKENS.una}`, 'content-type': 'application/json' }, body: endless, duplex: 'half' }),
    );
    expect(response.status).toBe(413);
    // The read stopped at the first chunk past 64 KiB (the stream may have queued one more ahead).
    expect(pulled).toBeLessThanOrEqual(64 * 1024 + 2 * chunk.byteLength);
    expect(lastRecord(rig)).toMatchObject({ method: 'invalid', rpcErrorCode: -32000 });
  });

  it('answers a body stream that fails midway with -32700, recorded', async () => {
    rig = await startRig();
    const failing = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"jsonrpc":"2.0",'));
        controller.error(new Error('client went away'));
      },
    });
    const response = await rig.gateway.handle(
      new Request(rig.served.url, { method: 'POST', headers: { authorization: `Bearer ${TOKENS.una}`, 'content-type': 'application/json' }, body: failing, duplex: 'half' }),
    );
    expect(response.status).toBe(400);
    expect((await rpcBody(response)).error?.code).toBe(-32700);
    expect(lastRecord(rig)).toMatchObject({ method: 'invalid', error: 'the body could not be read', rpcErrorCode: -32700 });
  });

  it('answers 413 over the wire to a chunked upload far past the limit, and keeps serving', async () => {
    rig = await startRig({ limits: { maxBodyBytes: 64 * 1024 } });
    const chunk = new Uint8Array(64 * 1024).fill(0x20);
    let sent = 0;
    const large = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 8 * 1024 * 1024) return controller.close();
        sent += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const response = await post(rig, large);
    expect(response.status).toBe(413);
    expect(sent).toBeLessThan(8 * 1024 * 1024);
    const next = await post(rig, rpc('ping'));
    expect(next.status).toBe(200);
  });
});

describe('failing ports', () => {
  it('denies a call when the policy port throws (fail closed), without reaching the upstream', async () => {
    rig = await startRig();
    rig.policy.decideFailure = 'throw';
    const response = await post(rig, rpc('tools/call', { name: 'getJiraIssue', arguments: { issueIdOrKey: 'AIR-1' } }));
    const body = await rpcBody(response);
    expect(body.error).toMatchObject({ code: -32001, message: expect.stringContaining('the agent policy could not be read') });
    expect(lastRecord(rig)).toMatchObject({
      operation: 'getJiraIssue',
      decision: { effect: 'deny', basis: 'policy_unavailable' },
      upstreamStatus: 'not_forwarded',
      error: 'policy port failed',
      rpcErrorCode: -32001,
    });
    expect(rig.upstream.received).toEqual([]);
    expect(JSON.stringify([rig.policy.records, rig.logger.lines, body])).not.toContain('ECONNRESET');
  });

  it('hides every tool when the policy port fails, or answers out of contract, and records why', async () => {
    rig = await startRig();
    rig.policy.decideFailure = 'short';
    const response = await post(rig, rpc('tools/list'));
    expect((await rpcBody(response)).result).toEqual({ tools: [] });
    expect(lastRecord(rig)).toMatchObject({ method: 'tools/list', decision: { effect: 'deny', basis: 'policy_unavailable' }, upstreamStatus: 'ok', error: 'policy port answered 9 decisions for 10 operations' });
  });

  it('withholds the upstream result when the call cannot be recorded, and says so', async () => {
    rig = await startRig();
    rig.policy.recordFailure = true;
    const response = await post(rig, rpc('tools/call', { name: 'getJiraIssue', arguments: { issueIdOrKey: 'AIR-1' } }, 11));
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({ jsonrpc: '2.0', id: 11, error: { code: -32603, message: expect.stringContaining('could not record this call') } });
    expect(text).not.toContain('Laptop request');
    expect(rig.upstream.received.map((entry) => entry.method)).toContain('tools/call');
    expect(rig.logger.lines).toContainEqual(expect.objectContaining({ level: 'error', message: 'gateway: a call could not be recorded; its answer is withheld' }));
  });

  it('treats a record that hangs past its limit as not recorded', async () => {
    rig = await startRig({ limits: { recordTimeoutMs: 50 } });
    rig.policy.record = () => new Promise(() => undefined);
    const response = await post(rig, rpc('ping'));
    expect(response.status).toBe(500);
    expect((await rpcBody(response)).error?.code).toBe(-32603);
  });
});

describe('secrets', () => {
  it('keeps the bearer token and the upstream token out of every record, log line and answer', async () => {
    rig = await startRig();
    const answers = [
      await post(rig, rpc('tools/call', { name: 'getJiraIssue', arguments: { issueIdOrKey: 'AIR-1' } })),
      await post(rig, rpc('tools/call', { name: 'deleteJiraIssue', arguments: { issueIdOrKey: 'AIR-1' } })),
      await post(rig, '{'),
    ];
    rig.upstream.fault('http500');
    answers.push(await post(rig, rpc('tools/call', { name: 'getJiraIssue', arguments: { issueIdOrKey: 'AIR-1' } })));
    const texts = await Promise.all(answers.map((answer) => answer.text()));
    const everything = JSON.stringify([rig.policy.records, rig.logger.lines, texts]);
    expect(everything).not.toContain(TOKENS.una);
    expect(everything).not.toContain(upstreamToken(una));
    expect(everything.toLowerCase()).not.toContain('authorization');
    expect(rig.policy.records).toHaveLength(4);
  });

  it('records latency and start from the core clock', async () => {
    const clock = new FakeClock();
    const policy = new TablePolicy([]);
    const gateway = createMcpGateway({
      policy,
      authenticator: {
        authenticate: async () => {
          clock.advance(7);
          return una;
        },
      },
      upstream: () => Promise.reject(new Error('unused')),
      clock,
    });
    const started = clock.now();
    await gateway.handle(new Request('http://127.0.0.1/mcp', { method: 'POST', headers: { authorization: `Bearer ${TOKENS.una}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: rpc('ping') }));
    expect(policy.records[0]).toMatchObject({ startedAt: started, latencyMs: 7, method: 'ping' });
  });
});
