import { APPROVE_TRANSITIONS, DENY_TRANSITIONS, type CommentAudience } from '../ports/jira.js';
import type { AccessRequest, Decision } from '../requests/request.js';
import type { CoreDeps } from '../shared/deps.js';
import { transact } from '../shared/transact.js';

function decisionComment(request: AccessRequest, decision: Decision, toolName: string): string {
  const who = decision.source === 'auto' ? 'Clearway auto-approval' : decision.decidedBy;
  const how = decision.source === 'bulk' ? ' (bulk decision)' : '';
  const policy = `governance policy v${decision.policyVersion}`;
  if (decision.outcome === 'denied') {
    return `Access to ${toolName} denied by ${who}${how} under ${policy}. Reason: ${decision.rationale}`;
  }
  return (
    `Access to ${toolName} for ${request.durationDays} days approved by ${who}${how} under ${policy}. ` +
    `Reason: ${decision.rationale}. Access becomes active once provisioning completes.`
  );
}

/**
 * Tells Jira about a decision: a comment, and the first matching workflow transition. Jira being
 * unavailable never undoes a decision; the failure is logged and audited instead.
 */
export async function syncDecisionToJira(deps: CoreDeps, request: AccessRequest, decision: Decision, toolName: string): Promise<void> {
  const candidates = decision.outcome === 'approved' ? APPROVE_TRANSITIONS : DENY_TRANSITIONS;
  const problems: string[] = [];
  try {
    await deps.jira.comment(request.issueKey, decisionComment(request, decision, toolName));
  } catch (error) {
    problems.push(`comment: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    await deps.jira.transition(request.issueKey, candidates);
  } catch (error) {
    problems.push(`transition: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (problems.length === 0) return;
  deps.logger.warn('Could not update the Jira issue after a decision', { issueKey: request.issueKey, problems });
  await transact(deps, async () => ({
    writes: [],
    audit: [{ actor: 'clearway:system', type: 'jira.update_failed', refs: { requestId: request.id, issueKey: request.issueKey }, data: { problems: problems.map((problem) => problem.slice(0, 200)) } }],
    result: undefined,
  }));
}

/**
 * Comments on an issue if Jira lets us; Jira trouble is logged (as `failure`), never raised.
 * `audience` says who may read it (see `CommentAudience`); the default is the customer.
 */
export async function commentBestEffort(
  deps: Pick<CoreDeps, 'jira' | 'logger'>,
  issueKey: string,
  text: string,
  options: { readonly failure?: string; readonly audience?: CommentAudience } = {},
): Promise<void> {
  try {
    await deps.jira.comment(issueKey, text, { audience: options.audience ?? 'customer' });
  } catch (error) {
    deps.logger.warn(options.failure ?? 'Could not comment on Jira', { issueKey, error: error instanceof Error ? error.message : String(error) });
  }
}
