/**
 * Helper process for row 4: `seed <db> <count>` stores a chain of `count` events through the
 * Store port; `export <db> <out>` streams them into an evidence pack with `exportEvidence` and
 * reports this process's peak RSS (its own, so the seeding does not count).
 */
import { createWriteStream } from 'node:fs';
import { AUDIT_HEAD_ID, AUDIT_MAC_KEY_SECRET, DAY_MS, GENESIS_HASH, auditEventId, computeEntryHash, computeEntryMac, exportEvidence, put, randomIds, type Write } from '@clearway/core';
import { SqliteStore } from '@clearway/core/sqlite';
import { CollectingLogger, SandboxJira, VirtualClock } from '@clearway/sandbox';
import { BENCH_MAC_KEY, sampleBody } from './sample-event.js';

const [mode, dbPath, arg] = process.argv.slice(2);
const started = performance.now();

if (mode === 'seed') {
  const store = new SqliteStore({ path: dbPath });
  const count = Number(arg);
  let prevHash = GENESIS_HASH;
  let writes: Write[] = [];
  for (let seq = 1; seq <= count; seq += 1) {
    const body = { ...sampleBody(seq), at: Date.now() - (count - seq) * 10 };
    const entryHash = computeEntryHash(prevHash, body);
    writes.push(put('audit', { ...body, id: auditEventId(seq), version: 0, prevHash, entryHash, entryMac: computeEntryMac(BENCH_MAC_KEY, entryHash) }));
    prevHash = entryHash;
    if (writes.length === 25) {
      await store.commit(writes);
      writes = [];
    }
  }
  writes.push(put('meta', { id: AUDIT_HEAD_ID, version: 0, value: { seq: count, entryHash: prevHash } }));
  await store.commit(writes);
  store.close();
  console.log(JSON.stringify({ count, seconds: (performance.now() - started) / 1000 }));
} else if (mode === 'export') {
  const store = new SqliteStore({ path: dbPath });
  const secrets = new Map([[AUDIT_MAC_KEY_SECRET, BENCH_MAC_KEY]]);
  const deps = {
    store,
    clock: new VirtualClock(),
    ids: randomIds,
    secrets: { get: async (name: string) => secrets.get(name), set: async (name: string, value: string) => void secrets.set(name, value), delete: async (name: string) => void secrets.delete(name) },
    jira: new SandboxJira(),
    logger: new CollectingLogger(),
  };
  const out = createWriteStream(arg ?? 'pack.jsonl');
  // Respect the stream's backpressure: buffering a million lines is exactly what streaming avoids.
  const write = (line: string) => (out.write(`${line}\n`) ? undefined : new Promise<void>((resolve) => out.once('drain', () => resolve())));
  const manifest = await exportEvidence(deps, { accountId: 'bench', isAdmin: true }, { from: Date.now() - 364 * DAY_MS, to: Date.now() }, { jsonl: write });
  await new Promise((resolve) => out.end(resolve));
  store.close();
  console.log(JSON.stringify({ count: manifest.count, seconds: (performance.now() - started) / 1000, peakRssMb: process.resourceUsage().maxRSS / 1024 }));
} else {
  throw new Error('usage: audit-export-child.ts seed <db> <count> | export <db> <out>');
}
