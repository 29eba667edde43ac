import type { RiskLevel } from '../catalog/tool.js';
import type { GovernanceRules } from '../governance/policy.js';
import type { AccessRequest } from '../requests/request.js';
import type { Actor } from '../shared/deps.js';

export type ApproverVerdict =
  | { readonly allowed: true; readonly via: 'approver' | 'delegate' | 'security_reviewer' | 'admin_fallback' }
  | { readonly allowed: false; readonly reason: 'self_approval' | 'not_an_approver' | 'security_review_required' };

/** A person may act for anyone who delegated to them, until the delegation ends. */
function actsFor(actor: Actor, people: readonly string[], rules: GovernanceRules, now: number): 'self' | 'delegate' | undefined {
  if (people.includes(actor.accountId)) return 'self';
  const delegated = rules.approvers.delegations.some(
    (delegation) => delegation.to === actor.accountId && delegation.until > now && people.includes(delegation.from),
  );
  return delegated ? 'delegate' : undefined;
}

/** Who decides a project's requests: its own list when it is listed (even an empty one), else the default approvers. */
export function approversForProject(rules: GovernanceRules, projectKey: string): readonly string[] {
  // An own-key lookup: a project key never reaches the record's prototype.
  return (Object.hasOwn(rules.approvers.byProject, projectKey) ? rules.approvers.byProject[projectKey] : undefined) ?? rules.approvers.default;
}

/**
 * Who may decide a request: never its requester; for a risk that needs security review, a
 * security reviewer (or a delegate of one); otherwise the project's approvers or their delegates;
 * with admin fallback, any Jira admin.
 */
export function approverVerdict(
  actor: Actor,
  request: Pick<AccessRequest, 'requesterAccountId' | 'projectKey'>,
  riskLevel: RiskLevel,
  rules: GovernanceRules,
  now: number,
): ApproverVerdict {
  if (actor.accountId === request.requesterAccountId) return { allowed: false, reason: 'self_approval' };
  const securityReview = rules.riskRules[riskLevel].requiresSecurityReview;
  const people = securityReview ? rules.approvers.securityReviewers : approversForProject(rules, request.projectKey);
  const role = actsFor(actor, people, rules, now);
  if (role === 'self') return { allowed: true, via: securityReview ? 'security_reviewer' : 'approver' };
  if (role === 'delegate') return { allowed: true, via: 'delegate' };
  if (rules.approvers.adminFallback && actor.isAdmin) return { allowed: true, via: 'admin_fallback' };
  return { allowed: false, reason: securityReview ? 'security_review_required' : 'not_an_approver' };
}

/**
 * Who may approve an exception (access outside a risk rule's bounds): a security reviewer or their
 * delegate, never the requester. Admin fallback does not apply: an override needs a person the
 * rules name for it.
 */
export function exceptionApproverVerdict(actor: Actor, request: Pick<AccessRequest, 'requesterAccountId'>, rules: GovernanceRules, now: number): ApproverVerdict {
  if (actor.accountId === request.requesterAccountId) return { allowed: false, reason: 'self_approval' };
  const role = actsFor(actor, rules.approvers.securityReviewers, rules, now);
  if (role === 'self') return { allowed: true, via: 'security_reviewer' };
  if (role === 'delegate') return { allowed: true, via: 'delegate' };
  return { allowed: false, reason: 'security_review_required' };
}

/** Whether the Approvals tab should show: the actor may approve in at least one place. */
export function canApproveAnywhere(actor: Actor, rules: GovernanceRules, now: number): boolean {
  if (rules.approvers.adminFallback && actor.isAdmin) return true;
  const everyone = [...rules.approvers.default, ...Object.values(rules.approvers.byProject).flat(), ...rules.approvers.securityReviewers];
  return actsFor(actor, everyone, rules, now) !== undefined;
}
