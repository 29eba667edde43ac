import { z } from 'zod';
import { commentBestEffort } from '../decisions/jira-sync.js';
import { exceptionApproverVerdict } from '../decisions/approvers.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../errors.js';
import { currentGovernance } from '../governance/current.js';
import { deprovisionAtEnd, grantTransition } from '../grants/grant-service.js';
import { canTransition } from '../grants/lifecycle.js';
import { DAY_MS } from '../ports/clock.js';
import { put } from '../ports/store.js';
import type { Actor, CoreDeps } from '../shared/deps.js';
import { transact } from '../shared/transact.js';
import { parseInput } from '../shared/validate.js';
import type { AccessException, ExceptionReview } from './exception.js';

const reviewSchema = z
  .object({
    grantId: z.string().min(1).max(64),
    /** `keep`: still needed, next review after the cadence; `end`: revoke the grant now. */
    outcome: z.enum(['keep', 'end']),
    note: z.string().trim().min(3, 'say what the review found').max(1_000),
  })
  .strict();

export type ExceptionReviewInput = z.input<typeof reviewSchema>;

/**
 * A security reviewer reviews an open exception: keeping it sets the next review one cadence
 * (today's rules) from now; ending it revokes the grant in the same commit, so the user leaves the
 * group. The requester cannot review their own exception.
 */
export async function reviewException(deps: CoreDeps, actor: Actor, rawInput: ExceptionReviewInput): Promise<AccessException> {
  const input = parseInput(reviewSchema, rawInput, 'exception review');
  let reviewIssue: string | undefined;
  const reviewed = await transact(deps, async () => {
    const exception = await deps.store.get('exception', input.grantId);
    if (!exception) throw new NotFoundError('Exception', input.grantId);
    if (exception.state === 'closed') {
      throw new ConflictError('invalid_transition', `This exception has ended (${(exception.closedHow ?? 'closed').replace(/_/g, ' ')}); there is nothing to review.`);
    }
    const governance = await currentGovernance(deps.store);
    const now = deps.clock.now();
    const verdict = exceptionApproverVerdict(actor, exception, governance.rules, now);
    if (!verdict.allowed) {
      if (verdict.reason === 'self_approval') throw new ForbiddenError('self_approval', 'You cannot review your own exception.');
      throw new ForbiddenError('forbidden', 'Only a security reviewer (or their delegate) can review an exception.');
    }
    reviewIssue = exception.reviewIssue?.issueKey;
    const review: ExceptionReview = { by: actor.accountId, at: now, outcome: input.outcome === 'keep' ? 'kept' : 'ended', note: input.note };
    const refs = { grantId: exception.grantId, requestId: exception.requestId, toolId: exception.toolId, issueKey: exception.issueKey };
    const grant = await deps.store.get('grant', exception.grantId);
    if (input.outcome === 'end' || !grant) {
      if (!grant || !canTransition(grant, 'revoke')) throw new ConflictError('invalid_transition', `Grant ${exception.grantId} has ended already; its exception closed with it.`);
      const change = await grantTransition(
        deps,
        grant,
        'revoke',
        actor.accountId,
        { endedAt: now, endedBy: actor.accountId, endReason: `Exception ended at review: ${input.note}`, deprovision: deprovisionAtEnd(grant) },
        { rationale: input.note },
        { exceptionClosure: 'ended_by_review', exceptionReview: review },
      );
      const closed: AccessException = { ...exception, reviews: [...exception.reviews, review], state: 'closed', closedAt: now, closedHow: 'ended_by_review' };
      return {
        writes: change.writes,
        audit: [{ actor: actor.accountId, type: 'exception.reviewed', refs, data: { outcome: review.outcome, note: input.note } }, ...change.audit],
        policyVersion: governance.policyVersion,
        result: { ...closed, version: closed.version + 1 },
      };
    }
    const nextReviewAt = now + governance.rules.exceptions.reviewEveryDays * DAY_MS;
    const { reviewIssue: _settled, ...rest } = exception;
    const updated: AccessException = { ...rest, reviews: [...exception.reviews, review], reviewEveryDays: governance.rules.exceptions.reviewEveryDays, nextReviewAt };
    return {
      writes: [put('exception', updated)],
      audit: [{ actor: actor.accountId, type: 'exception.reviewed', refs, data: { outcome: review.outcome, note: input.note, nextReviewAt } }],
      policyVersion: governance.policyVersion,
      result: { ...updated, version: updated.version + 1 },
    };
  });
  if (reviewIssue !== undefined) {
    const text =
      reviewed.state === 'closed'
        ? 'The exception was ended at review: access is revoked and the user is being removed from the group. This review is settled.'
        : `The exception was kept at review; the next review is due ${new Date(reviewed.nextReviewAt).toISOString().slice(0, 10)}. This review is settled.`;
    await commentBestEffort(deps, reviewIssue, text, { audience: 'internal', failure: 'Could not note the exception review on its issue' });
  }
  return reviewed;
}
