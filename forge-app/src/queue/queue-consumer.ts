import { InvocationError, InvocationErrorCode } from '@forge/events';
import { z } from 'zod';
import type { ClearwayApp } from '../composition/app';
import { attemptIntake, type IntakeAttemptOutcome } from '../intake/intake-retry';
import { queueEventSchema } from './queue-events';
import { runFulfillment, type FulfillmentRun } from './run-fulfillment';

/** How long the platform waits before delivering a failed event again. */
export const RETRY_AFTER_SECONDS = 60;

/** The platform's own redeliveries of this event (`retryContext.retryCount`) count as attempts too; an odd one counts as none. */
const retryContextSchema = z.object({ retryCount: z.number().int().nonnegative() }).loose().optional().catch(undefined);
const asyncEventSchema = z.object({ body: queueEventSchema, retryContext: retryContextSchema }).loose();

export type ConsumerOutcome = FulfillmentRun | IntakeAttemptOutcome | { readonly ignored: string } | InvocationError;

/**
 * The queue's consumer. A `run-fulfillment` event means "run due jobs": what runs is decided by
 * the jobs in the store, not by the event, so a duplicate delivery finds nothing left to do. An
 * `ingest-issue` event is one more attempt at intake, which is idempotent per issue; a failure
 * queues the next attempt or, past the last, gives up and says so. A malformed event is dropped
 * (retrying cannot fix it); a failure of Jira, the store or the engine that nothing else handles
 * asks the platform to deliver the event again in a minute.
 */
export function makeQueueConsumer(getApp: () => ClearwayApp): (event: unknown) => Promise<ConsumerOutcome> {
  return async (event) => {
    const app = getApp();
    const parsed = asyncEventSchema.safeParse(event);
    if (!parsed.success) {
      app.deps.logger.warn('Dropped a malformed queue event', { issues: parsed.error.issues.map((issue) => issue.path.join('.')).slice(0, 5) });
      return { ignored: 'malformed event' };
    }
    const body = parsed.data.body;
    try {
      if (body.kind === 'ingest-issue') {
        const attempt = (body.attempt ?? 2) + (parsed.data.retryContext?.retryCount ?? 0);
        const outcome = await attemptIntake(app, { issueKey: body.issueKey, ...(body.projectKey !== undefined && { projectKey: body.projectKey }) }, attempt);
        // The platform's redelivery counts as the next attempt, so this too ends in giving up.
        if (outcome.status === 'queue_refused') return new InvocationError({ retryAfter: RETRY_AFTER_SECONDS, retryReason: InvocationErrorCode.FUNCTION_RETRY_REQUEST });
        return outcome;
      }
      const run = await runFulfillment(app, body.reason);
      app.deps.logger.info('Fulfillment run finished', { ...run.summary, next: run.next });
      return run;
    } catch (error) {
      app.deps.logger.error('Queue event failed; asking the platform to deliver it again', { kind: body.kind, error: error instanceof Error ? error.message : 'unknown' });
      return new InvocationError({ retryAfter: RETRY_AFTER_SECONDS, retryReason: InvocationErrorCode.FUNCTION_RETRY_REQUEST });
    }
  };
}
