import { ClearwayError, currentGovernance, findRequestByIssue } from '@clearway/core';
import { JiraError } from '../adapters/jira/jira-request';
import type { ClearwayApp } from '../composition/app';
import type { IngestIssueEvent } from '../queue/queue-events';
import { ingestIssue, type IntakeHint, type IntakeOutcome } from './ingest-issue';
import { CUSTOMER_TEXT, tellRequesterOnce } from './intake-problems';

/** Seconds before each retry: a minute, five, then the platform's longest delay (15 minutes) twice. */
export const INTAKE_RETRY_DELAYS_SECONDS = [60, 300, 900, 900] as const;

/** Attempts in all, the trigger's first: past the last, intake gives up (about 36 minutes after the issue was created). */
export const MAX_INTAKE_ATTEMPTS = INTAKE_RETRY_DELAYS_SECONDS.length + 1;

export type IntakeRetry =
  | { readonly status: 'queued_for_retry'; readonly attempt: number }
  /** Listed for admins as an intake problem; `commented`: this delivery told the customer on the issue. */
  | { readonly status: 'abandoned'; readonly commented: boolean }
  /** The next attempt could not be queued: the caller gives up, or asks the platform to deliver again. */
  | { readonly status: 'queue_refused'; readonly cause: unknown };

export type IntakeAttemptOutcome = IntakeOutcome | IntakeRetry;

/**
 * One attempt at taking an issue in (`attempt` 1 is the trigger's). A refusal no retry can
 * change is settled inside `ingestIssue`; a failure (Jira or storage) queues the next attempt.
 */
export async function attemptIntake(app: ClearwayApp, hint: IntakeHint, attempt: number): Promise<IntakeAttemptOutcome> {
  try {
    return await ingestIssue(app, hint, attempt);
  } catch (error) {
    app.deps.logger.warn('Intake failed', { issueKey: hint.issueKey, attempt, error: error instanceof Error ? error.message : 'unknown' });
    return retryOrAbandon(app, hint, attempt, error);
  }
}

/** After attempt `attempt` failed with `error`: queue the next one with its delay, or give up past the last. */
export async function retryOrAbandon(app: ClearwayApp, hint: IntakeHint, attempt: number, error: unknown): Promise<IntakeRetry | IntakeOutcome> {
  const delayInSeconds = INTAKE_RETRY_DELAYS_SECONDS[attempt - 1];
  if (delayInSeconds === undefined) return abandonIntake(app, hint, attempt, error);
  const next: IngestIssueEvent = { kind: 'ingest-issue', ...hint, attempt: attempt + 1, requestedAt: app.deps.clock.now() };
  try {
    await app.queue.push([{ body: next, delayInSeconds }]);
  } catch (pushError) {
    app.deps.logger.warn('Could not queue the next intake attempt', { issueKey: hint.issueKey, error: pushError instanceof Error ? pushError.message : 'unknown' });
    return { status: 'queue_refused', cause: error };
  }
  return { status: 'queued_for_retry', attempt: attempt + 1 };
}

/** What kept failing, in words safe to list and audit: a Jira failure names its action and status only. */
function describeFailure(error: unknown): { readonly code: string; readonly detail: string } {
  if (error instanceof JiraError) return { code: 'jira_unavailable', detail: error.message };
  if (error instanceof ClearwayError) return { code: error.code, detail: error.message.slice(0, 200) };
  return { code: 'unexpected', detail: 'an unexpected error (the app log has the details)' };
}

/**
 * Gives up on an issue after `attempts` failed: it is listed for admins and its customer told,
 * once. Only an issue of the intake project that was not taken in meanwhile: a failure before
 * intake knew what the issue was must not comment on someone else's issue.
 */
export async function abandonIntake(app: ClearwayApp, hint: IntakeHint, attempts: number, error: unknown): Promise<IntakeRetry | IntakeOutcome> {
  const { rules } = await currentGovernance(app.deps.store);
  const intakeProject = rules.intake.projectKey;
  if (intakeProject === undefined || hint.projectKey !== intakeProject) return { status: 'skipped', reason: 'not the intake project' };
  const request = await findRequestByIssue(app.deps, hint.issueKey);
  if (request) return { status: 'already_ingested', requestId: request.id };
  const { code, detail } = describeFailure(error);
  const problem = { kind: 'retries_exhausted', code, detail: `${attempts} attempt${attempts === 1 ? '' : 's'} failed; the last: ${detail}`, attempts } as const;
  const told = await tellRequesterOnce(app, hint.issueKey, CUSTOMER_TEXT.notTakenIn, problem);
  app.deps.logger.error('Gave up taking in a request; it is listed under Intake problems', { issueKey: hint.issueKey, attempts, code });
  return { status: 'abandoned', commented: told.commented };
}
