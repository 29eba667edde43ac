import { issueKeySchema } from '@clearway/core';
import { z } from 'zod';
import type { ClearwayApp } from '../composition/app';
import { abandonIntake, attemptIntake, type IntakeAttemptOutcome } from '../intake/intake-retry';

/** The part of the `avi:jira:created:issue` payload intake needs; everything else is re-read from Jira. */
const issueCreatedSchema = z.object({
  issue: z.object({
    key: issueKeySchema,
    fields: z.object({ project: z.object({ key: z.string() }).partial().optional() }).loose().optional(),
  }).loose(),
}).loose();

export type IssueCreatedOutcome = IntakeAttemptOutcome | { readonly status: 'ignored' } | { readonly status: 'failed' };

/**
 * `avi:jira:created:issue`: every new issue on the site arrives here. Issues outside the intake
 * project are dropped before any Jira call. If intake fails (Jira or storage briefly unavailable),
 * the next attempt is handed to the queue, whose consumer retries it a bounded number of times:
 * product triggers are not retried. Should the queue refuse that hand-over, intake gives up at
 * once, listing the problem for admins and telling the customer, rather than drop it unseen.
 */
export function makeIssueCreatedTrigger(getApp: () => ClearwayApp): (event: unknown) => Promise<IssueCreatedOutcome> {
  return async (event) => {
    const app = getApp();
    const parsed = issueCreatedSchema.safeParse(event);
    if (!parsed.success) return { status: 'ignored' };
    const issueKey = parsed.data.issue.key;
    const projectKey = parsed.data.issue.fields?.project?.key;
    const hint = { issueKey, ...(projectKey !== undefined && { projectKey }) };
    const outcome = await attemptIntake(app, hint, 1);
    if (outcome.status !== 'queue_refused') return outcome;
    try {
      return await abandonIntake(app, hint, 1, outcome.cause);
    } catch (error) {
      app.deps.logger.error('Could neither retry nor record a failed intake; the request must be re-submitted', { issueKey, error: error instanceof Error ? error.message : 'unknown' });
      return { status: 'failed' };
    }
  };
}
