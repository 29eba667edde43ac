import { execFileSync } from 'node:child_process';
import { createHash, createHmac, createSecretKey } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GENESIS_HASH, canonicalBody, computeEntryHash, computeEntryMac, verifyChain, type AuditEventBody, type ChainedEvent } from '@clearway/core';
import { best, progress, round, type BenchRow } from '../report.js';
import { bundleForNode } from '../bundle.js';
import { BENCH_MAC_KEY, sampleBody } from '../sample-event.js';

/** Appends the given events to a chain: what the chain itself costs per event. */
function seal(bodies: readonly AuditEventBody[]): ChainedEvent[] {
  const events: ChainedEvent[] = [];
  let prevHash = GENESIS_HASH;
  for (const body of bodies) {
    const entryHash = computeEntryHash(prevHash, body);
    events.push({ ...body, prevHash, entryHash, entryMac: computeEntryMac(BENCH_MAC_KEY, entryHash) });
    prevHash = entryHash;
  }
  return events;
}

function chainOnly(bodies: readonly AuditEventBody[]): string {
  let prevHash = GENESIS_HASH;
  for (const body of bodies) {
    const entryHash = computeEntryHash(prevHash, body);
    computeEntryMac(BENCH_MAC_KEY, entryHash);
    prevHash = entryHash;
  }
  return prevHash;
}

/** Raw crypto over the same canonical bytes: SHA-256 of prevHash ‖ bytes, then HMAC of the hash. */
function raw(bytes: readonly string[]): void {
  const key = createSecretKey(Buffer.from(BENCH_MAC_KEY));
  let prevHash = GENESIS_HASH;
  for (const text of bytes) {
    const entryHash = createHash('sha256').update(prevHash).update(text).digest('hex');
    createHmac('sha256', key).update(entryHash).digest('hex');
    prevHash = entryHash;
  }
}

/**
 * The export runs as the product runs it: compiled JavaScript on plain Node, bundled here with
 * esbuild, rather than TypeScript compiled on the fly (which would add the compiler's memory to
 * the peak being measured).
 */
async function buildChild(outDir: string): Promise<string> {
  await bundleForNode({ 'audit-export-child': fileURLToPath(new URL('../audit-export-child.ts', import.meta.url)) }, outDir);
  return join(outDir, 'audit-export-child.mjs');
}

function runChild(child: string, args: readonly string[]): Record<string, number> {
  const output = execFileSync(process.execPath, [child, ...args], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(output.trim().split('\n').at(-1) ?? '{}') as Record<string, number>;
}

/**
 * Row 4: the chain's own cost. Appending (canonical JSON, SHA-256, HMAC) and verifying
 * (recompute both, compare in constant time) as events per second, each divided by raw
 * SHA-256 + HMAC over the same canonical bytes in the same process (best of 5 runs each).
 * Plus: peak RSS of a process exporting 1,000,000 stored events (streamed page by page).
 */
export async function auditChain(events = 50_000, exported = 1_000_000): Promise<BenchRow> {
  progress(`row 4: sealing and verifying ${events.toLocaleString('en')} events against raw crypto`);
  const bodies = Array.from({ length: events }, (_, index) => sampleBody(index + 1));
  const bytes = bodies.map((body) => canonicalBody(body));
  const rawMs = best(5, () => raw(bytes));
  // Timed without keeping the events: appending hands each event to the store and moves on.
  const appendMs = best(5, () => void chainOnly(bodies));
  // Verified as a verifier meets them: parsed from an evidence pack's JSON lines.
  const sealed = seal(bodies).map((event) => JSON.parse(JSON.stringify(event)) as ChainedEvent);
  let verifyMs = Number.POSITIVE_INFINITY;
  for (let run = 0; run < 5; run += 1) {
    const started = performance.now();
    const result = await verifyChain(sealed, { key: BENCH_MAC_KEY, start: { seq: 1 } });
    verifyMs = Math.min(verifyMs, performance.now() - started);
    if (!result.ok) throw new Error(`the benchmark chain does not verify: ${result.problem}`);
  }
  const appendRatio = rawMs / appendMs;
  const verifyRatio = rawMs / verifyMs;

  progress(`row 4: storing ${exported.toLocaleString('en')} events, then exporting them in a separate process`);
  const dir = mkdtempSync(join(tmpdir(), 'clearway-export-'));
  // Built beside this package so the bundle finds better-sqlite3 (a native module, left external).
  const buildDir = fileURLToPath(new URL('../../.build/', import.meta.url));
  try {
    const child = await buildChild(buildDir);
    const db = join(dir, 'audit.db');
    const seeded = runChild(child, ['seed', db, String(exported)]);
    const exportRun = runChild(child, ['export', db, join(dir, 'pack.jsonl')]);
    const figure = Math.min(appendRatio, verifyRatio);
    return {
      id: 'audit-chain',
      name: `Audit chain: append and verify vs raw SHA-256 + HMAC; export of ${exported.toLocaleString('en')} events`,
      figure: round(figure),
      unit: 'events/s ÷ raw crypto events/s (the lower of append and verify)',
      target: '≥ 0.5; export peak RSS ≤ 300 MB',
      met: figure >= 0.5 && (exportRun.peakRssMb ?? Number.POSITIVE_INFINITY) <= 300,
      details: {
        appendRatio: round(appendRatio),
        verifyRatio: round(verifyRatio),
        rawEventsPerSecond: Math.round((events / rawMs) * 1000),
        appendEventsPerSecond: Math.round((events / appendMs) * 1000),
        verifyEventsPerSecond: Math.round((events / verifyMs) * 1000),
        exportedEvents: exportRun.count ?? 0,
        exportSeconds: round(exportRun.seconds ?? 0, 1),
        exportPeakRssMb: round(exportRun.peakRssMb ?? 0, 1),
        storeSeedSeconds: round(seeded.seconds ?? 0, 1),
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
