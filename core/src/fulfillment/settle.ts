import type { ConnectorError, ConnectorErrorJson, ManualTask, MembershipOutcome } from '@clearway/connector-sdk';
import type { AuditEntry } from '../audit/event.js';
import { currentGovernance } from '../governance/current.js';
import type { Grant } from '../grants/grant.js';
import { activationPatch, grantTransition } from '../grants/grant-service.js';
import { isEndedOrFailed } from '../grants/lifecycle.js';
import { put, type Write } from '../ports/store.js';
import type { CoreDeps } from '../shared/deps.js';
import { transact, type Change } from '../shared/transact.js';
import type { Job } from './job.js';
import { heldByAnother, otherGrantsOfHolder } from './holder.js';
import { closeJob, enqueueCleanup, enqueueJob, isOpenJob, jobsOfGrant } from './jobs.js';
import { hasAttemptsLeft, retryDelayMs, type RetryPolicy } from './retry-policy.js';

/** Who may settle a job: the worker holding its lease, or a person completing its manual task. */
export type Settler = { readonly kind: 'worker'; readonly workerId: string; readonly attempt: number } | { readonly kind: 'person'; readonly accountId: string };

/** What a job's provider action came to, as the engine records it. */
export type JobResult =
  | { readonly kind: 'membership'; readonly outcome: MembershipOutcome['outcome'] }
  | { readonly kind: 'check'; readonly member: boolean; readonly via: string }
  | { readonly kind: 'skipped'; readonly reason: string }
  /** A removal not made: the person holds another active grant (`grantId`) for the tool, whose membership it is. */
  | { readonly kind: 'handed_over'; readonly grantId: string }
  | { readonly kind: 'reconciled'; readonly members: number; readonly unmanaged: number; readonly checksQueued: number };

/**
 * How long after an add ended without an answer it may still land (a request the provider
 * received before our side gave up). A removal inside this window is checked again after it.
 */
export const DEFAULT_LATE_EFFECT_WINDOW_MS = 60_000;

export interface SettleOptions {
  readonly lateEffectWindowMs?: number;
}

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
 * marks removal done (or, after an add whose answer never came, checks again once a late answer
 * can no longer land); a check records agreement or drift. Returns false if the job is no longer
 * ours to settle (its lease passed to another worker), in which case nothing is written.
 */
export async function settleSuccess(deps: CoreDeps, jobId: string, settler: Settler, result: JobResult, options: SettleOptions = {}): Promise<boolean> {
  return transact(deps, async () => {
    const job = await deps.store.get('job', jobId);
    if (!stillOurs(job, settler)) return { writes: [], audit: [], result: false };
    const grant = await deps.store.get('grant', job.grantId);
    const now = deps.clock.now();
    const actor = settler.kind === 'person' ? settler.accountId : 'clearway:engine';
    const outcome = outcomeOf(result);
    const writes: Write[] = [put('job', closeJob(job, 'succeeded', now, { outcome, ...(settler.kind === 'person' && { completedBy: settler.accountId }) }))];
    const audit: AuditEntry[] = [
      { actor, type: `job.${job.type}_succeeded`, refs: refsOf(job, grant), data: { attempt: job.attempts, outcome, via: settler.kind === 'person' ? 'manual' : 'provider' } },
    ];
    if (grant && result.kind !== 'skipped') {
      const effect = await grantEffect(deps, job, grant, result, actor, now, options.lateEffectWindowMs ?? DEFAULT_LATE_EFFECT_WINDOW_MS);
      writes.push(...effect.writes);
      audit.push(...effect.audit);
    }
    return { writes, audit, result: true };
  });
}

function outcomeOf(result: JobResult): string {
  switch (result.kind) {
    case 'membership':
      return result.outcome;
    case 'check':
      return result.member ? 'member' : 'not_member';
    case 'handed_over':
      return `not removed: held by grant ${result.grantId}`;
    case 'skipped':
      return `skipped: ${result.reason}`;
    case 'reconciled':
      return `${result.members} members, ${result.unmanaged} without a grant, ${result.checksQueued} ended grants to check`;
  }
}

