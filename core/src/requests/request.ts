/** One user asking for one tool, for a purpose and a duration. */
export const REQUEST_STATUSES = ['pending', 'approved', 'denied', 'expired'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

export type DecisionSource = 'human' | 'bulk' | 'auto';

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
}
