import { closeSync, fstatSync, openSync } from 'node:fs';
import { devNull, loadavg } from 'node:os';
import { progress, round, type BenchRow } from '../report.js';
import { closedLoop, connectBoth, median, type CallingClient, type RunCost } from '../gateway/load.js';
import { startGatewayPeers } from '../gateway/peers.js';

const TARGET = 0.85;

/**
 * What one system call costs on this machine (µs, best of 5 × 2,000 `fstat`s): each loopback
 * HTTP hop is a few of them on each side, so this says how much of the gap is the machine's.
 */
function syscallMicros(): number {
  const fd = openSync(devNull, 'r');
  try {
    let best = Number.POSITIVE_INFINITY;
    for (let run = 0; run < 5; run += 1) {
      const started = performance.now();
      for (let call = 0; call < 2_000; call += 1) fstatSync(fd);
      best = Math.min(best, (performance.now() - started) / 2);
    }
    return best;
  } finally {
    closeSync(fd);
  }
}

export interface ThroughputSizes {
  /** Alternating direct and proxied runs of each. */
  readonly rounds: number;
  readonly runMs: number;
  readonly inFlight: number;
}

/**
 * AI-agent gateway: `tools/call`s per second through the gateway ÷ straight at the same loopback
 * upstream, measured side by side. The upstream (the simulated site's SDK `McpServer`,
 * stateless, JSON answers) and the gateway (core's policy and recorder over SQLite, every call
 * decided, grant-checked and recorded on the audit chain) each run in a process of their own;
 * the AI client (the SDK's `Client`, `inFlight` calls at a time) runs here. Direct and proxied
 * runs alternate, `rounds` times; the figure is the ratio of the medians. CPU per call in each
 * process says where the time goes.
 */
export async function gatewayThroughput(sizes: ThroughputSizes): Promise<BenchRow> {
  const peers = await startGatewayPeers('gateway throughput');
  const load = loadavg()[0] ?? 0;
  try {
    const { direct, proxied, responseChars } = await connectBoth(peers);
    progress(`gateway throughput: warm-up, then ${sizes.rounds} rounds of ${sizes.runMs / 1000} s direct and ${sizes.runMs / 1000} s proxied, ${sizes.inFlight} calls in flight`);
    await closedLoop(peers, direct, sizes.inFlight, Math.min(1_000, sizes.runMs));
    await closedLoop(peers, proxied, sizes.inFlight, Math.min(1_000, sizes.runMs));
    const seqBefore = (await peers.gateway.stats()).chainSeq ?? 0;
    const runs: Record<'direct' | 'proxied', RunCost[]> = { direct: [], proxied: [] };
    for (let pass = 0; pass < sizes.rounds; pass += 1) {
      // Who goes first alternates, so neither route always runs on the warmer machine.
      const order: CallingClient[] = pass % 2 === 0 ? [direct, proxied] : [proxied, direct];
      for (const client of order) runs[client.route].push(await closedLoop(peers, client, sizes.inFlight, sizes.runMs));
    }
    const gateway = await peers.gateway.stats();
    await Promise.all([direct.close(), proxied.close()]);
    const proxiedCalls = runs.proxied.reduce((total, run) => total + run.calls, 0);
    const recorded = (gateway.chainSeq ?? 0) - seqBefore;
    // Each proxied call is exactly one event on the chain; nothing else reached the gateway meanwhile.
    if (recorded !== proxiedCalls) throw new Error(`the gateway recorded ${recorded} events for ${proxiedCalls} proxied calls`);
    if ((gateway.warnings ?? 0) > 0) throw new Error(`the gateway logged ${gateway.warnings} warnings, the first: ${gateway.firstWarning}`);

    const rate = (route: 'direct' | 'proxied') => median(runs[route].map((run) => run.callsPerSecond));
    const cpu = (route: 'direct' | 'proxied', key: 'clientCpuUs' | 'upstreamCpuUs' | 'gatewayCpuUs') => median(runs[route].map((run) => run[key]));
    const figure = rate('proxied') / rate('direct');
    const cpuDirect = cpu('direct', 'clientCpuUs') + cpu('direct', 'upstreamCpuUs');
    const cpuProxied = cpu('proxied', 'clientCpuUs') + cpu('proxied', 'upstreamCpuUs') + cpu('proxied', 'gatewayCpuUs');
    return {
      id: 'gateway-throughput',
      name: `AI-agent gateway: tools/call per second through the gateway ÷ direct, same loopback upstream, ${sizes.inFlight} in flight (median of ${sizes.rounds} alternating runs)`,
      figure: round(figure),
      unit: 'proxied calls/s ÷ direct calls/s',
      target: `≥ ${TARGET}`,
      met: figure >= TARGET,
      details: {
        directCallsPerSecond: Math.round(rate('direct')),
        proxiedCallsPerSecond: Math.round(rate('proxied')),
        runRatios: runs.proxied.map((run, index) => round(run.callsPerSecond / runs.direct[index]!.callsPerSecond, 2)).join('/'),
        gatewayCpuUsPerCall: Math.round(cpu('proxied', 'gatewayCpuUs')),
        upstreamCpuUsPerCallDirect: Math.round(cpu('direct', 'upstreamCpuUs')),
        upstreamCpuUsPerCallProxied: Math.round(cpu('proxied', 'upstreamCpuUs')),
        clientCpuUsPerCallDirect: Math.round(cpu('direct', 'clientCpuUs')),
        clientCpuUsPerCallProxied: Math.round(cpu('proxied', 'clientCpuUs')),
        // With every process on the machine's two cores, both routes are CPU-bound: then the ratio
        // is about direct CPU per call ÷ proxied CPU per call, all processes counted.
        cpuUsPerCallDirect: Math.round(cpuDirect),
        cpuUsPerCallProxied: Math.round(cpuProxied),
        cpuRatio: round(cpuDirect / cpuProxied, 2),
        syscallUs: round(syscallMicros(), 2),
        proxiedCallsRecorded: recorded,
        responseChars,
        loadAverage1m: round(load, 2),
      },
    };
  } finally {
    await peers.stop();
  }
}
