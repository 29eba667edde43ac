import { DynamicTable, Link, LoadingButton, Lozenge, Stack, Text } from '@forge/react';
import React, { useState } from 'react';
import type { FailedJobView } from '../../resolvers/contract';
import { callClearway, errorText } from '../clearway-client';
import { formatDateTime, issueHref, plural } from '../components/format';
import { ShowMore } from '../components/paging';
import { Empty, Loaded, NoticeMessage, type Notice } from '../components/states';
import { errorKindLabel, JOB_TYPE_LABELS } from '../components/status';
import { useGrowingList } from '../components/use-clearway';

function reason(job: FailedJobView['job']): string {
  return job.lastError?.message ?? 'The provider gave no reason.';
}

/** The Kind column: the error kind, or what to do for the codes that call for one thing. */
function kindLabel(job: FailedJobView['job']): string {
  if (job.lastError?.code === 'retries_exhausted') return 'retries used up';
  // Jira showed no email and no one mapped the person: the fix is an identity mapping, not the connector's settings.
  if (job.lastError?.code === 'identity_mapping_required') return 'map this Jira user';
  return errorKindLabel(job.lastError?.kind ?? 'unknown');
}

const HEAD = {
  cells: [
    { key: 'issue', content: 'Request' },
    { key: 'tool', content: 'Tool' },
    { key: 'action', content: 'Action' },
    { key: 'kind', content: 'Kind' },
    { key: 'reason', content: 'Reason' },
    { key: 'failed', content: 'Failed' },
    { key: 'retry', content: '' },
  ],
};

/** Provider actions that failed terminally: why, and a retry once the cause is fixed. */
export function FailedFulfillments() {
  const list = useGrowingList('approvals.failedJobs', {}, 50);
  const [notice, setNotice] = useState<Notice>();
  const [retrying, setRetrying] = useState<string>();

  const retry = async (item: FailedJobView) => {
    if (retrying !== undefined) return;
    setRetrying(item.job.id);
    const answer = await callClearway('approvals.retryFailedJob', { jobId: item.job.id });
    setRetrying(undefined);
    const subject = item.issueKey ?? item.toolName;
    if (!answer.ok) {
      setNotice({ kind: 'error', title: `Could not retry ${subject}`, text: errorText(answer.error) });
      return;
    }
    setNotice({ kind: 'success', title: `Retry queued for ${subject}`, text: `Clearway runs the ${JOB_TYPE_LABELS[item.job.type]} for ${item.toolName} again now; it leaves this list unless it fails again.` });
    list.reload();
  };

  return (
    <Stack space="space.200">
      <NoticeMessage notice={notice} />
      <Loaded state={list.state} loading="Loading failed fulfillments" errorTitle="Clearway could not load the failed fulfillments" onRetry={list.reload}>
        {(items) =>
          items.length === 0 ? (
            <Empty header="No failed fulfillments" description="When a connector cannot give or remove access, the request shows here with the reason and a retry." />
          ) : (
            <Stack space="space.100">
              <Text>{`${plural(items.length, 'fulfillment')} failed. Fix the cause (often the connector's settings or the person's identity mapping), then retry.`}</Text>
              <DynamicTable
                testId="failed-fulfillments"
                caption="Failed fulfillments"
                head={HEAD}
                rows={items.map((item) => ({
                  key: item.job.id,
                  cells: [
                    { key: 'issue', content: item.issueKey ? <Link href={issueHref(item.issueKey)}>{item.issueKey}</Link> : '—' },
                    { key: 'tool', content: item.toolName },
                    { key: 'action', content: JOB_TYPE_LABELS[item.job.type] },
                    { key: 'kind', content: <Lozenge appearance="removed">{kindLabel(item.job)}</Lozenge> },
                    { key: 'reason', content: reason(item.job) },
                    { key: 'failed', content: formatDateTime(item.job.completedAt ?? item.job.updatedAt) },
                    {
                      key: 'retry',
                      content: (
                        <LoadingButton testId={`retry-${item.job.id}`} isLoading={retrying === item.job.id} onClick={() => void retry(item)}>
                          Retry
                        </LoadingButton>
                      ),
                    },
                  ],
                }))}
                rowsPerPage={25}
              />
              <ShowMore list={list} />
            </Stack>
          )
        }
      </Loaded>
    </Stack>
  );
}
