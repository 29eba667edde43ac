import type { GrantStatus, RequestStatus } from '@clearway/core';
import { Button, ButtonGroup, DynamicTable, Inline, Link, LoadingButton, Stack, Text, User } from '@forge/react';
import React, { useState } from 'react';
import type { GrantSummary, RequestSummary } from '../../resolvers/contract';
import { FailedSection, ManualTasksSection, PendingSection } from '../approvals/approvals-sections';
import { errorText } from '../clearway-client';
import { toCsv } from '../components/csv';
import { SelectField } from '../components/fields';
import { days, formatDate, formatDateTime, issueHref, plural } from '../components/format';
import { Pager } from '../components/paging';
import { Empty, Loaded, NoticeMessage, type Notice } from '../components/states';
import { DECISION_SOURCE_LABELS, ExceptionLozenge, ExpiryLozenge, GRANT_STATUS_OPTIONS, GrantStatusLozenge, REQUEST_STATUS_OPTIONS, RequestStatusLozenge } from '../components/status';
import { readAllPages, usePagedList, type AllPages } from '../components/use-clearway';
import { ExportTextModal } from './export-modal';
import { linkedIssueKeys, WorkLinkedNote, type GrantWork } from '../components/work-links';
import { canExtend, canRevoke, GrantActionModal, type GrantAction } from './grant-action-modal';
import { WorkLinksModal } from './work-links-modal';

type View = 'pending' | 'requests' | 'grants' | 'followUp';

const VIEWS: ReadonlyArray<{ readonly view: View; readonly label: string }> = [
  { view: 'pending', label: 'Pending decisions' },
  { view: 'requests', label: 'All requests' },
  { view: 'grants', label: 'Grants' },
  { view: 'followUp', label: 'Manual follow-up' },
];

/** An export holds at most this many records (ten pages); a longer list is exported per status. */
const EXPORT_CAP = 1_000;

interface RecordsExport {
  readonly title: string;
  readonly fileName: string;
  readonly summary: string;
  readonly content: string;
}

function today(): string {
  return formatDate(Date.now());
}

function requestCsv(requests: readonly RequestSummary[]): string {
  return toCsv(
    ['issueKey', 'requester', 'tool', 'status', 'requestedAt', 'durationDays', 'purpose', 'decision', 'decidedBy', 'decidedAt', 'source', 'rationale', 'policyVersion'],
    requests.map((request) => [
      request.issueKey,
      request.requesterAccountId,
      request.toolName,
      request.status,
      new Date(request.createdAt).toISOString(),
      request.durationDays,
      request.purpose,
      request.decision?.outcome,
      request.decision?.decidedBy,
      request.decision ? new Date(request.decision.decidedAt).toISOString() : undefined,
      request.decision?.source,
      request.decision?.rationale,
      request.decision?.policyVersion ?? request.policyVersionAtSubmit,
    ]),
  );
}

function grantCsv(grants: readonly GrantSummary[]): string {
  return toCsv(
    ['issueKey', 'requester', 'tool', 'status', 'activatedAt', 'expiresAt', 'expiry', 'deprovision', 'connector', 'failure', 'exceptionReason', 'exceptionApprovedBy', 'linkedIssues', 'endsWhen'],
    grants.map((grant) => [
      grant.issueKey,
      grant.requesterAccountId,
      grant.toolName,
      grant.status,
      grant.activatedAt !== undefined ? new Date(grant.activatedAt).toISOString() : undefined,
      new Date(grant.expiresAt).toISOString(),
      grant.expiryLabel,
      grant.deprovision,
      grant.connectorId,
      grant.failure?.message,
      grant.exception?.reason,
      grant.exception?.approvedBy,
      grant.work ? linkedIssueKeys(grant.work).join(' ') : undefined,
      grant.work?.endsWhen,
    ]),
  );
}

interface ExportProps {
  readonly onExported: (file: RecordsExport) => void;
  readonly onNotice: (notice: Notice) => void;
}

/** Hands on the CSV of the records read, or says why they could not be read. */
function deliverExport<T>(answer: AllPages<T>, noun: 'request' | 'grant', status: string | undefined, csv: (records: readonly T[]) => string, { onExported, onNotice }: ExportProps): void {
  if (!answer.ok) return onNotice({ kind: 'error', title: `The ${noun}s were not exported`, text: errorText(answer.error) });
  onExported({
    title: `Export ${noun}s`,
    fileName: `clearway-${noun}s-${status ?? 'all'}-${today()}.csv`,
    summary: `${plural(answer.items.length, noun)}${answer.truncated ? ` (the first ${EXPORT_CAP}: export one status at a time for the rest)` : ''}.`,
    content: csv(answer.items),
  });
}

