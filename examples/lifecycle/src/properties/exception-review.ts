import type { AccessException } from '@clearway/core';
import { reportGrant, type RunContext } from '../context.js';
import { dayOf, iso } from '../record.js';
import { EXCEPTION_RULES } from '../world.js';

/**
 * Exception property 4 (`exception-review`), after a sweep: Clearway holds the reviews the
 * security reviewer made (who kept or ended it, when), an open exception's next review is one
 * cadence (`reviewEveryDays`) after its approval or its last kept review, and each review a sweep
 * found due (open, not lapsing) has exactly one review issue in Jira naming its date — none for a
 * review that never was due at a sweep.
 */
export function checkExceptionReviews(ctx: RunContext, stored: ReadonlyMap<string, AccessException>): void {
  for (const grant of ctx.record.grants.values()) {
    const exception = grant.exception;
    const held = stored.get(grant.id);
    if (!exception || !held || grant.diverged !== undefined) continue;
    const made = exception.reviews.map((review) => `${review.outcome} ${iso(review.at)}`);
    const kept = held.reviews.map((review) => `${review.outcome} ${iso(review.at)}`);
    if (made.join(', ') !== kept.join(', ') || held.reviews.some((review, index) => review.at !== exception.reviews[index]?.at)) {
      reportGrant(ctx, 'exception-review', 'reviews differ from those the security reviewer made', grant, `made: ${made.join(', ') || 'none'}; Clearway: ${kept.join(', ') || 'none'}`);
    }
    if (exception.state === 'open' && held.state === 'open' && held.nextReviewAt !== exception.nextReviewAt) {
      const last = exception.reviews.at(-1);
      const from = last ? `the review kept ${iso(last.at)}` : `the approval ${iso(exception.openedAt)}`;
      reportGrant(ctx, 'exception-review', 'next review is not one cadence after the approval or the last kept review', grant, `${from} + ${EXCEPTION_RULES.reviewEveryDays} d = ${iso(exception.nextReviewAt)}; Clearway's next review ${iso(held.nextReviewAt)}`);
    }
    const issues = ctx.exceptionReviewIssues.get(grant.id);
    const dueDates = new Set(exception.reviewsDue.map(dayOf));
    for (const date of dueDates) {
      const count = issues?.get(date) ?? 0;
      if (count === 0) reportGrant(ctx, 'exception-review', 'review came due at a sweep but got no review issue', grant, `review due ${date}`);
      else if (count > 1) reportGrant(ctx, 'exception-review', 'more than one review issue for one due review', grant, `review due ${date}: ${count} issues`);
    }
    for (const [date, count] of issues ?? []) {
      if (!dueDates.has(date)) reportGrant(ctx, 'exception-review', 'review issue for a review that was never due at a sweep', grant, `${count} issue(s) naming ${date}; reviews due at sweeps: ${[...dueDates].join(', ') || 'none'}`);
    }
  }
}
