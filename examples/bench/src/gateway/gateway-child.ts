/**
 * Peer process for the gateway rows: Clearway's MCP gateway on its own event loop, wired as the
 * sandbox host wires it — core's `createGatewayPolicy` over the embedded SQLite store (every
 * request decided and recorded on the audit chain) and `createMcpGateway` served on loopback.
 * Args: `<upstream url> <upstream token> <data dir>`.
 *
 * Measured here, where the bench process cannot see it: wall time inside `gateway.handle`, in
 * the policy port's `decide` and `record`, and in the gateway's upstream round trips (through the
 * `fetch` its upstream client uses), so the rows can say where a proxied call's time goes.
 */
import { randomBytes } from 'node:crypto';
import { createGatewayPolicy, readChainHead, type GatewayAuthenticator, type GatewayPolicyPort } from '@clearway/core';
import { DEFAULT_SERVER_INFO, createMcpGateway, serveGateway, type McpGateway, type UpstreamFactory } from '@clearway/core/mcp-gateway';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { BENCH_CALLER, gatewayInstall } from './fixture.js';
import { answerCommands, cpuMicros } from './ipc.js';

const [upstreamUrl, upstreamToken, dir] = process.argv.slice(2);
if (!upstreamUrl || !upstreamToken || !dir) throw new Error('usage: gateway-child <upstream url> <upstream token> <data dir>');

const { deps, store, logger } = await gatewayInstall(dir);
const token = `cwg_${randomBytes(24).toString('base64url')}`;
const authenticator: GatewayAuthenticator = { authenticate: async (bearer) => (bearer === token ? BENCH_CALLER : undefined) };

let upstreamMs = 0;
let upstreamRequests = 0;
/** The upstream client's fetch, timed from sending the request to having read the answer. */
async function timedFetch(url: string | URL, init?: RequestInit): Promise<Response> {
  const started = performance.now();
  const response = await fetch(url, init);
  const body = await response.arrayBuffer();
  upstreamMs += performance.now() - started;
  upstreamRequests += 1;
  return new Response(body.byteLength === 0 ? null : body, { status: response.status, statusText: response.statusText, headers: response.headers });
}

/** Connects the upstream client as the gateway's pool does for a URL, with the timed fetch. */
const upstream: UpstreamFactory = async () => {
  const client = new Client({ name: DEFAULT_SERVER_INFO.name, version: DEFAULT_SERVER_INFO.version }, { capabilities: {} });
  client.onerror = () => undefined;
  await client.connect(new StreamableHTTPClientTransport(new URL(upstreamUrl), { requestInit: { headers: { authorization: `Bearer ${upstreamToken}` } }, fetch: timedFetch }));
  return { client };
};

let decideMs = 0;
let recordMs = 0;
/** Core's policy port, its two calls timed. */
const port = createGatewayPolicy(deps);
const policy: GatewayPolicyPort = {
  decide: async (caller, operations) => {
    const started = performance.now();
    try {
      return await port.decide(caller, operations);
    } finally {
      decideMs += performance.now() - started;
    }
  },
  record: async (activity) => {
    const started = performance.now();
    try {
      await port.record(activity);
    } finally {
      recordMs += performance.now() - started;
    }
  },
};

const gateway = createMcpGateway({ policy, authenticator, upstream, clock: deps.clock, logger });
let handleMs = 0;
let requests = 0;
const timed: McpGateway = {
  handle: async (request) => {
    const started = performance.now();
    try {
      return await gateway.handle(request);
    } finally {
      handleMs += performance.now() - started;
      requests += 1;
    }
  },
  close: () => gateway.close(),
};
const served = await serveGateway(timed);
process.send?.({ type: 'ready', url: served.url.href, token });

answerCommands(
  async () => ({
    type: 'stats',
    cpuMicros: cpuMicros(),
    requests,
    handleMs,
    decideMs,
    recordMs,
    upstreamMs,
    upstreamRequests,
    chainSeq: (await readChainHead(store)).position.seq,
    warnings: logger.warnings.length,
    ...(logger.warnings[0] !== undefined && { firstWarning: logger.warnings[0] }),
  }),
  async () => {
    await served.close();
    store.close();
  },
);
