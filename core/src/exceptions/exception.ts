import { z } from 'zod';
import type { RiskLevel, Tool } from '../catalog/tool.js';
import { durationCap } from '../catalog/duration-cap.js';
import type { GovernanceRules } from '../governance/policy.js';
import { DAY_MS } from '../ports/clock.js';

/**
 * Why a grant is an exception: it lasts longer than the tool's effective maximum (`duration`), or
 * the catalog blocks the tool (`blocked_tool`: governed, not open to requests, granted to one
 * person while it is under review). A denied tool is never granted, exception or not.
 */
export const EXCEPTION_KINDS = ['duration', 'blocked_tool'] as const;
export type ExceptionKind = (typeof EXCEPTION_KINDS)[number];

/** How an exception ended. */
export type ExceptionClosure = 'expired' | 'never_provisioned' | 'revoked' | 'ended_by_review' | 'lapsed';

export interface ExceptionReview {
  readonly by: string;
  readonly at: number;
  readonly outcome: 'kept' | 'ended';
  readonly note: string;
}

/**
 * An exception: the grant approved outside the rules, who approved it and why, and where its
 * reviews stand. One per grant (its id is the grant's); closed when the grant ends.
 */
export interface AccessException {
  readonly id: string;
  readonly version: number;
  readonly grantId: string;
  readonly requestId: string;
  readonly issueKey: string;
  readonly requesterAccountId: string;
  readonly toolId: string;
  readonly toolName: string;
  readonly riskLevel: RiskLevel;
  readonly kinds: readonly ExceptionKind[];
  /** The longest the rules allowed for the tool, and what was approved. */
  readonly allowedDays: number;
  readonly grantedDays: number;
  readonly reason: string;
  readonly approvedBy: string;
  readonly approvedAt: number;
  readonly policyVersion: number;
  readonly reviewEveryDays: number;
  /** When the next review is due; the exception lapses `lapseAfterDays` after it unless reviewed. */
  readonly nextReviewAt: number;
  readonly reviews: readonly ExceptionReview[];
  /** The Jira issue opened for the review now due (`opening` while Jira creates it). */
  readonly reviewIssue?: { readonly state: 'opening' | 'opened'; readonly issueKey?: string; readonly at: number };
  readonly state: 'open' | 'closed';
  readonly closedAt?: number;
  readonly closedHow?: ExceptionClosure;
}

/** The exception an approver asks for: a reason, required. */
export const exceptionRequestSchema = z
  .object({ reason: z.string().trim().min(10, 'say in a sentence why the rules should not apply').max(1_000) })
  .strict();

/** Where an open exception stands for the people reviewing it. */
export type ExceptionStanding = 'open' | 'review_due' | 'review_overdue' | 'closed';

export function exceptionStanding(exception: Pick<AccessException, 'state' | 'nextReviewAt'>, now: number): ExceptionStanding {
  if (exception.state === 'closed') return 'closed';
  if (now < exception.nextReviewAt) return 'open';
  // Due from the review date; a day later it is overdue, and it lapses after the rules' grace.
  return now < exception.nextReviewAt + DAY_MS ? 'review_due' : 'review_overdue';
}

/** Which of a risk rule's bounds a decision would go past: none means an ordinary approval. */
export function exceptionKinds(rules: GovernanceRules, tool: Pick<Tool, 'status' | 'riskLevel' | 'maxDurationDays'>, durationDays: number): ExceptionKind[] {
  const kinds: ExceptionKind[] = [];
  if (durationDays > durationCap(rules, tool).days) kinds.push('duration');
  if (tool.status === 'blocked') kinds.push('blocked_tool');
  return kinds;
}

/** The meta record holding the ids of a tool's open exceptions: the one record every open and close writes, so limits hold under races. */
export function openExceptionsId(toolId: string): string {
  return `exceptions-open:${toolId}`;
}

/** The value stored in `openExceptionsId(toolId)`. */
export interface OpenExceptions {
  readonly grantIds: readonly string[];
}

export function openExceptionIds(value: unknown): readonly string[] {
  const parsed = z.object({ grantIds: z.array(z.string()) }).safeParse(value);
  return parsed.success ? parsed.data.grantIds : [];
}
