import type { PeopleInsights } from '@clearway/core';
import { DynamicTable, Stack, Text, User } from '@forge/react';
import React from 'react';
import { formatDuration, plural } from '../components/format';

const REQUESTERS_HEAD = { cells: [{ key: 'person', content: 'Requester' }, { key: 'requests', content: 'Requests' }] };
const APPROVERS_HEAD = { cells: [{ key: 'person', content: 'Approver' }, { key: 'decisions', content: 'Decisions' }, { key: 'median', content: 'Median time to decide' }] };
const EXTENSIONS_HEAD = { cells: [{ key: 'person', content: 'Requester' }, { key: 'tool', content: 'Tool' }, { key: 'extensions', content: 'Extensions' }] };

/** Who asks most, how long each approver takes, and which grants keep being extended, in the period. */
export function PeopleFigures({ people, toolNames }: { readonly people: PeopleInsights; readonly toolNames: ReadonlyMap<string, string> }) {
  const partial = people.requestsRead.more || people.grantsRead.more;
  return (
    <Stack space="space.200">
      <Text weight="bold">People in the period</Text>
      {people.topRequesters.length === 0 ? (
        <Text>No requests came in during this period.</Text>
      ) : (
        <DynamicTable
          testId="insights-requesters"
          caption="Top requesters"
          head={REQUESTERS_HEAD}
          rows={people.topRequesters.map((row) => ({ key: row.accountId, cells: [{ key: 'person', content: <User accountId={row.accountId} /> }, { key: 'requests', content: String(row.requests) }] }))}
        />
      )}
      {people.approvers.length === 0 ? (
        <Text>No one decided a request submitted in this period.</Text>
      ) : (
        <DynamicTable
          testId="insights-approvers"
          caption="Approvers' decision times (submitted to decided; automatic approvals left out)"
          head={APPROVERS_HEAD}
          rows={people.approvers.map((row) => ({
            key: row.accountId,
            cells: [
              { key: 'person', content: <User accountId={row.accountId} /> },
              { key: 'decisions', content: String(row.decisions) },
              { key: 'median', content: formatDuration(row.medianMs) },
            ],
          }))}
        />
      )}
      {people.repeatExtensions.length === 0 ? (
        <Text>No grant extended in this period has been extended twice or more.</Text>
      ) : (
        <DynamicTable
          testId="insights-extensions"
          caption="Repeat extensions (grants extended twice or more)"
          head={EXTENSIONS_HEAD}
          rows={people.repeatExtensions.map((row) => ({
            key: row.grantId,
            cells: [
              { key: 'person', content: <User accountId={row.accountId} /> },
              { key: 'tool', content: toolNames.get(row.toolId) ?? row.toolId },
              { key: 'extensions', content: plural(row.extensions, 'extension') },
            ],
          }))}
        />
      )}
      {partial ? <Text size="small">{`Read from the latest ${people.requestsRead.count} requests and ${people.grantsRead.count} grants; older ones in the period are not counted.`}</Text> : null}
    </Stack>
  );
}
