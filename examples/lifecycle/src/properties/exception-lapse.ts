import { EXCEPTION_LAPSED, type AccessException } from '@clearway/core';
import { reportGrant, storedGrant, type RunContext } from '../context.js';
import { lapseMoment } from '../exception-record.js';
import { iso } from '../record.js';

/**
 * Exception property 3 (`exception-lapse`), after a sweep: an exception whose review was missed
 * for `lapseAfterDays` after it was due is closed `lapsed` by the first sweep at or after that
 * moment — its grant revoked for the lapse, at that sweep — and none lapses otherwise. That its
 * user then leaves the group is judged with the memberships once the jobs settled (see
 * membership: a lapsed grant's member still in the group is reported under this property).
 */
export async function checkExceptionLapses(ctx: RunContext, stored: ReadonlyMap<string, AccessException>): Promise<void> {
  for (const grant of ctx.record.grants.values()) {
    const exception = grant.exception;
    const held = stored.get(grant.id);
    if (!exception || !held || grant.diverged !== undefined) continue;
    const due = `review due ${iso(exception.nextReviewAt)}, lapse moment ${iso(lapseMoment(exception))}`;
    if (exception.closedHow === 'lapsed') {
      const grantHeld = await storedGrant(ctx, grant);
      const clearway = `Clearway: exception ${held.state}${held.closedHow ? ` (${held.closedHow} ${iso(held.closedAt ?? 0)})` : ''}, next review ${iso(held.nextReviewAt)}, grant ${grantHeld?.status ?? 'missing'}`;
      if (held.closedHow !== 'lapsed') {
        reportGrant(ctx, 'exception-lapse', 'review missed past the lapse moment, but not closed lapsed by the next sweep', grant, `${due}; lapsed by the record at the sweep of ${iso(exception.closedAt ?? 0)}; ${clearway}`);
      } else if (held.closedAt !== exception.closedAt) {
        reportGrant(ctx, 'exception-lapse', 'lapsed at another sweep than the first at or after its lapse moment', grant, `${due}; the record lapsed it at the sweep of ${iso(exception.closedAt ?? 0)}; ${clearway}`);
      } else if (grantHeld?.status !== 'revoked' || grantHeld.endReason !== EXCEPTION_LAPSED || grantHeld.endedAt !== exception.closedAt) {
        reportGrant(ctx, 'exception-lapse', 'closed lapsed, but its grant was not revoked for the lapse', grant, `${due}; grant ${grantHeld?.status ?? 'missing'}, end reason ${grantHeld?.endReason ?? 'none'}, ended ${grantHeld?.endedAt === undefined ? 'never' : iso(grantHeld.endedAt)}`);
      }
    } else if (held.closedHow === 'lapsed') {
      const reviews = exception.reviews.map((review) => `${review.outcome} ${iso(review.at)}`).join(', ') || 'none';
      reportGrant(ctx, 'exception-lapse', 'closed lapsed though its review was not missed past the lapse moment', grant, `record: ${exception.state}${exception.closedHow ? ` (${exception.closedHow})` : ''}, ${due}, reviews: ${reviews}; Clearway lapsed it ${iso(held.closedAt ?? 0)}`);
    }
  }
}
