import { ClearwayError, MINUTE_MS, put, runLifecycleSweeps, type MetaRecord, type SweepReport } from '@clearway/core';
import type { ClearwayApp } from '../composition/app';
import { requestFulfillment } from '../queue/fulfillment-dispatch';

/** Where the last sweep run is recorded. */
export const LAST_SWEEP_ID = 'sweep:lifecycle:last-run';

/**
 * The trigger is hourly; a second delivery of the same run arrives within minutes. Runs closer
 * together than this are the same run delivered twice, and the second does nothing.
 */
export const MIN_SWEEP_GAP_MS = 45 * MINUTE_MS;

const SAFETY_MARGIN_MS = 10_000;

export type SweepOutcome = { readonly skipped: 'already ran' } | { readonly report: SweepReport; readonly fulfillmentRequested: boolean } | { readonly failed: true };

/**
 * The combined lifecycle sweeps (work-linked access, expiry, recertification, exceptions,
 * escalation, stale requests, drift, retention, insights) on one hourly trigger: Forge allows five
 * scheduled triggers per app. Work-linked access runs first because the app's deps carry Jira's
 * issues: it compares every live work-linked grant with its issue (JQL, in pages) and fixes what
 * lost or late events left behind. The run first claims its slot with a version-checked write, so
 * a duplicated delivery finds the slot taken and changes nothing. Work-linked starts and ends,
 * expiry, lapsed exceptions and drift queue provider jobs, so a run that made any asks for a
 * fulfillment run at once.
 */
export function makeLifecycleSweeps(getApp: () => ClearwayApp): () => Promise<SweepOutcome> {
  return async () => {
    const app = getApp();
    const { store, clock, logger } = app.deps;
    try {
      await app.ready();
      const now = clock.now();
      const last = await store.get('meta', LAST_SWEEP_ID);
      const lastRunAt = (last?.value as { at?: unknown } | undefined)?.at;
      if (typeof lastRunAt === 'number' && now - lastRunAt < MIN_SWEEP_GAP_MS) return { skipped: 'already ran' };
      const claim: MetaRecord = { id: LAST_SWEEP_ID, version: last?.version ?? 0, value: { at: now } };
      try {
        await store.commit([put('meta', claim)]);
      } catch (error) {
        if (error instanceof ClearwayError && error.code === 'version_conflict') return { skipped: 'already ran' };
        throw error;
      }
      const deadline = now + Math.max(0, app.budget.remainingMs() - SAFETY_MARGIN_MS);
      const report = await runLifecycleSweeps(app.workDeps, { deadline });
      // A lapsed exception revokes its grant, which queues the removal from the group, as expiry does.
      const workChanged = (report.workLinked?.started ?? 0) + (report.workLinked?.ended ?? 0) > 0;
      const needsFulfillment = workChanged || report.expiredGrants > 0 || report.driftChecksQueued > 0 || report.exceptionsLapsed > 0;
      const fulfillmentRequested = needsFulfillment ? await requestFulfillment(app, 'lifecycle sweeps queued jobs') : false;
      logger.info('Lifecycle sweeps finished', { ...report });
      return { report, fulfillmentRequested };
    } catch (error) {
      logger.error('Lifecycle sweeps failed; the next run tries again', { error: error instanceof Error ? error.message : 'unknown' });
      return { failed: true };
    }
  };
}
