import type { ActivityRecord } from '@clearway/core';
import { Button, CodeBlock, Inline, Stack, Text } from '@forge/react';
import React, { useState } from 'react';
import { InfoModal } from '../components/form-modal';
import { formatDateTime } from '../components/format';
import { PageTabs } from '../components/page-tabs';
import { Loaded } from '../components/states';
import { useClearway } from '../components/use-clearway';
import { byteSize, DecisionLozenge, latency } from './ai-agents-labels';

/** Why a call came out as it did (core's decision basis), in words. */
const BASIS: Readonly<Record<string, string>> = {
  rule: 'a rule of the agent policy',
  default: "the agent policy's default decision",
  no_grant: 'no active Clearway grant for the AI client’s tool',
  policy_unavailable: 'the agent policy could not be read (every call is blocked until it can)',
  protocol: 'MCP plumbing, not an operation on the site',
  invalid: 'refused before evaluation (malformed or unknown request)',
};

/** What the upstream (Atlassian's MCP server) did with the call. */
const UPSTREAM: Readonly<Record<string, string>> = {
  ok: 'answered',
  tool_error: 'answered with a tool error',
  error: 'failed',
  timeout: 'timed out',
  not_forwarded: 'not forwarded (blocked or answered by Clearway)',
};

const DETAIL_TABS = ['details', 'audit'] as const;

function Field({ label, children }: { readonly label: string; readonly children: React.ReactNode }) {
  return (
    <Inline space="space.100" alignBlock="start" shouldWrap>
      <Text weight="bold">{label}</Text>
      {children}
    </Inline>
  );
}

function CallDetails({ record }: { readonly record: ActivityRecord }) {
  const { data } = record;
  // Past the size cap core keeps a preview of the JSON text, shown as it is.
  const args = data.arguments === undefined ? undefined : data.argumentsTruncated && typeof data.arguments === 'string' ? data.arguments : JSON.stringify(data.arguments, null, 2);
  return (
    <Stack space="space.150">
      <Field label="When">
        <Text>{`${formatDateTime(record.at)} (${new Date(record.at).toISOString()})`}</Text>
      </Field>
      <Field label="Who">
        <Text>{[data.name ?? data.accountId, data.email].filter(Boolean).join(', ') || 'no signed-in person'}</Text>
      </Field>
      <Field label="Atlassian account">
        <Text>{data.accountId || '—'}</Text>
      </Field>
      <Field label="Groups">
        <Text>{data.groups.length > 0 ? data.groups.join(', ') : 'none'}</Text>
      </Field>
      <Field label="AI client">
        <Text>{`${data.client || 'unknown'}${data.clientInfoName !== undefined && data.clientInfoName !== data.client ? ` (calls itself ${data.clientInfoName})` : ''}`}</Text>
      </Field>
      <Field label="Operation">
        <Text>{`${data.operation} (${data.method})`}</Text>
      </Field>
      <Text weight="bold">Arguments</Text>
      {args === undefined ? <Text>None.</Text> : <CodeBlock text={args} language={data.argumentsTruncated ? 'text' : 'json'} showLineNumbers={false} testId="activity-arguments" />}
      {data.argumentsTruncated ? <Text size="small">{`Only the first part is kept: the arguments were ${byteSize(data.argumentsBytes ?? 0)}.`}</Text> : null}
      <Text size="small">Credentials in arguments (tokens, passwords, keys) are replaced before the call is recorded.</Text>
      <Field label="Decision">
        <DecisionLozenge decision={data.decision} />
        <Text>{`by ${data.ruleIndex !== undefined ? `rule ${data.ruleIndex + 1}` : (BASIS[data.basis] ?? data.basis)} of agent policy v${data.agentPolicyVersion}`}</Text>
      </Field>
      <Text>{data.reason}</Text>
      {data.note ? <Text>{`The rule's note: ${data.note}`}</Text> : null}
      <Field label="Upstream">
        <Text>{`${UPSTREAM[data.upstreamStatus] ?? data.upstreamStatus}${data.error ? `: ${data.error}` : ''}`}</Text>
      </Field>
      <Field label="Response size">
        <Text>{byteSize(data.responseBytes)}</Text>
      </Field>
      <Field label="Latency">
        <Text>{latency(data.latencyMs)}</Text>
      </Field>
      <Text size="small">{`Audit chain event ${record.seq}, entry hash ${record.entryHash}.`}</Text>
    </Stack>
  );
}

/** One call: who, what, the decision and its rule, the upstream's answer; and the same event as Atlassian's audit log would hold it. */
export function ActivityDetail({ seq, onClose, onManageUser }: { readonly seq: number; readonly onClose: () => void; readonly onManageUser: (accountId: string) => void }) {
  const { state, reload } = useClearway('gateway.activityDetail', { seq });
  const [tab, setTab] = useState(0);
  return (
    <InfoModal title={`AI call ${seq}`} onClose={onClose} testId="activity-detail" width="x-large">
      <Loaded state={state} loading="Loading the call" errorTitle="Clearway could not load this call" onRetry={reload}>
        {({ record, auditJson }) => (
          <Stack space="space.150">
            <PageTabs
              id="activity-detail-tabs"
              tabs={DETAIL_TABS}
              title={(which) => (which === 'details' ? 'Details' : 'Atlassian audit JSON')}
              content={(which) =>
                which === 'details' ? <CallDetails record={record} /> : <CodeBlock text={JSON.stringify(auditJson, null, 2)} language="json" showLineNumbers={false} testId="activity-audit-json" />
              }
              selected={tab}
              onSelect={setTab}
            />
            {record.data.accountId ? (
              <Inline>
                <Button testId="activity-manage-user" onClick={() => onManageUser(record.data.accountId)}>
                  Disconnect / forget user
                </Button>
              </Inline>
            ) : null}
          </Stack>
        )}
      </Loaded>
    </InfoModal>
  );
}
