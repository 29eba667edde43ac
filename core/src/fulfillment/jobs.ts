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

/** Not due at once (`wakeAt`), or a job with a purpose beyond its type. */
export interface JobOptions {
  readonly wakeAt?: number;
  readonly purpose?: Job['purpose'];
}

export function newJob(type: JobType, grant: Pick<Grant, 'id' | 'connectorId' | 'toolId'>, cause: string, now: number, options: JobOptions = {}): Job {
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
    wakeAt: options.wakeAt ?? now,
    createdAt: now,
    updatedAt: now,
    ...(options.purpose !== undefined && { purpose: options.purpose }),
  };
}

const OPEN_STATUSES = new Set<Job['status']>(['queued', 'retry_wait', 'running', 'awaiting_manual']);

export function isOpenJob(job: Pick<Job, 'status'>): boolean {
  return OPEN_STATUSES.has(job.status);
}

/** The writes that put a job in the queue, unless that job (same cause) already exists. */
export async function enqueueJob(
  store: Store,
  type: JobType,
  grant: Pick<Grant, 'id' | 'connectorId' | 'toolId'>,
  cause: string,
  now: number,
  options: JobOptions = {},
): Promise<{ job: Job; writes: Write[] }> {
  const existing = await store.get('job', jobIdFor(type, grant.id, cause));
  if (existing) return { job: existing, writes: [] };
  const job = newJob(type, grant, cause, now, options);
  return { job: { ...job, version: 1 }, writes: [put('job', job)] };
}

/** The grant's jobs, newest first (a grant has a handful: provision, deprovision, checks, retries). */
export async function jobsOfGrant(store: Store, grantId: string): Promise<readonly Job[]> {
  return (await store.query('job', 'byGrant', { partition: [grantId], direction: 'desc', limit: 50 })).items;
}

/**
 * A removal that starts after this moment: queued unless one is already waiting to start (queued
 * or retrying), which will run after now anyway. Used when an add may have landed for a grant
 * that has ended or failed.
 */
export async function enqueueCleanup(store: Store, grant: Pick<Grant, 'id' | 'connectorId' | 'toolId'>, cause: string, now: number): Promise<Write[]> {
  const waiting = (await jobsOfGrant(store, grant.id)).some((job) => job.type === 'deprovision' && (job.status === 'queued' || job.status === 'retry_wait'));
  return waiting ? [] : (await enqueueJob(store, 'deprovision', grant, cause, now)).writes;
}

/** A job done for good: out of the due queue, its lease gone, completed now. */
export function closeJob(job: Job, status: 'succeeded' | 'failed', now: number, extra: Partial<Job>): Job {
  const { wakeAt: _wake, leaseOwner: _lease, ...rest } = job;
  return { ...rest, ...extra, status, updatedAt: now, completedAt: now };
}

/**
 * When a grant ends, provisioning still waiting for it (queued, retrying or a person's task) is
 * no longer wanted: those jobs close as cancelled. A running one cannot be stopped: the engine
 * settles it, and its deprovisioning waits for it (one job per grant runs at a time).
 */
export async function cancelOpenProvisioning(store: Store, grantId: string, now: number): Promise<Write[]> {
  return (await jobsOfGrant(store, grantId))
    .filter((job) => job.type === 'provision' && job.status !== 'running' && isOpenJob(job))
    .map((job) => put('job', closeJob(job, 'succeeded', now, { outcome: 'cancelled' })));
}
