import { describe, expect, it } from 'vitest';
import { verifyAuditLog } from '../audit/audit-service.js';
import { ConcurrencyError, StoreLimitError } from '../errors.js';
import type { Job } from '../fulfillment/job.js';
import { MAX_COMMIT_WRITES, put, remove, type Store } from '../ports/store.js';
import type { MetaRecord } from '../ports/store-schema.js';
import { AUDIT_MAC_KEY_SECRET } from '../ports/secrets.js';
import { randomIds } from '../ports/ids.js';
import { silentLogger } from '../ports/logger.js';
import { SHARED_COUNTER_ID, SHARED_JOB_IDS, seedSharedStore, type SharedStoreWorkerReport } from './shared-store-worker.js';

function job(id: string, overrides: Partial<Job> = {}): Job {
  return {
    id,
    version: 0,
    type: 'provision',
    grantId: 'grant-1',
    connectorId: 'c1',
    toolId: 't1',
    status: 'queued',
    idempotencyKey: `k-${id}`,
    attempts: 0,
    wakeAt: 1_000,
    createdAt: 1_000,
    updatedAt: 1_000,
    ...overrides,
  };
}

const meta = (id: string, value: unknown, version = 0): MetaRecord => ({ id, version, value });

/** What one worker process of the multi-process check left behind. */
export interface WorkerProcessResult {
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * For an adapter whose data several processes share (workers on one machine): fresh shared data,
 * and a way to run worker processes on it, each running `runSharedStoreWorker` with the given
 * audit key and printing its report as its last stdout line.
 */
export interface SharedStoreHarness {
  /** Opens a handle on the shared data (in this process). */
  readonly open: () => Store;
  readonly runWorkers: (count: number, iterations: number, auditKey: string) => Promise<readonly WorkerProcessResult[]>;
  readonly close?: () => void;
}

export interface StoreContractOptions {
  /** Adds the multi-process check: workers in separate processes, one store. */
  readonly sharedByProcesses?: () => SharedStoreHarness;
}

const CONTRACT_AUDIT_KEY = 'contract-audit-key-0123456789abcdef';

/**
 * The behaviour every Store adapter must show. Run it from the adapter's tests:
 *   describeStoreContract('sqlite', () => new SqliteStore(), { sharedByProcesses });
 */
export function describeStoreContract(name: string, makeStore: () => Store | Promise<Store>, options: StoreContractOptions = {}): void {
  describe(`store contract: ${name}`, () => {
    const shared = options.sharedByProcesses;
    if (shared) {
      it('serves several worker processes at once: every conflict retried or lost cleanly, no update lost, no crash, the audit chain intact', async () => {
        const harness = shared();
        try {
          const store = harness.open();
          await seedSharedStore(store);
          const workers = 3;
          const iterations = 60;
          const results = await harness.runWorkers(workers, iterations, CONTRACT_AUDIT_KEY);
          expect(results.map((result) => (result.exitCode === 0 ? 'ok' : `exit ${result.exitCode}: ${result.stderr.slice(0, 500)}`))).toEqual(results.map(() => 'ok'));
          const reports = results.map((result) => JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}') as SharedStoreWorkerReport);
          expect((await store.get('meta', SHARED_COUNTER_ID))?.value).toBe(workers * iterations);
          const jobs = await Promise.all(SHARED_JOB_IDS.map((id) => store.get('job', id)));
          expect(jobs.reduce((sum, job) => sum + (job?.attempts ?? 0), 0)).toBe(reports.reduce((sum, report) => sum + report.claimsWon, 0));
          expect(reports.reduce((sum, report) => sum + report.claimsWon + report.claimsLost, 0)).toBe(workers * iterations);
          const secrets = new Map([[AUDIT_MAC_KEY_SECRET, CONTRACT_AUDIT_KEY]]);
          const verification = await verifyAuditLog({
            store,
            clock: { now: () => Date.now() },
            ids: randomIds,
            secrets: { get: async (key) => secrets.get(key), set: async () => undefined, delete: async () => undefined },
            jira: { comment: async () => undefined, transition: async () => ({ transitioned: false }), createIssue: async () => ({ key: 'X-1' }), findAccounts: async () => [] },
            logger: silentLogger,
          });
          expect(verification).toMatchObject({ ok: true, headSeq: workers * iterations, verified: workers * iterations });
        } finally {
          harness.close?.();
        }
      }, 120_000);
    }

    it('answers undefined for a missing record', async () => {
      const store = await makeStore();
      expect(await store.get('meta', 'nope')).toBeUndefined();
    });

    it('creates at version 0 and stores version 1, then updates from the version read', async () => {
      const store = await makeStore();
      await store.commit([put('meta', meta('m', { a: 1 }))]);
      const created = await store.get('meta', 'm');
      expect(created).toEqual({ id: 'm', version: 1, value: { a: 1 } });
      await store.commit([put('meta', { ...created!, value: { a: 2 } })]);
      expect(await store.get('meta', 'm')).toEqual({ id: 'm', version: 2, value: { a: 2 } });
    });

    it('refuses a stale version, a second create, or a stale delete, changing nothing', async () => {
      const store = await makeStore();
      await store.commit([put('meta', meta('m', 1))]);
      await expect(store.commit([put('meta', meta('m', 2))])).rejects.toBeInstanceOf(ConcurrencyError);
      await expect(store.commit([put('meta', meta('m', 3, 5))])).rejects.toBeInstanceOf(ConcurrencyError);
      await expect(store.commit([remove('meta', { id: 'm', version: 7 })])).rejects.toBeInstanceOf(ConcurrencyError);
      expect(await store.get('meta', 'm')).toEqual({ id: 'm', version: 1, value: 1 });
    });

    it('applies all writes of a commit or none', async () => {
      const store = await makeStore();
      await store.commit([put('meta', meta('a', 1))]);
      await expect(store.commit([put('meta', meta('b', 1)), put('meta', meta('a', 2))])).rejects.toBeInstanceOf(ConcurrencyError);
      expect(await store.get('meta', 'b')).toBeUndefined();
      await store.commit([put('meta', meta('b', 1)), remove('meta', { id: 'a', version: 1 })]);
      expect(await store.get('meta', 'a')).toBeUndefined();
      expect(await store.get('meta', 'b')).toMatchObject({ value: 1 });
    });

    it('lets exactly one of two concurrent writers of the same version win', async () => {
      const store = await makeStore();
      await store.commit([put('meta', meta('m', 0))]);
      const read = (await store.get('meta', 'm'))!;
      const results = await Promise.allSettled([
        store.commit([put('meta', { ...read, value: 'first' })]),
        store.commit([put('meta', { ...read, value: 'second' })]),
      ]);
      expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
      expect(results.filter((result) => result.status === 'rejected')).toHaveLength(1);
      expect((await store.get('meta', 'm'))?.version).toBe(2);
    });

    it(`enforces the platform limits: ${MAX_COMMIT_WRITES} writes, each key once, 240 KiB per record`, async () => {
      const store = await makeStore();
      const many = Array.from({ length: MAX_COMMIT_WRITES + 1 }, (_, index) => put('meta', meta(`m${index}`, index)));
      await expect(store.commit(many)).rejects.toBeInstanceOf(StoreLimitError);
      await expect(store.commit(many.slice(0, MAX_COMMIT_WRITES))).resolves.toBeUndefined();
      await expect(store.commit([put('meta', meta('x', 1)), put('meta', meta('x', 2))])).rejects.toBeInstanceOf(StoreLimitError);
      await expect(store.commit([put('meta', meta('big', 'x'.repeat(250 * 1024)))])).rejects.toBeInstanceOf(StoreLimitError);
      expect(await store.get('meta', 'big')).toBeUndefined();
    });

    it('queries an index by partition and range, in either order', async () => {
      const store = await makeStore();
      await store.commit([
        put('job', job('j1', { grantId: 'g1', createdAt: 10 })),
        put('job', job('j2', { grantId: 'g1', createdAt: 30 })),
        put('job', job('j3', { grantId: 'g1', createdAt: 20 })),
        put('job', job('j4', { grantId: 'g2', createdAt: 15 })),
      ]);
      const asc = await store.query('job', 'byGrant', { partition: ['g1'], limit: 10 });
      expect(asc.items.map((item) => item.id)).toEqual(['j1', 'j3', 'j2']);
      expect(asc.nextCursor).toBeUndefined();
      const desc = await store.query('job', 'byGrant', { partition: ['g1'], direction: 'desc', limit: 10 });
      expect(desc.items.map((item) => item.id)).toEqual(['j2', 'j3', 'j1']);
      const ranged = await store.query('job', 'byGrant', { partition: ['g1'], range: { gt: 10, lte: 30 }, limit: 10 });
      expect(ranged.items.map((item) => item.id)).toEqual(['j3', 'j2']);
      const below = await store.query('job', 'byGrant', { partition: ['g1'], range: { lt: 30, gte: 10 }, limit: 10 });
      expect(below.items.map((item) => item.id)).toEqual(['j1', 'j3']);
    });

    it('pages with cursors, without skipping or repeating ties', async () => {
      const store = await makeStore();
      const jobs = Array.from({ length: 23 }, (_, index) => job(`j${String(index).padStart(2, '0')}`, { createdAt: Math.floor(index / 5) }));
      await store.commit(jobs.map((record) => put('job', record)));
      for (const direction of ['asc', 'desc'] as const) {
        const seen: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await store.query('job', 'byGrant', { partition: ['grant-1'], limit: 4, direction, ...(cursor !== undefined && { cursor }) });
          seen.push(...page.items.map((item) => item.id));
          cursor = page.nextCursor;
          pages += 1;
        } while (cursor !== undefined);
        expect(pages).toBe(6);
        expect(new Set(seen).size).toBe(23);
      }
    });

    it('keeps an index to the records it applies to, and follows updates and deletes', async () => {
      const store = await makeStore();
      await store.commit([put('job', job('due', { wakeAt: 5 })), put('job', job('done', { status: 'succeeded', wakeAt: 1 }))]);
      const due = await store.query('job', 'due', { partition: [], range: { lte: 100 }, limit: 10 });
      expect(due.items.map((item) => item.id)).toEqual(['due']);
      const current = (await store.get('job', 'due'))!;
      await store.commit([put('job', { ...current, status: 'succeeded' })]);
      expect((await store.query('job', 'due', { partition: [], limit: 10 })).items).toEqual([]);
      const succeeded = await store.query('job', 'byStatus', { partition: ['succeeded'], limit: 10 });
      expect(succeeded.items.map((item) => item.id).sort()).toEqual(['done', 'due']);
      await store.commit([remove('job', (await store.get('job', 'done'))!)]);
      expect((await store.query('job', 'byStatus', { partition: ['succeeded'], limit: 10 })).items.map((item) => item.id)).toEqual(['due']);
    });

    it('refuses page sizes outside 1–100 and cursors it did not issue', async () => {
      const store = await makeStore();
      await expect(store.query('job', 'byGrant', { partition: ['g'], limit: 0 })).rejects.toBeInstanceOf(StoreLimitError);
      await expect(store.query('job', 'byGrant', { partition: ['g'], limit: 101 })).rejects.toBeInstanceOf(StoreLimitError);
      await expect(store.query('job', 'byGrant', { partition: ['g'], limit: 5, cursor: 'garbage' })).rejects.toBeInstanceOf(StoreLimitError);
    });
  });
}
