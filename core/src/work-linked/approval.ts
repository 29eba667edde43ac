import type { AuditEntry } from '../audit/event.js';
import { commentBestEffort } from '../decisions/jira-sync.js';
import { ValidationError } from '../errors.js';
import { put, type Write } from '../ports/store.js';
import type { AccessRequest, Decision } from '../requests/request.js';
import type { CoreDeps } from '../shared/deps.js';
import { hasWorkIssues } from './deps.js';
import { reconcileWorkIssue } from './reconcile.js';

/**
 * An approver's decision on a work-linked approval request: it decides the issue, once — approved,
 * every live link of the issue under that policy gets its grant (now and whenever the work is live
 * again); denied, none does. The request itself never holds a grant, nor the (user, tool) claim.
 */
export function workDecisionChange(request: AccessRequest, decision: Decision, input: { durationDays?: number; exception?: unknown }, now: number): { writes: Write[]; audit: AuditEntry[]; request: AccessRequest } {
  if (input.exception !== undefined || input.durationDays !== undefined) {
    throw new ValidationError('Work-linked access is decided for the issue as its policy says: no exception or duration can be given.', [{ path: input.exception !== undefined ? 'exception' : 'durationDays', message: 'not for work-linked access' }]);
  }
  const decided: AccessRequest = { ...request, status: decision.outcome, decision, updatedAt: now };
  const refs = { requestId: request.id, issueKey: request.issueKey, ...(request.toolId !== undefined && { toolId: request.toolId }) };
  return {
    writes: [put('request', decided)],
    audit: [{ actor: decision.decidedBy, type: `request.${decision.outcome}`, refs, data: { source: decision.source, rationale: decision.rationale, workPolicyId: request.work?.policyId, forIssue: true } }],
    request: { ...decided, version: decided.version + 1 },
  };
}

/** After the decision: the issue's links follow it now (the sweep does it otherwise), and the issue is noted internally. */
export async function afterWorkDecision(deps: CoreDeps, request: AccessRequest, toolName: string): Promise<void> {
  const decision = request.decision;
  if (!request.work || !decision) return;
  const text =
    decision.outcome === 'approved'
      ? `${toolName} access for this issue's work was approved by ${decision.decidedBy}: it starts while the issue is live.`
      : `${toolName} access for this issue's work was denied by ${decision.decidedBy}: ${decision.rationale}`;
  await commentBestEffort(deps, request.issueKey, text, { audience: 'internal', failure: 'Could not note the work-linked decision on its issue' });
  if (!hasWorkIssues(deps)) return;
  try {
    await reconcileWorkIssue(deps, request.work.issueId);
  } catch (error) {
    deps.logger.warn('Could not apply a work-linked decision at once; the next sweep applies it', { issueKey: request.issueKey, error: error instanceof Error ? error.message : String(error) });
  }
}
