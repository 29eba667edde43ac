import { ConcurrencyError } from '../errors.js';
import type { Job } from '../fulfillment/job.js';
import { put, type Store } from '../ports/store.js';
import type { CoreDeps } from '../shared/deps.js';
import { transact } from '../shared/transact.js';

/** The shared counter every worker increments, and the jobs every worker tries to claim. */
export const SHARED_COUNTER_ID = 'contract:shared-counter';
export const SHARED_JOB_IDS = ['contract-job-1', 'contract-job-2', 'contract-job-3'] as const;

/** Puts the records the workers share into a fresh store: a counter at 0 and three queued jobs. */
export async function seedSharedStore(store: Store): Promise<void> {
  const job = (id: string): Job => ({
    id,
    version: 0,
    type: 'check',
    grantId: 'contract-grant',
    connectorId: 'contract-connector',
    toolId: 'contract-tool',
    status: 'queued',
    idempotencyKey: id,
    attempts: 0,
    wakeAt: 0,
    createdAt: 0,
    updatedAt: 0,
  });
  await store.commit([put('meta', { id: SHARED_COUNTER_ID, version: 0, value: 0 }), ...SHARED_JOB_IDS.map((id) => put('job', job(id)))]);
}

export interface SharedStoreWorkerReport {
  readonly workerId: string;
  readonly increments: number;
  /** Claims this worker won; across workers they must add up to the jobs' attempt counts. */
  readonly claimsWon: number;
  /** Claims lost to another worker (a `ConcurrencyError`, as it should be). */
  readonly claimsLost: number;
}

/**
 * One worker process's share of the multi-process store check. `iterations` times: an audited
 * read-modify-write of the shared counter through `transact` (as every use case commits: the
 * change, its audit events and the moved chain head at once), and a claim of one shared job by
 * version, which another worker may win. A store several processes share must come through with
 * conflicts retried or lost cleanly — never a crash, a lost update or a broken chain.
 */
export async function runSharedStoreWorker(deps: CoreDeps, options: { readonly workerId: string; readonly iterations: number }): Promise<SharedStoreWorkerReport> {
  let claimsWon = 0;
  let claimsLost = 0;
  for (let iteration = 0; iteration < options.iterations; iteration += 1) {
    await transact(deps, async () => {
      const counter = await deps.store.get('meta', SHARED_COUNTER_ID);
      const value = Number(counter?.value ?? 0) + 1;
      return {
        writes: [put('meta', { id: SHARED_COUNTER_ID, version: counter?.version ?? 0, value })],
        audit: [{ actor: options.workerId, type: 'contract.incremented', data: { value } }],
        result: undefined,
        policyVersion: 0,
      };
    });
    const jobId = SHARED_JOB_IDS[iteration % SHARED_JOB_IDS.length] ?? SHARED_JOB_IDS[0];
    const job = await deps.store.get('job', jobId);
    if (!job) throw new Error(`the shared job ${jobId} is missing`);
    try {
      await deps.store.commit([put('job', { ...job, attempts: job.attempts + 1, leaseOwner: options.workerId, updatedAt: deps.clock.now() })]);
      claimsWon += 1;
    } catch (error) {
      if (!(error instanceof ConcurrencyError)) throw error;
      claimsLost += 1;
    }
  }
  return { workerId: options.workerId, increments: options.iterations, claimsWon, claimsLost };
}
