import { describe, expect, it } from 'vitest';
import { put } from '../ports/store.js';
import { AUDIT_MAC_KEY_SECRET } from '../ports/secrets.js';
import { DAY_MS } from '../ports/clock.js';
import { transact } from '../shared/transact.js';
import { T0, admin, makeDeps, type TestDeps } from '../test-support/harness.js';
import { verifyAuditLog } from './audit-service.js';
import { exportEvidence } from './evidence.js';
import { verifyEvidence, verifyEvidenceCsv } from './evidence-verify.js';
import { pruneAuditEvents } from './retention.js';

async function record(deps: TestDeps, count: number, type = 'test.event') {
  for (let index = 0; index < count; index += 1) {
    await transact(deps, async () => ({ writes: [], audit: [{ actor: 'tester', type, data: { index } }], result: undefined }));
    deps.clock.advance(1_000);
  }
}

async function exportPack(deps: TestDeps, range: { from?: number; to?: number } = {}) {
  const jsonl: string[] = [];
  const csv: string[] = [];
  const manifest = await exportEvidence(deps, admin, range, { jsonl: (line) => void jsonl.push(line), csv: (line) => void csv.push(line) });
  return { jsonl, csv, manifest, key: (await deps.secrets.get(AUDIT_MAC_KEY_SECRET))! };
}

/** Rewrites one stored event as a tamperer with database access would. */
function tamperStored(deps: TestDeps, seq: number, change: (data: Record<string, unknown>) => void) {
  const id = String(seq).padStart(12, '0');
  const row = deps.store.db.prepare("SELECT data FROM records WHERE entity = 'audit' AND id = ?").get(id) as { data: string };
  const event = JSON.parse(row.data) as Record<string, unknown>;
  change(event);
  deps.store.db.prepare("UPDATE records SET data = ? WHERE entity = 'audit' AND id = ?").run(JSON.stringify(event), id);
}