type Effect = { writes: Write[]; audit: AuditEntry[] };

async function grantEffect(deps: CoreDeps, job: Job, grant: Grant, result: JobResult, actor: string, now: number, lateWindowMs: number): Promise<Effect> {
  const refs = refsOf(job, grant);
  if (job.type === 'provision' && result.kind === 'membership') {
    if (grant.status === 'pending_provision') {
      const change = await grantTransition(deps, grant, 'activate', actor, activationPatch(grant, now), { via: actor === 'clearway:engine' ? 'provider' : 'manual', outcome: result.outcome });
      return { writes: change.writes, audit: change.audit };
    }
    if (job.purpose === 'restore' && grant.status === 'active') {
      const { drift: _found, ...restored } = grant;
      return { writes: [put('grant', { ...restored, lastCheckedAt: now, updatedAt: now })], audit: [{ actor, type: 'drift.restored', refs, data: { outcome: result.outcome } }] };
    }
    if (isEndedOrFailed(grant.status)) {
      // Access was added after the grant ended (a race with revoke): take it away again.
      const cleanup = await enqueueJob(deps.store, 'deprovision', grant, `cleanup-${job.attempts}-${now}`, now);
      return { writes: [...cleanup.writes, put('grant', { ...grant, deprovision: 'pending', updatedAt: now })], audit: [{ actor, type: 'grant.cleanup_queued', refs, data: { reason: 'provisioned after the grant ended' } }] };
    }
    return { writes: [], audit: [] };
  }
  if (job.type === 'deprovision' && result.kind === 'handed_over') {
    if (!isEndedOrFailed(grant.status)) return { writes: [], audit: [] };
    return {
      writes: [put('grant', { ...grant, deprovision: 'not_needed', updatedAt: now })],
      audit: [{ actor, type: 'grant.deprovision_not_needed', refs, data: { heldBy: result.grantId, reason: 'the person holds another active grant for this tool' } }],
    };
  }
  if (job.type === 'deprovision' && result.kind === 'membership') {
    if (!isEndedOrFailed(grant.status)) return { writes: [], audit: [] };
    return removalEffect(deps, job, grant, result.outcome, actor, now, lateWindowMs);
  }
  if (job.type === 'check' && result.kind === 'check') {
    if (job.purpose === 'verify_removal') return verificationEffect(deps, job, grant, result.member, actor, now);
    return driftEffect(deps, job, grant, result.member, actor, now);
  }
  return { writes: [], audit: [] };
}

/**
 * The user was removed. Removal is done — unless an add for this grant ended without an answer
 * recently enough that it could still land after this removal: then a check runs once that can
 * no longer happen, and removal is done only when it finds the user out.
 */
async function removalEffect(deps: CoreDeps, job: Job, grant: Grant, outcome: string, actor: string, now: number, lateWindowMs: number): Promise<Effect> {
  const refs = refsOf(job, grant);
  const settledAt = grant.unconfirmedAddAt === undefined ? undefined : grant.unconfirmedAddAt + lateWindowMs;
  if (settledAt !== undefined && settledAt > now) {
    const check = await enqueueJob(deps.store, 'check', grant, `verify-removal-${now}`, now, { wakeAt: settledAt, purpose: 'verify_removal' });
    return {
      writes: [...check.writes, put('grant', { ...grant, deprovision: 'pending', updatedAt: now })],
      audit: [{ actor, type: 'grant.removal_verification_queued', refs, data: { outcome, checkAt: settledAt, reason: 'an earlier add ended without an answer and could still land' } }],
    };
  }
  return { writes: [put('grant', { ...grant, deprovision: 'done', updatedAt: now })], audit: [{ actor, type: 'grant.deprovisioned', refs, data: { outcome } }] };
}

