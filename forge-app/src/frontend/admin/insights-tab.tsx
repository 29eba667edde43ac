import type { DailyInsights } from '@clearway/core';
import { BarChart, DonutChart, Inline, LineChart, Stack, Text } from '@forge/react';
import React, { useState } from 'react';
import { SelectField } from '../components/fields';
import { formatDuration } from '../components/format';
import { Empty, Loaded } from '../components/states';
import { errorKindLabel, requestStatusLabel } from '../components/status';
import { useClearway, useGrowingList } from '../components/use-clearway';
import { Chart, countRows, sumCounts } from './insights-charts';
import { LiveFigures } from './insights-live';
import { MonthlyInsightsPanel } from './insights-monthly';
import { PeopleFigures } from './insights-people';

const MONTHS = 'months';

const PERIODS = [
  { label: 'Last 7 days', value: '7' },
  { label: 'Last 14 days', value: '14' },
  { label: 'Last 31 days', value: '31' },
  { label: 'Last 12 months', value: MONTHS },
];

/** The period's daily rollups: how each day ended, dated, never presented as "now". */
function DailyCharts({ rollups }: { readonly rollups: readonly DailyInsights[] }) {
  // Newest first from the backend; the time series reads oldest to newest.
  const ordered = [...rollups].sort((a, b) => a.day.localeCompare(b.day));
  const latest = ordered[ordered.length - 1] as DailyInsights;
  const requests = countRows(sumCounts(ordered, (rollup) => rollup.requestsByStatus), requestStatusLabel);
  const byRisk = countRows(latest.activeGrantsByRisk, (risk) => risk);
  const failures = countRows(sumCounts(ordered, (rollup) => rollup.failuresByKind), errorKindLabel);
  const timeToActive = ordered.filter((rollup) => rollup.timeToActiveMs.median !== undefined).map((rollup) => ({ day: rollup.day, hours: Math.round(((rollup.timeToActiveMs.median ?? 0) / 3_600_000) * 10) / 10 }));
  const activated = ordered.reduce((total, rollup) => total + rollup.timeToActiveMs.count, 0);
  const medians = ordered.flatMap((rollup) => (rollup.timeToActiveMs.median !== undefined ? [rollup.timeToActiveMs.median] : []));
  const typical = medians.length > 0 ? [...medians].sort((a, b) => a - b)[Math.floor(medians.length / 2)] : undefined;
  return (
    <Stack space="space.300">
      <Inline space="space.300" shouldWrap>
        <Text>{`Requests in the period: ${requests.reduce((total, row) => total + row.count, 0)}`}</Text>
        <Text>{`Grants turned active: ${activated}${typical !== undefined ? `, typically ${formatDuration(typical)} after approval` : ''}`}</Text>
        <Text>{`Fulfillment failures: ${failures.reduce((total, row) => total + row.count, 0)}`}</Text>
      </Inline>
      <Chart title="Requests by status" data={requests} empty="No requests came in during this period.">
        <BarChart data={requests} xAccessor="label" yAccessor="count" title="Requests by status" />
      </Chart>
      <Chart title={`Active grants by risk, as rolled up for ${latest.day}`} data={byRisk} empty={`No grants were active in the rollup for ${latest.day}.`}>
        <DonutChart data={byRisk} labelAccessor="label" valueAccessor="count" colorAccessor="label" title="Active grants by risk" />
      </Chart>
      <Chart title="Time to active (median hours, by day first activated)" data={timeToActive} empty="No grant turned active during this period.">
        <LineChart data={timeToActive} xAccessor="day" yAccessor="hours" title="Time from approval to active access" />
      </Chart>
      <Chart title="Fulfillment failures by kind" data={failures} empty="No fulfillment failed during this period.">
        <BarChart data={failures} xAccessor="label" yAccessor="count" title="Failures by kind" />
      </Chart>
      <Text size="small">{`Rolled up daily; the latest rollup is for ${latest.day}.`}</Text>
    </Stack>
  );
}

function PeriodInsights({ days, toolNames }: { readonly days: number; readonly toolNames: ReadonlyMap<string, string> }) {
  const { state, reload } = useClearway('insights.daily', { days });
  return (
    <Loaded state={state} loading="Loading insights" errorTitle="Clearway could not load the insights" onRetry={reload}>
      {(view) => (
        <Stack space="space.400">
          <LiveFigures live={view.live} toolNames={toolNames} />
          {view.rollups.length === 0 ? (
            <Empty header="No insights yet" description="Clearway rolls up each day's requests, grants and failures in its hourly sweep. Check back after the next run." />
          ) : (
            <DailyCharts rollups={view.rollups} />
          )}
          <PeopleFigures people={view.people} toolNames={toolNames} />
        </Stack>
      )}
    </Loaded>
  );
}

/**
 * Insights: live figures (active grants, pending requests, SLA breaches, failed fulfillments,
 * manual tasks), the period's daily rollups and people figures, or twelve months of rollups.
 */
export function InsightsTab() {
  const [period, setPeriod] = useState('7');
  const tools = useGrowingList('catalog.list', {}, 100);
  const toolNames = new Map(tools.state.status === 'ready' ? tools.state.data.map((tool) => [tool.id, tool.name] as const) : []);
  return (
    <Stack space="space.200">
      <SelectField name="insightsPeriod" label="Period" options={PERIODS} value={period} onChange={(value) => setPeriod(value ?? '7')} />
      {period === MONTHS ? <MonthlyInsightsPanel toolNames={toolNames} /> : <PeriodInsights days={Number(period)} toolNames={toolNames} />}
    </Stack>
  );
}