function ExportButton({ onExport }: { readonly onExport: () => Promise<void> }) {
  const [busy, setBusy] = useState(false);
  return (
    <LoadingButton
      isLoading={busy}
      onClick={() => {
        setBusy(true);
        void onExport().finally(() => setBusy(false));
      }}
    >
      Export CSV
    </LoadingButton>
  );
}

function AllRequests(props: ExportProps) {
  const [status, setStatus] = useState<RequestStatus>();
  const filter = status ? { status } : {};
  const list = usePagedList('requests.all', filter, 50);
  const exportAll = async () => deliverExport(await readAllPages('requests.all', filter, EXPORT_CAP), 'request', status, requestCsv, props);
  return (
    <Stack space="space.150">
      <Inline space="space.200" alignBlock="end">
        <SelectField name="requestStatus" label="Status" isClearable placeholder="Every status" options={REQUEST_STATUS_OPTIONS} value={status} onChange={(value) => setStatus(REQUEST_STATUS_OPTIONS.find((option) => option.value === value)?.value)} />
        <ExportButton onExport={exportAll} />
      </Inline>
      <Loaded state={list.state} loading="Loading requests" errorTitle="Clearway could not load the requests" onRetry={list.reload}>
        {(requests) =>
          requests.length === 0 && list.pageNumber === 1 ? (
            <Empty header={status ? `No ${status} requests` : 'No requests yet'} description="Requests come in from the portal's “Select AI tool” panel." />
          ) : (
            <Stack space="space.100">
              <DynamicTable
                testId="all-requests"
                caption="Requests"
                head={{
                  cells: [
                    { key: 'issue', content: 'Request' },
                    { key: 'requester', content: 'Requester' },
                    { key: 'tool', content: 'Tool' },
                    { key: 'status', content: 'Status' },
                    { key: 'requested', content: 'Requested' },
                    { key: 'duration', content: 'Duration' },
                    { key: 'decision', content: 'Decision' },
                  ],
                }}
                rows={requests.map((request) => ({
                  key: request.id,
                  cells: [
                    { key: 'issue', content: <Link href={issueHref(request.issueKey)}>{request.issueKey}</Link> },
                    { key: 'requester', content: <User accountId={request.requesterAccountId} /> },
                    { key: 'tool', content: request.toolName },
                    { key: 'status', content: <RequestStatusLozenge status={request.status} /> },
                    { key: 'requested', content: formatDate(request.createdAt) },
                    { key: 'duration', content: days(request.durationDays) },
                    {
                      key: 'decision',
                      content: request.decision
                        ? `${formatDateTime(request.decision.decidedAt)} ${DECISION_SOURCE_LABELS[request.decision.source]} (policy version ${request.decision.policyVersion}): ${request.decision.rationale}`
                        : '',
                    },
                  ],
                }))}
                rowsPerPage={50}
              />
              <Pager list={list} />
            </Stack>
          )
        }
      </Loaded>
    </Stack>
  );
}

function LinkedIssuesButton({ grant, work, onOpen }: { readonly grant: GrantSummary; readonly work: GrantWork; readonly onOpen: (shown: { readonly grant: GrantSummary; readonly work: GrantWork }) => void }) {
  return (
    <Button testId={`links-${grant.issueKey}`} onClick={() => onOpen({ grant, work })}>
      Linked issues
    </Button>
  );
}

