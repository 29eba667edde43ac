import { enqueueJob } from '../fulfillment/jobs.js';
import { currentGovernance } from '../governance/current.js';
import { DAY_MS } from '../ports/clock.js';
import { MANUAL_CONNECTOR_ID } from '../connectors/connector.js';
import { groupJobKey } from '../fulfillment/reconcile.js';
import { iterateQuery, put } from '../ports/store.js';
import type { MetaRecord } from '../ports/store-schema.js';
import type { CoreDeps } from '../shared/deps.js';

const CURSOR_ID = 'sweep:drift:cursor';

function dayOf(at: number): string {
  return new Date(at).toISOString().slice(0, 10).replace(/-/g, '');
}

/**
 * Queues membership checks for active grants not checked within the interval, and once per
 * interval a reconciliation of each bound tool group (its members against the live grants, which
 * finds people added by hand or re-added after their grant ended). It walks the active grants a
 * page per run from a stored cursor (wrapping around), so each run costs one page however many
 * grants there are, and every grant is visited in turn.
 */
export async function scheduleDriftChecks(deps: CoreDeps, options: { pageSize?: number } = {}): Promise<{ queued: number; visited: number }> {
  const { rules } = await currentGovernance(deps.store);
  const now = deps.clock.now();
  const cursorRecord = await deps.store.get('meta', CURSOR_ID);
  const cursor = cursorRecord?.value as string | undefined;
  const page = await deps.store.query('grant', 'byStatus', { partition: ['active'], limit: options.pageSize ?? 100, ...(cursor !== undefined && { cursor }) });
  let queued = 0;
  for (const grant of page.items) {
    if (grant.lastCheckedAt !== undefined && now - grant.lastCheckedAt < rules.drift.checkIntervalDays * DAY_MS) continue;
    const { writes } = await enqueueJob(deps.store, 'check', grant, `drift-${dayOf(now)}`, now);
    if (writes.length === 0) continue;
    // A job made meanwhile (another run, same day) is the same job: nothing to retry.
    await deps.store.commit(writes).catch(() => undefined);
    queued += 1;
  }
  queued += await scheduleGroupReconciliations(deps, now, rules.drift.checkIntervalDays);
  if (cursorRecord?.value !== page.nextCursor) {
    const next: MetaRecord = { id: CURSOR_ID, version: cursorRecord?.version ?? 0, value: page.nextCursor };
    // Another run moving the cursor at the same time is fine: either position is a valid next start.
    await deps.store.commit([put('meta', next)]).catch(() => undefined);
  }
  return { queued, visited: page.items.length };
}

/**
 * One reconciliation per bound tool group per interval (the job's cause names the interval, so
 * runs within it find the job made). Manual fulfillment has no group to list.
 */
async function scheduleGroupReconciliations(deps: CoreDeps, now: number, intervalDays: number): Promise<number> {
  const period = Math.floor(now / (intervalDays * DAY_MS));
  let queued = 0;
  for await (const tool of iterateQuery(deps.store, 'tool', 'byName', { partition: [], limit: 100 })) {
    if (!tool.fulfillment.bound || tool.fulfillment.connectorId === MANUAL_CONNECTOR_ID) continue;
    const connector = await deps.store.get('connector', tool.fulfillment.connectorId);
    if (!connector?.enabled || connector.providerType === MANUAL_CONNECTOR_ID) continue;
    const target = { id: groupJobKey(tool.id), connectorId: tool.fulfillment.connectorId, toolId: tool.id };
    const { writes } = await enqueueJob(deps.store, 'reconcile', target, `reconcile-${period}`, now);
    if (writes.length === 0) continue;
    await deps.store.commit(writes).catch(() => undefined);
    queued += 1;
  }
  return queued;
}
