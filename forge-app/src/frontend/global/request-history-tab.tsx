import { DynamicTable, Link, Stack } from '@forge/react';
import React from 'react';
import type { RequestSummary } from '../../resolvers/contract';
import { days, formatDate, issueHref } from '../components/format';
import { Pager } from '../components/paging';
import { Empty, Loaded } from '../components/states';
import { DECISION_SOURCE_LABELS, RequestStatusLozenge } from '../components/status';
import { usePagedList } from '../components/use-clearway';

const PAGE_SIZE = 20;

const HEAD = {
  cells: [
    { key: 'issue', content: 'Request' },
    { key: 'tool', content: 'Tool' },
    { key: 'requested', content: 'Requested' },
    { key: 'duration', content: 'Duration' },
    { key: 'decision', content: 'Decision' },
    { key: 'decided', content: 'Decided' },
    { key: 'rationale', content: 'Reason given' },
  ],
};

function decidedText(request: RequestSummary): string {
  const { decision } = request;
  return decision ? `${formatDate(decision.decidedAt)}, ${DECISION_SOURCE_LABELS[decision.source]}` : 'Not yet';
}

function historyRow(request: RequestSummary) {
  return {
    key: request.id,
    cells: [
      { key: 'issue', content: <Link href={issueHref(request.issueKey)}>{request.issueKey}</Link> },
      { key: 'tool', content: request.newTool ? `${request.toolName} (new tool)` : request.toolName },
      { key: 'requested', content: formatDate(request.createdAt) },
      { key: 'duration', content: days(request.durationDays) },
      { key: 'decision', content: <RequestStatusLozenge status={request.status} /> },
      { key: 'decided', content: decidedText(request) },
      { key: 'rationale', content: request.decision?.rationale ?? '' },
    ],
  };
}

/** The viewer's own requests, newest first, a page at a time. */
export function RequestHistoryTab() {
  const list = usePagedList('requests.mine', {}, PAGE_SIZE);
  return (
    <Loaded state={list.state} loading="Loading your requests" errorTitle="Clearway could not load your requests" onRetry={list.reload}>
      {(requests) =>
        requests.length === 0 && list.pageNumber === 1 ? (
          <Empty header="You have not requested any AI tools" description="Requests you make from the service portal show here with their decision." />
        ) : (
          <Stack space="space.200">
            <DynamicTable testId="request-history" caption="Your requests" head={HEAD} rows={requests.map(historyRow)} rowsPerPage={PAGE_SIZE} />
            <Pager list={list} />
          </Stack>
        )
      }
    </Loaded>
  );
}
