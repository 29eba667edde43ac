import { ClearwayError, MINUTE_MS, put, type MetaRecord } from '@clearway/core';
import { MAX_DELAY_SECONDS } from '../adapters/events/event-queue';
import type { ClearwayApp } from '../composition/app';
import type { RunFulfillmentEvent } from './queue-events';

/** The scheduled tick runs the engine this often; waits longer than this are left to it. */
export const TICK_INTERVAL_MS = 5 * MINUTE_MS;

/** Where the one pending delayed run is recorded, so runs are scheduled once, not once per worker. */
export const NEXT_RUN_ID = 'dispatch:fulfillment:next-run';

function event(app: ClearwayApp, reason: string): RunFulfillmentEvent {
  return { kind: 'run-fulfillment', reason: reason.slice(0, 200), requestedAt: app.deps.clock.now() };
}

/**
 * Asks for a fulfillment run now (an approval, a revoke, an extension, intake auto-approval):
 * an immediate queue event. A failed push is logged, not thrown — the change that made the
 * job is already committed, and the scheduled tick picks the job up within five minutes.
 */
export async function requestFulfillment(app: ClearwayApp, reason: string): Promise<boolean> {
  try {
    await app.queue.push([{ body: event(app, reason) }]);
    return true;
  } catch (error) {
    app.deps.logger.warn('Could not queue a fulfillment run; the scheduled tick will pick the work up', { reason, error: error instanceof Error ? error.message : 'unknown' });
    return false;
  }
}

export type ScheduleOutcome = 'scheduled' | 'already_scheduled' | 'left_to_tick';

/**
 * Schedules one delayed run `afterMs` from now, once: if a run is already due between now and
 * then, nothing is queued (so redelivered events and parallel workers do not multiply runs).
 * Waits past the tick interval are left to the scheduled tick, so no chain of delayed events
 * outlives the work it is for.
 */
export async function scheduleFulfillment(app: ClearwayApp, afterMs: number, reason: string): Promise<ScheduleOutcome> {
  const { store, clock } = app.deps;
  if (afterMs > TICK_INTERVAL_MS) return 'left_to_tick';
  const now = clock.now();
  const want = now + Math.max(0, afterMs);
  const current = await store.get('meta', NEXT_RUN_ID);
  const pending = (current?.value as { at?: unknown } | undefined)?.at;
  if (typeof pending === 'number' && pending > now && pending <= want) return 'already_scheduled';
  const record: MetaRecord = { id: NEXT_RUN_ID, version: current?.version ?? 0, value: { at: want } };
  try {
    await store.commit([put('meta', record)]);
  } catch (error) {
    if (error instanceof ClearwayError && error.code === 'version_conflict') return 'already_scheduled';
    throw error;
  }
  const delayInSeconds = Math.min(MAX_DELAY_SECONDS, Math.ceil(Math.max(0, afterMs) / 1000));
  try {
    await app.queue.push([{ body: event(app, reason), delayInSeconds }]);
  } catch (error) {
    app.deps.logger.warn('Could not queue a delayed fulfillment run; the scheduled tick will pick the work up', { reason, error: error instanceof Error ? error.message : 'unknown' });
    return 'left_to_tick';
  }
  return 'scheduled';
}
