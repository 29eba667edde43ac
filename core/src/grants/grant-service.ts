import type { ConnectorErrorJson } from '@clearway/connector-sdk';
import { z } from 'zod';
import type { AuditEntry } from '../audit/event.js';
import type { Tool } from '../catalog/tool.js';
import { approverVerdict, exceptionApproverVerdict, type ApproverVerdict } from '../decisions/approvers.js';
import { BoundsError, ConflictError, ForbiddenError, NotFoundError } from '../errors.js';
import { commentBestEffort } from '../decisions/jira-sync.js';
import { currentGovernance } from '../governance/current.js';
import { DAY_MS } from '../ports/clock.js';
import { cancelOpenProvisioning, enqueueJob } from '../fulfillment/jobs.js';
import { pageRequest, put, remove, type Page, type Write } from '../ports/store.js';
import { newClaim, openClaimId } from '../requests/claims.js';
import type { Actor, CoreDeps } from '../shared/deps.js';
import { closeException } from '../exceptions/close.js';
import type { ExceptionClosure, ExceptionReview } from '../exceptions/exception.js';
import { transact } from '../shared/transact.js';
import { parseInput } from '../shared/validate.js';
import type { Grant, GrantStatus } from './grant.js';
import { EXTENSION_GRACE_DAYS, MAX_GRANT_LIFETIME_DAYS, NEVER_PROVISIONED, grantLabel, grantStart, isExpiringSoon, nextGrantStatus, type GrantEvent, type GrantLabel } from './lifecycle.js';

export async function getGrant(deps: CoreDeps, grantId: string): Promise<Grant> {
  const grant = await deps.store.get('grant', grantId);
  if (!grant) throw new NotFoundError('Grant', grantId);
  return grant;
}

export interface Transition {
  readonly grant: Grant;
  readonly writes: Write[];
  /** The grant's own event first, then what the move caused (an exception closing). */
  readonly audit: AuditEntry[];
}

/**
 * Moves a grant through the state machine, with the jobs the move causes: ending a grant
 * releases the (requester, tool) claim, cancels provisioning still waiting, and queues a
 * deprovision job when access may have been given, and closes its exception if it had one;
 * reopening one queues provisioning again.
 */
export async function grantTransition(
  deps: CoreDeps,
  grant: Grant,
  event: GrantEvent,
  actor: string,
  patch: Partial<Grant>,
  data: Record<string, unknown> = {},
  options: { readonly exceptionClosure?: ExceptionClosure; readonly exceptionReview?: ExceptionReview } = {},
): Promise<Transition> {
  const status = nextGrantStatus(grant, event);
  const now = deps.clock.now();
  let updated: Grant = { ...grant, ...patch, status, updatedAt: now };
  const writes: Write[] = [];
  const caused: AuditEntry[] = [];
  if (status === 'expired' || status === 'revoked') {
    const closure = options.exceptionClosure ?? (status === 'revoked' ? 'revoked' : updated.endReason === NEVER_PROVISIONED ? 'never_provisioned' : 'expired');
    const closed = await closeException(deps, grant, closure, actor, now, options.exceptionReview);
    writes.push(...closed.writes);
    caused.push(...closed.audit);
    const claim = await deps.store.get('claim', openClaimId(grant.requesterAccountId, grant.toolId));
    if (claim?.requestId === grant.requestId) writes.push(remove('claim', claim));
    writes.push(...(await cancelOpenProvisioning(deps.store, grant.id, now)));
    // A failed grant's cleanup (if an add may have landed) is queued already, when it failed.
    if (updated.deprovision === 'pending' && grant.deprovision !== 'pending') {
      writes.push(...(await enqueueJob(deps.store, 'deprovision', grant, `end-${grant.extensions.length}`, now)).writes);
    }
  }
  if (event === 'extend_expired') {
    writes.push(...(await enqueueJob(deps.store, 'provision', grant, `reopen-${updated.extensions.length}`, now)).writes);
  }
  if (event === 'retry_provision') {
    // A cleanup still queued from the failure is skipped once the grant is provisioning again.
    updated = { ...updated, failure: undefined, deprovision: 'not_needed' };
    writes.push(...(await requeueFailedProvisioning(deps, grant, now)));
  }
  writes.unshift(put('grant', updated));
  const refs = { grantId: grant.id, requestId: grant.requestId, toolId: grant.toolId, connectorId: grant.connectorId, issueKey: grant.issueKey };
  // The first activation says when the grant was approved, so time-to-active needs no other read.
  const activation = event === 'activate' ? { firstActivation: grant.activatedAt === undefined, approvedAt: grant.createdAt } : {};
  const own: AuditEntry = { actor, type: `grant.${statusEvent(status)}`, refs, data: { from: grant.status, to: status, ...activation, ...data } };
  return { grant: { ...updated, version: updated.version + 1 }, writes, audit: [own, ...caused] };
}

