/**
 * Exceptions through core's public API, as the security reviewer, the approvers' queue and an
 * admin would: approving past a tool's maximum as an exception (under the open limit, or refused
 * at it), the same days asked by an ordinary approver without one (refused), due reviews kept,
 * ended or skipped, the open limits changed, and calls on exceptions the rules refuse. Each
 * call's outcome is predicted from the record first.
 */
import { HOUR_MS, MINUTE_MS, decide, extendGrant, reviewException, updateGovernance } from '@clearway/core';
import { expectOutcome, expectOutcomeUnchangedIfRefused } from './calls.js';
import { agrees, reportSubject, storedGrant, type RunContext } from './context.js';
import { lapseMoment } from './exception-record.js';
import { iso, type GrantRecord, type Prediction, type RequestRecord } from './record.js';
import type { Step } from './schedule.js';
import { EXCEPTION_RULES, admin, approver, effectiveMaxDays, lifecycleGovernance, securityReviewer, type HarnessTool } from './world.js';

const OK: Prediction = { ok: true };
const REASON = 'Lifecycle harness: the engagement runs longer than the tool allows';

/** Share of exceptions an ordinary approver first tries to give without one. */
const ORDINARY_TRY_SHARE = 0.3;
/** Share of exceptions granted for at most two weeks past the tool's maximum. */
const NEAR_MAXIMUM_SHARE = 0.6;
/** Share of exceptions granted for exactly the exceptions' own maximum. */
const AT_MAXIMUM_SHARE = 0.15;
/** Share of reviews done a minute before the lapse moment, the latest they can be. */
const LAST_MINUTE_SHARE = 0.15;
/** How soon after the due date a steady exception is reviewed, at the latest. */
const STEADY_REVIEW_MS = 12 * HOUR_MS;
/** Share of skipped reviews whose lapse moment gets two sweeps on its edge (a millisecond before, and at it). */
const LAPSE_EDGE_SHARE = 0.5;

type ReviewStep = Extract<Step, { kind: 'exception_review' }>;

/** What approving one more exception for `tool` now must come to: refused exactly when the record counts the tool at its limit. */
function predictException(ctx: RunContext, tool: HarnessTool, at: number): Prediction {
  const open = ctx.record.openExceptions(tool).length;
  const limit = ctx.record.limits.limitAt(tool, at);
  return open >= limit ? { refused: 'exception_limit_reached', why: `${open} open exception(s) for ${tool.id}, the limit for ${tool.riskLevel} risk is ${limit}` } : OK;
}

/**
 * The security reviewer approves a pending request as an exception, for longer than the tool's
 * effective maximum (up to the exceptions' own); sometimes an ordinary approver tries the same
 * days first without an exception, which is refused and changes nothing. Answers whether the
 * request was decided (false when the exception was refused: an approver decides it as usual).
 */
