import type { AuditEvent } from '@clearway/core';
import { Button, Code, CodeBlock, DynamicTable, Inline, LoadingButton, Stack, Text } from '@forge/react';
import React, { useState } from 'react';
import type { AuditVerification } from '../../resolvers/contract';
import { callClearway, errorText } from '../clearway-client';
import { ActorName } from '../components/actor';
import { DateField, SelectField, TextField } from '../components/fields';
import { InfoModal } from '../components/form-modal';
import { formatDateTime, plural } from '../components/format';
import { Pager } from '../components/paging';
import { Empty, Loaded, NoticeMessage, type Notice } from '../components/states';
import { usePagedList } from '../components/use-clearway';
import { endOfDay, startOfDay } from './evidence-range';
import { EvidenceExportModal } from './evidence-export-modal';
import { EvidenceIssueModal } from './evidence-issue-modal';

/** Event families by type prefix (`request.approved` is a request event). */
const KINDS = [
  { label: 'Requests and decisions', value: 'request' },
  { label: 'Grants', value: 'grant' },
  { label: 'Provider jobs', value: 'job' },
  { label: 'Catalog', value: 'catalog' },
  { label: 'Connectors', value: 'connector' },
  { label: 'Identities', value: 'identity' },
  { label: 'Governance policy', value: 'governance' },
  { label: 'Drift', value: 'drift' },
  { label: 'Evidence exports', value: 'evidence' },
  { label: 'Retention', value: 'audit' },
  { label: 'Jira updates', value: 'jira' },
];

function aboutText(event: AuditEvent): string {
  const { refs } = event;
  return [refs.issueKey, refs.toolId && `tool ${refs.toolId}`, refs.connectorId && `connector ${refs.connectorId}`].filter(Boolean).join(', ');
}

/** Matches the search text against what the event is about, who did it, and its data. */
function matches(event: AuditEvent, kind: string | undefined, search: string): boolean {
  if (kind !== undefined && !event.type.startsWith(`${kind}.`)) return false;
  const text = search.trim().toLowerCase();
  if (text === '') return true;
  const refs: ReadonlyArray<string | undefined> = Object.values(event.refs);
  return [event.type, event.actor, String(event.seq), ...refs, JSON.stringify(event.data)].some((value) => value !== undefined && value.toLowerCase().includes(text));
}

/** The detail drawer: every field of the event, including the chain fields a verifier checks. */
function EventDetail({ event, onClose }: { readonly event: AuditEvent; readonly onClose: () => void }) {
  const field = (label: string, value: React.ReactNode) => (
    <Inline space="space.100" alignBlock="center">
      <Text weight="bold">{label}</Text>
      {value}
    </Inline>
  );
  return (
    <InfoModal title={`Event ${event.seq}: ${event.type}`} onClose={onClose} testId="audit-event-detail">
      {field('When', <Text>{`${formatDateTime(event.at)} (${new Date(event.at).toISOString()})`}</Text>)}
      {field('Who', <ActorName actor={event.actor} />)}
      {field('Governance policy version', <Text>{String(event.policyVersion)}</Text>)}
      {field('About', <Text>{aboutText(event) || '—'}</Text>)}
      <Text weight="bold">References</Text>
      <CodeBlock text={JSON.stringify(event.refs, null, 2)} language="json" showLineNumbers={false} />
      <Text weight="bold">Data</Text>
      <CodeBlock text={JSON.stringify(event.data, null, 2)} language="json" showLineNumbers={false} />
      <Text weight="bold">Chain</Text>
      {field('seq', <Code>{String(event.seq)}</Code>)}
      {field('prevHash', <Code>{event.prevHash}</Code>)}
      {field('entryHash', <Code>{event.entryHash}</Code>)}
      {field('entryMac', <Code>{event.entryMac}</Code>)}
      <Text size="small">entryHash is the SHA-256 of prevHash and the event's canonical JSON; entryMac is its HMAC with the installation's key. Each event's prevHash is the entryHash before it.</Text>
    </InfoModal>
  );
}

function verificationNotice(result: AuditVerification): Notice {
  if (result.ok) {
    const range = result.firstSeq !== undefined ? ` (seq ${result.firstSeq} to ${result.lastSeq ?? result.firstSeq})` : '';
    return {
      kind: 'success',
      title: 'The governance log verifies',
      text: `${plural(result.verified, 'event')} checked${range}${result.macChecked ? ', hashes and MACs' : ', hashes'}; the chain reaches its head at seq ${result.headSeq} without a gap.`,
    };
  }
  return {
    kind: 'error',
    title: 'The governance log does not verify',
    text: `${plural(result.verified, 'event')} checked before the problem${result.firstBadSeq !== undefined ? ` at seq ${result.firstBadSeq}` : ''}: ${(result.problem ?? 'unknown').replace(/_/g, ' ')}${result.detail ? ` (${result.detail})` : ''}. Export the evidence and contact support.`,
  };
}