/** A retry puts the failed provision job back in the queue with a fresh attempt budget. */
async function requeueFailedProvisioning(deps: CoreDeps, grant: Grant, now: number): Promise<Write[]> {
  const jobs = await deps.store.query('job', 'byGrant', { partition: [grant.id], direction: 'desc', limit: 20 });
  const failed = jobs.items.find((job) => job.type === 'provision' && job.status === 'failed');
  if (!failed) return (await enqueueJob(deps.store, 'provision', grant, `retry-${now}`, now)).writes;
  const { lastError: _error, ...rest } = failed;
  return [put('job', { ...rest, status: 'queued', attempts: 0, wakeAt: now, updatedAt: now })];
}

function statusEvent(status: GrantStatus): string {
  return status === 'pending_provision' ? 'reprovisioning' : status;
}

/**
 * Where removal stands when a grant ends: pending (its user may be in the group), except for a
 * failed grant, whose cleanup was decided when it failed (queued if an add may have landed).
 */
export function deprovisionAtEnd(grant: Grant): Grant['deprovision'] {
  return grant.status === 'provision_failed' ? grant.deprovision : 'pending';
}

/**
 * The first activation starts the clock: the term counts from the moment access began, plus any
 * days an approver added while it was still being provisioned. A grant provisioned again (reopened
 * within its grace, or retried after a failure) keeps its start and the end that was approved —
 * only an approver's extension moves either, so no path outlives what was approved or the
 * lifetime cap.
 */
export function activationPatch(grant: Pick<Grant, 'durationDays' | 'activatedAt' | 'extensions' | 'work'>, now: number): Partial<Grant> {
  if (grant.activatedAt !== undefined) return {};
  // Work-linked access ends with its issues, at the latest at their deadlines, which run from when the work began.
  if (grant.work) return { activatedAt: now };
  const extendedMs = grant.extensions.reduce((sum, extension) => sum + (extension.newExpiresAt - extension.previousExpiresAt), 0);
  return { activatedAt: now, expiresAt: now + grant.durationDays * DAY_MS + extendedMs };
}

/**
 * The provider's add succeeded (or a person marked the task fulfilled): the grant becomes active,
 * and its expiry counts from now.
 */
export async function activateGrant(deps: CoreDeps, grantId: string, evidence: { by: string; via: 'provider' | 'manual'; outcome: string }): Promise<Grant> {
  return transact(deps, async () => {
    const grant = await getGrant(deps, grantId);
    const now = deps.clock.now();
    const change = await grantTransition(deps, grant, 'activate', evidence.by, activationPatch(grant, now), evidence);
    return { writes: change.writes, audit: change.audit, result: change.grant };
  });
}

/** Provisioning failed terminally: the grant shows why, until someone retries. */
export async function failGrantProvisioning(deps: CoreDeps, grantId: string, failure: ConnectorErrorJson): Promise<Grant> {
  return transact(deps, async () => {
    const grant = await getGrant(deps, grantId);
    const change = await grantTransition(deps, grant, 'fail_provision', 'clearway:system', { failure: { ...failure, at: deps.clock.now() } }, { kind: failure.kind, code: failure.code });
    return { writes: change.writes, audit: change.audit, result: change.grant };
  });
}

export async function retryGrantProvisioning(deps: CoreDeps, actor: Actor, grantId: string): Promise<Grant> {
  return transact(deps, async () => {
    const grant = await getGrant(deps, grantId);
    await requireApproverFor(deps, actor, grant, 'retry provisioning');
    const change = await grantTransition(deps, grant, 'retry_provision', actor.accountId, {});
    return { writes: change.writes, audit: change.audit, result: change.grant };
  });
}

/** Whether the actor may act on a grant as an approver of its tool; the tool comes along for the caller. */
export async function grantApproverVerdict(deps: CoreDeps, actor: Actor, grant: Grant): Promise<{ verdict: ApproverVerdict; tool: Tool | undefined }> {
  const [governance, tool, request] = await Promise.all([
    currentGovernance(deps.store),
    deps.store.get('tool', grant.toolId),
    deps.store.get('request', grant.requestId),
  ]);
  const verdict = approverVerdict(actor, { requesterAccountId: grant.requesterAccountId, projectKey: request?.projectKey ?? '' }, tool?.riskLevel ?? 'high', governance.rules, deps.clock.now());
  return { verdict, tool };
}

async function requireApproverFor(deps: CoreDeps, actor: Actor, grant: Grant, action: string): Promise<void> {
  const { verdict } = await grantApproverVerdict(deps, actor, grant);
  if (verdict.allowed) return;
  if (verdict.reason === 'self_approval') {
    throw new ForbiddenError('self_extension', `You cannot ${action} on your own grant; ask an approver.`);
  }
  throw new ForbiddenError('forbidden', `Only an approver for this tool can ${action}.`);
}

