import { Heading, Stack, Text } from '@forge/react';
import React, { useState } from 'react';
import type { ConnectionView } from '../../resolvers/contract';
import { callClearway, type ClearwayError } from '../clearway-client';
import { ConnectionsTable } from '../components/connections-table';
import { FormModal } from '../components/form-modal';
import { Loaded, NoticeMessage, type Notice } from '../components/states';
import { useBusy, useClearway } from '../components/use-clearway';

function DisconnectModal({ connection, onClose, onDone }: { readonly connection: ConnectionView; readonly onClose: () => void; readonly onDone: (notice: Notice) => void }) {
  const { busy, run } = useBusy();
  const [error, setError] = useState<ClearwayError>();
  const submit = () =>
    run(async () => {
      const answer = await callClearway('myClients.disconnect', { connectionId: connection.id });
      if (!answer.ok) {
        setError(answer.error);
        return;
      }
      onDone({ kind: 'success', title: `${answer.data.client} disconnected`, text: 'It can no longer reach Jira or Confluence for you. Connect it again from the assistant when you need it.' });
    });
  return (
    <FormModal title={`Disconnect ${connection.client}?`} submitLabel="Disconnect" appearance="danger" busy={busy} error={error} errorTitle="Nothing was disconnected" onSubmit={submit} onClose={onClose} testId="disconnect-client">
      <Text>{`${connection.client} will stop acting in Jira and Confluence for you: its sign-in is revoked with Clearway and Atlassian.`}</Text>
    </FormModal>
  );
}

/**
 * The AI assistants the viewer connected through Clearway's MCP gateway (their own only: the
 * backend reads the account from the platform, never from the page), each with Disconnect.
 */
export function ConnectedClients() {
  const { state, reload } = useClearway('myClients.list', {});
  const [disconnecting, setDisconnecting] = useState<ConnectionView>();
  const [notice, setNotice] = useState<Notice>();
  return (
    <Stack space="space.150">
      <Heading size="small">Connected AI clients</Heading>
      <NoticeMessage notice={notice} />
      <Loaded state={state} loading="Loading your connected AI clients" errorTitle="Clearway could not load your connected AI clients" onRetry={reload}>
        {(connections) =>
          connections.length === 0 ? (
            <Text>No AI assistant is connected to Jira through Clearway for you. When you add your site's MCP server URL to Claude, ChatGPT or Cursor and sign in, it shows here.</Text>
          ) : (
            <ConnectionsTable testId="connected-clients" caption="AI assistants acting for you in Jira and Confluence" connections={connections} onDisconnect={setDisconnecting} />
          )
        }
      </Loaded>
      {disconnecting ? (
        <DisconnectModal
          connection={disconnecting}
          onClose={() => setDisconnecting(undefined)}
          onDone={(done) => {
            setDisconnecting(undefined);
            setNotice(done);
            reload();
          }}
        />
      ) : null}
    </Stack>
  );
}
