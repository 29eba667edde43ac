import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ConcurrencyError } from '../../errors.js';
import { describeStoreContract, type SharedStoreHarness, type WorkerProcessResult } from '../../testing/store-contract.js';
import { put } from '../../ports/store.js';
import type { EntityName, IndexName } from '../../ports/store-schema.js';
import { SqliteStore } from './sqlite-store.js';

const here = dirname(fileURLToPath(import.meta.url));
const coreDir = join(here, '..', '..', '..');

/** A worker process on the shared file, run from the TypeScript sources as the sandbox runs them. */
function runWorker(path: string, workerId: string, iterations: number, auditKey: string): Promise<WorkerProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=@clearway/source', '--import', 'tsx', join(here, 'shared-store.worker.ts'), path, workerId, String(iterations), auditKey], {
      cwd: coreDir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (exitCode) => resolve({ exitCode, stdout, stderr }));
  });
}

function sharedFile(): SharedStoreHarness {
  const dir = mkdtempSync(join(tmpdir(), 'clearway-shared-'));
  const path = join(dir, 'store.db');
  const handles: SqliteStore[] = [];
  return {
    open: () => {
      const store = new SqliteStore({ path });
      handles.push(store);
      return store;
    },
    runWorkers: (count, iterations, auditKey) => Promise.all(Array.from({ length: count }, (_, index) => runWorker(path, `worker-${index + 1}`, iterations, auditKey))),
    close: () => {
      for (const handle of handles) handle.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describeStoreContract('sqlite (in memory)', () => new SqliteStore());
describeStoreContract('sqlite (one file, several processes)', () => sharedFile().open(), { sharedByProcesses: sharedFile });

describe('SqliteStore', () => {
  const dir = mkdtempSync(join(tmpdir(), 'clearway-sqlite-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps data in a file across reopen, and migrates once', async () => {
    const path = join(dir, 'store.db');
    const first = new SqliteStore({ path });
    await first.commit([put('meta', { id: 'k', version: 0, value: 'kept' })]);
    first.close();
    const second = new SqliteStore({ path });
    expect(await second.get('meta', 'k')).toEqual({ id: 'k', version: 1, value: 'kept' });
    expect(second.db.pragma('user_version', { simple: true })).toBe(1);
    second.close();
  });

  it('seeks straight to the cursor when paging a range, instead of scanning from the range start', () => {
    const store = new SqliteStore();
    const cursor = Buffer.from(JSON.stringify([5_000, 'x'])).toString('base64url');
    const plan = store.explainQuery('audit', 'bySeq', { partition: [], range: { gte: 1, lte: 1_000_000 }, limit: 100, cursor }).join('\n');
    expect(plan).toMatch(/\(range_value,id\)>\(\?,\?\)/);
    expect(plan).not.toMatch(/range_value>\?/);
  });

  it('reports a write lock another process holds past the busy timeout as a retryable conflict, changing nothing', async () => {
    // better-sqlite3 is synchronous: waiting out a lock is proved across processes in the contract above.
    const path = join(dir, 'locked.db');
    const holder = new SqliteStore({ path });
    const impatient = new SqliteStore({ path, busyTimeoutMs: 0 });
    holder.db.exec('BEGIN IMMEDIATE');
    await expect(impatient.commit([put('meta', { id: 'x', version: 0, value: 1 })])).rejects.toBeInstanceOf(ConcurrencyError);
    holder.db.exec('COMMIT');
    expect(await impatient.get('meta', 'x')).toBeUndefined();
    await impatient.commit([put('meta', { id: 'x', version: 0, value: 1 })]);
    expect(await holder.get('meta', 'x')).toMatchObject({ value: 1 });
    holder.close();
    impatient.close();
  });

  it.each([
    ['job', 'due'],
    ['grant', 'byStatus'],
    ['grant', 'awaitingReview'],
    ['request', 'awaitingEscalation'],
    ['audit', 'byTime'],
  ] as const)('answers due-work queries on %s.%s from an index, not a scan', (entity: EntityName, index: string) => {
    const store = new SqliteStore();
    const cursor = Buffer.from(JSON.stringify([1, 'x'])).toString('base64url');
    const plan = store.explainQuery(entity, index as IndexName<EntityName>, { partition: [], range: { lte: 1_000 }, limit: 50, cursor }).join('\n');
    expect(plan).toMatch(/SEARCH i USING PRIMARY KEY \(entity=\? AND index_name=\? AND partition_key=\? AND .*range_value<\?\)/);
    expect(plan).not.toMatch(/SCAN/);
    expect(plan).not.toMatch(/TEMP B-TREE/);
  });
});
