import { loadavg } from 'node:os';
import { progress, round, type BenchRow } from '../report.js';
import { connectBoth, percentile, type CallingClient } from '../gateway/load.js';
import { startGatewayPeers } from '../gateway/peers.js';

const TARGET_P50_MS = 1;
const WARM_UP_CALLS = 50;

async function timedMs(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

/**
 * AI-agent gateway: the latency it adds to one `tools/call`, one call in flight. Direct and
 * proxied calls (and a bare HTTP GET to the upstream, the floor of one loopback hop) take turns,
 * `calls` of each, so each percentile compares calls made under the same conditions; the figure
 * is proxied p50 − direct p50. Inside the gateway process its own timers split a proxied call
 * (as far as `gateway.handle` sees it) into the upstream round trip, the policy's decide and
 * record, and the rest (authentication, edge checks, the SDK server and its web transport).
 */
export async function gatewayLatency(calls: number): Promise<BenchRow> {
  const peers = await startGatewayPeers('gateway latency');
  const load = loadavg()[0] ?? 0;
  try {
    const { direct, proxied } = await connectBoth(peers);
    const ping = new URL('/ping', peers.upstream.url);
    const bareHop = async () => {
      const response = await fetch(ping);
      if ((await response.text()) !== 'ok') throw new Error('the upstream did not answer /ping');
    };
    for (let call = 0; call < WARM_UP_CALLS; call += 1) for (const run of [direct.call, proxied.call, bareHop]) await run();

    progress(`gateway latency: ${calls.toLocaleString('en')} direct, proxied and bare-HTTP calls in turn, one in flight`);
    const before = await peers.gateway.stats();
    const samples: Record<'direct' | 'proxied' | 'bareHop', number[]> = { direct: [], proxied: [], bareHop: [] };
    for (let call = 0; call < calls; call += 1) {
      // Which route goes first alternates, so neither always follows the other's garbage.
      const order: CallingClient[] = call % 2 === 0 ? [direct, proxied] : [proxied, direct];
      for (const client of order) samples[client.route].push(await timedMs(client.call));
      samples.bareHop.push(await timedMs(bareHop));
    }
    const after = await peers.gateway.stats();
    await Promise.all([direct.close(), proxied.close()]);
    const handled = after.requests - before.requests;
    if (handled !== calls) throw new Error(`the gateway answered ${handled} requests for ${calls} proxied calls`);
    if ((after.warnings ?? 0) > 0) throw new Error(`the gateway logged ${after.warnings} warnings, the first: ${after.firstWarning}`);

    const at = (route: keyof typeof samples, p: number) => percentile(samples[route], p);
    const addedP50 = at('proxied', 50) - at('direct', 50);
    const addedP99 = at('proxied', 99) - at('direct', 99);
    const handleMs = ((after.handleMs ?? 0) - (before.handleMs ?? 0)) / handled;
    const upstreamMs = ((after.upstreamMs ?? 0) - (before.upstreamMs ?? 0)) / Math.max(1, (after.upstreamRequests ?? 0) - (before.upstreamRequests ?? 0));
    const decideMs = ((after.decideMs ?? 0) - (before.decideMs ?? 0)) / handled;
    const recordMs = ((after.recordMs ?? 0) - (before.recordMs ?? 0)) / handled;
    return {
      id: 'gateway-latency',
      name: `AI-agent gateway: latency added to a tools/call, one in flight (p50 and p99 of ${calls.toLocaleString('en')} interleaved calls each)`,
      figure: round(addedP50, 2),
      unit: 'ms added at p50 (proxied p50 − direct p50)',
      target: `p50 ≤ ${TARGET_P50_MS} ms; p99 report`,
      met: addedP50 <= TARGET_P50_MS,
      details: {
        addedP50Ms: round(addedP50, 2),
        addedP99Ms: round(addedP99, 2),
        directP50Ms: round(at('direct', 50), 2),
        directP99Ms: round(at('direct', 99), 2),
        proxiedP50Ms: round(at('proxied', 50), 2),
        proxiedP99Ms: round(at('proxied', 99), 2),
        bareHttpHopP50Ms: round(at('bareHop', 50), 2),
        gatewayHandleMeanMs: round(handleMs, 2),
        gatewayUpstreamRoundTripMeanMs: round(upstreamMs, 2),
        gatewayOwnMeanMs: round(handleMs - upstreamMs, 2),
        gatewayDecideMeanMs: round(decideMs, 2),
        gatewayRecordMeanMs: round(recordMs, 2),
        // Authentication, the edge checks, the SDK server and transport, the web Request and Response.
        gatewayRestMeanMs: round(handleMs - upstreamMs - decideMs - recordMs, 2),
        gatewayCpuUsPerCall: Math.round((after.cpuMicros - before.cpuMicros) / handled),
        loadAverage1m: round(load, 2),
      },
    };
  } finally {
    await peers.stop();
  }
}
