import type { AccessException, GrantStatus } from '@clearway/core';
import { reportGrant, reportSubject, storedGrant, type RunContext } from '../context.js';
import { iso } from '../record.js';

/** A grant in one of these statuses is live: its access stands or is being set up. */
const LIVE: ReadonlySet<GrantStatus> = new Set(['pending_provision', 'active', 'provision_failed']);

function closure(exception: Pick<AccessException, 'closedHow' | 'closedAt'>): string {
  return `${exception.closedHow ?? '?'} ${exception.closedAt === undefined ? '' : iso(exception.closedAt)}`.trim();
}

/**
 * Exception property 2 (`exception-open`), after a sweep: an exception is open exactly while its
 * grant is live (pending provisioning, active, provisioning failed) — in Clearway's own records,
 * each exception against its grant — and it closed when and how the record says its grant ended:
 * `expired`, `never_provisioned` (expired before it was ever active), `revoked`, `ended_by_review`
 * or `lapsed` (judged under `exception-lapse`). Clearway holds no exception the harness never granted.
 */
export async function checkExceptionsOpen(ctx: RunContext, stored: ReadonlyMap<string, AccessException>): Promise<void> {
  for (const grant of ctx.record.grants.values()) {
    const exception = grant.exception;
    if (!exception || grant.diverged !== undefined) continue;
    const held = stored.get(grant.id);
    if (!held) {
      reportGrant(ctx, 'exception-open', 'granted exception missing from the store', grant, `record: ${exception.state}`);
      continue;
    }
    const grantHeld = await storedGrant(ctx, grant);
    const sameGrant = grantHeld?.status === grant.status;
    const lapse = exception.closedHow === 'lapsed' || held.closedHow === 'lapsed';
    // A grant whose status Clearway got wrong is reported under ends; a lapse under exception-lapse.
    if (sameGrant && !lapse) {
      if (exception.state === 'open' && held.state === 'closed') {
        reportGrant(ctx, 'exception-open', 'closed while its grant is live', grant, `record: grant ${grant.status}, exception open; Clearway closed it ${closure(held)}`);
      } else if (exception.state === 'closed' && held.state === 'open') {
        reportGrant(ctx, 'exception-open', 'still open after its grant ended', grant, `record: grant ${grant.status}, exception closed ${closure(exception)}`);
      } else if (exception.state === 'closed' && held.closedHow !== exception.closedHow) {
        reportGrant(ctx, 'exception-open', 'closed, but not as its grant ended', grant, `record: ${closure(exception)}; Clearway: ${closure(held)}`);
      } else if (exception.state === 'closed' && held.closedAt !== exception.closedAt) {
        reportGrant(ctx, 'exception-open', 'closed at another moment than its grant ended', grant, `record: ${closure(exception)}; Clearway: ${closure(held)}`);
      }
    }
    if (!grantHeld) continue;
    const live = LIVE.has(grantHeld.status);
    if (live === (held.state === 'open')) continue;
    reportGrant(ctx, 'exception-open', live ? 'exception closed while its grant is live' : 'exception open while its grant has ended', grant, `Clearway: grant ${grantHeld.status}, exception ${held.state}${held.state === 'closed' ? ` (${closure(held)})` : ''}`);
  }
  for (const held of stored.values()) {
    if (!ctx.record.grants.get(held.id)?.exception) reportSubject(ctx, 'exception-open', 'an exception the harness never granted', held.id, `${held.toolId} for ${held.requesterAccountId}, ${held.state}, approved ${iso(held.approvedAt)} by ${held.approvedBy}`);
  }
}
