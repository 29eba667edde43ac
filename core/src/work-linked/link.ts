/**
 * One user's link to one issue under one policy. Live links hold (or share) a grant; a link ends
 * when the issue leaves the live statuses, is resolved or deleted, its subject changes, the policy
 * is disabled, or its maximum duration passes.
 */
export const WORK_LINK_STATES = ['live', 'covered', 'awaiting_approval', 'ended'] as const;
export type WorkLinkState = (typeof WORK_LINK_STATES)[number];

export const WORK_END_REASONS = ['left_status', 'resolved', 'deleted', 'reassigned', 'max_duration', 'grant_ended', 'policy_disabled', 'denied'] as const;
export type WorkEndReason = (typeof WORK_END_REASONS)[number];

/** Ends after which the same issue, still live, must not grant again until it is seen leaving (or re-entering). */
export const NON_REARMING_ENDS: ReadonlySet<WorkEndReason> = new Set(['max_duration', 'grant_ended', 'denied']);

export interface WorkLink {
  readonly id: string;
  readonly version: number;
  readonly policyId: string;
  readonly policyVersion: number;
  readonly issueId: string;
  readonly issueKey: string;
  readonly projectKey: string;
  readonly accountId: string;
  /** Their Jira display name, as the issue showed it when the link began (for notes). */
  readonly displayName?: string;
  readonly toolId: string;
  /**
   * `live`: its grant (`grantId`, possibly shared with the user's other live links for the tool);
   * `covered`: the user already held the tool through an ordinary grant or request (`grantId` /
   * `requestId`), so no work grant was made; `awaiting_approval`: an approver decides the issue
   * (`requestId`); `ended`: see `endReason`.
   */
  readonly state: WorkLinkState;
  readonly grantId?: string;
  readonly requestId?: string;
  /** When the issue was seen entering a live status (the link began). */
  readonly startedAt: number;
  /** `startedAt` + the policy's maximum duration. */
  readonly deadline: number;
  readonly endedAt?: number;
  readonly endReason?: WorkEndReason;
  /** False after an end that does not re-arm, until the issue is seen not live for this user. */
  readonly rearmed: boolean;
  readonly updatedAt: number;
}

export const workLinkId = (policyId: string, issueId: string, accountId: string): string => `wl:${policyId}:${issueId}:${accountId}`;

/** The marker recording an approver's decision for one issue under one policy (a claim holding the request). */
export const workApprovalClaimId = (policyId: string, issueId: string): string => `work-approval:${policyId}:${issueId}`;

export const END_REASON_TEXT: Readonly<Record<WorkEndReason, string>> = {
  left_status: 'the issue left its live statuses',
  resolved: 'the issue was resolved',
  deleted: 'the issue was deleted',
  reassigned: 'the issue moved to someone else',
  max_duration: "the policy's maximum duration passed",
  grant_ended: 'the grant was ended by hand',
  policy_disabled: 'the work-linked access policy was disabled or changed',
  denied: 'an approver denied access for this issue',
};
