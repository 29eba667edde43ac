import type { BoundedCount } from '@clearway/core';
import { Stack, Text } from '@forge/react';
import React from 'react';

export type Counts = Readonly<Record<string, number>>;

/** Totals of one figure over several rows (days or months). */
export function sumCounts<T>(items: readonly T[], pick: (item: T) => Counts): Counts {
  const totals: Record<string, number> = {};
  for (const item of items) for (const [key, count] of Object.entries(pick(item))) totals[key] = (totals[key] ?? 0) + count;
  return totals;
}

/** A chart's rows, `{ label, count }`, without the zero ones. */
export function countRows(counts: Counts, label: (key: string) => string): Array<{ readonly label: string; readonly count: number }> {
  return Object.entries(counts)
    .filter(([, count]) => count > 0)
    .map(([key, count]) => ({ label: label(key), count }));
}

/** "1000+" when the live read stopped at its cap. */
export function boundedText(bounded: BoundedCount): string {
  return `${bounded.count}${bounded.more ? '+' : ''}`;
}

/** A titled chart, or a sentence when there is nothing to draw. */
export function Chart({ title, data, empty, children }: { readonly title: string; readonly data: readonly unknown[]; readonly empty: string; readonly children: React.ReactNode }) {
  return (
    <Stack space="space.100">
      <Text weight="bold">{title}</Text>
      {data.length === 0 ? <Text>{empty}</Text> : children}
    </Stack>
  );
}
