import type { Tool } from '../catalog/tool.js';
import type { GovernanceRules } from '../governance/policy.js';

export interface AutoApprovalInput {
  readonly projectKey: string;
  readonly tool: Tool;
  readonly requesterGroups: readonly string[];
  readonly durationDays: number;
}

export type AutoApprovalVerdict =
  | { readonly approve: true; readonly policyId: string; readonly rationale: string }
  | { readonly approve: false; readonly reasons: readonly string[] };

/**
 * Decides whether a request is approved without a human. A risk rule that needs no approval
 * approves at once; otherwise the first auto-approval policy that matches the project/tool
 * scope, has `autoApprove`, includes one of the requester's groups and allows the duration.
 * Risks that need security review are never auto-approved.
 */
export function evaluateAutoApproval(input: AutoApprovalInput, rules: GovernanceRules): AutoApprovalVerdict {
  const riskRule = rules.riskRules[input.tool.riskLevel];
  if (riskRule.requiresSecurityReview) return { approve: false, reasons: [`${input.tool.riskLevel} risk needs security review`] };
  if (!riskRule.requiresApproval) {
    return { approve: true, policyId: `risk-rule:${input.tool.riskLevel}`, rationale: `${input.tool.riskLevel} risk tools need no approval under the governance policy` };
  }
  const reasons: string[] = [];
  for (const policy of rules.autoApproval) {
    const inScope =
      (policy.scope.projectKeys.length === 0 || policy.scope.projectKeys.includes(input.projectKey)) &&
      (policy.scope.toolIds.length === 0 || policy.scope.toolIds.includes(input.tool.id));
    if (!inScope) continue;
    if (!policy.autoApprove) {
      reasons.push(`policy ${policy.id} does not auto-approve`);
      continue;
    }
    const group = policy.allowedGroups.find((candidate) => input.requesterGroups.includes(candidate));
    if (!group) {
      reasons.push(`requester is in none of policy ${policy.id}'s groups`);
      continue;
    }
    if (policy.maxDurationDays !== undefined && input.durationDays > policy.maxDurationDays) {
      reasons.push(`policy ${policy.id} allows at most ${policy.maxDurationDays} days`);
      continue;
    }
    return { approve: true, policyId: policy.id, rationale: `auto-approved by policy "${policy.name}" (member of ${group})` };
  }
  return { approve: false, reasons: reasons.length > 0 ? reasons : ['no auto-approval policy covers this tool and project'] };
}
