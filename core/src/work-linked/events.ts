import type { WorkEvent } from '../ports/work-issues.js';
import { NO_CHANGE, type WorkDeps, type WorkOutcome } from './deps.js';
import { currentWorkPolicies } from './policy-service.js';
import { reconcileWorkIssue } from './reconcile.js';

/**
 * One product event. Events arrive at least once, late and out of order, so the event says only
 * which issue to look at: the issue's current state (read from Jira) decides. A deleted issue is
 * gone for good, so its event needs no read. Events from projects no enabled policy watches are
 * dropped before any Jira call.
 */
export async function handleWorkEvent(deps: WorkDeps, event: WorkEvent): Promise<WorkOutcome & { readonly ignored?: string }> {
  const policies = await currentWorkPolicies(deps.store);
  if (event.projectKey !== undefined) {
    if (!policies.policies.some((policy) => policy.enabled && policy.projectKey === event.projectKey)) {
      // A project that lost its last policy may still have links: those end in the sweep.
      return { ...NO_CHANGE, ignored: `no enabled work-linked access policy watches project ${event.projectKey}` };
    }
  }
  return reconcileWorkIssue(deps, event.issueId, { event, policies, ...(event.kind === 'deleted' && { observed: null }) });
}
