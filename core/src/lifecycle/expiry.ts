import { expireGrant } from '../grants/grant-service.js';
import type { CoreDeps } from '../shared/deps.js';

/** Grant statuses whose end date can pass. */
const LIVE_STATUSES = ['active', 'pending_provision', 'provision_failed'] as const;

/**
 * Expires every live grant past its end date and queues its deprovisioning. Reads only grants
 * that are due (an index ordered by expiry), so its cost follows the due work.
 */
export async function expireDueGrants(deps: CoreDeps, options: { limit?: number } = {}): Promise<{ expired: number }> {
  const limit = options.limit ?? 500;
  let expired = 0;
  for (const status of LIVE_STATUSES) {
    while (expired < limit) {
      const page = await deps.store.query('grant', 'byStatus', { partition: [status], range: { lte: deps.clock.now() }, limit: Math.min(100, limit - expired) });
      if (page.items.length === 0) break;
      for (const grant of page.items) if (await expireGrant(deps, grant.id)) expired += 1;
      if (!page.nextCursor) break;
    }
  }
  return { expired };
}
