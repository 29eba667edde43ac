/**
 * `pnpm bench`: each row is a ratio (or a count) measured side by side in the same run, so the
 * figure holds on a noisy machine. Prints one table and writes it as JSON to results/latest.json.
 *   pnpm bench                  the full sizes (about six minutes here)
 *   pnpm bench --quick          smaller sizes, to try changes
 *   pnpm bench --only=<row id>  that row alone (with --quick or not); prints it, writes no results file
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { table } from '@clearway/sandbox';
import type { BenchRow } from './report.js';
import { auditChain } from './rows/audit-chain.js';
import { cliStartup } from './rows/cli-startup.js';
import { drainEfficiency } from './rows/drain.js';
import { entraRequestEconomy } from './rows/entra-economy.js';
import { gatewayChain } from './rows/gateway-chain.js';
import { gatewayEvaluation } from './rows/gateway-evaluation.js';
import { gatewayKvs } from './rows/gateway-kvs.js';
import { gatewayLatency } from './rows/gateway-latency.js';
import { gatewayThroughput } from './rows/gateway-throughput.js';
import { insightsScaling } from './rows/insights-scaling.js';
import { kvsEconomy } from './rows/kvs-economy.js';
import { sweepScaling } from './rows/sweep-scaling.js';
import { workEvents, workKvs, workLatency, workStorage } from './rows/work-linked.js';

const quick = process.argv.includes('--quick');
const only = process.argv.find((arg) => arg.startsWith('--only='))?.slice('--only='.length);
const sizes = quick
  ? { drain: 300, entra: 100, sweepLarge: 10_000, chain: 20_000, exported: 50_000, cliRuns: 3, gatewayRounds: 3, gatewayRunMs: 1_500, gatewayCalls: 200, evaluations: 200, gatewayAppends: 300, workIssues: 100, workLatency: 10, workKvs: 50 }
  : { drain: 2_000, entra: 400, sweepLarge: 100_000, chain: 50_000, exported: 1_000_000, cliRuns: 7, gatewayRounds: 5, gatewayRunMs: 3_000, gatewayCalls: 1_000, evaluations: 500, gatewayAppends: 1_000, workIssues: 500, workLatency: 30, workKvs: 200 };

const started = Date.now();
const rows: BenchRow[] = [];
const all: ReadonlyArray<readonly [string, () => Promise<BenchRow>]> = [
  ['drain', () => drainEfficiency(sizes.drain)],
  ['entra-economy', () => entraRequestEconomy(sizes.entra)],
  ['sweep-scaling', () => sweepScaling(1_000, sizes.sweepLarge)],
  ['insights-scaling', () => insightsScaling(1_000, sizes.sweepLarge)],
  ['audit-chain', () => auditChain(sizes.chain, sizes.exported)],
  ['kvs-economy', () => kvsEconomy()],
  ['cli-startup', () => cliStartup(sizes.cliRuns)],
  ['gateway-throughput', () => gatewayThroughput({ rounds: sizes.gatewayRounds, runMs: sizes.gatewayRunMs, inFlight: 8 })],
  ['gateway-latency', () => gatewayLatency(sizes.gatewayCalls)],
  ['gateway-evaluation', () => gatewayEvaluation(sizes.evaluations)],
  ['gateway-chain', () => gatewayChain(sizes.gatewayAppends)],
  ['gateway-kvs', () => gatewayKvs()],
  ['work-events', () => workEvents(sizes.workIssues)],
  ['work-storage', () => workStorage(sizes.workIssues)],
  ['work-latency', () => workLatency(sizes.workLatency)],
  ['work-kvs', () => workKvs(sizes.workKvs)],
];
const selected = all.filter(([id]) => only === undefined || id === only);
if (selected.length === 0) {
  console.error(`No bench row "${only}"; the rows are ${all.map(([id]) => id).join(', ')}.`);
  process.exit(2);
}
for (const [, run] of selected) {
  const row = await run();
  rows.push(row);
  process.stderr.write(`  ${row.met === true ? '✓' : row.met === 'report' ? '·' : '✗'} ${row.name}: ${row.figure} (${row.unit}; target ${row.target})\n`);
}

console.log(
  table(
    ['row', 'figure', 'unit', 'target', 'met', 'details'],
    rows.map((row) => [row.id, String(row.figure), row.unit, row.target, row.met === 'report' ? 'report' : row.met ? 'yes' : 'NO', Object.entries(row.details).map(([key, value]) => `${key}=${value}`).join(' ')]),
  ),
);
const results = {
  ranAt: new Date(started).toISOString(),
  seconds: Math.round((Date.now() - started) / 1000),
  quick,
  node: process.version,
  rows,
};
const summary = `${rows.filter((row) => row.met === true).length} of ${rows.filter((row) => row.met !== 'report').length} targets met in ${results.seconds} s`;
if (only === undefined) {
  const dir = fileURLToPath(new URL('../results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, quick ? 'quick.json' : 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\n${summary}; results in examples/bench/results/${quick ? 'quick' : 'latest'}.json`);
} else {
  // One row alone would replace the whole run's results file, so it is only printed.
  console.log(`\n${summary} (row ${only} alone; no results file written)`);
}
