import { DynamicTable, Link, Stack, Text } from '@forge/react';
import React from 'react';
import type { ToolSummary } from '../../resolvers/contract';
import { days } from '../components/format';
import { ShowMore } from '../components/paging';
import { Empty, Loaded } from '../components/states';
import { fulfillmentNote } from '../components/tool-notes';
import { RiskLozenge, ToolStatusLozenge } from '../components/status';
import { useGrowingList } from '../components/use-clearway';

const HEAD = {
  cells: [
    { key: 'tool', content: 'Tool' },
    { key: 'status', content: 'Status' },
    { key: 'risk', content: 'Risk' },
    { key: 'expiry', content: 'Default expiry' },
    { key: 'guidance', content: 'Guidance' },
    { key: 'fulfillment', content: 'Fulfillment' },
  ],
};

function toolRow(tool: ToolSummary) {
  return {
    key: tool.id,
    cells: [
      { key: 'tool', content: tool.url ? <Link href={tool.url} openNewTab>{`${tool.name} (${tool.vendor})`}</Link> : `${tool.name} (${tool.vendor})` },
      { key: 'status', content: <ToolStatusLozenge status={tool.status} /> },
      { key: 'risk', content: <RiskLozenge risk={tool.riskLevel} /> },
      { key: 'expiry', content: `${days(tool.defaultDurationDays)} (up to ${days(tool.requestableMaxDays)})` },
      { key: 'guidance', content: tool.guidance || 'No guidance given.' },
      { key: 'fulfillment', content: fulfillmentNote(tool) },
    ],
  };
}

/** The tools that can be requested now, under the governance policy in force. */
export function ApprovedToolsTab() {
  const list = useGrowingList('tools.requestable', {}, 50);
  return (
    <Loaded state={list.state} loading="Loading approved tools" errorTitle="Clearway could not load the approved tools" onRetry={list.reload}>
      {(tools) =>
        tools.length === 0 ? (
          <Empty header="No tools can be requested yet" description="Your Jira admin approves AI tools into Clearway's catalog; they show here once approved." />
        ) : (
          <Stack space="space.200">
            <Text>Request one of these from the service portal. Your request says what the access is for and for how long, up to the tool's limit.</Text>
            <DynamicTable testId="approved-tools" caption="Approved tools" head={HEAD} rows={tools.map(toolRow)} rowsPerPage={25} />
            <ShowMore list={list} />
          </Stack>
        )
      }
    </Loaded>
  );
}
