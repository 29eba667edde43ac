import { Heading, SectionMessage, Stack, Text } from '@forge/react';
import React, { useState } from 'react';
import { PageTabs } from '../components/page-tabs';
import { Loaded } from '../components/states';
import { SurfaceContext } from '../components/surface';
import { useClearway } from '../components/use-clearway';
import { ADMIN_TAB_TITLES, ADMIN_TABS, type AdminTab } from './admin-tabs';
import { AiAgentsTab } from './ai-agents-tab';
import { CatalogTab } from './catalog-tab';
import { ConnectorsTab } from './connectors-tab';
import { GovernanceLogsTab } from './governance-logs-tab';
import { GovernanceTab } from './governance-tab';
import { InsightsTab } from './insights-tab';
import { IntakeTab } from './intake-tab';
import { OverviewTab } from './overview-tab';
import { RequestsTab } from './requests-tab';
import { WorkLinkedTab } from './work-linked-tab';

/** What each tab shows; the Overview's cards open other tabs. */
const TAB_CONTENT: Readonly<Record<AdminTab, (props: { readonly onOpen: (tab: AdminTab) => void }) => React.JSX.Element>> = {
  overview: OverviewTab,
  intake: IntakeTab,
  catalog: CatalogTab,
  connectors: ConnectorsTab,
  governance: GovernanceTab,
  workLinked: WorkLinkedTab,
  requests: RequestsTab,
  insights: InsightsTab,
  logs: GovernanceLogsTab,
  agents: AiAgentsTab,
};

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
              <PageTabs
                id="clearway-admin"
                tabs={ADMIN_TABS}
                title={(tab) => ADMIN_TAB_TITLES[tab]}
                content={(tab) => {
                  const Content = TAB_CONTENT[tab];
                  return <Content onOpen={open} />;
                }}
                selected={selected}
                onSelect={setSelected}
              />
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
