import type { DashboardRange, GatewayDashboard } from '@clearway/core';
import { Box, DynamicTable, Inline, StackBarChart, Stack, Text, xcss } from '@forge/react';
import React, { useState } from 'react';
import { RadioField } from '../components/fields';
import { plural } from '../components/format';
import { Empty, Loaded } from '../components/states';
import { useClearway } from '../components/use-clearway';
import { latency } from './ai-agents-labels';
import { Chart } from './insights-charts';

const RANGES: ReadonlyArray<{ readonly label: string; readonly value: DashboardRange }> = [
  { label: 'Today', value: 'today' },
  { label: '7 days', value: '7d' },
  { label: '30 days', value: '30d' },
];

const FIGURE = xcss({ borderColor: 'color.border', borderStyle: 'solid', borderWidth: 'border.width', borderRadius: 'radius.medium', padding: 'space.150' });

function Figure({ label, value, testId }: { readonly label: string; readonly value: string; readonly testId: string }) {
  return (
    <Box xcss={FIGURE} testId={testId}>
      <Stack space="space.050">
        <Text size="small">{label}</Text>
        <Text weight="bold" size="large">
          {value}
        </Text>
      </Stack>
    </Box>
  );
}

/** 12.5%: one decimal, so a single blocked call among hundreds still shows. */
function percent(rate: number): string {
  return `${Math.round(rate * 1000) / 10}%`;
}

function Figures({ dashboard }: { readonly dashboard: GatewayDashboard }) {
  // Days read oldest to newest; each day is two stacked bars' parts, allowed and blocked.
  const perDay = dashboard.perDay.flatMap((day) => [
    { day: day.day, decision: 'Allowed', calls: day.allowed },
    { day: day.day, decision: 'Blocked', calls: day.blocked },
  ]);
  return (
    <Stack space="space.300">
      <Inline space="space.200" shouldWrap>
        <Figure testId="figure-calls" label="Calls" value={String(dashboard.calls)} />
        <Figure testId="figure-allowed" label="Allowed" value={String(dashboard.allowed)} />
        <Figure testId="figure-blocked" label="Blocked" value={String(dashboard.blocked)} />
        <Figure testId="figure-block-rate" label="Block rate" value={percent(dashboard.blockRate)} />
        <Figure testId="figure-latency" label="Average latency" value={latency(dashboard.averageLatencyMs)} />
      </Inline>
      {dashboard.invalid > 0 ? <Text size="small">{`${plural(dashboard.invalid, 'request')} refused before evaluation (malformed, unknown method or no signed-in person): in the log, not in these figures.`}</Text> : null}
      <Chart title="Allowed vs blocked" data={dashboard.calls === 0 ? [] : perDay} empty="No calls in this range.">
        <StackBarChart data={perDay} xAccessor="day" yAccessor="calls" colorAccessor="decision" title="Allowed and blocked calls by day" />
      </Chart>
      <Stack space="space.100">
        <Text weight="bold">Top operations</Text>
        {dashboard.topOperations.length === 0 ? (
          <Text>No operations in this range.</Text>
        ) : (
          <DynamicTable
            testId="top-operations"
            head={{
              cells: [
                { key: 'operation', content: 'Operation' },
                { key: 'calls', content: 'Calls' },
                { key: 'allowed', content: 'Allowed' },
                { key: 'blocked', content: 'Blocked' },
              ],
            }}
            rows={dashboard.topOperations.map((row) => ({
              key: row.operation,
              cells: [
                { key: 'operation', content: row.operation },
                { key: 'calls', content: String(row.calls) },
                { key: 'allowed', content: String(row.allowed) },
                { key: 'blocked', content: String(row.blocked) },
              ],
            }))}
          />
        )}
      </Stack>
      {dashboard.clients.length > 0 ? <Text size="small">{`By AI client: ${dashboard.clients.map((row) => `${row.client} ${row.calls}`).join(', ')}.`}</Text> : null}
      <Text size="small">{`UTC days ${dashboard.days[0] ?? ''} to ${dashboard.days[dashboard.days.length - 1] ?? ''}; counted as each call is recorded. MCP plumbing (initialize, tools/list) is in the log but not counted here.`}</Text>
    </Stack>
  );
}

/** Dashboard: Today / 7 days / 30 days — totals, block rate, allowed vs blocked by day, top operations. */
export function AgentDashboard() {
  const [range, setRange] = useState<DashboardRange>('7d');
  const { state, reload } = useClearway('gateway.dashboard', { range });
  return (
    <Stack space="space.200">
      <RadioField name="dashboardRange" label="Range" options={RANGES} value={range} onChange={(value) => setRange(RANGES.find((option) => option.value === value)?.value ?? '7d')} />
      <Loaded state={state} loading="Loading the figures" errorTitle="Clearway could not load the dashboard" onRetry={reload}>
        {(dashboard) =>
          dashboard.calls === 0 && dashboard.invalid === 0 ? (
            <Empty header="No AI calls in this range" description="Figures appear once AI assistants call your site through the MCP server URL (see Getting Started)." />
          ) : (
            <Figures dashboard={dashboard} />
          )
        }
      </Loaded>
    </Stack>
  );
}