export async function approveAsException(ctx: RunContext, request: RequestRecord): Promise<boolean> {
  const { tool } = request;
  const maxDays = effectiveMaxDays(tool);
  const longest = EXCEPTION_RULES.maxDurationDays;
  // Most exceptions are a little past the maximum (so some run to their end and expire); some go up to the exceptions' own.
  const days = ctx.random.chance(AT_MAXIMUM_SHARE) ? longest : ctx.random.int(maxDays + 1, ctx.random.chance(NEAR_MAXIMUM_SHARE) ? Math.min(longest, maxDays + 14) : longest);
  const about = `request ${request.issueKey}`;
  if (ctx.random.chance(ORDINARY_TRY_SHARE)) {
    const tried = await expectOutcomeUnchangedIfRefused(
      ctx,
      'approve past the maximum without an exception',
      { refused: 'validation_failed', why: `${days} d is past ${tool.id}'s effective maximum of ${maxDays} d` },
      () => decide(ctx.world.deps, approver, { requestId: request.id, outcome: 'approved', rationale: 'Lifecycle harness: a long engagement', durationDays: days }),
      about,
    );
    if (tried.as === 'accepted_wrongly') {
      const grantId = tried.value.grant?.id;
      if (grantId) {
        const grant = ctx.record.approve(request, grantId, ctx.now(), { durationDays: days });
        grant.diverged = `${iso(ctx.now())} approved for ${days} d without an exception`;
      }
      return true;
    }
    if (tried.as === 'predicted') ctx.size.exceptions.refusedOutsideRules += 1;
  }
  const now = ctx.now();
  const prediction = predictException(ctx, tool, now);
  const decided = await expectOutcomeUnchangedIfRefused(
    ctx,
    `approve as an exception${'refused' in prediction ? ' at the open limit' : ''}`,
    prediction,
    () => decide(ctx.world.deps, securityReviewer, { requestId: request.id, outcome: 'approved', rationale: 'Lifecycle harness: exception', durationDays: days, exception: { reason: REASON } }),
    about,
  );
  if (decided.as === 'predicted' && 'refused' in prediction) {
    ctx.size.exceptions.refusedByLimit += 1;
    return false;
  }
  if (decided.as === 'refused_wrongly' || !decided.value) return false;
  const grantId = decided.value.grant?.id;
  if (!grantId) {
    reportSubject(ctx, 'calls', 'an exception approval made no grant', about, `request ${request.id} is ${decided.value.request.status}`);
    return true;
  }
  const grant = ctx.record.approve(request, grantId, now, { durationDays: days, exception: true });
  if (decided.as === 'accepted_wrongly') grant.history.push(`${iso(now)} the exception was accepted past the open limit`);
  ctx.size.approved += 1;
  ctx.size.grants += 1;
  ctx.size.exceptions.granted += 1;
  planExceptionReview(ctx, grant, ctx.random.chance(ctx.options.exceptionReviews.steady));
  return true;
}

/**
 * What the security reviewer will do when the exception's next review is due: keep it (always,
 * for a `steady` one) or end it, some time before it would lapse — or skip it, so it lapses
 * unless something else ends the grant first.
 */
export function planExceptionReview(ctx: RunContext, grant: GrantRecord, steady: boolean): void {
  const exception = grant.exception;
  if (exception?.state !== 'open') return;
  const due = exception.nextReviewAt;
  const lapses = lapseMoment(exception);
  const { keep, end } = ctx.options.exceptionReviews;
  const roll = ctx.random.next();
  const outcome = steady || roll < keep ? 'keep' : roll < keep + end ? 'end' : undefined;
  if (!outcome) {
    ctx.size.exceptions.skipped += 1;
    grant.history.push(`${iso(ctx.now())} (the review due ${iso(due)} will be skipped)`);
    if (ctx.random.chance(LAPSE_EDGE_SHARE)) {
      ctx.schedule.add(lapses - 1, { kind: 'sweep', sweep: 'lapse_edge' });
      ctx.schedule.add(lapses, { kind: 'sweep', sweep: 'lapse_edge' });
    }
    return;
  }
  const window = lapses - due;
  // A steady exception's reviewer acts within hours of the due date; the others any time before the lapse, some at the last minute.
  const delay = steady ? ctx.random.int(0, STEADY_REVIEW_MS) : ctx.random.chance(LAST_MINUTE_SHARE) ? window - MINUTE_MS : ctx.random.int(0, window - MINUTE_MS);
  const at = due + Math.min(delay, window - MINUTE_MS);
  ctx.schedule.add(at, { kind: 'exception_review', grantId: grant.id, due, outcome, steady });
}

/** Whether Clearway's exception stands as the record's: open, with the same next review. */
async function exceptionAgrees(ctx: RunContext, grant: GrantRecord): Promise<boolean> {
  const stored = await ctx.world.deps.store.get('exception', grant.id);
  return stored?.state === 'open' && stored.nextReviewAt === grant.exception?.nextReviewAt && agrees(grant, await storedGrant(ctx, grant));
}