/** The check after a removal: the user is out (removal done) or a late add landed (removed again). */
async function verificationEffect(deps: CoreDeps, job: Job, grant: Grant, member: boolean, actor: string, now: number): Promise<Effect> {
  const refs = refsOf(job, grant);
  if (!isEndedOrFailed(grant.status)) return { writes: [], audit: [] };
  if (!member) {
    return { writes: [put('grant', { ...grant, deprovision: 'done', lastCheckedAt: now, updatedAt: now })], audit: [{ actor, type: 'grant.deprovisioned', refs, data: { outcome: 'verified_not_member' } }] };
  }
  const again = await enqueueJob(deps.store, 'deprovision', grant, `late-add-${now}`, now);
  return {
    writes: [...again.writes, put('grant', { ...grant, deprovision: 'pending', lastCheckedAt: now, updatedAt: now })],
    audit: [{ actor, type: 'grant.cleanup_queued', refs, data: { reason: 'an add that ended without an answer landed after the removal' } }],
  };
}

/**
 * A check compares the group with the grant: an active grant must be a member (put back when the
 * admin enabled it); an ended or failed one must not (removed when enabled) — unless the person holds another live grant for the tool, whose membership it is
 * (a check queued before a revoke that runs after a re-request finds the new grant's membership).
 */
