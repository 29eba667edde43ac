import type { LiveInsights } from '@clearway/core';
import { BarChart, Inline, Stack, Text } from '@forge/react';
import React from 'react';
import { formatDateTime } from '../components/format';
import { errorKindLabel } from '../components/status';
import { boundedText, Chart, countRows } from './insights-charts';

/** What is true now, read from the indexes when the tab opened (not from a rollup). */
export function LiveFigures({ live, toolNames }: { readonly live: LiveInsights; readonly toolNames: ReadonlyMap<string, string> }) {
  const byTool = countRows(live.activeGrants.byTool, (toolId) => toolNames.get(toolId) ?? toolId);
  const failed = countRows(live.failedFulfillments.byKind, errorKindLabel);
  return (
    <Stack space="space.200" testId="insights-live">
      <Text weight="bold">{`Now (read at ${formatDateTime(live.at)})`}</Text>
      <Inline space="space.300" shouldWrap>
        <Text>{`Active grants now: ${boundedText(live.activeGrants)}`}</Text>
        <Text>{`Pending requests: ${boundedText(live.pendingRequests)}`}</Text>
        <Text>{`Past the ${live.slaBreaches.slaHours}-hour approval SLA: ${boundedText(live.slaBreaches)}`}</Text>
        <Text>{`Failed fulfillments waiting: ${boundedText(live.failedFulfillments)}`}</Text>
        <Text>{`Open manual tasks: ${boundedText(live.openManualTasks)}`}</Text>
      </Inline>
      {live.activeGrants.more || live.failedFulfillments.more ? <Text size="small">A figure with + stopped counting at its cap; the charts below show the records counted.</Text> : null}
      <Chart title="Active grants by tool (now)" data={byTool} empty="No grants are active.">
        <BarChart data={byTool} xAccessor="label" yAccessor="count" title="Active grants by tool" />
      </Chart>
      <Chart title="Failed fulfillments waiting, by kind (now)" data={failed} empty="No fulfillment is waiting after a failure.">
        <BarChart data={failed} xAccessor="label" yAccessor="count" title="Failed fulfillments by kind" />
      </Chart>
    </Stack>
  );
}
