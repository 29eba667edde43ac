import { InvocationError, InvocationErrorCode } from '@forge/events';
import { z } from 'zod';
import type { ClearwayApp } from '../composition/app';
import { ingestIssue, type IntakeOutcome } from '../intake/ingest-issue';
import { queueEventSchema } from './queue-events';
import { runFulfillment, type FulfillmentRun } from './run-fulfillment';

/** How long the platform waits before delivering a failed event again. */
export const RETRY_AFTER_SECONDS = 60;

const asyncEventSchema = z.object({ body: queueEventSchema }).loose();

export type ConsumerOutcome = FulfillmentRun | IntakeOutcome | { readonly ignored: string } | InvocationError;

/**
 * The queue's consumer. A `run-fulfillment` event means "run due jobs": what runs is decided by
 * the jobs in the store, not by the event, so a duplicate delivery finds nothing left to do. An
 * `ingest-issue` event retries intake, which is idempotent per issue. A malformed event is
 * dropped (retrying cannot fix it); a failure of Jira, the store or the engine asks the platform
 * to deliver the event again in a minute.
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
        return await ingestIssue(app, { issueKey: body.issueKey, ...(body.projectKey !== undefined && { projectKey: body.projectKey }) });
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