/** Whether the actor may act on an exception's grant as a security reviewer (who may end it, as its approvers may). */
async function mayReviewException(deps: CoreDeps, actor: Actor, grant: Grant): Promise<boolean> {
  return exceptionApproverVerdict(actor, grant, (await currentGovernance(deps.store)).rules, deps.clock.now()).allowed;
}

/** An exception's grant was approved outside the rules: only a security reviewer may lengthen it. */
async function requireExceptionReviewerFor(deps: CoreDeps, actor: Actor, grant: Grant): Promise<void> {
  if (await mayReviewException(deps, actor, grant)) return;
  if (actor.accountId === grant.requesterAccountId) throw new ForbiddenError('self_extension', 'You cannot extend access on your own grant; ask an approver.');
  throw new ForbiddenError('forbidden', 'This grant is an exception: only a security reviewer can extend it.');
}

const extendSchema = z.object({ grantId: z.string().min(1), days: z.number().int().min(1).max(MAX_GRANT_LIFETIME_DAYS), rationale: z.string().trim().min(3).max(1_000) }).strict();

/**
 * Extends a grant by `days`: never past 180 days from its start, and an expired grant only within
 * 7 days of its expiry (it is provisioned again). Requesters cannot extend their own grants.
 */
export async function extendGrant(deps: CoreDeps, actor: Actor, rawInput: z.input<typeof extendSchema>): Promise<Grant> {
  const input = parseInput(extendSchema, rawInput, 'extension');
  let settledReview: string | undefined;
  const extended = await transact(deps, async () => {
    const grant = await getGrant(deps, input.grantId);
    if (grant.exception) await requireExceptionReviewerFor(deps, actor, grant);
    else await requireApproverFor(deps, actor, grant, 'extend access');
    if (grant.work) {
      throw new ConflictError('invalid_transition', `Grant ${grant.id} lives by its work (${grant.work.links.map((link) => link.issueKey).join(', ')}) and ends with it; it cannot be extended.`);
    }
    settledReview = grant.recertification?.issueKey;
    const now = deps.clock.now();
    if (grant.status === 'expired' && now > grant.expiresAt + EXTENSION_GRACE_DAYS * DAY_MS) {
      throw new BoundsError(`This grant expired more than ${EXTENSION_GRACE_DAYS} days ago; the requester must ask again.`, { expiredAt: grant.expiresAt });
    }
    if (grant.status === 'revoked' || grant.status === 'provision_failed') {
      throw new ConflictError('invalid_transition', `Grant ${grant.id} is ${grant.status.replace('_', ' ')}; it cannot be extended.`);
    }
    if (grant.exception && grant.status === 'expired') {
      // Its exception closed with it: access outside the rules again is a new exception, decided against today's limits.
      throw new BoundsError('This grant was an exception and ended with it; the requester must ask again.', { expiredAt: grant.expiresAt });
    }
    const base = grant.status === 'expired' ? now : grant.expiresAt;
    const newExpiresAt = base + input.days * DAY_MS;
    const lifetimeDays = grant.exception ? (await currentGovernance(deps.store)).rules.exceptions.maxDurationDays : MAX_GRANT_LIFETIME_DAYS;
    const limit = grantStart(grant) + lifetimeDays * DAY_MS;
    if (newExpiresAt > limit) {
      const allowed = Math.max(0, Math.floor((limit - base) / DAY_MS));
      throw new BoundsError(`${grant.exception ? 'An exception' : 'A grant'} may last at most ${lifetimeDays} days from its start; at most ${allowed} more days are possible.`, { limit, allowedDays: allowed });
    }
    const extension = { extendedBy: actor.accountId, extendedAt: now, previousExpiresAt: grant.expiresAt, newExpiresAt, rationale: input.rationale };
    const patch = { expiresAt: newExpiresAt, extensions: [...grant.extensions, extension] };
    const refs = { grantId: grant.id, requestId: grant.requestId, toolId: grant.toolId, issueKey: grant.issueKey };
    const data = { days: input.days, previousExpiresAt: grant.expiresAt, newExpiresAt, rationale: input.rationale, ...(grant.recertification?.issueKey !== undefined && { settledReview: grant.recertification.issueKey }) };
    // A review covers one term: the new term gets its own review when its end comes near.
    const { recertification: _reviewedTerm, ...unreviewed } = grant;
    if (grant.status !== 'expired') {
      const updated: Grant = { ...unreviewed, ...patch, updatedAt: now };
      return { writes: [put('grant', updated)], audit: [{ actor: actor.accountId, type: 'grant.extended', refs, data }], result: { ...updated, version: updated.version + 1 } };
    }
    // Re-opening an expired grant takes the (requester, tool) claim back: refused if a new request holds it.
    const claimId = openClaimId(grant.requesterAccountId, grant.toolId);
    // Any deprovisioning still queued for the old term is skipped by the engine once the grant is live again.
    const change = await grantTransition(deps, unreviewed, 'extend_expired', actor.accountId, { ...patch, deprovision: 'not_needed' }, data);
    return {
      writes: [...change.writes, put('claim', newClaim(claimId, { requestId: grant.requestId, grantId: grant.id }, now))],
      audit: [{ actor: actor.accountId, type: 'grant.extended', refs, data }, ...change.audit],
      result: change.grant,
    };
  });
  if (settledReview !== undefined) {
    const until = new Date(extended.expiresAt).toISOString().slice(0, 10);
    await commentBestEffort(deps, settledReview, `Access was extended until ${until}. This review is settled; a new review opens before the new end date.`, { audience: 'internal', failure: 'Could not note the extension on its review issue' });
  }
  return extended;
}

