import { DAY_MS } from '@clearway/core';
import { reportGrant, storedGrant, type RunContext } from '../context.js';
import { MAX_LIFETIME_DAYS, iso } from '../record.js';

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
    const live = stored.status === 'active' || stored.status === 'pending_provision';
    if (grant.status === 'expired' && live) {
      reportGrant(ctx, 'ends', `still ${stored.status.replace('_', ' ')} at a sweep at or after its approved end`, grant, `sweep ${iso(at)}, approved end ${iso(grant.end)}, Clearway's end ${iso(stored.expiresAt)}`);
    } else if ((grant.status === 'active' || grant.status === 'pending_provision') && stored.status === 'expired') {
      reportGrant(ctx, 'ends', 'expired before its approved end', grant, `expired by ${iso(stored.endedAt ?? at)}, approved end ${iso(grant.end)}, Clearway's end ${iso(stored.expiresAt)}`);
    } else if (stored.status !== grant.status && !(grant.status === 'pending_provision' && stored.status === 'provision_failed')) {
      reportGrant(ctx, 'ends', `${stored.status.replace('_', ' ')} where the record says ${grant.status.replace('_', ' ')}`, grant, `sweep ${iso(at)}, approved end ${iso(grant.end)}`);
    }
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
