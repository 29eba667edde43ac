// UI Kit entry for jiraServiceManagement:portalRequestDetail: the request's status and its grant,
// shown to the portal customer who asked (the backend refuses anyone else).
import ForgeReconciler, { Lozenge, SectionMessage, Spinner, Stack, Text } from '@forge/react';
import React, { useEffect, useState } from 'react';
import type { ResolverResponse } from '../resolvers/contract.js';
import { callClearway, errorText } from './clearway-client.js';

function RequestStatus() {
  const [answer, setAnswer] = useState<ResolverResponse<'portal.requestStatus'>>();
  useEffect(() => {
    // The platform tells the backend which request this is; the payload stays empty.
    void callClearway('portal.requestStatus', {}).then(setAnswer);
  }, []);
  if (!answer) return <Spinner label="Loading access status" />;
  if (!answer.ok) return answer.error.code === 'not_found' ? null : <SectionMessage appearance="warning">{errorText(answer.error)}</SectionMessage>;
  const { toolName, status, grant } = answer.data;
  return (
    <Stack space="space.100">
      <Text>
        {toolName}: <Lozenge>{status}</Lozenge>
      </Text>
      {grant ? <Text>Access is {grant.status.replace('_', ' ')}{grant.status === 'active' ? ` and ${grant.expiryLabel}` : ''}.</Text> : null}
    </Stack>
  );
}

ForgeReconciler.render(
  <React.StrictMode>
    <RequestStatus />
  </React.StrictMode>,
);
