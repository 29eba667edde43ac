import { pruneAuditEvents } from '../audit/retention.js';
import { currentGovernance } from '../governance/current.js';
import { DAY_MS } from '../ports/clock.js';
import { remove } from '../ports/store.js';
import type { CoreDeps } from '../shared/deps.js';

/**
 * Retention: audit events past the retention period (with a checkpoint so the rest verifies),
 * and cached external identities unused for as long. Explicit mappings are kept.
 */
export async function applyRetention(deps: CoreDeps, options: { maxEvents?: number } = {}): Promise<{ auditPruned: number; identitiesPruned: number }> {
  const { rules } = await currentGovernance(deps.store);
  const audit = await pruneAuditEvents(deps, { retentionDays: rules.retentionDays, ...(options.maxEvents !== undefined && { maxEvents: options.maxEvents }) });
  const cutoff = deps.clock.now() - rules.retentionDays * DAY_MS;
  let identitiesPruned = 0;
  for (;;) {
    const page = await deps.store.query('identity', 'resolvedByLastUse', { partition: [], range: { lt: cutoff }, limit: 25 });
    if (page.items.length === 0) break;
    await deps.store.commit(page.items.map((identity) => remove('identity', identity)));
    identitiesPruned += page.items.length;
  }
  return { auditPruned: audit.pruned, identitiesPruned };
}
