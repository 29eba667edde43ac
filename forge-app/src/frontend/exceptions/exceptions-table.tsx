import { Button, ButtonGroup, DynamicTable, Link, Stack, Text, User } from '@forge/react';
import React from 'react';
import type { ExceptionSummary } from '../../resolvers/contract';
import { ActorName } from '../components/actor';
import { days, formatDate, issueHref } from '../components/format';
import { EXCEPTION_CLOSURE_LABELS, EXCEPTION_KIND_LABELS, ExceptionStandingLozenge, RiskLozenge } from '../components/status';
import type { ReviewOutcome } from './exception-review-modal';

/** Which bounds it goes past, in words: "longer than allowed, tool blocked in the catalog". */
export function exceptionKindsText(exception: Pick<ExceptionSummary, 'kinds'>): string {
  return exception.kinds.map((kind) => EXCEPTION_KIND_LABELS[kind]).join(', ');
}

/** Granted against allowed: "120 days (90 allowed)". */
export function grantedText(exception: Pick<ExceptionSummary, 'grantedDays' | 'allowedDays'>): string {
  return `${days(exception.grantedDays)} (${exception.allowedDays} allowed)`;
}

function whenText(exception: ExceptionSummary): string {
  if (exception.state === 'closed') {
    const how = exception.closedHow ? EXCEPTION_CLOSURE_LABELS[exception.closedHow] : 'closed';
    return exception.closedAt !== undefined ? `${how} on ${formatDate(exception.closedAt)}` : how;
  }
  const lapses = exception.lapsesAt !== undefined ? `; lapses ${formatDate(exception.lapsesAt)} unless reviewed` : '';
  return `review ${formatDate(exception.nextReviewAt)}${lapses}`;
}

function reviewsText(exception: ExceptionSummary): string {
  const last = exception.reviews[exception.reviews.length - 1];
  if (!last) return 'not reviewed yet';
  return `${last.outcome === 'kept' ? 'kept' : 'ended'} ${formatDate(last.at)}: ${last.note}`;
}

/**
 * Exceptions as admins and security reviewers read them: who has which tool outside which rule,
 * why and on whose approval, and where the reviews stand. `open` rows carry Keep / End for the
 * people who may review them; the history shows how closed ones ended.
 */
export function ExceptionsTable({
  exceptions,
  testId,
  history,
  onReview,
}: {
  readonly exceptions: readonly ExceptionSummary[];
  readonly testId: string;
  readonly history?: boolean;
  readonly onReview?: (exception: ExceptionSummary, outcome: ReviewOutcome) => void;
}) {
  const head = {
    cells: [
      { key: 'issue', content: 'Request' },
      { key: 'requester', content: 'For' },
      { key: 'tool', content: 'Tool' },
      { key: 'outside', content: 'Outside the rules' },
      { key: 'days', content: 'Granted' },
      { key: 'reason', content: 'Reason' },
      { key: 'approved', content: 'Approved by' },
      { key: 'standing', content: history ? 'State' : 'Review' },
      { key: 'when', content: history ? 'Ended' : 'Next review' },
      { key: 'reviews', content: 'Last review' },
      { key: 'reviewIssue', content: 'Review issue' },
      ...(onReview ? [{ key: 'actions', content: '' }] : []),
    ],
  };
  const rows = exceptions.map((exception) => {
    const reviewIssue = exception.reviewIssue?.issueKey;
    return {
      key: exception.id,
      isHighlighted: exception.standing === 'review_overdue',
      cells: [
        { key: 'issue', content: <Link href={issueHref(exception.issueKey)}>{exception.issueKey}</Link> },
        { key: 'requester', content: <User accountId={exception.requesterAccountId} /> },
        {
          key: 'tool',
          content: (
            <Stack space="space.050">
              <Text>{exception.toolName}</Text>
              <RiskLozenge risk={exception.riskLevel} />
            </Stack>
          ),
        },
        { key: 'outside', content: exceptionKindsText(exception) },
        { key: 'days', content: grantedText(exception) },
        { key: 'reason', content: exception.reason },
        {
          key: 'approved',
          content: (
            <Stack space="space.050">
              <ActorName actor={exception.approvedBy} />
              <Text size="small">{formatDate(exception.approvedAt)}</Text>
            </Stack>
          ),
        },
        { key: 'standing', content: <ExceptionStandingLozenge standing={exception.standing} /> },
        { key: 'when', content: whenText(exception) },
        { key: 'reviews', content: reviewsText(exception) },
        { key: 'reviewIssue', content: reviewIssue ? <Link href={issueHref(reviewIssue)}>{reviewIssue}</Link> : '' },
        ...(onReview
          ? [
              {
                key: 'actions',
                content: exception.mayReview ? (
                  <ButtonGroup label={`Review ${exception.issueKey}`}>
                    <Button testId={`keep-${exception.issueKey}`} onClick={() => onReview(exception, 'keep')}>
                      Keep
                    </Button>
                    <Button appearance="subtle" testId={`end-${exception.issueKey}`} onClick={() => onReview(exception, 'end')}>
                      End
                    </Button>
                  </ButtonGroup>
                ) : (
                  ''
                ),
              },
            ]
          : []),
      ],
    };
  });
  return <DynamicTable testId={testId} caption="Exceptions" head={head} rows={rows} rowsPerPage={50} />;
}
