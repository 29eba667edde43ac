import { Box, Tab, TabList, TabPanel, Tabs } from '@forge/react';
import React, { type ReactNode } from 'react';

/** A page's tabs. Only the open tab's content is mounted, so only it reads its data. */
export function PageTabs<T extends string>({
  id,
  tabs,
  title,
  content,
  selected,
  onSelect,
}: {
  readonly id: string;
  readonly tabs: readonly T[];
  readonly title: (tab: T) => string;
  readonly content: (tab: T) => ReactNode;
  /** The open tab's index. */
  readonly selected: number;
  readonly onSelect: (index: number) => void;
}) {
  return (
    <Tabs id={id} selected={selected} onChange={(index: number) => onSelect(index)}>
      <TabList>
        {tabs.map((tab) => (
          <Tab key={tab} testId={`tab-${tab}`}>
            {title(tab)}
          </Tab>
        ))}
      </TabList>
      {tabs.map((tab, index) => (
        <TabPanel key={tab} testId={`panel-${tab}`}>
          <Box paddingBlock="space.200">{index === selected ? content(tab) : null}</Box>
        </TabPanel>
      ))}
    </Tabs>
  );
}
