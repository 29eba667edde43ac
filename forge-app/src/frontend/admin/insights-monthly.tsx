import type { MonthlyInsightsView } from '@clearway/core';
import { LineChart, StackBarChart, Stack, Text } from '@forge/react';
import React from 'react';
import { Loaded } from '../components/states';
import { errorKindLabel, requestStatusLabel } from '../components/status';
import { useClearway } from '../components/use-clearway';
import { Chart, type Counts } from './insights-charts';

type Month = MonthlyInsightsView['months'][number];

/** One row per month and key, for charts that draw a series per key. */
function series(months: readonly Month[], pick: (month: Month) => Counts, label: (key: string) => string, value: string): Array<Record<string, string | number>> {
  return months.flatMap((month) =>
    Object.entries(pick(month))
      .filter(([, count]) => count > 0)
      .map(([key, count]) => ({ month: month.month, series: label(key), [value]: count })),
  );
}

/** The last twelve months, from the daily rollups, with adoption from the grants. */
export function MonthlyCharts({ view, toolNames }: { readonly view: MonthlyInsightsView; readonly toolNames: ReadonlyMap<string, string> }) {
  const toolName = (toolId: string) => toolNames.get(toolId) ?? toolId;
  const rolled = view.months.filter((month) => month.days > 0);
  const requests = series(view.months, (month) => month.requestsByStatus, requestStatusLabel, 'count');
  const active = series(rolled, (month) => month.activeGrantsByTool, toolName, 'count');
  const adoption = series(view.months, (month) => month.adoptionByTool, toolName, 'people');
  const failures = series(view.months, (month) => month.failuresByKind, errorKindLabel, 'count');
  const timeToActive = rolled.filter((month) => month.timeToActiveMs.mean !== undefined).map((month) => ({ month: month.month, hours: Math.round(((month.timeToActiveMs.mean ?? 0) / 3_600_000) * 10) / 10 }));
  return (
    <Stack space="space.300" testId="insights-monthly">
      <Text>{`${view.months[0]?.month ?? ''} to ${view.months.at(-1)?.month ?? ''}: ${rolled.length} of ${view.months.length} months have daily rollups.`}</Text>
      <Chart title="Requests by month and status" data={requests} empty="No requests came in during these months.">
        <StackBarChart data={requests} xAccessor="month" yAccessor="count" colorAccessor="series" title="Requests by month" />
      </Chart>
      <Chart title="Active grants at month end, by tool" data={active} empty="No grants were active at the end of these months.">
        <LineChart data={active} xAccessor="month" yAccessor="count" colorAccessor="series" title="Active grants at month end" />
      </Chart>
      <Chart title="Adoption: people with active access during the month, by tool" data={adoption} empty="No one held active access during these months.">
        <LineChart data={adoption} xAccessor="month" yAccessor="people" colorAccessor="series" title="Adoption by month" />
      </Chart>
      {view.adoptionGrants.more ? <Text size="small">{`Adoption counts the latest ${view.adoptionGrants.count} grants; earlier months may count fewer people than held access.`}</Text> : null}
      <Chart title="Fulfillment failures by month and kind" data={failures} empty="No fulfillment failed during these months.">
        <StackBarChart data={failures} xAccessor="month" yAccessor="count" colorAccessor="series" title="Failures by month" />
      </Chart>
      <Chart title="Time to active by month (mean hours)" data={timeToActive} empty="No grant turned active during these months.">
        <LineChart data={timeToActive} xAccessor="month" yAccessor="hours" title="Time to active by month" />
      </Chart>
    </Stack>
  );
}

/** Reads the twelve months only when the admin asks for them: it reads a year of daily rows. */
export function MonthlyInsightsPanel({ toolNames }: { readonly toolNames: ReadonlyMap<string, string> }) {
  const { state, reload } = useClearway('insights.monthly', {});
  return (
    <Loaded state={state} loading="Loading twelve months of insights" errorTitle="Clearway could not load the monthly insights" onRetry={reload}>
      {(view) => <MonthlyCharts view={view} toolNames={toolNames} />}
    </Loaded>
  );
}
