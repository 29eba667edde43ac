/** One user asking for one tool, for a purpose and a duration. */
export const REQUEST_STATUSES = ['pending', 'approved', 'denied', 'expired'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

/** `work`: a work-linked access policy decided, as a Jira issue entered a live status. */
export type DecisionSource = 'human' | 'bulk' | 'auto' | 'work';

/** Approve or deny: who, when, how, why, and under which governance-policy version. */
export interface Decision {
  readonly outcome: 'approved' | 'denied';
  readonly decidedBy: string;
  readonly decidedAt: number;
  readonly source: DecisionSource;
  readonly rationale: string;
  readonly policyVersion: number;
  /** For auto-approval: the policy or rule that decided. */
  readonly policyId?: string;
  /** For `work`: the work-linked access policies' version in force. */
  readonly workPolicyVersion?: number;
}

/**
 * A request made by work-linked access: `grant` (the policy decided; its grant lives by the issue)
 * or `approval` (an approver decides once for the issue; it never holds a grant itself).
 */
export interface RequestWork {
  readonly kind: 'grant' | 'approval';
  readonly policyId: string;
  readonly policyVersion: number;
  readonly issueId: string;
}

export interface RequestedNewTool {
  readonly name: string;
  readonly url?: string;
}

export interface AccessRequest {
  readonly id: string;
  readonly version: number;
  /** The Jira issue the request came in on. */
  readonly issueKey: string;
  readonly projectKey: string;
  readonly portalId?: string;
  readonly requestTypeId?: string;
  readonly requesterAccountId: string;
  readonly requesterEmail?: string;
  readonly requesterName?: string;
  /** A catalog tool, or (when governance allows) a tool not in the catalog yet. */
  readonly toolId?: string;
  readonly newTool?: RequestedNewTool;
  readonly purpose: string;
  readonly durationDays: number;
  readonly status: RequestStatus;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly policyVersionAtSubmit: number;
  readonly decision?: Decision;
  readonly grantId?: string;
  /** Set when the approval SLA passed and escalation was recorded. */
  readonly escalatedAt?: number;
  /** Made by work-linked access (`issueKey` is then the work issue). */
  readonly work?: RequestWork;
}
