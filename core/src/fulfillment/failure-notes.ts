import type { ConnectorErrorJson } from '@clearway/connector-sdk';
import { commentBestEffort } from '../decisions/jira-sync.js';
import type { Grant } from '../grants/grant.js';
import type { CoreDeps } from '../shared/deps.js';
import type { Job } from './job.js';

/** The internal note: the classified reason (message and code) and where the admin retries it. */
export function failureDetailsNote(job: Pick<Job, 'type'>, error: Pick<ConnectorErrorJson, 'message' | 'code'>): string {
  const action = job.type === 'provision' ? 'Granting access' : 'Removing access';
  return `${action} failed and needs an admin: ${error.message} (${error.code}). Fix the cause, then retry it from Clearway → Approvals → Failed fulfillments.`;
}

/** What the requester reads when setting up their access failed: what happens next, never why in provider terms. */
export function customerFailureComment(toolName: string | undefined): string {
  const access = toolName ? `your access to ${toolName}` : 'your access';
  return `Setting up ${access} hit a problem on our side. The team has been told and is sorting it out; nothing is needed from you. You can follow its status on this request.`;
}

/**
 * Tells the request's Jira issue that a job failed terminally. The details go to the team only
 * (an internal note: on a JSM request a plain comment is public to the customer, and provider
 * messages are for admins). The requester is told only when setting up their access failed — a
 * failed removal is nothing they can wait on or act on — nor is a work-linked grant, whose issue is
 * the work itself. Jira trouble is logged, never raised.
 */
export async function tellJiraOfFailure(deps: CoreDeps, job: Job, grant: Grant, error: ConnectorErrorJson): Promise<void> {
  await commentBestEffort(deps, grant.issueKey, failureDetailsNote(job, error), {
    audience: 'internal',
    failure: 'Could not add the fulfillment failure to Jira as an internal note',
  });
  // A work-linked grant's issue is the work (an incident), not the person's request: its customer is someone else.
  if (job.type !== 'provision' || grant.work) return;
  const tool = await deps.store.get('tool', job.toolId).catch(() => undefined);
  await commentBestEffort(deps, grant.issueKey, customerFailureComment(tool?.name), {
    audience: 'customer',
    failure: 'Could not tell the requester on Jira that setting up their access hit a problem',
  });
}
