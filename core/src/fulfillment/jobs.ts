import type { Grant } from '../grants/grant.js';
import { put, type Store, type Write } from '../ports/store.js';
import type { Job, JobType } from './job.js';

/**
 * Job creation, used by the transitions that cause jobs (approval, expiry, revoke, extension,
 * scheduled checks). A job's id is its idempotency key: one job per grant, type and cause, so
 * a transition replayed after a crash finds its job instead of making a second one.
 */
export function jobIdFor(type: JobType, grantId: string, cause: string): string {
  return `job:${type}:${grantId}:${cause}`;
}

export function newJob(type: JobType, grant: Pick<Grant, 'id' | 'connectorId' | 'toolId'>, cause: string, now: number): Job {
  const id = jobIdFor(type, grant.id, cause);
  return {
    id,
    version: 0,
    type,
    grantId: grant.id,
    connectorId: grant.connectorId,
    toolId: grant.toolId,
    status: 'queued',
    idempotencyKey: id,
    attempts: 0,
    wakeAt: now,
    createdAt: now,
    updatedAt: now,
  };
}

const OPEN_STATUSES = new Set<Job['status']>(['queued', 'retry_wait', 'running', 'awaiting_manual']);

export function isOpenJob(job: Pick<Job, 'status'>): boolean {
  return OPEN_STATUSES.has(job.status);
}

/** The writes that put a job in the queue, unless that job (same cause) already exists. */
export async function enqueueJob(store: Store, type: JobType, grant: Pick<Grant, 'id' | 'connectorId' | 'toolId'>, cause: string, now: number): Promise<{ job: Job; writes: Write[] }> {
  const existing = await store.get('job', jobIdFor(type, grant.id, cause));
  if (existing) return { job: existing, writes: [] };
  const job = newJob(type, grant, cause, now);
  return { job: { ...job, version: 1 }, writes: [put('job', job)] };
}

/** A job done for good: out of the due queue, its lease gone, completed now. */
export function closeJob(job: Job, status: 'succeeded' | 'failed', now: number, extra: Partial<Job>): Job {
  const { wakeAt: _wake, leaseOwner: _lease, ...rest } = job;
  return { ...rest, ...extra, status, updatedAt: now, completedAt: now };
}

/**
 * When a grant ends, provisioning still waiting for it (queued, retrying or a person's task) is
 * no longer wanted: those jobs close as cancelled.
 */
export async function cancelOpenProvisioning(store: Store, grantId: string, now: number): Promise<Write[]> {
  const jobs = await store.query('job', 'byGrant', { partition: [grantId], limit: 20 });
  return jobs.items
    .filter((job) => job.type === 'provision' && job.status !== 'running' && isOpenJob(job))
    .map((job) => put('job', closeJob(job, 'succeeded', now, { outcome: 'cancelled' })));
}
