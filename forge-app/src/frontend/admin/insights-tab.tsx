import type { DailyInsights } from '@clearway/core';
import { BarChart, DonutChart, Inline, LineChart, Stack, Text } from '@forge/react';
import React, { useState } from 'react';
import { SelectField } from '../components/fields';
import { formatDuration } from '../components/format';
import { Empty, Loaded } from '../components/states';
import { errorKindLabel, requestStatusLabel } from '../components/status';
import { useClearway, useGrowingList } from '../components/use-clearway';

const PERIODS = [
  { label: 'Last 7 days', value: '7' },
  { label: 'Last 14 days', value: '14' },
  { label: 'Last 31 days', value: '31' },
];

type Counts = Readonly<Record<string, number>>;

function sum(rollups: readonly DailyInsights[], pick: (rollup: DailyInsights) => Counts): Counts {
  const totals: Record<string, number> = {};
  for (const rollup of rollups) for (const [key, count] of Object.entries(pick(rollup))) totals[key] = (totals[key] ?? 0) + count;
  return totals;
}

function rows(counts: Counts, label: (key: string) => string): Array<{ readonly label: string; readonly count: number }> {
  return Object.entries(counts)
    .filter(([, count]) => count > 0)
    .map(([key, count]) => ({ label: label(key), count }));
}

function Chart({ title, data, empty, children }: { readonly title: string; readonly data: readonly unknown[]; readonly empty: string; readonly children: React.ReactNode }) {
  return (
    <Stack space="space.100">
      <Text weight="bold">{title}</Text>
      {data.length === 0 ? <Text>{empty}</Text> : children}
    </Stack>
  );
}

function InsightsCharts({ rollups, toolNames }: { readonly rollups: readonly DailyInsights[]; readonly toolNames: ReadonlyMap<string, string> }) {
  // Newest first from the backend; the time series reads oldest to newest.
  const ordered = [...rollups].sort((a, b) => a.day.localeCompare(b.day));
  const latest = ordered[ordered.length - 1];
  const requests = rows(sum(ordered, (rollup) => rollup.requestsByStatus), requestStatusLabel);
  const byTool = latest ? rows(latest.activeGrantsByTool, (toolId) => toolNames.get(toolId) ?? toolId) : [];
  const byRisk = latest ? rows(latest.activeGrantsByRisk, (risk) => risk) : [];
  const failures = rows(sum(ordered, (rollup) => rollup.failuresByKind), errorKindLabel);
  const timeToActive = ordered.filter((rollup) => rollup.timeToActiveMs.median !== undefined).map((rollup) => ({ day: rollup.day, hours: Math.round(((rollup.timeToActiveMs.median ?? 0) / 3_600_000) * 10) / 10 }));
  const activated = ordered.reduce((total, rollup) => total + rollup.timeToActiveMs.count, 0);
  const medians = ordered.flatMap((rollup) => (rollup.timeToActiveMs.median !== undefined ? [rollup.timeToActiveMs.median] : []));
  const typical = medians.length > 0 ? [...medians].sort((a, b) => a - b)[Math.floor(medians.length / 2)] : undefined;
  return (
    <Stack space="space.300">
      <Inline space="space.300" shouldWrap>
        <Text>{`Requests in the period: ${requests.reduce((total, row) => total + row.count, 0)}`}</Text>
        <Text>{`Active grants now: ${byTool.reduce((total, row) => total + row.count, 0)}`}</Text>
        <Text>{`Grants turned active: ${activated}${typical !== undefined ? `, typically ${formatDuration(typical)} after approval` : ''}`}</Text>
        <Text>{`Fulfillment failures: ${failures.reduce((total, row) => total + row.count, 0)}`}</Text>
      </Inline>
      <Chart title="Requests by status" data={requests} empty="No requests came in during this period.">
        <BarChart data={requests} xAccessor="label" yAccessor="count" title="Requests by status" />
      </Chart>
      <Chart title="Active grants by tool" data={byTool} empty="No grants are active.">
        <BarChart data={byTool} xAccessor="label" yAccessor="count" title="Active grants by tool" />
      </Chart>
      <Chart title="Active grants by risk" data={byRisk} empty="No grants are active.">
        <DonutChart data={byRisk} labelAccessor="label" valueAccessor="count" colorAccessor="label" title="Active grants by risk" />
      </Chart>
      <Chart title="Time to active (median hours, by day first activated)" data={timeToActive} empty="No grant turned active during this period.">
        <LineChart data={timeToActive} xAccessor="day" yAccessor="hours" title="Time from approval to active access" />
      </Chart>
      <Chart title="Fulfillment failures by kind" data={failures} empty="No fulfillment failed during this period.">
        <BarChart data={failures} xAccessor="label" yAccessor="count" title="Failures by kind" />
      </Chart>
      {latest ? <Text size="small">{`Rolled up daily; the latest rollup is for ${latest.day}.`}</Text> : null}
    </Stack>
  );
}

/** Insights: the daily rollups as charts: requests, active access by tool and risk, time to active, failures. */
export function InsightsTab() {
  const [period, setPeriod] = useState('7');
  const { state, reload } = useClearway('insights.daily', { days: Number(period) });
  const tools = useGrowingList('catalog.list', {}, 100);
  const toolNames = new Map(tools.state.status === 'ready' ? tools.state.data.map((tool) => [tool.id, tool.name] as const) : []);
  return (
    <Stack space="space.200">
      <SelectField name="insightsPeriod" label="Period" options={PERIODS} value={period} onChange={(value) => setPeriod(value ?? '7')} />
      <Loaded state={state} loading="Loading insights" errorTitle="Clearway could not load the insights" onRetry={reload}>
        {(rollups) =>
          rollups.length === 0 ? (
            <Empty header="No insights yet" description="Clearway rolls up each day's requests, grants and failures in its hourly sweep. Check back after the next run." />
          ) : (
            <InsightsCharts rollups={rollups} toolNames={toolNames} />
          )
        }
      </Loaded>
    </Stack>
  );
}
