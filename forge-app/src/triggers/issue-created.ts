import { issueKeySchema } from '@clearway/core';
import { z } from 'zod';
import type { ClearwayApp } from '../composition/app';
import { ingestIssue, type IntakeOutcome } from '../intake/ingest-issue';
import type { IngestIssueEvent } from '../queue/queue-events';

/** The part of the `avi:jira:created:issue` payload intake needs; everything else is re-read from Jira. */
const issueCreatedSchema = z.object({
  issue: z.object({
    key: issueKeySchema,
    fields: z.object({ project: z.object({ key: z.string() }).partial().optional() }).loose().optional(),
  }).loose(),
}).loose();

/** Intake that failed here is retried through the queue after this long. */
export const INTAKE_RETRY_DELAY_SECONDS = 60;

export type IssueCreatedOutcome = IntakeOutcome | { readonly status: 'ignored' } | { readonly status: 'queued_for_retry' } | { readonly status: 'failed' };

/**
 * `avi:jira:created:issue`: every new issue on the site arrives here. Issues outside the intake
 * project are dropped before any Jira call. If intake fails (Jira or storage briefly unavailable),
 * it is handed to the queue, whose consumer retries it: product triggers are not retried.
 */
export function makeIssueCreatedTrigger(getApp: () => ClearwayApp): (event: unknown) => Promise<IssueCreatedOutcome> {
  return async (event) => {
    const app = getApp();
    const parsed = issueCreatedSchema.safeParse(event);
    if (!parsed.success) return { status: 'ignored' };
    const issueKey = parsed.data.issue.key;
    const projectKey = parsed.data.issue.fields?.project?.key;
    const hint = { issueKey, ...(projectKey !== undefined && { projectKey }) };
    try {
      return await ingestIssue(app, hint);
    } catch (error) {
      app.deps.logger.warn('Intake failed; retrying it through the queue', { issueKey, error: error instanceof Error ? error.message : 'unknown' });
      const retry: IngestIssueEvent = { kind: 'ingest-issue', ...hint, requestedAt: app.deps.clock.now() };
      try {
        await app.queue.push([{ body: retry, delayInSeconds: INTAKE_RETRY_DELAY_SECONDS }]);
        return { status: 'queued_for_retry' };
      } catch {
        app.deps.logger.error('Could not queue the intake retry; the request must be re-submitted', { issueKey });
        return { status: 'failed' };
      }
    }
  };
}
