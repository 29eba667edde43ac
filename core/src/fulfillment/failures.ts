import { ConflictError, NotFoundError } from '../errors.js';
import { retryGrantProvisioning } from '../grants/grant-service.js';
import { pageRequest, put, type Page } from '../ports/store.js';
import { requireAdmin } from '../shared/authorize.js';
import type { Actor, CoreDeps } from '../shared/deps.js';
import { transact } from '../shared/transact.js';
import type { Job } from './job.js';

/** Failed fulfillments, newest first, each with its classified reason (`lastError`). */
export async function listFailedJobs(deps: CoreDeps, options: { limit?: number; cursor?: string } = {}): Promise<Page<Job>> {
  return deps.store.query('job', 'byStatus', { partition: ['failed'], direction: 'desc', ...pageRequest(options, 50) });
}

/**
 * Runs a failed job again with a fresh attempt budget, after an admin fixed the cause. A failed
 * provisioning goes through the grant (back to `pending_provision`); deprovisioning and checks
 * are queued again directly.
 */
export async function retryFailedJob(deps: CoreDeps, actor: Actor, jobId: string): Promise<Job> {
  const job = await deps.store.get('job', jobId);
  if (!job) throw new NotFoundError('Job', jobId);
  if (job.status !== 'failed') throw new ConflictError('invalid_transition', `This job is ${job.status.replace('_', ' ')}, not failed.`);
  const grant = await deps.store.get('grant', job.grantId);
  if (job.type === 'provision' && grant?.status === 'provision_failed') {
    await retryGrantProvisioning(deps, actor, job.grantId);
    return (await deps.store.get('job', jobId)) ?? job;
  }
  requireAdmin(actor, 'retry fulfillment');
  return transact(deps, async () => {
    const current = await deps.store.get('job', jobId);
    if (!current || current.status !== 'failed') throw new ConflictError('invalid_transition', 'This job is no longer failed.');
    const now = deps.clock.now();
    const { lastError: _error, completedAt: _completed, ...rest } = current;
    const requeued: Job = { ...rest, status: 'queued', attempts: 0, wakeAt: now, updatedAt: now };
    const grantNow = await deps.store.get('grant', current.grantId);
    const writes = [put('job', requeued)];
    if (grantNow && current.type === 'deprovision' && grantNow.deprovision === 'failed') writes.push(put('grant', { ...grantNow, deprovision: 'pending', failure: undefined, updatedAt: now }));
    return {
      writes,
      audit: [{ actor: actor.accountId, type: 'job.retried', refs: { jobId, grantId: current.grantId, toolId: current.toolId, connectorId: current.connectorId }, data: { type: current.type } }],
      result: { ...requeued, version: requeued.version + 1 },
    };
  });
}