function AllGrants(props: ExportProps) {
  const [status, setStatus] = useState<GrantStatus>();
  const [acting, setActing] = useState<{ readonly grant: GrantSummary; readonly action: GrantAction }>();
  const [linksOf, setLinksOf] = useState<{ readonly grant: GrantSummary; readonly work: GrantWork }>();
  const filter = status ? { status } : {};
  const list = usePagedList('grants.all', filter, 50);
  const exportAll = async () => deliverExport(await readAllPages('grants.all', filter, EXPORT_CAP), 'grant', status, grantCsv, props);
  return (
    <Stack space="space.150">
      <Inline space="space.200" alignBlock="end">
        <SelectField name="grantStatus" label="Status" isClearable placeholder="Every status" options={GRANT_STATUS_OPTIONS} value={status} onChange={(value) => setStatus(GRANT_STATUS_OPTIONS.find((option) => option.value === value)?.value)} />
        <ExportButton onExport={exportAll} />
      </Inline>
      <Loaded state={list.state} loading="Loading grants" errorTitle="Clearway could not load the grants" onRetry={list.reload}>
        {(grants) =>
          grants.length === 0 && list.pageNumber === 1 ? (
            <Empty header="No grants here" description="An approval creates a grant; it turns active once the access is in place." />
          ) : (
            <Stack space="space.100">
              <DynamicTable
                testId="all-grants"
                caption="Grants"
                head={{
                  cells: [
                    { key: 'issue', content: 'Request' },
                    { key: 'requester', content: 'For' },
                    { key: 'tool', content: 'Tool' },
                    { key: 'status', content: 'Status' },
                    { key: 'expiry', content: 'Expiry' },
                    { key: 'removal', content: 'Access removal' },
                    { key: 'actions', content: '' },
                  ],
                }}
                rows={grants.map((grant) => ({
                  key: grant.id,
                  isHighlighted: grant.expiringSoon || grant.status === 'provision_failed',
                  cells: [
                    // A work-linked grant lives by its issues: they, and what ends it, take the request's place.
                    { key: 'issue', content: grant.work ? <WorkLinkedNote work={grant.work} testId={`work-note-${grant.id}`} /> : <Link href={issueHref(grant.issueKey)}>{grant.issueKey}</Link> },
                    { key: 'requester', content: <User accountId={grant.requesterAccountId} /> },
                    {
                      key: 'tool',
                      content: (
                        <Inline space="space.050" alignBlock="center" shouldWrap>
                          <Text>{grant.toolName}</Text>
                          {grant.exception ? <ExceptionLozenge reason={grant.exception.reason} /> : null}
                        </Inline>
                      ),
                    },
                    { key: 'status', content: <GrantStatusLozenge status={grant.status} /> },
                    { key: 'expiry', content: grant.status === 'active' || grant.status === 'pending_provision' ? <ExpiryLozenge label={grant.expiryLabel} expiringSoon={grant.expiringSoon} /> : formatDate(grant.expiresAt) },
                    { key: 'removal', content: grant.deprovision === 'not_needed' ? '' : grant.deprovision },
                    {
                      key: 'actions',
                      content: (
                        <ButtonGroup label={`Manage ${grant.issueKey}`}>
                          {grant.work ? <LinkedIssuesButton grant={grant} work={grant.work} onOpen={setLinksOf} /> : null}
                          {canExtend(grant) ? (
                            <Button testId={`extend-${grant.issueKey}`} onClick={() => setActing({ grant, action: 'extend' })}>
                              Extend
                            </Button>
                          ) : null}
                          {canRevoke(grant) ? (
                            <Button appearance="subtle" testId={`revoke-${grant.issueKey}`} onClick={() => setActing({ grant, action: 'revoke' })}>
                              Revoke
                            </Button>
                          ) : null}
                        </ButtonGroup>
                      ),
                    },
                  ],
                }))}
                rowsPerPage={50}
              />
              <Pager list={list} />
            </Stack>
          )
        }
      </Loaded>
      {linksOf ? <WorkLinksModal grant={linksOf.grant} work={linksOf.work} onClose={() => setLinksOf(undefined)} /> : null}
      {acting ? (
        <GrantActionModal
          {...acting}
          onClose={() => setActing(undefined)}
          onDone={(notice) => {
            setActing(undefined);
            props.onNotice(notice);
            list.reload();
          }}
        />
      ) : null}
    </Stack>
  );
}

/** Requests: every record, with filters and exports; the approval queues with bulk decisions; manual follow-up. */
export function RequestsTab() {
  const [view, setView] = useState<View>('pending');
  const [file, setFile] = useState<RecordsExport>();
  const [notice, setNotice] = useState<Notice>();
  return (
    <Stack space="space.200">
      <ButtonGroup label="Show">
        {VIEWS.map((option) => (
          <Button key={option.view} isSelected={view === option.view} testId={`requests-view-${option.view}`} onClick={() => setView(option.view)}>
            {option.label}
          </Button>
        ))}
      </ButtonGroup>
      <NoticeMessage notice={notice} />
      {view === 'pending' ? <PendingSection /> : null}
      {view === 'requests' ? <AllRequests onExported={setFile} onNotice={setNotice} /> : null}
      {view === 'grants' ? <AllGrants onExported={setFile} onNotice={setNotice} /> : null}
      {view === 'followUp' ? (
        <Stack space="space.400">
          <ManualTasksSection />
          <FailedSection />
        </Stack>
      ) : null}
      {file ? <ExportTextModal title={file.title} summary={file.summary} files={[{ fileName: file.fileName, content: file.content, language: 'text' }]} onClose={() => setFile(undefined)} /> : null}
      {view !== 'pending' && view !== 'followUp' ? <Text size="small">Exports hold the records of the chosen status, newest first, up to 1,000 at a time.</Text> : null}
    </Stack>
  );
}
