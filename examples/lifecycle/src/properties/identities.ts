import { identityRecordId } from '@clearway/core';
import { reportGrant, storedGrant, type RunContext } from '../context.js';
import { iso } from '../record.js';

/**
 * Property 3, right after a sweep (retention runs in it, before any job could resolve the user
 * again): a grant that is live (active, pending provisioning) — by the record or by Clearway — or
 * whose removal is still owed (Clearway's deprovisioning pending or failed) keeps the identity
 * Clearway cached for it. The other half of the property — after a rename,
 * revoke and expiry still take the user out — is judged on the group (see membership).
 */
export async function checkIdentities(ctx: RunContext): Promise<void> {
  for (const grant of ctx.record.grants.values()) {
    if (grant.diverged !== undefined) continue;
    const id = identityRecordId(grant.tool.connectorId, grant.person.accountId);
    if (!ctx.resolvedIdentities.has(id)) continue;
    const stored = await storedGrant(ctx, grant);
    // A grant whose user could not be found never had an identity to keep: its failure is reported under membership.
    if (stored?.status === 'provision_failed') continue;
    const liveByRecord = grant.status === 'active' || grant.status === 'pending_provision';
    const liveInClearway = stored?.status === 'active' || stored?.status === 'pending_provision';
    const owed = stored?.deprovision === 'pending' || stored?.deprovision === 'failed';
    if (!liveByRecord && !liveInClearway && !owed) continue;
    const identity = await ctx.world.deps.store.get('identity', id);
    if (identity?.externalId) continue;
    const why = liveByRecord || liveInClearway ? `live (${grant.status}; Clearway: ${stored?.status ?? 'missing'})` : `removal owed (deprovision ${stored?.deprovision ?? '?'})`;
    reportGrant(ctx, 'identities', 'cached identity pruned while its grant is live or its removal owed', grant, `${why}; identity ${id} gone at ${iso(ctx.now())}${grant.person.emails.length > 1 ? `; renamed to ${grant.person.email}` : ''}`);
  }
}
