import type { ConnectorError, ConnectorErrorJson, ManualTask, MembershipOutcome } from '@clearway/connector-sdk';
import type { AuditEntry } from '../audit/event.js';
import { currentGovernance } from '../governance/current.js';
import type { Grant } from '../grants/grant.js';
import { activationPatch, grantTransition } from '../grants/grant-service.js';
import { put, type Write } from '../ports/store.js';
import type { CoreDeps } from '../shared/deps.js';
import { transact } from '../shared/transact.js';
import type { Job } from './job.js';
import { closeJob, enqueueJob } from './jobs.js';
import { hasAttemptsLeft, retryDelayMs, type RetryPolicy } from './retry-policy.js';

/** Who may settle a job: the worker holding its lease, or a person completing its manual task. */
export type Settler = { readonly kind: 'worker'; readonly workerId: string; readonly attempt: number } | { readonly kind: 'person'; readonly accountId: string };

/** What a job's provider action came to, as the engine records it. */
export type JobResult =
  | { readonly kind: 'membership'; readonly outcome: MembershipOutcome['outcome'] }
  | { readonly kind: 'check'; readonly member: boolean; readonly via: string }
  | { readonly kind: 'skipped'; readonly reason: string };

function stillOurs(job: Job | undefined, settler: Settler): job is Job {
  if (!job) return false;
  if (settler.kind === 'person') return job.status === 'awaiting_manual';
  return job.status === 'running' && job.leaseOwner === settler.workerId && job.attempts === settler.attempt;
}

function refsOf(job: Job, grant?: Grant) {
  return { jobId: job.id, grantId: job.grantId, toolId: job.toolId, connectorId: job.connectorId, ...(grant && { issueKey: grant.issueKey, requestId: grant.requestId }) };
}

/**
 * Records a job's success and what it means for its grant, in one commit: provisioning
 * activates a grant still waiting (and cleans up if the grant ended meanwhile); deprovisioning
 * marks removal done; a check records agreement or drift. Returns false if the job is no
 * longer ours to settle (its lease passed to another worker), in which case nothing is written.
 */
export async function settleSuccess(deps: CoreDeps, jobId: string, settler: Settler, result: JobResult): Promise<boolean> {
  return transact(deps, async () => {
    const job = await deps.store.get('job', jobId);
    if (!stillOurs(job, settler)) return { writes: [], audit: [], result: false };
    const grant = await deps.store.get('grant', job.grantId);
    const now = deps.clock.now();
    const actor = settler.kind === 'person' ? settler.accountId : 'clearway:engine';
    const outcome = result.kind === 'membership' ? result.outcome : result.kind === 'check' ? (result.member ? 'member' : 'not_member') : `skipped: ${result.reason}`;
    const writes: Write[] = [put('job', closeJob(job, 'succeeded', now, { outcome, ...(settler.kind === 'person' && { completedBy: settler.accountId }) }))];
    const audit: AuditEntry[] = [
      { actor, type: `job.${job.type}_succeeded`, refs: refsOf(job, grant), data: { attempt: job.attempts, outcome, via: settler.kind === 'person' ? 'manual' : 'provider' } },
    ];
    if (grant && result.kind !== 'skipped') {
      const effect = await grantEffect(deps, job, grant, result, actor, now);
      writes.push(...effect.writes);
      audit.push(...effect.audit);
    }
    return { writes, audit, result: true };
  });
}

async function grantEffect(deps: CoreDeps, job: Job, grant: Grant, result: JobResult, actor: string, now: number): Promise<{ writes: Write[]; audit: AuditEntry[] }> {
  const refs = refsOf(job, grant);
  if (job.type === 'provision' && result.kind === 'membership') {
    if (grant.status === 'pending_provision') {
      const change = await grantTransition(deps, grant, 'activate', actor, activationPatch(grant, now), { via: actor === 'clearway:engine' ? 'provider' : 'manual', outcome: result.outcome });
      return { writes: change.writes, audit: [change.audit] };
    }
    if (grant.status === 'expired' || grant.status === 'revoked') {
      // Access was added after the grant ended (a race with revoke): take it away again.
      const cleanup = await enqueueJob(deps.store, 'deprovision', grant, `cleanup-${job.attempts}-${now}`, now);
      return { writes: [...cleanup.writes, put('grant', { ...grant, deprovision: 'pending', updatedAt: now })], audit: [{ actor, type: 'grant.cleanup_queued', refs, data: { reason: 'provisioned after the grant ended' } }] };
    }
    return { writes: [], audit: [] };
  }
  if (job.type === 'deprovision' && result.kind === 'membership') {
    if (grant.status !== 'expired' && grant.status !== 'revoked') return { writes: [], audit: [] };
    return { writes: [put('grant', { ...grant, deprovision: 'done', updatedAt: now })], audit: [{ actor, type: 'grant.deprovisioned', refs, data: { outcome: result.outcome } }] };
  }
  if (job.type === 'check' && result.kind === 'check') return driftEffect(deps, job, grant, result.member, actor, now);
  return { writes: [], audit: [] };
}

