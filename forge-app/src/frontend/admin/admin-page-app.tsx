import { Box, Heading, SectionMessage, Stack, Tab, TabList, TabPanel, Tabs, Text } from '@forge/react';
import React, { useState } from 'react';
import { Loaded } from '../components/states.js';
import { SurfaceContext } from '../components/surface.js';
import { useClearway } from '../components/use-clearway.js';
import { ADMIN_TAB_TITLES, ADMIN_TABS, type AdminTab } from './admin-tabs.js';
import { CatalogTab } from './catalog-tab.js';
import { ConnectorsTab } from './connectors-tab.js';
import { GovernanceLogsTab } from './governance-logs-tab.js';
import { GovernanceTab } from './governance-tab.js';
import { InsightsTab } from './insights-tab.js';
import { IntakeTab } from './intake-tab.js';
import { OverviewTab } from './overview-tab.js';
import { RequestsTab } from './requests-tab.js';

function TabContent({ tab, onOpen }: { readonly tab: AdminTab; readonly onOpen: (tab: AdminTab) => void }) {
  switch (tab) {
    case 'overview':
      return <OverviewTab onOpen={onOpen} />;
    case 'intake':
      return <IntakeTab />;
    case 'catalog':
      return <CatalogTab />;
    case 'connectors':
      return <ConnectorsTab />;
    case 'governance':
      return <GovernanceTab />;
    case 'requests':
      return <RequestsTab />;
    case 'insights':
      return <InsightsTab />;
    case 'logs':
      return <GovernanceLogsTab />;
  }
}

/**
 * Jira settings → Apps → Clearway, for Jira admins. The Overview's readiness cards open the tab
 * that completes each setup step; only the open tab reads its data.
 */
export function AdminPage() {
  const { state, reload } = useClearway('viewer.context', {});
  const [selected, setSelected] = useState(0);
  const open = (tab: AdminTab) => setSelected(ADMIN_TABS.indexOf(tab));
  return (
    <SurfaceContext.Provider value="adminPage">
      <Stack space="space.200">
        <Heading size="large">Clearway settings</Heading>
        <Loaded state={state} loading="Loading Clearway" errorTitle="Clearway could not load" onRetry={reload}>
          {(viewer) =>
            viewer.isAdmin ? (
              <Tabs id="clearway-admin" selected={selected} onChange={(index: number) => setSelected(index)}>
                <TabList>
                  {ADMIN_TABS.map((tab) => (
                    <Tab key={tab} testId={`tab-${tab}`}>
                      {ADMIN_TAB_TITLES[tab]}
                    </Tab>
                  ))}
                </TabList>
                {ADMIN_TABS.map((tab, index) => (
                  <TabPanel key={tab} testId={`panel-${tab}`}>
                    <Box paddingBlock="space.200">{index === selected ? <TabContent tab={tab} onOpen={open} /> : null}</Box>
                  </TabPanel>
                ))}
              </Tabs>
            ) : (
              <SectionMessage appearance="warning" title="Only Jira admins can change Clearway's settings">
                <Text>Ask a Jira admin to give you access, or use Clearway from Apps → Clearway to request tools and see your access.</Text>
              </SectionMessage>
            )
          }
        </Loaded>
      </Stack>
    </SurfaceContext.Provider>
  );
}
