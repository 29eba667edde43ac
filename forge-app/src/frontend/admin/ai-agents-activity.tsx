import type { ActivityRecord } from '@clearway/core';
import { Button, DynamicTable, Inline, Stack, Text } from '@forge/react';
import React, { useState } from 'react';
import { SelectField, TextField } from '../components/fields';
import { formatDateTime } from '../components/format';
import { Pager } from '../components/paging';
import { PeopleField } from '../components/people-field';
import { Empty, Loaded } from '../components/states';
import { useDebounced, usePagedList } from '../components/use-clearway';
import { ActivityDetail } from './ai-agents-activity-detail';
import { ConnectionsModal } from './ai-agents-connections-modal';
import { byteSize, DecisionLozenge } from './ai-agents-labels';

const DECISIONS = [
  { label: 'Allowed', value: 'allowed' },
  { label: 'Blocked', value: 'blocked' },
];

const PAGE_SIZE = 50;

/** What the filters ask of the log; text filters apply once typing pauses. */
interface Typed {
  readonly operation: string;
  readonly client: string;
  readonly text: string;
}

const NO_TEXT: Typed = { operation: '', client: '', text: '' };

function userText(record: ActivityRecord): string {
  const { name, email, accountId } = record.data;
  if (name === undefined && email === undefined) return accountId || 'no signed-in person';
  return [name, email].filter((part): part is string => part !== undefined).join(' · ');
}

function resultText(record: ActivityRecord): string {
  const { upstreamStatus, responseBytes } = record.data;
  const status = upstreamStatus === 'not_forwarded' ? 'not forwarded' : upstreamStatus.replace(/_/g, ' ');
  return `${status}, ${byteSize(responseBytes)}`;
}

function ActivityTable({ records, onOpen }: { readonly records: readonly ActivityRecord[]; readonly onOpen: (seq: number) => void }) {
  return (
    <DynamicTable
      testId="agent-activity"
      caption="AI actions, newest first"
      head={{
        cells: [
          { key: 'at', content: 'Time' },
          { key: 'user', content: 'User' },
          { key: 'client', content: 'Source' },
          { key: 'operation', content: 'Operation' },
          { key: 'decision', content: 'Decision' },
          { key: 'result', content: 'Result' },
          { key: 'detail', content: '' },
        ],
      }}
      rows={records.map((record) => ({
        key: String(record.seq),
        cells: [
          { key: 'at', content: formatDateTime(record.at) },
          { key: 'user', content: userText(record) },
          { key: 'client', content: record.data.client || 'unknown' },
          { key: 'operation', content: record.data.operation },
          { key: 'decision', content: <DecisionLozenge decision={record.data.decision} /> },
          { key: 'result', content: resultText(record) },
          {
            key: 'detail',
            content: (
              <Button testId={`activity-${record.seq}`} onClick={() => onOpen(record.seq)}>
                Details
              </Button>
            ),
          },
        ],
      }))}
      rowsPerPage={PAGE_SIZE}
    />
  );
}

/**
 * Activity Log: every call AI assistants made through the gateway, allowed or blocked, newest
 * first; search and filters by user, decision, operation and client; a row opens the call's
 * detail. "Disconnect / forget user" ends a person's connections.
 */
export function AgentActivityLog() {
  const [users, setUsers] = useState<string[]>([]);
  const [decision, setDecision] = useState<'allowed' | 'blocked'>();
  const [typed, setTyped] = useState<Typed>(NO_TEXT);
  const [applied, setApplied] = useState<Typed>(NO_TEXT);
  const [open, setOpen] = useState<number>();
  const [managing, setManaging] = useState<{ readonly accountId?: string }>();
  const apply = useDebounced((next: Typed) => setApplied(next));
  const type = (change: Partial<Typed>) => {
    const next = { ...typed, ...change };
    setTyped(next);
    apply(next);
  };

  const [user] = users;
  const operation = applied.operation.trim();
  const client = applied.client.trim();
  const text = applied.text.trim();
  const filter = {
    ...(user !== undefined && { user }),
    ...(decision !== undefined && { decision }),
    ...(operation !== '' && { operation }),
    ...(client !== '' && { client }),
    ...(text !== '' && { text }),
  };
  const filtered = Object.keys(filter).length > 0;
  const list = usePagedList('gateway.activity', filter, PAGE_SIZE);

  return (
    <Stack space="space.200">
      <Inline space="space.200" alignBlock="end" shouldWrap>
        <TextField name="activitySearch" label="Search" placeholder="A name, an email, a tool, a word from the request" value={typed.text} onChange={(value) => type({ text: value })} />
        <SelectField name="activityDecision" label="Decision" isClearable placeholder="Allowed and blocked" options={DECISIONS} value={decision} onChange={(value) => setDecision(value === 'allowed' || value === 'blocked' ? value : undefined)} />
        <TextField name="activityOperation" label="Operation" placeholder="searchJiraIssuesUsingJql" value={typed.operation} onChange={(value) => type({ operation: value })} />
        <TextField name="activityClient" label="AI client" placeholder="claude" value={typed.client} onChange={(value) => type({ client: value })} />
      </Inline>
      <PeopleField name="activityUser" label="User" single accountIds={users} onChange={setUsers} />
      <Inline>
        <Button onClick={() => setManaging({})}>Disconnect / forget user</Button>
      </Inline>
      <Loaded state={list.state} loading="Loading the activity log" errorTitle="Clearway could not load the activity log" onRetry={list.reload}>
        {(records) => {
          if (records.length === 0 && list.pageNumber === 1 && !list.hasNext) {
            return filtered ? (
              <Empty header="No calls match" description="Change the search or the filters. An operation or client filter matches the whole name, in any case." />
            ) : (
              <Empty header="No AI activity yet" description="Each call an AI assistant makes through your MCP server URL shows here, allowed or blocked." />
            );
          }
          return (
            <Stack space="space.100">
              {records.length === 0 ? <Text>No call on this page matches; the next page searches older calls.</Text> : <ActivityTable records={records} onOpen={setOpen} />}
              <Pager list={list} />
            </Stack>
          );
        }}
      </Loaded>
      {open !== undefined ? (
        <ActivityDetail
          seq={open}
          onClose={() => setOpen(undefined)}
          onManageUser={(accountId) => {
            setOpen(undefined);
            setManaging({ accountId });
          }}
        />
      ) : null}
      {managing ? <ConnectionsModal {...(managing.accountId !== undefined && { accountId: managing.accountId })} onClose={() => setManaging(undefined)} /> : null}
    </Stack>
  );
}