const revokeSchema = z.object({ grantId: z.string().min(1).max(64), rationale: z.string().trim().min(3, 'give a short reason').max(1_000) }).strict();

/** Ends access now. Approvers revoke; a requester may give up their own access. Deprovisioning follows. */
export async function revokeGrant(deps: CoreDeps, actor: Actor, rawInput: z.input<typeof revokeSchema>): Promise<Grant> {
  const input = parseInput(revokeSchema, rawInput, 'revocation');
  const rationale = input.rationale;
  return transact(deps, async () => {
    const grant = await getGrant(deps, input.grantId);
    if (actor.accountId !== grant.requesterAccountId && !(grant.exception && (await mayReviewException(deps, actor, grant)))) {
      await requireApproverFor(deps, actor, grant, 'revoke access');
    }
    const change = await grantTransition(
      deps,
      grant,
      'revoke',
      actor.accountId,
      { endedAt: deps.clock.now(), endedBy: actor.accountId, endReason: rationale, deprovision: deprovisionAtEnd(grant) },
      { rationale },
    );
    return { writes: change.writes, audit: change.audit, result: change.grant };
  });
}

/** The expiry sweep's step for one grant: expired now, deprovisioning pending. */
export async function expireGrant(deps: CoreDeps, grantId: string): Promise<Grant | undefined> {
  return transact(deps, async () => {
    const grant = await getGrant(deps, grantId);
    const now = deps.clock.now();
    if (grant.expiresAt > now || !['active', 'pending_provision', 'provision_failed'].includes(grant.status)) {
      return { writes: [], audit: [], result: undefined };
    }
    const change = await grantTransition(deps, grant, 'expire', 'clearway:system', {
      endedAt: now,
      endedBy: 'clearway:system',
      // Access that was never set up did not expire: say so in the record, not only in the label.
      endReason: grant.activatedAt === undefined ? NEVER_PROVISIONED : 'expired',
      deprovision: deprovisionAtEnd(grant),
    });
    return { writes: change.writes, audit: change.audit, result: change.grant };
  });
}

export interface GrantView extends Grant {
  /** The grant's state in words: time left for active access, otherwise what the state is (see `grantLabel`). */
  readonly expiryLabel: GrantLabel;
  /** Only active access can be expiring soon. */
  readonly expiringSoon: boolean;
}

export function viewGrant(grant: Grant, now: number, timeZone?: string): GrantView {
  return { ...grant, expiryLabel: grantLabel(grant, now, timeZone), expiringSoon: grant.status === 'active' && isExpiringSoon(grant.expiresAt, now) };
}

/** The admin Grants view: all grants, newest first, or those in one status. */
export async function listGrants(deps: CoreDeps, options: { status?: Grant['status']; limit?: number; cursor?: string } = {}): Promise<Page<Grant>> {
  const page = { direction: 'desc' as const, ...pageRequest(options, 50) };
  return options.status
    ? deps.store.query('grant', 'byStatus', { partition: [options.status], ...page })
    : deps.store.query('grant', 'all', { partition: [], ...page });
}

/** My Access: the requester's grants, newest first, with expiry labels. */
export async function listMyGrants(
  deps: CoreDeps,
  actor: Actor,
  options: { limit?: number; cursor?: string; timeZone?: string } = {},
): Promise<Page<GrantView>> {
  const page = await deps.store.query('grant', 'byRequester', {
    partition: [actor.accountId],
    direction: 'desc',
    ...pageRequest(options, 25),
  });
  const now = deps.clock.now();
  return { ...page, items: page.items.map((grant) => viewGrant(grant, now, options.timeZone)) };
}