/** Governance Logs: the audit events with search and filters, each event's chain fields, chain verification and evidence export. */
export function GovernanceLogsTab() {
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [kind, setKind] = useState<string>();
  const [search, setSearch] = useState('');
  const [detail, setDetail] = useState<AuditEvent>();
  const [exporting, setExporting] = useState(false);
  const [choosingIssue, setChoosingIssue] = useState(false);
  const [verifying, setVerifying] = useState(false);
  const [notice, setNotice] = useState<Notice>();
  const fromAt = from === '' ? undefined : startOfDay(from);
  const toAt = to === '' ? undefined : endOfDay(to);
  const list = usePagedList('audit.events', { ...(fromAt !== undefined && { from: fromAt }), ...(toAt !== undefined && { to: toAt }) }, 50);

  const verify = async () => {
    setVerifying(true);
    const answer = await callClearway('audit.verify', {});
    setVerifying(false);
    setNotice(answer.ok ? verificationNotice(answer.data) : { kind: 'error', title: 'The governance log could not be verified', text: errorText(answer.error) });
  };

  return (
    <Stack space="space.200">
      <Inline space="space.100">
        <LoadingButton isLoading={verifying} onClick={() => void verify()}>
          Verify chain
        </LoadingButton>
        <Button appearance="primary" onClick={() => setExporting(true)}>
          Export evidence
        </Button>
        <Button onClick={() => setChoosingIssue(true)}>Evidence issue</Button>
      </Inline>
      <NoticeMessage notice={notice} />
      <Inline space="space.200" alignBlock="end" shouldWrap>
        <DateField name="logsFrom" label="From" value={from} onChange={setFrom} />
        <DateField name="logsTo" label="To" value={to} onChange={setTo} />
        <SelectField name="logsKind" label="Events" isClearable placeholder="Every event" options={KINDS} value={kind} onChange={setKind} />
        <TextField name="logsSearch" label="Search" placeholder="Issue key, tool, person, seq…" value={search} onChange={setSearch} />
      </Inline>
      <Loaded state={list.state} loading="Loading the governance log" errorTitle="Clearway could not load the governance log" onRetry={list.reload}>
        {(events) => {
          if (events.length === 0 && list.pageNumber === 1) return <Empty header="No events in this range" description="Every decision, grant change, provider action and admin change is recorded here." />;
          const shown = events.filter((event) => matches(event, kind, search));
          return (
            <Stack space="space.100">
              {kind !== undefined || search.trim() !== '' ? <Text>{`${plural(shown.length, 'event')} of ${events.length} on this page match.`}</Text> : null}
              <DynamicTable
                testId="audit-events"
                caption="Governance log"
                head={{
                  cells: [
                    { key: 'seq', content: 'Seq' },
                    { key: 'at', content: 'When' },
                    { key: 'type', content: 'Event' },
                    { key: 'actor', content: 'Who' },
                    { key: 'about', content: 'About' },
                    { key: 'detail', content: '' },
                  ],
                }}
                rows={shown.map((event) => ({
                  key: event.id,
                  cells: [
                    { key: 'seq', content: String(event.seq) },
                    { key: 'at', content: formatDateTime(event.at) },
                    { key: 'type', content: event.type },
                    { key: 'actor', content: <ActorName actor={event.actor} /> },
                    { key: 'about', content: aboutText(event) },
                    {
                      key: 'detail',
                      content: (
                        <Button testId={`event-${event.seq}`} onClick={() => setDetail(event)}>
                          Details
                        </Button>
                      ),
                    },
                  ],
                }))}
                rowsPerPage={50}
              />
              <Pager list={list} />
            </Stack>
          );
        }}
      </Loaded>
      {detail ? <EventDetail event={detail} onClose={() => setDetail(undefined)} /> : null}
      {exporting ? <EvidenceExportModal onClose={() => setExporting(false)} /> : null}
      {choosingIssue ? (
        <EvidenceIssueModal
          onClose={() => setChoosingIssue(false)}
          onSaved={(saved) => {
            setChoosingIssue(false);
            setNotice(saved);
          }}
        />
      ) : null}
    </Stack>
  );
}
