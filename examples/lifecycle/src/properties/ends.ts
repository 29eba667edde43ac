import { DAY_MS, EXCEPTION_LAPSED, type Grant } from '@clearway/core';
import { reportGrant, storedGrant, type RunContext } from '../context.js';
import { MAX_LIFETIME_DAYS, iso, type GrantRecord } from '../record.js';

/**
 * Property 1, after a sweep at `at` (the record has applied the same sweep by the rules): every
 * grant is expired at the first sweep at or after its approved end and never before; none is
 * active past it; Clearway's end and start are the approved ones; no end is more than 180 days
 * after the first activation.
 */
export async function checkEnds(ctx: RunContext, at: number): Promise<void> {
  for (const grant of ctx.record.grants.values()) {
    if (grant.diverged !== undefined) continue;
    const stored = await storedGrant(ctx, grant);
    if (!stored) {
      reportGrant(ctx, 'ends', 'grant missing from the store', grant, `record: ${grant.status}`);
      continue;
    }
    // A grant ended by an exception's lapse (by the record or by Clearway) is judged under exception-lapse.
    const lapse = grant.exception?.closedHow === 'lapsed' || stored.endReason === EXCEPTION_LAPSED;
    const wrongStatus = lapse ? undefined : statusFinding(grant, stored, at);
    if (wrongStatus) reportGrant(ctx, 'ends', wrongStatus.what, grant, wrongStatus.detail);
    if (grant.firstActivation === undefined) continue;
    if (stored.activatedAt !== grant.firstActivation) {
      reportGrant(ctx, 'ends', 'start is not the first activation', grant, `first activation ${iso(grant.firstActivation)}, Clearway's start ${stored.activatedAt === undefined ? 'none' : iso(stored.activatedAt)}`);
    }
    if (stored.expiresAt !== grant.end) {
      reportGrant(ctx, 'ends', 'end differs from the approved end', grant, `approved end ${iso(grant.end)}, Clearway's end ${iso(stored.expiresAt)} (${((stored.expiresAt - grant.end) / DAY_MS).toFixed(2)} d later)`);
    }
    if (stored.expiresAt - grant.firstActivation > MAX_LIFETIME_DAYS * DAY_MS) {
      reportGrant(ctx, 'ends', `end more than ${MAX_LIFETIME_DAYS} days after the first activation`, grant, `first activation ${iso(grant.firstActivation)}, Clearway's end ${iso(stored.expiresAt)}`);
    }
  }
}

/** How Clearway's status differs from the record's after a sweep at `at`, if it does. */
function statusFinding(grant: GrantRecord, stored: Grant, at: number): { what: string; detail: string } | undefined {
  const live = stored.status === 'active' || stored.status === 'pending_provision';
  if (grant.status === 'expired' && live) {
    return { what: `still ${stored.status.replace('_', ' ')} at a sweep at or after its approved end`, detail: `sweep ${iso(at)}, approved end ${iso(grant.end)}, Clearway's end ${iso(stored.expiresAt)}` };
  }
  if ((grant.status === 'active' || grant.status === 'pending_provision') && stored.status === 'expired') {
    return { what: 'expired before its approved end', detail: `expired by ${iso(stored.endedAt ?? at)}, approved end ${iso(grant.end)}, Clearway's end ${iso(stored.expiresAt)}` };
  }
  if (stored.status !== grant.status && !(grant.status === 'pending_provision' && stored.status === 'provision_failed')) {
    return { what: `${stored.status.replace('_', ' ')} where the record says ${grant.status.replace('_', ' ')}`, detail: `sweep ${iso(at)}, approved end ${iso(grant.end)}` };
  }
  return undefined;
}
