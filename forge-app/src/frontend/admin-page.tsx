// UI Kit entry for jira:adminPage. The admin tabs arrive with the UI issue; this entry shows the
// Overview's readiness from the backend's `admin.overview` (Jira admins only).
import ForgeReconciler, { Heading, List, ListItem, Lozenge, SectionMessage, Spinner, Stack, Text } from '@forge/react';
import React, { useEffect, useState } from 'react';
import type { ResolverResponse } from '../resolvers/contract.js';
import { callClearway, errorText } from './clearway-client.js';

const STEP_TITLES = { governance: 'Governance saved', intake_project: 'Intake project chosen', portal: 'Portal chosen', catalog: 'An approved tool in the catalog', connectors: 'A connector enabled (optional)' } as const;

function AdminPage() {
  const [answer, setAnswer] = useState<ResolverResponse<'admin.overview'>>();
  useEffect(() => {
    void callClearway('admin.overview', {}).then(setAnswer);
  }, []);
  if (!answer) return <Spinner label="Loading Clearway" />;
  if (!answer.ok) return <SectionMessage appearance="error">{errorText(answer.error)}</SectionMessage>;
  const { readiness, pendingRequests, governanceVersion } = answer.data;
  return (
    <Stack space="space.200">
      <Heading size="large">Clearway overview</Heading>
      <Text>Governance policy v{governanceVersion}; {pendingRequests.count}{pendingRequests.more ? '+' : ''} requests waiting for a decision.</Text>
      <List type="unordered">
        {readiness.map(({ step, done }) => (
          <ListItem key={step}>
            <Lozenge appearance={done ? 'success' : 'default'}>{done ? 'done' : 'to do'}</Lozenge> {STEP_TITLES[step]}
          </ListItem>
        ))}
      </List>
    </Stack>
  );
}

ForgeReconciler.render(
  <React.StrictMode>
    <AdminPage />
  </React.StrictMode>,
);
