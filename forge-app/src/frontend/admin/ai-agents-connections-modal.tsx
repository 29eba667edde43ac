import { Button, ButtonGroup, LoadingButton, SectionMessage, Stack, Text } from '@forge/react';
import React, { useState } from 'react';
import type { ConnectionView } from '../../resolvers/contract';
import { callClearway, errorText } from '../clearway-client';
import { ConnectionsTable } from '../components/connections-table';
import { InfoModal } from '../components/form-modal';
import { plural } from '../components/format';
import { PeopleField } from '../components/people-field';
import { Loaded, NoticeMessage, type Notice } from '../components/states';
import { useBusy, useClearway } from '../components/use-clearway';

type Pending = { readonly kind: 'disconnect'; readonly connection: ConnectionView } | { readonly kind: 'forget' };

function personText(connections: readonly ConnectionView[], accountId: string): string {
  const known = connections.find((connection) => connection.name !== undefined || connection.email !== undefined);
  return known ? [known.name, known.email].filter(Boolean).join(', ') : accountId;
}

/** Asks before anything is ended: what will happen, and the one button that does it. */
function Confirm({ pending, who, count, busy, onConfirm, onCancel }: { readonly pending: Pending; readonly who: string; readonly count: number; readonly busy: boolean; readonly onConfirm: () => void; readonly onCancel: () => void }) {
  const forget = pending.kind === 'forget';
  return (
    <SectionMessage appearance="warning" title={forget ? `Forget ${who}?` : `Disconnect ${pending.connection.client} for ${who}?`} testId="connection-confirm">
      <Stack space="space.100">
        <Text>
          {forget
            ? `Ends ${plural(count, 'connected AI client')}, revokes their sign-ins with Clearway and Atlassian, and drops what Clearway cached about them. Their assistants stop working until they sign in again.`
            : 'Revokes this sign-in with Clearway and Atlassian. The assistant stops working for them until they connect it again.'}
        </Text>
        <ButtonGroup>
          <LoadingButton appearance="danger" isLoading={busy} onClick={onConfirm}>
            {forget ? 'Forget user' : 'Disconnect'}
          </LoadingButton>
          <Button appearance="subtle" onClick={onCancel}>
            Cancel
          </Button>
        </ButtonGroup>
      </Stack>
    </SectionMessage>
  );
}

function UserConnections({ accountId }: { readonly accountId: string }) {
  const { state, reload } = useClearway('gateway.connections', { accountId });
  const [pending, setPending] = useState<Pending>();
  const [notice, setNotice] = useState<Notice>();
  const { busy, run } = useBusy();

  const confirm = (connections: readonly ConnectionView[]) =>
    void run(async () => {
      if (!pending) return;
      const who = personText(connections, accountId);
      if (pending.kind === 'disconnect') {
        const answer = await callClearway('gateway.disconnect', { connectionId: pending.connection.id });
        setNotice(answer.ok ? { kind: 'success', title: `${answer.data.client} disconnected`, text: `${who} must sign in again to use it.` } : { kind: 'error', title: 'Nothing was disconnected', text: errorText(answer.error) });
      } else {
        const answer = await callClearway('gateway.forgetUser', { accountId });
        setNotice(
          answer.ok
            ? { kind: 'success', title: `${who} forgotten`, text: `${plural(answer.data.disconnected, 'connection')} ended; Clearway keeps no sign-in or cached identity for them.` }
            : { kind: 'error', title: 'The user was not forgotten', text: errorText(answer.error) },
        );
      }
      setPending(undefined);
      reload();
    });

  return (
    <Stack space="space.150">
      <NoticeMessage notice={notice} />
      <Loaded state={state} loading="Loading their connections" errorTitle="Clearway could not load their connections" onRetry={reload}>
        {(connections) => (
          <Stack space="space.150">
            {connections.length === 0 ? (
              <Text>No AI client is connected for this person.</Text>
            ) : (
              <ConnectionsTable testId="user-connections" subtle connections={connections} onDisconnect={(connection) => setPending({ kind: 'disconnect', connection })} />
            )}
            {pending ? (
              <Confirm pending={pending} who={personText(connections, accountId)} count={connections.length} busy={busy} onConfirm={() => confirm(connections)} onCancel={() => setPending(undefined)} />
            ) : (
              <Button appearance="warning" testId="forget-user" onClick={() => setPending({ kind: 'forget' })}>
                Forget user
              </Button>
            )}
            <Text size="small">Forget user also works for someone with no connection left: it drops the identity Clearway cached for them. Each disconnection is recorded in the governance log.</Text>
          </Stack>
        )}
      </Loaded>
    </Stack>
  );
}

/** Disconnect / forget user: choose a person, see their connected AI clients, end one or all. */
export function ConnectionsModal({ accountId, onClose }: { readonly accountId?: string; readonly onClose: () => void }) {
  const [people, setPeople] = useState<string[]>(accountId === undefined ? [] : [accountId]);
  const [chosen] = people;
  return (
    <InfoModal title="Disconnect / forget user" onClose={onClose} testId="connections-modal">
      <PeopleField name="connectionsUser" label="Person" single accountIds={people} onChange={setPeople} />
      {chosen !== undefined ? <UserConnections key={chosen} accountId={chosen} /> : <Text>Choose a person to see the AI clients they connected.</Text>}
    </InfoModal>
  );
}
