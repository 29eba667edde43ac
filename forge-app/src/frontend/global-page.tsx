// UI Kit entry for jira:globalPage. The surface's tabs arrive with the UI issue; this entry shows
// who the viewer is to Clearway and which tabs they get, from the backend's `viewer.context`.
import ForgeReconciler, { Heading, List, ListItem, SectionMessage, Spinner, Stack, Text } from '@forge/react';
import React, { useEffect, useState } from 'react';
import type { ResolverResponse } from '../resolvers/contract.js';
import { callClearway, errorText } from './clearway-client.js';

const TAB_TITLES = { myAccess: 'My Access', approvedTools: 'Approved Tools', requestHistory: 'Request History', approvals: 'Approvals' } as const;

function GlobalPage() {
  const [answer, setAnswer] = useState<ResolverResponse<'viewer.context'>>();
  useEffect(() => {
    void callClearway('viewer.context', {}).then(setAnswer);
  }, []);
  if (!answer) return <Spinner label="Loading Clearway" />;
  if (!answer.ok) return <SectionMessage appearance="error">{errorText(answer.error)}</SectionMessage>;
  return (
    <Stack space="space.200">
      <Heading size="large">Clearway</Heading>
      <Text>Your AI tool access, the approved tools, your request history{answer.data.canApprove ? ' and the approvals you can decide' : ''}.</Text>
      <List type="unordered">
        {answer.data.tabs.map((tab) => (
          <ListItem key={tab}>{TAB_TITLES[tab]}</ListItem>
        ))}
      </List>
    </Stack>
  );
}

ForgeReconciler.render(
  <React.StrictMode>
    <GlobalPage />
  </React.StrictMode>,
);
