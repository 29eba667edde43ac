import type { ClearwayApp } from '../composition/app';
import { runFulfillment, type FulfillmentRun } from '../queue/run-fulfillment';

/**
 * The scheduled tick (every five minutes): catches any job whose queue event was lost or whose
 * wait was too long to queue, by running the engine like the consumer does. Scheduled triggers
 * are not retried on error, and the next tick is five minutes away, so a failure is logged only.
 */
export function makeFulfillmentTick(getApp: () => ClearwayApp): () => Promise<FulfillmentRun | { readonly failed: true }> {
  return async () => {
    const app = getApp();
    try {
      return await runFulfillment(app, 'scheduled tick');
    } catch (error) {
      app.deps.logger.error('The fulfillment tick failed; the next tick tries again', { error: error instanceof Error ? error.message : 'unknown' });
      return { failed: true };
    }
  };
}
