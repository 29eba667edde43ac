import { SectionMessage, Text } from '@forge/react';
import React from 'react';
import type { ApprovalBounds, PendingRequestSummary } from '../../resolvers/contract';
import { days, plural } from '../components/format';

/** The shortest reason an exception is approved with: a sentence, as core requires. */
export const EXCEPTION_REASON_MIN = 10;

/**
 * Where a single approval stands against the rules, for the person deciding: within them; past
 * them, which this person may approve as an exception; or past them, which they may not.
 */
export interface ApprovalPlan {
  /** What the approval goes past, in words ("60 days where 30 are allowed for high-risk tools"); empty when within the rules. */
  readonly outside: readonly string[];
  readonly blocked: boolean;
  readonly overMax: boolean;
  /** Set when the approval is outside the rules and this person may approve it as an exception. */
  readonly exception?: NonNullable<ApprovalBounds['exception']>;
}

export function approvalPlan(request: PendingRequestSummary, durationDays: number | undefined): ApprovalPlan {
  const bounds = request.bounds;
  if (!bounds) return { outside: [], blocked: false, overMax: false };
  const overMax = durationDays !== undefined && durationDays > bounds.maxDays;
  const blocked = bounds.toolStatus === 'blocked';
  const outside: string[] = [];
  if (overMax) {
    const allowedFor = bounds.cappedBy === 'risk' ? `${bounds.riskLevel}-risk tools` : request.toolName;
    outside.push(`${durationDays} days where ${bounds.maxDays} are allowed for ${allowedFor}`);
  }
  if (blocked) outside.push(`${request.toolName}, which the catalog blocks`);
  return { outside, blocked, overMax, ...(outside.length > 0 && bounds.exception && { exception: bounds.exception }) };
}

/** What the person deciding reads about the rules before approving: why an ordinary approval is refused, or what an exception means. */
export function RulesNotice({ request, plan, approving }: { readonly request: PendingRequestSummary; readonly plan: ApprovalPlan; readonly approving: boolean }) {
  const bounds = request.bounds;
  if (!approving || !bounds) return null;
  const sentence = `This approval goes past the rules: ${plan.outside.join(', and ')}.`;
  if (plan.exception) {
    const { reviewEveryDays, lapseAfterDays, openLimit } = plan.exception;
    const limit =
      openLimit === 0
        ? `Governance allows no exceptions for ${bounds.riskLevel}-risk tools.`
        : `At most ${plural(openLimit, 'exception')} may be open per ${bounds.riskLevel}-risk tool.`;
    return (
      <SectionMessage appearance="warning" title="Approve as an exception" testId="exception-notice">
        <Text>{sentence}</Text>
        <Text>{`As a security reviewer you may approve it as an exception, with a reason. It is reviewed every ${days(reviewEveryDays)} and ends ${days(lapseAfterDays)} after a missed review. ${limit}`}</Text>
      </SectionMessage>
    );
  }
  if (plan.outside.length > 0) {
    const ask = plan.blocked ? 'It cannot be approved as usual' : `Approve ${days(bounds.maxDays)} or fewer`;
    return (
      <SectionMessage appearance="warning" title="Outside the rules" testId="exception-notice">
        <Text>{sentence}</Text>
        <Text>{`${ask}; a security reviewer may approve it as an exception, with a reason.`}</Text>
      </SectionMessage>
    );
  }
  if (!bounds.mayDecide) {
    return (
      <SectionMessage appearance="information" title="Only as an exception" testId="exception-notice">
        <Text>{`Within the rules (up to ${days(bounds.maxDays)}) this request is for its approvers; you may approve it only as an exception, for longer.`}</Text>
      </SectionMessage>
    );
  }
  return null;
}
