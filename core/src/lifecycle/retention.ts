import { pruneRollups } from '../agent-gateway/rollup.js';
import { pruneAuditEvents } from '../audit/retention.js';
import type { IdentityRecord } from '../connectors/connector.js';
import { ConcurrencyError } from '../errors.js';
import { currentGovernance } from '../governance/current.js';
import type { Grant } from '../grants/grant.js';
import { DAY_MS } from '../ports/clock.js';
import { iterateQuery, put, remove, type Write } from '../ports/store.js';
import type { CoreDeps } from '../shared/deps.js';

/**
 * Retention: audit events past the retention period (with a checkpoint so the rest verifies) —
 * the gateway's activity among them — and the gateway's daily figures as old,
 * and cached external identities unused for as long — unless a grant still needs one: a live
 * grant (its removal, when it ends, finds the user by it even after a rename at the provider) or
 * an ended one whose removal is still owed. Those are kept and count as used now, so they are
 * looked at again only after another retention period. Explicit mappings are kept.
 */
export async function applyRetention(deps: CoreDeps, options: { maxEvents?: number } = {}): Promise<{ auditPruned: number; identitiesPruned: number; identitiesKept: number; rollupsPruned: number }> {
  const { rules } = await currentGovernance(deps.store);
  const audit = await pruneAuditEvents(deps, { retentionDays: rules.retentionDays, ...(options.maxEvents !== undefined && { maxEvents: options.maxEvents }) });
  const cutoff = deps.clock.now() - rules.retentionDays * DAY_MS;
  const rollupsPruned = await pruneRollups(deps.store, cutoff);
  let identitiesPruned = 0;
  let identitiesKept = 0;
  for (;;) {
    const page = await deps.store.query('identity', 'resolvedByLastUse', { partition: [], range: { lt: cutoff }, limit: 25 });
    if (page.items.length === 0) break;
    const writes: Write[] = [];
    for (const identity of page.items) {
      if (await stillNeeded(deps, identity)) {
        writes.push(put('identity', { ...identity, lastUsedAt: deps.clock.now() }));
        identitiesKept += 1;
      } else {
        writes.push(remove('identity', identity));
        identitiesPruned += 1;
      }
    }
    try {
      await deps.store.commit(writes);
    } catch (error) {
      // An identity used meanwhile moved on: this page is read again with it.
      if (!(error instanceof ConcurrencyError)) throw error;
    }
  }
  return { auditPruned: audit.pruned, identitiesPruned, identitiesKept, rollupsPruned };
}

/** Whether any grant of the identity's user at its connector is live or still owes a removal. */
async function stillNeeded(deps: CoreDeps, identity: IdentityRecord): Promise<boolean> {
  for await (const grant of iterateQuery(deps.store, 'grant', 'byRequester', { partition: [identity.accountId], limit: 50 })) {
    if (grant.connectorId === identity.connectorId && needsIdentity(grant)) return true;
  }
  return false;
}

function needsIdentity(grant: Grant): boolean {
  if (grant.status === 'active' || grant.status === 'pending_provision' || grant.status === 'provision_failed') return true;
  return grant.deprovision === 'pending' || grant.deprovision === 'failed';
}
