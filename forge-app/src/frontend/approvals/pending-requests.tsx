import { Button, ButtonGroup, Checkbox, DynamicTable, Inline, Link, Lozenge, SectionMessage, Stack, Text, User } from '@forge/react';
import React, { useState } from 'react';
import type { PendingRequestSummary } from '../../resolvers/contract';
import { days, formatDate, inputChecked, issueHref, plural } from '../components/format';
import { ShowMore } from '../components/paging';
import { Empty, Loaded, NoticeMessage, type Notice } from '../components/states';
import { useGrowingList } from '../components/use-clearway';
import { BULK_LIMIT, BULK_PER_MINUTE, DecisionModal, type Outcome } from './decision-modal';
import { approvalPlan } from './exception-approval';

type Deciding = { readonly outcome: Outcome; readonly requests: readonly PendingRequestSummary[]; readonly bulk: boolean };

function toolText(request: PendingRequestSummary): string {
  if (!request.newTool) return request.bounds?.toolStatus === 'blocked' ? `${request.toolName} (blocked in the catalog)` : request.toolName;
  return request.newTool.url ? `${request.toolName} (new tool: ${request.newTool.url})` : `${request.toolName} (new tool)`;
}

/** The duration asked for, and the maximum when it asks for more than the rules allow now. */
function DurationCell({ request }: { readonly request: PendingRequestSummary }) {
  const plan = approvalPlan(request, request.durationDays);
  const over = plan.overMax && request.bounds ? ` (${request.bounds.maxDays} allowed)` : '';
  return (
    <Stack space="space.050">
      <Text>{`${days(request.durationDays)}${over}`}</Text>
      {plan.outside.length > 0 ? <Lozenge appearance="moved">needs an exception</Lozenge> : null}
    </Stack>
  );
}

/**
 * The approver's queue: pending requests they may decide, oldest first. Rows can be selected for
 * a bulk decision (at most 50 at once); every decision asks for a reason and confirmation. A
 * request the rules no longer allow as asked says it needs an exception.
 */
export function PendingRequests() {
  const list = useGrowingList('approvals.pending', {}, 100);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [deciding, setDeciding] = useState<Deciding>();
  const [notice, setNotice] = useState<Notice>();

  const toggle = (id: string, on: boolean) => {
    const next = new Set(selected);
    if (on) next.add(id);
    else next.delete(id);
    setSelected(next);
  };

  return (
    <Stack space="space.200">
      <NoticeMessage notice={notice} />
      <Loaded state={list.state} loading="Loading pending requests" errorTitle="Clearway could not load the pending requests" onRetry={list.reload}>
        {(requests) => {
          if (requests.length === 0) return <Empty header="No requests are waiting for you" description="New requests you may decide show here as they come in from the portal." />;
          const chosen = requests.filter((request) => selected.has(request.id));
          const overCap = chosen.length > BULK_LIMIT;
          const allChosen = chosen.length === requests.length;
          const head = {
            cells: [
              {
                key: 'select',
                content: (
                  <Checkbox
                    name="select-all"
                    label="Select all"
                    isChecked={allChosen}
                    isIndeterminate={chosen.length > 0 && !allChosen}
                    onChange={(event) => setSelected(inputChecked(event) ? new Set(requests.map((request) => request.id)) : new Set())}
                  />
                ),
              },
              { key: 'issue', content: 'Request' },
              { key: 'requester', content: 'Requester' },
              { key: 'tool', content: 'Tool' },
              { key: 'purpose', content: 'Purpose' },
              { key: 'duration', content: 'Duration' },
              { key: 'requested', content: 'Requested' },
              { key: 'actions', content: '' },
            ],
          };
          const rows = requests.map((request) => ({
            key: request.id,
            isHighlighted: selected.has(request.id),
            cells: [
              { key: 'select', content: <Checkbox name={`select-${request.id}`} label={`Select ${request.issueKey}`} isChecked={selected.has(request.id)} onChange={(event) => toggle(request.id, inputChecked(event))} /> },
              { key: 'issue', content: <Link href={issueHref(request.issueKey)}>{request.issueKey}</Link> },
              { key: 'requester', content: <User accountId={request.requesterAccountId} /> },
              { key: 'tool', content: toolText(request) },
              { key: 'purpose', content: request.purpose },
              { key: 'duration', content: <DurationCell request={request} /> },
              { key: 'requested', content: request.escalatedAt !== undefined ? `${formatDate(request.createdAt)} (overdue)` : formatDate(request.createdAt) },
              {
                key: 'actions',
                content: (
                  <ButtonGroup label={`Decide ${request.issueKey}`}>
                    <Button appearance="primary" testId={`approve-${request.issueKey}`} onClick={() => setDeciding({ outcome: 'approved', requests: [request], bulk: false })}>
                      Approve
                    </Button>
                    {/* A security reviewer sees a request they decide only as an exception: denying it is its approvers' call. */}
                    {request.bounds?.mayDecide === false ? null : (
                      <Button testId={`deny-${request.issueKey}`} onClick={() => setDeciding({ outcome: 'denied', requests: [request], bulk: false })}>
                        Deny
                      </Button>
                    )}
                  </ButtonGroup>
                ),
              },
            ],
          }));
          return (
            <Stack space="space.150">
              <Inline space="space.100" alignBlock="center" shouldWrap>
                <Text>{chosen.length === 0 ? 'Select requests to decide several at once.' : `${plural(chosen.length, 'request')} selected`}</Text>
                <Button appearance="primary" isDisabled={chosen.length === 0 || overCap} onClick={() => setDeciding({ outcome: 'approved', requests: chosen, bulk: true })}>
                  Approve selected
                </Button>
                <Button isDisabled={chosen.length === 0 || overCap} onClick={() => setDeciding({ outcome: 'denied', requests: chosen, bulk: true })}>
                  Deny selected
                </Button>
                {chosen.length > 0 ? (
                  <Button appearance="subtle" onClick={() => setSelected(new Set())}>
                    Clear selection
                  </Button>
                ) : null}
              </Inline>
              {overCap ? (
                <SectionMessage appearance="warning" title="Too many requests selected" testId="bulk-cap">
                  <Text>{`A bulk decision takes at most ${BULK_LIMIT} requests; ${chosen.length} are selected. Clear ${chosen.length - BULK_LIMIT} of them and decide the rest in a second batch.`}</Text>
                </SectionMessage>
              ) : (
                <Text size="small">{`Bulk decisions take up to ${BULK_LIMIT} requests at a time, at most ${BULK_PER_MINUTE} a minute.`}</Text>
              )}
              <DynamicTable testId="pending-requests" caption="Pending requests" head={head} rows={rows} rowsPerPage={BULK_LIMIT} />
              <ShowMore list={list} />
            </Stack>
          );
        }}
      </Loaded>
      {deciding ? (
        <DecisionModal
          {...deciding}
          onClose={() => setDeciding(undefined)}
          onDecided={(result) => {
            setDeciding(undefined);
            setNotice(result);
            setSelected(new Set());
            list.reload();
          }}
        />
      ) : null}
    </Stack>
  );
}
