/**
 * The upstream failing in each way a remote MCP server can, seen by the SDK's own client through
 * the gateway: every failure is a JSON-RPC error that says what went wrong upstream, in the
 * gateway's words (never the upstream's body), with one record, and the next call reconnects.
 * The SDK client transport's behaviour (what it throws for an HTTP error status, an unexpected
 * content type, a closed socket) is that of @modelcontextprotocol/sdk 1.32.2,
 * `client/streamableHttp.js`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeClock, MemoryLogger } from '../../testing/fakes.js';
import { Deadline } from './deadline.js';
import { UpstreamPool } from './upstream.js';
import { GATEWAY_ERROR_CODES } from './wire.js';
import { UPSTREAM_BODY_SECRET, dev, post, rpc, startRig, una, type Rig } from './test-support/peers.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

async function failedCall(current: Rig): Promise<McpError> {
  const client = await current.connect();
  const error = await client.callTool({ name: 'getJiraIssue', arguments: { issueIdOrKey: 'AIR-1' } }).then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(McpError);
  return error as McpError;
}

function callRecord(current: Rig) {
  const records = current.policy.records.filter((record) => record.method === 'tools/call');
  expect(records).toHaveLength(1);
  return records[0]!;
}

describe('an upstream that fails', () => {
  it('times out an upstream that hangs, says so, and closes the hung connection', async () => {
    rig = await startRig({ limits: { upstreamTimeoutMs: 400 } });
    rig.upstream.fault('hang');
    const started = performance.now();
    const error = await failedCall(rig);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(error.code).toBe(GATEWAY_ERROR_CODES.upstreamTimeout);
    expect(error.message).toContain('did not answer within 0.4 s');
    expect(callRecord(rig)).toMatchObject({ operation: 'getJiraIssue', decision: { effect: 'allow' }, upstreamStatus: 'timeout', error: 'upstream did not answer within 400 ms', rpcErrorCode: -32011 });
    await vi.waitFor(() => expect(rig!.upstream.abandoned()).toBe(1));
    // The client that waited on the hung request was retired; the next call gets a fresh one.
    const again = await rig.connect();
    const result = await again.callTool({ name: 'getJiraIssue', arguments: { issueIdOrKey: 'AIR-2' } });
    expect(result.structuredContent).toEqual({ key: 'AIR-2', status: 'Open' });
  });

  it('times out an upstream that hangs during initialize', async () => {
    rig = await startRig({ limits: { upstreamTimeoutMs: 300 } });
    rig.upstream.fault('hang', 'initialize');
    const response = await post(rig, rpc('tools/list'));
    expect(await response.json()).toMatchObject({ error: { code: -32011, message: expect.stringContaining('did not answer within 0.3 s') } });
    expect(rig.policy.records[0]).toMatchObject({ method: 'tools/list', decision: { basis: 'protocol' }, upstreamStatus: 'timeout', error: 'upstream did not answer within 300 ms' });
    await vi.waitFor(() => expect(rig!.upstream.abandoned()).toBe(1));
  });

  it('answers an upstream that sends garbage as an upstream error, without the garbage', async () => {
    rig = await startRig();
    rig.upstream.fault('garbage');
    const error = await failedCall(rig);
    expect(error.code).toBe(GATEWAY_ERROR_CODES.upstreamFailed);
    expect(error.message).toContain('upstream answered something that is not a valid MCP message');
    expect(callRecord(rig)).toMatchObject({ upstreamStatus: 'error', error: 'upstream answered something that is not a valid MCP message', rpcErrorCode: -32010 });
    expect(JSON.stringify([error.message, rig.policy.records, rig.logger.lines])).not.toContain('upstream-body-secret');
  });

  it('answers an upstream that closes the connection as an upstream error', async () => {
    rig = await startRig();
    rig.upstream.fault('close');
    const error = await failedCall(rig);
    expect(error.code).toBe(GATEWAY_ERROR_CODES.upstreamFailed);
    expect(callRecord(rig)).toMatchObject({ upstreamStatus: 'error', error: 'upstream closed the connection before answering' });
  });

  it('answers an upstream HTTP 500 with its status only, never its body', async () => {
    rig = await startRig();
    rig.upstream.fault('http500');
    const error = await failedCall(rig);
    expect(error.message).toContain('upstream answered HTTP 500');
    expect(JSON.stringify([error, rig.policy.records, rig.logger.lines])).not.toContain(UPSTREAM_BODY_SECRET);
    expect(JSON.stringify(rig.policy.records)).not.toContain('IllegalStateException');
  });

  it("passes an upstream JSON-RPC error's code on, with its message redacted", async () => {
    rig = await startRig();
    rig.upstream.fault('rpcError');
    const error = await failedCall(rig);
    expect(error.code).toBe(-32602);
    expect(error.message).toContain('The upstream MCP server refused the request: Issue key AIR-X is not valid (Bearer [REDACTED])');
    expect(callRecord(rig)).toMatchObject({ upstreamStatus: 'error', error: 'upstream answered JSON-RPC error -32602', rpcErrorCode: -32602 });
    // An answer, even an error, leaves the connection sound: no reconnect.
    const client = await rig.connect();
    await client.callTool({ name: 'getJiraIssue', arguments: { issueIdOrKey: 'AIR-2' } });
    expect(rig.upstream.received.filter((entry) => entry.method === 'initialize')).toHaveLength(1);
  });

  it('answers initialize with an upstream error when the upstream is unreachable, and tries again next time', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    let attempts = 0;
    rig = await startRig({
      upstream: async () => {
        attempts += 1;
        return { url: `http://127.0.0.1:${port}/mcp` };
      },
    });
    for (const id of [1, 2]) {
      const response = await post(rig, rpc('initialize', { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } }, id));
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        jsonrpc: '2.0',
        id,
        error: { code: -32010, message: 'Upstream error: Clearway could not get an answer from the upstream MCP server (upstream unreachable (connection refused or host not found)).' },
      });
    }
    expect(attempts).toBe(2);
    expect(rig.policy.records.map((record) => [record.method, record.upstreamStatus, record.decision.basis, record.caller?.clientInfoName])).toEqual([
      ['initialize', 'error', 'protocol', 'raw'],
      ['initialize', 'error', 'protocol', 'raw'],
    ]);
  });

  it('answers with an upstream error when the factory cannot make a connection, and logs no detail of why', async () => {
    rig = await startRig({ upstream: () => Promise.reject(new Error('no Atlassian token stored for acc-una: refresh_token=abc123def456')) });
    const response = await post(rig, rpc('tools/call', { name: 'getJiraIssue', arguments: { issueIdOrKey: 'AIR-1' } }));
    expect(await response.json()).toMatchObject({ error: { code: -32010, message: expect.stringContaining('no upstream connection could be set up') } });
    expect(rig.policy.records[0]).toMatchObject({ operation: 'getJiraIssue', decision: { effect: 'allow' }, upstreamStatus: 'error' });
    expect(JSON.stringify(rig.logger.lines)).not.toContain('abc123def456');
  });

  it('times out a factory that never answers', async () => {
    rig = await startRig({ upstream: () => new Promise(() => undefined), limits: { upstreamTimeoutMs: 200 } });
    const response = await post(rig, rpc('tools/list'));
    expect(await response.json()).toMatchObject({ error: { code: -32011 } });
    expect(rig.policy.records[0]).toMatchObject({ method: 'tools/list', upstreamStatus: 'timeout' });
  });
});

describe('UpstreamPool', () => {
  /** A pool over real SDK clients connected in memory to a tools-only SDK server; `closed` holds the clients it closed. */
  function pool(maxClients = 10) {
    const clock = new FakeClock();
    const made: Client[] = [];
    const closed = new Set<Client>();
    const instance = new UpstreamPool({
      factory: async () => {
        const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
        await new Server({ name: 'upstream', version: '1' }, { capabilities: { tools: {} }, instructions: 'hi' }).connect(serverSide);
        const client = new Client({ name: 'gateway', version: '1' });
        await client.connect(clientSide);
        client.onclose = () => closed.add(client);
        made.push(client);
        return { client };
      },
      clock,
      ttlMs: 60_000,
      connectTimeoutMs: 1_000,
      maxClients,
      clientInfo: { name: 'gateway', version: '1' },
      logger: new MemoryLogger(),
    });
    return { instance, clock, made, closed, deadline: () => new Deadline(1_000) };
  }

  it('connects once for concurrent requests of one account, and reflects what the upstream declared', async () => {
    const { instance, made, deadline } = pool();
    const [first, second] = await Promise.all([instance.acquire(una, deadline()), instance.acquire(una, deadline())]);
    expect(made).toHaveLength(1);
    expect(first.client).toBe(second.client);
    expect(first.capabilities).toEqual({ tools: {} });
    expect(first.instructions).toBe('hi');
    await instance.close();
  });

  it('retires a client past its time to live, but closes it only when the request still using it is done', async () => {
    const { instance, clock, made, closed, deadline } = pool();
    const inFlight = await instance.acquire(una, deadline());
    clock.advance(60_000);
    const fresh = await instance.acquire(una, deadline());
    expect(made).toHaveLength(2);
    expect(fresh.client).not.toBe(inFlight.client);
    expect(closed.size).toBe(0);
    // It failed too: already retired, it must still be closed (not left open as "retired twice").
    inFlight.release(false);
    await vi.waitFor(() => expect(closed.has(made[0]!)).toBe(true));
    expect(closed.has(made[1]!)).toBe(false);
    fresh.release(true);
    await instance.close();
  });

  it('replaces a client that failed, once its other requests are done', async () => {
    const { instance, made, closed, deadline } = pool();
    const a = await instance.acquire(una, deadline());
    const b = await instance.acquire(una, deadline());
    a.release(false);
    const c = await instance.acquire(una, deadline());
    expect(c.client).not.toBe(a.client);
    expect(closed.size).toBe(0);
    b.release(true);
    await vi.waitFor(() => expect(closed.has(made[0]!)).toBe(true));
    expect(closed.has(made[1]!)).toBe(false);
    c.release(true);
    await instance.close();
  });

  it('keeps at most maxClients accounts, retiring the oldest', async () => {
    const { instance, made, closed, deadline } = pool(1);
    (await instance.acquire(una, deadline())).release(true);
    (await instance.acquire(dev, deadline())).release(true);
    expect(instance.size).toBe(1);
    await vi.waitFor(() => expect(closed.has(made[0]!)).toBe(true));
    expect(closed.has(made[1]!)).toBe(false);
    await instance.close();
    expect(closed.has(made[1]!)).toBe(true);
  });
});
