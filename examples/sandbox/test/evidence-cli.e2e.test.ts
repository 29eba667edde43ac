import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DAY_MS, auditMacKey, initializeClearway, pruneAuditEvents, randomIds, transact, type AuditCheckpoint, type CoreDeps, type EvidenceManifest } from '@clearway/core';
import { SqliteStore } from '@clearway/core/sqlite';
import { beforeAll, describe, expect, it } from 'vitest';
import { CollectingLogger, FileSecrets, SandboxJira, VirtualClock } from '../src/adapters.js';
import { run } from './support.js';

const iso = (at: number) => new Date(at).toISOString();

/**
 * A sandbox data folder (the layout of src/paths.ts) whose chain was pruned by a 365-day retention:
 * five events 400 days ago are gone behind the checkpoint, three from 200 days ago are kept.
 */
async function prunedSandbox(data: string): Promise<{ now: number; checkpoint: AuditCheckpoint; firstKeptAt: number; keyFile: string }> {
  const clock = new VirtualClock();
  const store = new SqliteStore({ path: join(data, 'clearway.db') });
  const deps: CoreDeps = { store, clock, ids: randomIds, secrets: new FileSecrets(join(data, 'secrets.json')), jira: new SandboxJira(), logger: new CollectingLogger() };
  const record = async (type: string) => transact(deps, async () => ({ writes: [], audit: [{ actor: 'tester', type }], result: undefined }));
  clock.advance(-400 * DAY_MS);
  await initializeClearway(deps);
  for (let index = 0; index < 5; index += 1) await record('test.old');
  clock.advance(200 * DAY_MS);
  for (let index = 0; index < 3; index += 1) await record('test.kept');
  // The sandbox clock runs on from the real one: the first kept event's own time, not a reading taken before it.
  const firstKeptAt = (await store.query('audit', 'bySeq', { partition: [], limit: 100 })).items.find((event) => event.type === 'test.kept')!.at;
  clock.reset();
  const { checkpoint } = await pruneAuditEvents(deps, { retentionDays: 365 });
  const keyFile = join(data, 'audit-mac.key');
  writeFileSync(keyFile, await auditMacKey(deps.secrets, deps.ids), { mode: 0o600 });
  store.close();
  return { now: clock.now(), checkpoint: checkpoint!, firstKeptAt, keyFile };
}

describe('clearway evidence export after retention pruned the chain', () => {
  const data = mkdtempSync(join(tmpdir(), 'clearway-evidence-'));
  const env = { CLEARWAY_SANDBOX_DATA: data };
  let sandbox: Awaited<ReturnType<typeof prunedSandbox>>;

  beforeAll(async () => {
    sandbox = await prunedSandbox(data);
  });

  it('says the export starts later than asked and why, and the pack verifies offline', () => {
    const { now, checkpoint, firstKeptAt, keyFile } = sandbox;
    const from = now - 450 * DAY_MS;
    const pack = join(data, 'pruned.jsonl');
    const exported = run('clearway.mjs', ['evidence', 'export', '--from', iso(from), '--to', iso(now - 100 * DAY_MS), '--out', pack], env);
    expect(exported).toMatchObject({ status: 0, stderr: '' });
    const firstSeq = checkpoint.seq + 1;
    expect(exported.stdout).toBe(
      `Exported 3 events (seq ${firstSeq}–${firstSeq + 2}) to ${pack}.\n` +
        `This pack starts at ${iso(firstKeptAt)} (seq ${firstSeq}), later than the requested ${iso(from)}: ` +
        `events through seq ${checkpoint.seq} (${iso(checkpoint.at!)}) were pruned by the 365-day retention on ${iso(checkpoint.prunedAt)}.\n`,
    );

    const verified = run('clearway.mjs', ['evidence', 'verify', pack, '--key-file', keyFile], env);
    expect(verified.status).toBe(0);
    expect(verified.stdout).toMatch(/^Evidence verified: 3 events, seq \d+–\d+; hashes, macs and the manifest's mac checked with the key\.\nThis pack starts at .*, later than the requested /);

    const hidden = join(data, 'hidden.jsonl');
    const lines = readFileSync(pack, 'utf8').trimEnd().split('\n');
    const { manifest } = JSON.parse(lines.at(-1)!) as { manifest: EvidenceManifest };
    const { pruned: _pruned, ...claimsAll } = { ...manifest, covered: manifest.range };
    writeFileSync(hidden, [...lines.slice(0, -1), JSON.stringify({ manifest: claimsAll })].join('\n'));
    const caught = run('clearway.mjs', ['evidence', 'verify', hidden, '--key-file', keyFile], env);
    expect(caught.status).toBe(1);
    expect(caught.stdout).toMatch(/^Evidence FAILED verification: manifest_mismatch — the manifest was changed after export/);
  }, 120_000);

  it('makes no pruned claim for a range that starts after the checkpoint', () => {
    const { now, checkpoint } = sandbox;
    const range = { from: checkpoint.at! + DAY_MS, to: now - 100 * DAY_MS };
    const exported = run('clearway.mjs', ['--json', 'evidence', 'export', '--from', iso(range.from), '--to', iso(range.to), '--out', join(data, 'after.jsonl')], env);
    expect(exported.status).toBe(0);
    const manifest = JSON.parse(exported.stdout) as EvidenceManifest;
    expect(manifest).toMatchObject({ range, covered: range, count: 3, firstSeq: checkpoint.seq + 1 });
    expect(manifest).not.toHaveProperty('pruned');
  }, 60_000);
});