/** A check compares the group with the grant: an active grant must be a member, an ended one must not. */
async function driftEffect(deps: CoreDeps, job: Job, grant: Grant, member: boolean, actor: string, now: number): Promise<{ writes: Write[]; audit: AuditEntry[] }> {
  const refs = refsOf(job, grant);
  const expectMember = grant.status === 'active';
  const ended = grant.status === 'expired' || grant.status === 'revoked';
  const kind = expectMember && !member ? 'missing_member' : ended && member ? 'unexpected_member' : undefined;
  const { drift: _previous, ...rest } = grant;
  if (!kind) {
    const audit: AuditEntry[] = grant.drift ? [{ actor, type: 'drift.resolved', refs, data: { kind: grant.drift.kind } }] : [];
    return { writes: [put('grant', { ...rest, lastCheckedAt: now, updatedAt: now })], audit };
  }
  const writes: Write[] = [put('grant', { ...rest, lastCheckedAt: now, drift: { kind, detectedAt: grant.drift?.kind === kind ? grant.drift.detectedAt : now }, updatedAt: now })];
  const audit: AuditEntry[] = [{ actor, type: 'drift.detected', refs, data: { kind, grantStatus: grant.status } }];
  if (kind === 'unexpected_member' && (await currentGovernance(deps.store)).rules.drift.deprovisionUnexpected) {
    writes.push(...(await enqueueJob(deps.store, 'deprovision', grant, `drift-${now}`, now)).writes);
    audit.push({ actor, type: 'drift.deprovision_queued', refs, data: {} });
  }
  return { writes, audit };
}

/** The provider needs a person: the job waits, out of the due queue, with the task to do. */
export async function settleManual(deps: CoreDeps, jobId: string, settler: Settler, task: ManualTask): Promise<boolean> {
  return transact(deps, async () => {
    const job = await deps.store.get('job', jobId);
    if (!stillOurs(job, settler)) return { writes: [], audit: [], result: false };
    const grant = await deps.store.get('grant', job.grantId);
    const { wakeAt: _wake, leaseOwner: _lease, ...rest } = job;
    return {
      writes: [put('job', { ...rest, status: 'awaiting_manual', manualTask: task, updatedAt: deps.clock.now() })],
      audit: [{ actor: 'clearway:engine', type: 'job.awaiting_manual', refs: refsOf(job, grant), data: { action: task.action, summary: task.summary, attempt: job.attempts } }],
      result: true,
    };
  });
}

export type FailureSettlement = { readonly settled: false } | { readonly settled: true; readonly status: 'retry_wait'; readonly nextAttemptAt: number } | { readonly settled: true; readonly status: 'failed'; readonly grant?: Grant; readonly error: ConnectorErrorJson };

/**
 * Records a failed attempt with its classified error (kind, code, status — never a secret or an
 * upstream body). Retryable errors wait (backoff with jitter, at least the provider's
 * Retry-After) while attempts remain; otherwise the job fails and the grant shows why.
 */
export async function settleFailure(deps: CoreDeps, jobId: string, settler: Settler, error: ConnectorError, policy: RetryPolicy): Promise<FailureSettlement> {
  return transact<FailureSettlement>(deps, async () => {
    const job = await deps.store.get('job', jobId);
    if (!stillOurs(job, settler)) return { writes: [], audit: [], result: { settled: false } };
    const grant = await deps.store.get('grant', job.grantId);
    const now = deps.clock.now();
    const classified = error.toJSON();
    const refs = refsOf(job, grant);
    const detail = { attempt: job.attempts, kind: classified.kind, code: classified.code, retryable: classified.retryable, ...(classified.status !== undefined && { status: classified.status }), message: classified.message };

    if (error.retryable && hasAttemptsLeft(policy, job.attempts)) {
      const delay = retryDelayMs(policy, job.attempts, deps.ids.random(), error.retryAfterMs);
      const nextAttemptAt = now + delay;
      const { leaseOwner: _lease, ...rest } = job;
      return {
        writes: [put('job', { ...rest, status: 'retry_wait', wakeAt: nextAttemptAt, lastError: classified, updatedAt: now })],
        audit: [{ actor: 'clearway:engine', type: 'job.attempt_failed', refs, data: { ...detail, ...(error.retryAfterMs !== undefined && { retryAfterMs: error.retryAfterMs }), nextAttemptAt } }],
        result: { settled: true, status: 'retry_wait', nextAttemptAt },
      };
    }

    const final: ConnectorErrorJson = error.retryable ? { ...classified, code: 'retries_exhausted' } : classified;
    const writes: Write[] = [put('job', closeJob(job, 'failed', now, { lastError: final }))];
    const audit: AuditEntry[] = [{ actor: 'clearway:engine', type: 'job.failed', refs, data: { ...detail, code: final.code } }];
    let updatedGrant: Grant | undefined;
    if (grant && job.type === 'provision' && grant.status === 'pending_provision') {
      const change = await grantTransition(deps, grant, 'fail_provision', 'clearway:engine', { failure: { ...final, at: now } }, { kind: final.kind, code: final.code });
      writes.push(...change.writes);
      audit.push(change.audit);
      updatedGrant = change.grant;
    } else if (grant && job.type === 'deprovision') {
      updatedGrant = { ...grant, deprovision: 'failed', failure: { ...final, at: now }, updatedAt: now };
      writes.push(put('grant', updatedGrant));
      audit.push({ actor: 'clearway:engine', type: 'grant.deprovision_failed', refs, data: { kind: final.kind, code: final.code } });
    }
    return { writes, audit, result: { settled: true, status: 'failed', ...(updatedGrant && { grant: updatedGrant }), error: final } };
  });
}
