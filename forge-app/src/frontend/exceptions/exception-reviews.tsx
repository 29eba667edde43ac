import { Stack, Text } from '@forge/react';
import React, { useState } from 'react';
import type { ExceptionSummary } from '../../resolvers/contract';
import { formatDate, plural } from '../components/format';
import { ShowMore } from '../components/paging';
import { Empty, Loaded, NoticeMessage, type Notice } from '../components/states';
import { useGrowingList } from '../components/use-clearway';
import { ExceptionReviewModal, type ReviewOutcome } from './exception-review-modal';
import { ExceptionsTable } from './exceptions-table';

/**
 * The security reviewer's queue on Approvals: open exceptions whose review is due or overdue,
 * soonest first (the backend's order), each with Keep / End. Those not yet due are counted, with
 * the date the next one falls due.
 */
export function ExceptionReviews() {
  const list = useGrowingList('exceptions.list', { state: 'open' }, 50);
  const [reviewing, setReviewing] = useState<{ readonly exception: ExceptionSummary; readonly outcome: ReviewOutcome }>();
  const [notice, setNotice] = useState<Notice>();
  return (
    <Stack space="space.150">
      <NoticeMessage notice={notice} />
      <Loaded state={list.state} loading="Loading exception reviews" errorTitle="Clearway could not load the exceptions" onRetry={list.reload}>
        {(exceptions) => {
          const due = exceptions.filter((exception) => exception.standing === 'review_due' || exception.standing === 'review_overdue');
          const later = exceptions.filter((exception) => exception.standing === 'open');
          const next = later[0];
          const upcoming = next ? `${plural(later.length, 'open exception')} not due yet; the next review is due ${formatDate(next.nextReviewAt)}.` : 'No other exception is open.';
          return (
            <Stack space="space.100">
              {due.length === 0 ? (
                <Empty header="No exception reviews are due" description="An exception (access approved outside the rules) shows here when its review falls due; a missed review ends it." />
              ) : (
                <ExceptionsTable exceptions={due} testId="exception-reviews" onReview={(exception, outcome) => setReviewing({ exception, outcome })} />
              )}
              <Text size="small">{upcoming}</Text>
              <ShowMore list={list} />
            </Stack>
          );
        }}
      </Loaded>
      {reviewing ? (
        <ExceptionReviewModal
          {...reviewing}
          onClose={() => setReviewing(undefined)}
          onReviewed={(result) => {
            setReviewing(undefined);
            setNotice(result);
            list.reload();
          }}
        />
      ) : null}
    </Stack>
  );
}
