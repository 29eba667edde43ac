import type { WorkIssue } from '../ports/work-issues.js';
import type { WorkEndReason } from './link.js';
import type { WorkLinkedPolicy } from './policy.js';

/** Whether a policy covers the issue at all: its project, and one of its issue types (if it names any). */
export function coversIssue(policy: WorkLinkedPolicy, issue: WorkIssue): boolean {
  return policy.projectKey === issue.projectKey && (policy.issueTypeIds.length === 0 || policy.issueTypeIds.includes(issue.issueTypeId));
}

/** Whether a status is one of the policy's live statuses (by id, or by its category). */
export function isLiveStatus(policy: Pick<WorkLinkedPolicy, 'statusIds' | 'categoryKeys'>, status: { id: string; categoryKey?: string }): boolean {
  return policy.statusIds.includes(status.id) || (status.categoryKey !== undefined && (policy.categoryKeys as readonly string[]).includes(status.categoryKey));
}

/** The issue is live under the policy: covered, unresolved, in a live status. */
export function isLive(policy: WorkLinkedPolicy, issue: WorkIssue): boolean {
  return coversIssue(policy, issue) && !issue.resolved && isLiveStatus(policy, issue.status);
}

/** Whom the policy names on the issue (whether or not it is live). */
export function subjectsOf(policy: WorkLinkedPolicy, issue: WorkIssue): string[] {
  const subject = policy.subject;
  const named = subject.kind === 'assignee' ? [issue.assigneeAccountId] : subject.kind === 'reporter' ? [issue.reporterAccountId] : [...(issue.userFields[subject.fieldId] ?? [])];
  return [...new Set(named.filter((accountId): accountId is string => accountId !== undefined && accountId !== ''))];
}

/** Why a link that is no longer wanted ends, most decisive first. */
export function endReasonFor(policy: WorkLinkedPolicy | undefined, issue: WorkIssue | undefined, accountId: string): WorkEndReason {
  if (!issue) return 'deleted';
  if (!policy || !policy.enabled || !coversIssue(policy, issue)) return 'policy_disabled';
  if (issue.resolved) return 'resolved';
  if (!isLiveStatus(policy, issue.status)) return 'left_status';
  return subjectsOf(policy, issue).includes(accountId) ? 'policy_disabled' : 'reassigned';
}
