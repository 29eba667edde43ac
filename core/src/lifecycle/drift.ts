import { enqueueJob, isOpenJob, jobsOfGrant } from '../fulfillment/jobs.js';
import { currentGovernance } from '../governance/current.js';
import { DAY_MS } from '../ports/clock.js';
import { MANUAL_CONNECTOR_ID } from '../connectors/connector.js';
import { groupJobKey } from '../fulfillment/reconcile.js';
import { iterateQuery } from '../ports/store.js';
import type { CoreDeps } from '../shared/deps.js';

function dayOf(at: number): string {
  return new Date(at).toISOString().slice(0, 10).replace(/-/g, '');
}

/** Checks queued per run at most; a backlog beyond it is taken by the next runs. */
const MAX_CHECKS_PER_RUN = 500;

/**
 * Queues membership checks for active grants not checked within the interval, and once per
 * interval a reconciliation of each bound tool group (its members against the live grants, which
 * finds people added by hand or re-added after their grant ended). It reads only the grants that
 * are due, oldest check first, from an index of active grants by their last check — so its cost
 * follows the due work, and no grant waits longer than the interval while runs have room.
 */
export async function scheduleDriftChecks(deps: CoreDeps, options: { maxChecks?: number } = {}): Promise<{ queued: number; visited: number }> {
  const { rules } = await currentGovernance(deps.store);
  const now = deps.clock.now();
  const dueBefore = now - rules.drift.checkIntervalDays * DAY_MS;
  const limit = options.maxChecks ?? MAX_CHECKS_PER_RUN;
  let queued = 0;
  let visited = 0;
  for await (const grant of iterateQuery(deps.store, 'grant', 'byLastCheck', { partition: [], range: { lte: dueBefore }, limit: 100 })) {
    if (visited >= limit) break;
    visited += 1;
    // A check still open (a person's verification task, a retry) is the one this run would queue.
    if ((await jobsOfGrant(deps.store, grant.id)).some((job) => job.type === 'check' && isOpenJob(job))) continue;
    const { writes } = await enqueueJob(deps.store, 'check', grant, `drift-${dayOf(now)}`, now);
    if (writes.length > 0) {
      // A job made meanwhile (another run, same day) is the same job: nothing to retry.
      await deps.store.commit(writes).catch(() => undefined);
      queued += 1;
    }
  }
  queued += await scheduleGroupReconciliations(deps, now, rules.drift.checkIntervalDays);
  return { queued, visited };
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