/** The security reviewer keeps or ends a due exception, as planned; a review the run's clock carried past the lapse moment is missed. */
export async function reviewExceptionOne(ctx: RunContext, step: ReviewStep): Promise<void> {
  const grant = ctx.record.grants.get(step.grantId);
  const exception = grant?.exception;
  if (!grant || exception?.state !== 'open' || exception.nextReviewAt !== step.due || grant.diverged !== undefined) return;
  const now = ctx.now();
  if (now >= lapseMoment(exception)) {
    ctx.size.exceptions.skipped += 1;
    grant.history.push(`${iso(now)} the review due ${iso(step.due)} was missed (the clock jumped past its lapse moment)`);
    return;
  }
  if (!(await exceptionAgrees(ctx, grant))) return;
  const keep = step.outcome === 'keep';
  const outcome = await expectOutcome(
    ctx,
    `${keep ? 'keep' : 'end'} an exception at its review`,
    OK,
    () => reviewException(ctx.world.deps, securityReviewer, { grantId: grant.id, outcome: step.outcome, note: keep ? 'Lifecycle harness: still needed' : 'Lifecycle harness: no longer needed' }),
    grant,
  );
  if (outcome.as !== 'predicted') return;
  if (keep) {
    ctx.record.keepException(grant, now);
    ctx.size.exceptions.kept += 1;
    planExceptionReview(ctx, grant, step.steady);
  } else {
    ctx.record.endException(grant, now);
    ctx.size.exceptions.ended += 1;
  }
}

/** An admin sets the exceptions' open limits to the run's `index`-th set (a governance update). */
export async function changeExceptionLimits(ctx: RunContext, index: number): Promise<void> {
  const limits = ctx.options.exceptionLimits[index];
  if (!limits) return;
  const outcome = await expectOutcome(ctx, 'change the open limits for exceptions', OK, () => updateGovernance(ctx.world.deps, admin, { note: `Lifecycle harness: exception limits ${JSON.stringify(limits)}`, rules: lifecycleGovernance(limits) }), 'governance');
  if (outcome.as !== 'predicted') return;
  ctx.record.changeLimits(ctx.now(), limits);
  ctx.size.exceptions.limitChanges += 1;
}

export const EXCEPTION_PROBES = ['exception_past_maximum', 'approver_extends_exception', 'approver_reviews_exception'] as const;
export type ExceptionProbe = (typeof EXCEPTION_PROBES)[number];

/**
 * A call on exceptions the rules refuse: the security reviewer approving past the exceptions' own
 * maximum (nothing may change), an ordinary approver extending an exception's grant or reviewing
 * an exception. Answers whether a call was made.
 */
export async function probeException(ctx: RunContext, probe: ExceptionProbe): Promise<boolean> {
  const now = ctx.now();
  if (probe === 'exception_past_maximum') {
    const request = await ctx.random.find([...ctx.record.requests.values()], (candidate) => candidate.timeline.at(-1)?.status === 'pending');
    if (!request) return false;
    const days = EXCEPTION_RULES.maxDurationDays + ctx.random.int(1, 10);
    await expectOutcomeUnchangedIfRefused(
      ctx,
      'approve an exception past the exceptions’ maximum',
      { refused: 'validation_failed', why: `${days} d is past the ${EXCEPTION_RULES.maxDurationDays} d an exception may last` },
      () => decide(ctx.world.deps, securityReviewer, { requestId: request.id, outcome: 'approved', rationale: 'Lifecycle harness probe', durationDays: days, exception: { reason: REASON } }),
      `request ${request.issueKey}`,
    );
    return true;
  }
  const open = [...ctx.record.grants.values()].filter((grant) => grant.exception?.state === 'open' && grant.diverged === undefined && (probe === 'approver_reviews_exception' || (grant.status === 'active' && grant.end > now)));
  const grant = await ctx.random.find(open, (candidate) => exceptionAgrees(ctx, candidate));
  if (!grant) return false;
  if (probe === 'approver_extends_exception') {
    await expectOutcome(ctx, 'extend an exception’s grant as an ordinary approver', { refused: 'forbidden', why: 'only a security reviewer extends an exception' }, () => extendGrant(ctx.world.deps, approver, { grantId: grant.id, days: 1, rationale: 'Lifecycle harness probe' }), grant);
  } else {
    await expectOutcome(ctx, 'review an exception as an ordinary approver', { refused: 'forbidden', why: 'only a security reviewer reviews an exception' }, () => reviewException(ctx.world.deps, approver, { grantId: grant.id, outcome: 'keep', note: 'Lifecycle harness probe' }), grant);
  }
  return true;
}