describe('audit chain', () => {
  it('links every event to the one before and verifies', async () => {
    const deps = await makeDeps();
    await record(deps, 5);
    const events = (await deps.store.query('audit', 'bySeq', { partition: [], limit: 100 })).items;
    expect(events.map((event) => event.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    events.slice(1).forEach((event, index) => expect(event.prevHash).toBe(events[index]!.entryHash));
    expect(await verifyAuditLog(deps)).toMatchObject({ ok: true, verified: 6, headSeq: 6, macChecked: true });
  });

  it('never forks or skips under concurrent appends', async () => {
    const deps = await makeDeps();
    await Promise.all(Array.from({ length: 40 }, (_, index) => transact(deps, async () => ({ writes: [], audit: [{ actor: `a${index}`, type: 'parallel' }], result: index }))));
    const events = (await deps.store.query('audit', 'bySeq', { partition: [], limit: 100 })).items;
    expect(events.map((event) => event.seq)).toEqual(Array.from({ length: 41 }, (_, index) => index + 1));
    expect(await verifyAuditLog(deps)).toMatchObject({ ok: true, verified: 41 });
  });

  it('detects an edited event', async () => {
    const deps = await makeDeps();
    await record(deps, 5);
    tamperStored(deps, 3, (event) => (event.actor = 'someone-else'));
    expect(await verifyAuditLog(deps)).toMatchObject({ ok: false, firstBadSeq: 3, problem: 'entry_hash_mismatch' });
  });

  it('detects an edit whose hashes were recomputed, by its mac', async () => {
    const deps = await makeDeps();
    await record(deps, 3);
    const { computeEntryHash } = await import('./chain.js');
    tamperStored(deps, 4, (event) => {
      event.data = { index: 99 };
      event.entryHash = computeEntryHash(event.prevHash as string, event as never);
    });
    expect(await verifyAuditLog(deps)).toMatchObject({ ok: false, firstBadSeq: 4, problem: 'entry_mac_mismatch' });
  });

  it('detects a deleted event, a reordering and a truncated tail', async () => {
    const deleted = await makeDeps();
    await record(deleted, 5);
    deleted.store.db.prepare("DELETE FROM records WHERE entity = 'audit' AND id = ?").run('000000000003');
    deleted.store.db.prepare("DELETE FROM index_entries WHERE entity = 'audit' AND id = ?").run('000000000003');
    expect(await verifyAuditLog(deleted)).toMatchObject({ ok: false, firstBadSeq: 3, problem: 'seq_gap' });

    const reordered = await makeDeps();
    await record(reordered, 5);
    tamperStored(reordered, 3, (event) => (event.seq = 99));
    expect(await verifyAuditLog(reordered)).toMatchObject({ ok: false, firstBadSeq: 3 });

    const truncated = await makeDeps();
    await record(truncated, 5);
    truncated.store.db.prepare("DELETE FROM records WHERE entity = 'audit' AND id = ?").run('000000000006');
    truncated.store.db.prepare("DELETE FROM index_entries WHERE entity = 'audit' AND id = ?").run('000000000006');
    expect(await verifyAuditLog(truncated)).toMatchObject({ ok: false, firstBadSeq: 6, problem: 'seq_gap', detail: /head says 6/ });
  });

  it('prunes past retention behind a checkpoint, and the rest still verifies', async () => {
    const deps = await makeDeps();
    await record(deps, 30);
    deps.clock.advance(400 * DAY_MS);
    await record(deps, 3, 'recent');
    const result = await pruneAuditEvents(deps, { retentionDays: 365 });
    expect(result.pruned).toBe(31);
    // What an evidence export states about the pruned part: the last pruned event's time and the retention.
    expect(result.checkpoint).toMatchObject({ seq: 31, at: T0 + 29_000, prunedAt: deps.clock.at, prunedTotal: 31, retentionDays: 365 });
    const remaining = (await deps.store.query('audit', 'bySeq', { partition: [], limit: 100 })).items;
    expect(remaining.map((event) => event.type)).toEqual(['recent', 'recent', 'recent', 'audit.pruned']);
    expect(await verifyAuditLog(deps)).toMatchObject({ ok: true, verified: 4, firstSeq: 32 });
    expect((await pruneAuditEvents(deps, { retentionDays: 365 })).pruned).toBe(0);
  });
});

describe('evidence packs', () => {
  it('exports the last 90 days by default and verifies offline with the key, or by hash alone', async () => {
    const deps = await makeDeps();
    await record(deps, 2);
    deps.clock.advance(100 * DAY_MS);
    await record(deps, 4);
    const { jsonl, manifest, key } = await exportPack(deps);
    expect(manifest).toMatchObject({ count: 4, firstSeq: 4, lastSeq: 7, range: { to: deps.clock.at, from: deps.clock.at - 90 * DAY_MS } });
    expect(JSON.parse(jsonl.at(-1)!)).toEqual({ manifest });
    expect(await verifyEvidence(jsonl, { key })).toMatchObject({ ok: true, verified: 4, macChecked: true });
    expect(await verifyEvidence(jsonl)).toMatchObject({ ok: true, verified: 4, macChecked: false });
    expect(await verifyEvidence(jsonl, { key: 'another key' })).toMatchObject({ ok: false, problem: 'entry_mac_mismatch', firstBadSeq: 4 });
  });

  it('refuses ranges that end before they start or span more than 365 days', async () => {
    const deps = await makeDeps();
    const now = deps.clock.at;
    await expect(exportPack(deps, { from: now, to: now - 1 })).rejects.toMatchObject({ code: 'range_invalid' });
    await expect(exportPack(deps, { from: now - 366 * DAY_MS, to: now })).rejects.toMatchObject({ code: 'range_invalid', message: /at most 365 days/ });
    await expect(exportEvidence(deps, { accountId: 'auditor' }, {}, {})).rejects.toMatchObject({ code: 'forbidden' });
  });

  it.each([
    ['an edited event', (lines: string[]) => lines.splice(1, 1, lines[1]!.replace('"index":0', '"index":7')), 'entry_hash_mismatch'],
    ['a deleted event', (lines: string[]) => lines.splice(2, 1), 'seq_gap'],
    ['reordered events', (lines: string[]) => lines.splice(1, 2, lines[2]!, lines[1]!), 'seq_gap'],
    ['a cut-off tail', (lines: string[]) => lines.splice(-3, 2), 'manifest_mismatch'],
    ['a missing manifest', (lines: string[]) => lines.splice(-1, 1), 'manifest_missing'],
  ])('detects %s in a pack', async (_what, tamper, problem) => {
    const deps = await makeDeps();
    await record(deps, 5);
    const { jsonl, key } = await exportPack(deps);
    tamper(jsonl);
    expect(await verifyEvidence(jsonl, { key })).toMatchObject({ ok: false, problem });
  });

  it('exports CSV that verifies against its manifest', async () => {
    const deps = await makeDeps();
    await transact(deps, async () => ({ writes: [], audit: [{ actor: 'x', type: 'quoted', data: { text: 'a, "quoted", value' } }], result: undefined }));
    await record(deps, 2);
    const { csv, manifest, key } = await exportPack(deps);
    expect(csv[0]).toBe('seq,at,actor,type,policyVersion,refs,data,prevHash,entryHash,entryMac');
    expect(await verifyEvidenceCsv(csv, manifest, { key })).toMatchObject({ ok: true, verified: 4 });
    const edited = [...csv];
    edited[2] = edited[2]!.replace('quoted', 'QUOTED');
    expect(await verifyEvidenceCsv(edited, manifest, { key })).toMatchObject({ ok: false, firstBadSeq: 2 });
    expect(await verifyEvidenceCsv(csv.slice(0, -1), manifest, { key })).toMatchObject({ ok: false, problem: 'manifest_mismatch' });
  });

  it('states a chain head at or after its last event, even when an event is appended while it exports', async () => {
    const deps = await makeDeps();
    await record(deps, 3);
    let appended = false;
    // Another invocation appends while this export looks up its range: the pack may then hold that event too.
    const racing = new Proxy(deps.store, {
      get(target, name, receiver) {
        if (name !== 'query') return Reflect.get(target, name, receiver) as unknown;
        return async (...args: Parameters<typeof target.query>) => {
          if (!appended && args[1] === 'byTime') {
            appended = true;
            await record(deps, 1, 'racing');
          }
          return target.query(...args);
        };
      },
    });
    const jsonl: string[] = [];
    const manifest = await exportEvidence({ ...deps, store: racing }, admin, {}, { jsonl: (line) => void jsonl.push(line) });
    expect(appended).toBe(true);
    expect(manifest.chainHead.seq).toBeGreaterThanOrEqual(manifest.lastSeq!);
    expect(await verifyEvidence(jsonl, { key: (await deps.secrets.get(AUDIT_MAC_KEY_SECRET))! })).toMatchObject({ ok: true });
  });

  it.each([
    ['events after the manifest line', (lines: string[]) => lines.push(lines[1]!), /events follow the manifest line/],
    ['a second manifest line', (lines: string[]) => lines.push(lines.at(-1)!), /more than one manifest line/],
    ['a line that is not JSON', (lines: string[]) => lines.splice(2, 0, '{"seq": 3,'), /not valid JSON/],
    ['an event that is a list', (lines: string[]) => lines.splice(1, 1, '[1, 2]'), /an event has a field missing or of the wrong kind/],
  ])('refuses a pack with %s', async (_what, tamper, detail) => {
    const deps = await makeDeps();
    await record(deps, 3);
    const { jsonl, key } = await exportPack(deps);
    tamper(jsonl);
    expect(await verifyEvidence(jsonl, { key })).toMatchObject({ ok: false, detail });
  });

  it('refuses a CSV whose header is not the pack columns, or whose row carries a column more, naming the row', async () => {
    const deps = await makeDeps();
    await record(deps, 3);
    const { csv, manifest, key } = await exportPack(deps);
    const reordered = [csv[0]!.replace('actor,type', 'type,actor'), ...csv.slice(1)];
    expect(await verifyEvidenceCsv(reordered, manifest, { key })).toMatchObject({ ok: false, problem: 'malformed_event', detail: /header is not the pack's columns/ });
    const widened = [...csv];
    widened[2] = `${widened[2]},"{""approvedBy"":""someone""}"`;
    expect(await verifyEvidenceCsv(widened, manifest, { key })).toMatchObject({ ok: false, problem: 'unexpected_field', firstBadSeq: 2, verified: 1 });
    expect(await verifyEvidenceCsv([], manifest, { key })).toMatchObject({ ok: false, detail: /no header row/ });
  });

  it('records each export in the chain', async () => {
    const deps = await makeDeps();
    await exportPack(deps);
    const [last] = (await deps.store.query('audit', 'bySeq', { partition: [], direction: 'desc', limit: 1 })).items;
    expect(last).toMatchObject({ type: 'evidence.exported', actor: 'admin-1' });
    await deps.store.commit([put('meta', { id: 'unrelated', version: 0, value: 1 })]);
    expect(await verifyAuditLog(deps)).toMatchObject({ ok: true });
  });
});

/**
 * Ten events at T0, three kept 60 days later, then pruning with 30-day retention: seq 1 (the set-up
 * event) to 11 are deleted behind a checkpoint at seq 11, and the pruning itself is recorded as seq 15.
 */
async function prunedChain() {
  const deps = await makeDeps();
  await record(deps, 10, 'old');
  deps.clock.advance(60 * DAY_MS);
  await record(deps, 3, 'kept');
  const { checkpoint } = await pruneAuditEvents(deps, { retentionDays: 30 });
  const [firstKept] = (await deps.store.query('audit', 'bySeq', { partition: [], limit: 1 })).items;
  return { deps, checkpoint: checkpoint!, firstKept: firstKept! };
}

/** Rewrites the manifest line of a JSON Lines pack. */
function withManifest(jsonl: readonly string[], change: (manifest: Record<string, unknown>) => void): string[] {
  const { manifest } = JSON.parse(jsonl.at(-1)!) as { manifest: Record<string, unknown> };
  change(manifest);
  return [...jsonl.slice(0, -1), JSON.stringify({ manifest })];
}

describe('evidence packs after retention pruning', () => {
  it('states the range asked for, the range covered and the pruning, and verifies offline', async () => {
    const { deps, checkpoint, firstKept } = await prunedChain();
    expect(checkpoint).toMatchObject({ seq: 11, at: T0 + 9_000, retentionDays: 30 });
    const { jsonl, csv, manifest, key } = await exportPack(deps);
    const requestedFrom = deps.clock.at - 90 * DAY_MS;
    expect(requestedFrom).toBeLessThan(checkpoint.at!);
    expect(manifest).toMatchObject({
      formatVersion: 2,
      range: { from: requestedFrom, to: deps.clock.at },
      covered: { from: firstKept.at, to: deps.clock.at },
      pruned: {
        checkpoint: { seq: 11, entryHash: checkpoint.entryHash, at: T0 + 9_000, prunedAt: deps.clock.at, prunedTotal: 11, retentionDays: 30 },
        firstAvailable: { seq: 12, at: firstKept.at },
        retentionDays: 30,
      },
      count: 4,
      firstSeq: 12,
      lastSeq: 15,
      firstPrevHash: checkpoint.entryHash,
      manifestMac: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(manifest.pruned?.note).toBe(
      `This pack starts at ${new Date(firstKept.at).toISOString()} (seq 12), later than the requested ${new Date(requestedFrom).toISOString()}: ` +
        `events through seq 11 (${new Date(T0 + 9_000).toISOString()}) were pruned by the 30-day retention on ${new Date(deps.clock.at).toISOString()}.`,
    );
    expect(await verifyEvidence(jsonl, { key })).toMatchObject({ ok: true, verified: 4, macChecked: true, manifestMacChecked: true, manifest });
    expect(await verifyEvidence(jsonl)).toMatchObject({ ok: true, verified: 4, macChecked: false, manifestMacChecked: false });
    expect(await verifyEvidenceCsv(csv, manifest, { key })).toMatchObject({ ok: true, verified: 4, manifestMacChecked: true });
    const [exported] = (await deps.store.query('audit', 'bySeq', { partition: [], direction: 'desc', limit: 1 })).items;
    expect(exported).toMatchObject({ type: 'evidence.exported', data: { from: requestedFrom, count: 4, coveredFrom: firstKept.at, prunedThroughSeq: 11 } });
  });

  it('makes no pruned claim for a range that starts after the checkpoint', async () => {
    const { deps, firstKept } = await prunedChain();
    // After the last pruned event (T0 + 9 s) though before the first kept one: nothing of it was pruned.
    const range = { from: T0 + 30 * DAY_MS, to: deps.clock.at };
    const { jsonl, manifest, key } = await exportPack(deps, range);
    expect(manifest).toMatchObject({ range, covered: range, count: 4, firstSeq: firstKept.seq });
    expect(manifest).not.toHaveProperty('pruned');
    expect(await verifyEvidence(jsonl, { key })).toMatchObject({ ok: true, verified: 4, manifestMacChecked: true });
  });

  it('exports no events, and says retention took them all, for a range entirely before the checkpoint', async () => {
    const { deps, firstKept } = await prunedChain();
    const { jsonl, manifest, key } = await exportPack(deps, { from: T0 - 10 * DAY_MS, to: T0 + 20 * DAY_MS });
    expect(manifest).toMatchObject({ count: 0, pruned: { firstAvailable: { seq: 12, at: firstKept.at }, note: expect.stringMatching(/^This pack holds no events of the requested range/) } });
    expect(manifest).not.toHaveProperty('covered');
    expect(jsonl).toHaveLength(1);
    expect(await verifyEvidence(jsonl, { key })).toMatchObject({ ok: true, verified: 0, manifestMacChecked: true });
  });

  // Edits of firstSeq, count or the end hashes were already caught by comparing them with the
  // events; these are the claims about what the pack covers.
  it.each([
    ['covered.from moved back to the requested start', (manifest: Record<string, unknown>) => (manifest.covered = manifest.range), /coverage does not hold: .*does not start at its first event/],
    ['the pruned statement removed', (manifest: Record<string, unknown>) => delete manifest.pruned, /coverage does not hold: .*without saying that retention pruned/],
    [
      'a pruning point that is not where the pack starts',
      (manifest: Record<string, unknown>) => ((manifest.pruned as { checkpoint: { seq: number } }).checkpoint.seq = 5),
      /does not follow the stated checkpoint/,
    ],
    ['a pruned statement that is no statement', (manifest: Record<string, unknown>) => (manifest.pruned = {}), /not a Clearway evidence manifest/],
    ['the manifest mac removed', (manifest: Record<string, unknown>) => delete manifest.manifestMac, /not sealed/],
  ])('rejects a pack whose manifest has %s, with or without the key', async (_what, tamper, detail) => {
    const { deps } = await prunedChain();
    const { jsonl, key } = await exportPack(deps);
    const tampered = withManifest(jsonl, tamper);
    expect(await verifyEvidence(tampered)).toMatchObject({ ok: false, problem: 'manifest_mismatch', detail });
    expect(await verifyEvidence(tampered, { key })).toMatchObject({ ok: false, problem: 'manifest_mismatch', detail });
  });

  it.each([
    [
      'pruning hidden by covering the whole requested range',
      (manifest: Record<string, unknown>) => {
        delete manifest.pruned;
        manifest.covered = manifest.range;
      },
    ],
    ['a reworded note', (manifest: Record<string, unknown>) => ((manifest.pruned as { note: string }).note = 'Nothing was pruned.')],
    ['another requested range', (manifest: Record<string, unknown>) => ((manifest.range as { from: number }).from -= DAY_MS)],
  ])('rejects, with the key, a manifest rewritten with %s consistently with its events', async (_what, tamper) => {
    const { deps } = await prunedChain();
    const { jsonl, key } = await exportPack(deps);
    const tampered = withManifest(jsonl, tamper);
    expect(await verifyEvidence(tampered, { key })).toMatchObject({ ok: false, problem: 'manifest_mismatch', detail: /changed after export/ });
    // The events cannot disprove such a rewrite: without the key the result says the manifest's mac went unchecked.
    expect(await verifyEvidence(tampered)).toMatchObject({ macChecked: false, manifestMacChecked: false });
  });

  it('checks the CSV manifest kept beside the pack the same way', async () => {
    const { deps } = await prunedChain();
    const { csv, manifest, key } = await exportPack(deps);
    const { pruned: _pruned, ...hidden } = manifest;
    expect(await verifyEvidenceCsv(csv, hidden, { key })).toMatchObject({ ok: false, problem: 'manifest_mismatch', detail: /without saying that retention pruned/ });
    expect(await verifyEvidenceCsv(csv, { ...hidden, covered: manifest.range }, { key })).toMatchObject({ ok: false, detail: /changed after export/ });
  });

  it('still verifies a pack exported before manifests stated their coverage (format 1)', async () => {
    const deps = await makeDeps();
    await record(deps, 3);
    const { jsonl, key } = await exportPack(deps);
    const formatOne = withManifest(jsonl, (manifest) => {
      manifest.formatVersion = 1;
      for (const field of ['covered', 'pruned', 'manifestMac']) delete manifest[field];
    });
    expect(await verifyEvidence(formatOne, { key })).toMatchObject({ ok: true, verified: 4, macChecked: true, manifestMacChecked: false });
    const claiming = withManifest(formatOne, (manifest) => (manifest.covered = manifest.range));
    expect(await verifyEvidence(claiming, { key })).toMatchObject({ ok: false, problem: 'manifest_mismatch', detail: /format 1 manifest has no covered/ });
  });
});
