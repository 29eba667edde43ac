/**
 * The AI client's side of the gateway rows: the MCP SDK's own `Client` over Streamable HTTP,
 * calling `getJiraIssue` either straight at the upstream or through the gateway, and the
 * statistics the rows report.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { BENCH_ISSUE } from './fixture.js';
import { cpuMicros, type PeerStats } from './ipc.js';
import type { GatewayPeers, Peer } from './peers.js';

export type Route = 'direct' | 'proxied';

/** One connected client and the one call it repeats. */
export interface CallingClient {
  readonly route: Route;
  /** One `tools/call` of `getJiraIssue`; throws unless it came back as the issue. Answers the text's length. */
  readonly call: () => Promise<number>;
  readonly close: () => Promise<void>;
}

async function callingClient(route: Route, peer: Peer, cloudId: string): Promise<CallingClient> {
  const client = new Client({ name: 'bench-ai-client', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(peer.url, { requestInit: { headers: { authorization: `Bearer ${peer.ready.token}` } } }));
  const call = async () => {
    const result = await client.callTool({ name: 'getJiraIssue', arguments: { cloudId, issueIdOrKey: BENCH_ISSUE } });
    const first = (result.content as Array<{ type: string; text?: string }>)[0];
    // A refused or failed call is cheap: counting it as a call would flatter whichever route failed.
    if (result.isError === true || first?.type !== 'text' || first.text === undefined) throw new Error(`${route}: getJiraIssue did not answer the issue: ${JSON.stringify(result.content).slice(0, 300)}`);
    return first.text.length;
  };
  return { route, call, close: () => client.close() };
}

/** Both routes' clients, each checked once: the issue's JSON comes back, the same either way. */
export async function connectBoth(peers: GatewayPeers): Promise<{ direct: CallingClient; proxied: CallingClient; responseChars: number }> {
  const direct = await callingClient('direct', peers.upstream, peers.cloudId);
  const proxied = await callingClient('proxied', peers.gateway, peers.cloudId);
  const [directChars, proxiedChars] = [await direct.call(), await proxied.call()];
  if (directChars !== proxiedChars) throw new Error(`the direct and proxied answers differ (${directChars} vs ${proxiedChars} characters)`);
  return { direct, proxied, responseChars: directChars };
}

/** What one timed run cost each process, per call. */
export interface RunCost {
  readonly calls: number;
  readonly callsPerSecond: number;
  /** CPU µs per call: this process (the AI client), the upstream, the gateway (0 for direct runs). */
  readonly clientCpuUs: number;
  readonly upstreamCpuUs: number;
  readonly gatewayCpuUs: number;
}

async function snapshot(peers: GatewayPeers): Promise<{ client: number; upstream: PeerStats; gateway: PeerStats }> {
  const [upstream, gateway] = await Promise.all([peers.upstream.stats(), peers.gateway.stats()]);
  return { client: cpuMicros(), upstream, gateway };
}

/** `inFlight` callers, each calling again as soon as its call returns, for `ms`. */
export async function closedLoop(peers: GatewayPeers, client: CallingClient, inFlight: number, ms: number): Promise<RunCost> {
  const before = await snapshot(peers);
  const started = performance.now();
  const until = started + ms;
  let calls = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (performance.now() < until) {
        await client.call();
        calls += 1;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const after = await snapshot(peers);
  return {
    calls,
    callsPerSecond: calls / seconds,
    clientCpuUs: (after.client - before.client) / calls,
    upstreamCpuUs: (after.upstream.cpuMicros - before.upstream.cpuMicros) / calls,
    gatewayCpuUs: (after.gateway.cpuMicros - before.gateway.cpuMicros) / calls,
  };
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** The value at or below which `p` % of the values lie (nearest rank). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}
