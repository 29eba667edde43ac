import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ActivityRecorder, activityEntry, readChainHead, transact, type AuditEntry, type Write } from '@clearway/core';
import { CountingStore } from '../counting-store.js';
import { progress, round, type BenchRow } from '../report.js';
import { ALLOWED_BY_RULE_4, allowedCall, gatewayInstall } from '../gateway/fixture.js';
import { median } from '../gateway/load.js';

/** Reads counted by the bench's counting store; commits counted here. */
class CommitCountingStore extends CountingStore {
  commits = 0;
  override commit(writes: readonly Write[]) {
    this.commits += 1;
    return super.commit(writes);
  }
}

const CONCURRENT = 8;
const ROUNDS = 3;

interface Cost {
  readonly us: number;
  readonly commits: number;
  readonly reads: number;
}

/** µs per append (and commits and reads per append): `count` appends one after another, or `CONCURRENT` callers at a time. */
async function perAppend(store: CommitCountingStore, count: number, inFlight: number, append: () => Promise<void>): Promise<Cost> {
  const before = { commits: store.commits, reads: store.reads };
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < count) {
        next += 1;
        await append();
      }
    }),
  );
  const ms = performance.now() - started;
  return { us: (ms * 1000) / count, commits: (store.commits - before.commits) / count, reads: (store.reads - before.reads) / count };
}

/**
 * AI-agent gateway: what recording one call on the audit chain costs on the embedded store
 * (SQLite on a temp file, WAL). `ActivityRecorder.record` of an allowed `tools/call` — the event,
 * the moved chain head and the day's rollup in one commit, plus the event's three activity
 * index entries — one call at a time (a commit each) and with 8 callers at a time (group
 * commit: calls arriving during a commit share the next one); beside a plain `transact` append
 * of an audit event with the same data (another type, so no activity indexes and no rollup),
 * likewise one at a time and 8 at a time. Rounds alternate; medians.
 */
export async function gatewayChain(appends: number): Promise<BenchRow> {
  const dir = mkdtempSync(join(tmpdir(), 'clearway-gateway-chain-'));
  const install = await gatewayInstall(dir);
  try {
    const store = new CommitCountingStore(install.store);
    const deps = { ...install.deps, store };
    const recorder = new ActivityRecorder(deps);
    const call = () => allowedCall(ALLOWED_BY_RULE_4, Date.now());
    const plainEntry = (): AuditEntry => ({ ...activityEntry(call()), type: 'bench.audit_append' });
    const methods = {
      record: () => recorder.record(call()),
      plain: () => transact(deps, async () => ({ writes: [], audit: [plainEntry()], result: undefined })),
    };
    const eventBytes = Buffer.byteLength(JSON.stringify(activityEntry(call())));
    progress(`gateway chain: ${ROUNDS} rounds of ${appends.toLocaleString('en')} recorded calls and plain audit appends, one at a time and ${CONCURRENT} at a time`);
    await perAppend(store, 200, 1, methods.record);
    await perAppend(store, 200, 1, methods.plain);
    const seqBefore = (await readChainHead(store)).position.seq;
    const costs: Record<'recordSeq' | 'plainSeq' | 'recordBatched' | 'plainBatched', Cost[]> = { recordSeq: [], plainSeq: [], recordBatched: [], plainBatched: [] };
    for (let pass = 0; pass < ROUNDS; pass += 1) {
      costs.plainSeq.push(await perAppend(store, appends, 1, methods.plain));
      costs.recordSeq.push(await perAppend(store, appends, 1, methods.record));
      costs.plainBatched.push(await perAppend(store, appends, CONCURRENT, methods.plain));
      costs.recordBatched.push(await perAppend(store, appends, CONCURRENT, methods.record));
    }
    const appended = (await readChainHead(store)).position.seq - seqBefore;
    if (appended !== ROUNDS * appends * 4) throw new Error(`the chain grew by ${appended} events, not ${ROUNDS * appends * 4}`);
    const us = (key: keyof typeof costs) => median(costs[key].map((cost) => cost.us));
    const each = (key: keyof typeof costs, field: 'commits' | 'reads') => round(median(costs[key].map((cost) => cost[field])), 2);
    const figure = us('recordSeq') / us('plainSeq');
    return {
      id: 'gateway-chain',
      name: `AI-agent gateway: recording a call on the audit chain (embedded SQLite) vs a plain audit append of the same data (median of ${ROUNDS} rounds of ${appends.toLocaleString('en')})`,
      figure: round(figure, 2),
      unit: 'µs per recorded call ÷ µs per plain append, one at a time',
      target: 'report',
      met: 'report',
      details: {
        recordSequentialUs: Math.round(us('recordSeq')),
        recordBatchedUs: Math.round(us('recordBatched')),
        plainSequentialUs: Math.round(us('plainSeq')),
        plainBatchedUs: Math.round(us('plainBatched')),
        batchedRatio: round(us('recordBatched') / us('plainBatched'), 2),
        recordCommitsPerCallBatched: each('recordBatched', 'commits'),
        recordReadsPerCall: each('recordSeq', 'reads'),
        recordReadsPerCallBatched: each('recordBatched', 'reads'),
        plainReadsPerAppend: each('plainSeq', 'reads'),
        eventJsonBytes: eventBytes,
      },
    };
  } finally {
    install.store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
