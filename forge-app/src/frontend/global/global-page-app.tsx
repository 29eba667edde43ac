import { Box, Heading, Stack, Tab, TabList, TabPanel, Tabs } from '@forge/react';
import React, { useState } from 'react';
import type { GlobalTab } from '../../resolvers/contract.js';
import { Loaded } from '../components/states.js';
import { SurfaceContext } from '../components/surface.js';
import { useClearway } from '../components/use-clearway.js';
import { ApprovalsTab } from './approvals-tab.js';
import { ApprovedToolsTab } from './approved-tools-tab.js';
import { MyAccessTab } from './my-access-tab.js';
import { RequestHistoryTab } from './request-history-tab.js';

const TABS: Readonly<Record<GlobalTab, { readonly title: string; readonly Content: () => React.JSX.Element }>> = {
  myAccess: { title: 'My Access', Content: MyAccessTab },
  approvedTools: { title: 'Approved Tools', Content: ApprovedToolsTab },
  requestHistory: { title: 'Request History', Content: RequestHistoryTab },
  approvals: { title: 'Approvals', Content: ApprovalsTab },
};

/**
 * Jira Apps → Clearway. The backend says which tabs the viewer gets: Approvals only for people
 * who may approve somewhere. Only the open tab reads its data.
 */
export function GlobalPage() {
  const { state, reload } = useClearway('viewer.context', {});
  const [selected, setSelected] = useState(0);
  return (
    <SurfaceContext.Provider value="globalPage">
      <Stack space="space.200">
        <Heading size="large">Clearway</Heading>
        <Loaded state={state} loading="Loading Clearway" errorTitle="Clearway could not load" onRetry={reload}>
          {({ tabs }) => (
            <Tabs id="clearway-global" selected={selected} onChange={(index: number) => setSelected(index)}>
              <TabList>
                {tabs.map((tab) => (
                  <Tab key={tab} testId={`tab-${tab}`}>
                    {TABS[tab].title}
                  </Tab>
                ))}
              </TabList>
              {tabs.map((tab, index) => {
                const { Content } = TABS[tab];
                return (
                  <TabPanel key={tab} testId={`panel-${tab}`}>
                    <Box paddingBlock="space.200">{index === selected ? <Content /> : null}</Box>
                  </TabPanel>
                );
              })}
            </Tabs>
          )}
        </Loaded>
      </Stack>
    </SurfaceContext.Provider>
  );
}