async function driftEffect(deps: CoreDeps, job: Job, grant: Grant, member: boolean, actor: string, now: number): Promise<Effect> {
  const refs = refsOf(job, grant);
  const expectMember = grant.status === 'active';
  const endedButMember = isEndedOrFailed(grant.status) && member && !heldByAnother(await otherGrantsOfHolder(deps.store, grant));
  const kind = expectMember && !member ? 'missing_member' : endedButMember ? 'unexpected_member' : undefined;
  const { drift: _previous, ...rest } = grant;
  if (!kind) {
    const audit: AuditEntry[] = grant.drift ? [{ actor, type: 'drift.resolved', refs, data: { kind: grant.drift.kind } }] : [];
    return { writes: [put('grant', { ...rest, lastCheckedAt: now, updatedAt: now })], audit };
  }
  const writes: Write[] = [put('grant', { ...rest, lastCheckedAt: now, drift: { kind, detectedAt: grant.drift?.kind === kind ? grant.drift.detectedAt : now }, updatedAt: now })];
  const audit: AuditEntry[] = [{ actor, type: 'drift.detected', refs, data: { kind, grantStatus: grant.status } }];
  const { rules } = await currentGovernance(deps.store);
  if (kind === 'unexpected_member' && rules.drift.deprovisionUnexpected) {
    writes.push(...(await enqueueJob(deps.store, 'deprovision', grant, `drift-${now}`, now)).writes);
    audit.push({ actor, type: 'drift.deprovision_queued', refs, data: {} });
  }
  // One restore at a time: a person's task (manual fulfillment) may take days, and checks keep coming.
  const restoring = kind === 'missing_member' && (await jobsOfGrant(deps.store, grant.id)).some((other) => other.purpose === 'restore' && isOpenJob(other));
  if (kind === 'missing_member' && rules.drift.restoreMissing && !restoring) {
    writes.push(...(await enqueueJob(deps.store, 'provision', grant, `restore-${now}`, now, { purpose: 'restore' })).writes);
    audit.push({ actor, type: 'drift.restore_queued', refs, data: {} });
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

export type FailureSettlement =
  | { readonly settled: false }
  | { readonly settled: true; readonly status: 'retry_wait'; readonly nextAttemptAt: number }
  | { readonly settled: true; readonly status: 'cancelled' }
  | { readonly settled: true; readonly status: 'failed'; readonly grant?: Grant; readonly error: ConnectorErrorJson };

export interface FailureFacts {
  /** The add itself failed without an answer (not a refusal): it may have applied, or may still land. */
  readonly addUnconfirmed?: boolean;
  /** The wait the provider asked for, when the engine capped it (`error.retryAfterMs` is the capped one). */
  readonly retryAfterAskedMs?: number;
}

/**
 * Records a failed attempt with its classified error (kind, code, status — never a secret or an
 * upstream body). Retryable errors wait (backoff with jitter, at least the provider's
 * Retry-After) while attempts remain; otherwise the job fails and the grant shows why. An add
 * that may have landed is remembered on the grant, and a grant that ends up failed or already
 * ended gets a removal queued after it, so no access is left behind either way.
 */
export async function settleFailure(deps: CoreDeps, jobId: string, settler: Settler, error: ConnectorError, policy: RetryPolicy, facts: FailureFacts = {}): Promise<FailureSettlement> {
  return transact<FailureSettlement>(deps, async () => {
    const job = await deps.store.get('job', jobId);
    if (!stillOurs(job, settler)) return { writes: [], audit: [], result: { settled: false } };
    const found = await deps.store.get('grant', job.grantId);
    const now = deps.clock.now();
    const unconfirmed = facts.addUnconfirmed === true && job.type === 'provision' && found !== undefined;
    const attempt: FailedAttempt = { job, grant: found && unconfirmed ? { ...found, unconfirmedAddAt: now } : found, unconfirmed, error, now };
    // Provisioning for a grant that has ended or failed meanwhile is not retried: its removal is what matters now.
    if (attempt.grant && job.type === 'provision' && isEndedOrFailed(attempt.grant.status)) return cancelAttempt(deps, attempt, attempt.grant);
    if (error.retryable && hasAttemptsLeft(policy, job.attempts)) return retryAttempt(deps, attempt, policy, facts);
    return failJob(deps, attempt);
  });
}

interface FailedAttempt {
  readonly job: Job;
  /** The grant as it is to be written: with `unconfirmedAddAt` moved to now when this add is in doubt. */
  readonly grant: Grant | undefined;
  readonly unconfirmed: boolean;
  readonly error: ConnectorError;
  readonly now: number;
}

function attemptDetail({ job, error, unconfirmed }: FailedAttempt) {
  const classified = error.toJSON();
  return {
    attempt: job.attempts,
    kind: classified.kind,
    code: classified.code,
    retryable: classified.retryable,
    ...(classified.status !== undefined && { status: classified.status }),
    message: classified.message,
    ...(unconfirmed && { addUnconfirmed: true }),
  };
}

/** The grant with the add in doubt noted, when this attempt's add was (nothing to write otherwise). */
function unconfirmedGrantWrite({ grant, unconfirmed, now }: FailedAttempt): Write[] {
  return grant && unconfirmed ? [put('grant', { ...grant, updatedAt: now })] : [];
}

async function cancelAttempt(deps: CoreDeps, attempt: FailedAttempt, grant: Grant): Promise<Change<FailureSettlement>> {
  const { job, now } = attempt;
  const writes: Write[] = [put('job', closeJob(job, 'succeeded', now, { outcome: 'cancelled', lastError: attempt.error.toJSON() }))];
  const audit: AuditEntry[] = [{ actor: 'clearway:engine', type: 'job.attempt_failed', refs: refsOf(job, grant), data: { ...attemptDetail(attempt), cancelled: `the grant is ${grant.status}` } }];
  if (attempt.unconfirmed) {
    const cleanup = await cleanupJobs(deps, grant, job, now);
    writes.push(put('grant', { ...grant, deprovision: 'pending', updatedAt: now }), ...cleanup.writes);
    audit.push(...cleanup.audit);
  }
  return { writes, audit, result: { settled: true, status: 'cancelled' } };
}

function retryAttempt(deps: CoreDeps, attempt: FailedAttempt, policy: RetryPolicy, facts: FailureFacts): Change<FailureSettlement> {
  const { job, error, now } = attempt;
  const nextAttemptAt = now + retryDelayMs(policy, job.attempts, deps.ids.random(), error.retryAfterMs);
  const { leaseOwner: _lease, ...rest } = job;
  return {
    writes: [put('job', { ...rest, status: 'retry_wait', wakeAt: nextAttemptAt, lastError: error.toJSON(), updatedAt: now }), ...unconfirmedGrantWrite(attempt)],
    audit: [
      {
        actor: 'clearway:engine',
        type: 'job.attempt_failed',
        refs: refsOf(job, attempt.grant),
        data: {
          ...attemptDetail(attempt),
          ...(error.retryAfterMs !== undefined && { retryAfterMs: error.retryAfterMs }),
          ...(facts.retryAfterAskedMs !== undefined && { retryAfterAskedMs: facts.retryAfterAskedMs }),
          nextAttemptAt,
        },
      },
    ],
    result: { settled: true, status: 'retry_wait', nextAttemptAt },
  };
}

/**
 * The job fails for good (terminal, or out of attempts) and its grant shows why. A failed
 * provisioning whose add (this one or an earlier one) may have landed gets a removal queued.
 */
async function failJob(deps: CoreDeps, attempt: FailedAttempt): Promise<Change<FailureSettlement>> {
  const { job, grant, error, now } = attempt;
  const classified = error.toJSON();
  const final: ConnectorErrorJson = error.retryable ? { ...classified, code: 'retries_exhausted' } : classified;
  const refs = refsOf(job, grant);
  const writes: Write[] = [put('job', closeJob(job, 'failed', now, { lastError: final }))];
  const audit: AuditEntry[] = [{ actor: 'clearway:engine', type: 'job.failed', refs, data: { ...attemptDetail(attempt), code: final.code } }];
  let updatedGrant: Grant | undefined;
  if (grant && job.type === 'provision' && grant.status === 'pending_provision') {
    const mayHaveLanded = grant.unconfirmedAddAt !== undefined;
    const patch: Partial<Grant> = { failure: { ...final, at: now }, ...(mayHaveLanded && { deprovision: 'pending' as const }) };
    const change = await grantTransition(deps, grant, 'fail_provision', 'clearway:engine', patch, { kind: final.kind, code: final.code });
    writes.push(...change.writes);
    audit.push(...change.audit);
    if (mayHaveLanded) {
      const cleanup = await cleanupJobs(deps, change.grant, job, now);
      writes.push(...cleanup.writes);
      audit.push(...cleanup.audit);
    }
    updatedGrant = change.grant;
  } else if (grant && job.type === 'deprovision') {
    updatedGrant = { ...grant, deprovision: 'failed', failure: { ...final, at: now }, updatedAt: now };
    writes.push(put('grant', updatedGrant));
    audit.push({ actor: 'clearway:engine', type: 'grant.deprovision_failed', refs, data: { kind: final.kind, code: final.code } });
  } else {
    writes.push(...unconfirmedGrantWrite(attempt));
  }
  return { writes, audit, result: { settled: true, status: 'failed', ...(updatedGrant && { grant: updatedGrant }), error: final } };
}

/**
 * A provision job whose worker's lease ran out before it settled (the worker died, stalled, or the
 * clock stepped ahead): its add may have been sent and may still land — until that worker's own
 * call ends, which no one here can see. The grant remembers the add as in doubt from `at` (now,
 * when it is noticed: on taking the job over, or on a removal that finds it still running), so a
 * removal is checked again once a late answer can no longer land.
 */
export async function noteAddInDoubt(deps: CoreDeps, provisionJob: Job, at: number, cause: 'taken_over' | 'lease_expired'): Promise<void> {
  await transact(deps, async () => {
    const grant = await deps.store.get('grant', provisionJob.grantId);
    if (!grant || (grant.unconfirmedAddAt ?? 0) >= at) return { writes: [], audit: [], result: undefined };
    return {
      writes: [put('grant', { ...grant, unconfirmedAddAt: at, updatedAt: deps.clock.now() })],
      audit: [{ actor: 'clearway:engine', type: `job.${cause}`, refs: refsOf(provisionJob, grant), data: { attempt: provisionJob.attempts, leaseEndedAt: provisionJob.wakeAt ?? at } }],
      result: undefined,
    };
  });
}

/** A removal that starts after this failure (unless one is already waiting to start). */
async function cleanupJobs(deps: CoreDeps, grant: Grant, job: Job, now: number): Promise<Effect> {
  const writes = await enqueueCleanup(deps.store, grant, `cleanup-${job.attempts}-${now}`, now);
  const audit: AuditEntry[] = writes.length > 0 ? [{ actor: 'clearway:engine', type: 'grant.cleanup_queued', refs: refsOf(job, grant), data: { reason: 'an add ended without an answer and may have applied' } }] : [];
  return { writes, audit };
}
