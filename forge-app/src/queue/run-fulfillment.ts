import type { RunSummary } from '@clearway/core';
import type { ClearwayApp } from '../composition/app';
import { scheduleFulfillment, type ScheduleOutcome } from './fulfillment-dispatch';

/** Time kept back from the invocation's budget for committing the last results and queueing the next run. */
export const SAFETY_MARGIN_MS = 5_000;

export interface FulfillmentRun {
  readonly summary: RunSummary;
  /** What happens to work that remains: a delayed run, one already pending, the tick, or nothing left. */
  readonly next: ScheduleOutcome | 'idle';
}

/**
 * Runs due jobs until the invocation's time is nearly up (the engine starts no provider call it
 * cannot finish by then), then schedules the next run when the engine says work remains.
 */
export async function runFulfillment(app: ClearwayApp, reason: string): Promise<FulfillmentRun> {
  await app.ready();
  const deadline = app.deps.clock.now() + Math.max(0, app.budget.remainingMs() - SAFETY_MARGIN_MS);
  const summary = await app.engine.runDueJobs({ deadline });
  const next = summary.redispatchAfterMs === undefined ? 'idle' : await scheduleFulfillment(app, summary.redispatchAfterMs, `${reason}: more work`);
  return { summary, next };
}
