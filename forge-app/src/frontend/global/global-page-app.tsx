import { Heading, Stack } from '@forge/react';
import React, { useState } from 'react';
import type { GlobalTab, ViewerContext } from '../../resolvers/contract';
import { PageTabs } from '../components/page-tabs';
import { Loaded } from '../components/states';
import { SurfaceContext } from '../components/surface';
import { useClearway } from '../components/use-clearway';
import { ApprovalsTab } from './approvals-tab';
import { ApprovedToolsTab } from './approved-tools-tab';
import { MyAccessTab } from './my-access-tab';
import { RequestHistoryTab } from './request-history-tab';

const TABS: Readonly<Record<GlobalTab, { readonly title: string; readonly Content: (props: { readonly viewer: ViewerContext }) => React.JSX.Element }>> = {
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
          {(viewer) => (
            <PageTabs
              id="clearway-global"
              tabs={viewer.tabs}
              title={(tab) => TABS[tab].title}
              content={(tab) => {
                const { Content } = TABS[tab];
                return <Content viewer={viewer} />;
              }}
              selected={selected}
              onSelect={setSelected}
            />
          )}
        </Loaded>
      </Stack>
    </SurfaceContext.Provider>
  );
}
