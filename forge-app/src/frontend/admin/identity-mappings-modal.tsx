import { Button, DynamicTable, Heading, Stack, Text, User } from '@forge/react';
import type { IdentityRecord } from '@clearway/core';
import React, { useState } from 'react';
import type { ConnectorView } from '../../resolvers/contract';
import { callClearway, errorText } from '../clearway-client';
import { TextField } from '../components/fields';
import { InfoModal } from '../components/form-modal';
import { formatDate } from '../components/format';
import { ShowMore } from '../components/paging';
import { PeopleField } from '../components/people-field';
import { Loaded, NoticeMessage, type Notice } from '../components/states';
import { useBusy, useGrowingList } from '../components/use-clearway';

function identityText(identity: IdentityRecord): string {
  if (identity.source === 'mapping') return `Mapped to ${identity.mappedExternalId ?? identity.externalId ?? '—'}`;
  return `Resolved to ${identity.login ?? identity.email ?? identity.externalId ?? '—'}`;
}

/**
 * How Jira people resolve to this connector's users: by email unless an admin maps them
 * explicitly. Explicit mappings are kept until removed; resolved ones are cached and retained.
 */
export function IdentityMappingsModal({ connector, onClose }: { readonly connector: ConnectorView; readonly onClose: () => void }) {
  const list = useGrowingList('connectors.identities', { connectorId: connector.id }, 50);
  const [person, setPerson] = useState<string[]>([]);
  const [externalId, setExternalId] = useState('');
  const [problem, setProblem] = useState<string>();
  const [notice, setNotice] = useState<Notice>();
  const { busy, run } = useBusy();

  const map = (accountId: string, value: string | null) =>
    run(async () => {
      const answer = await callClearway('connectors.mapIdentity', { connectorId: connector.id, accountId, externalId: value });
      if (!answer.ok) {
        setNotice({ kind: 'error', title: 'The mapping was not saved', text: errorText(answer.error) });
        return;
      }
      setNotice({ kind: 'success', title: value === null ? 'Mapping removed' : 'Mapping saved', text: value === null ? 'This person is resolved by email again.' : `Clearway uses ${value} for this person at ${connector.name}.` });
      setPerson([]);
      setExternalId('');
      list.reload();
    });

  const add = () => {
    const accountId = person[0];
    if (accountId === undefined) return setProblem('Choose the Jira person to map.');
    if (externalId.trim() === '') return setProblem(`Enter their user id or login at ${connector.name}.`);
    setProblem(undefined);
    void map(accountId, externalId.trim());
  };

  return (
    <InfoModal title={`Identity mappings: ${connector.name}`} onClose={onClose} testId="identity-mappings">
      <Text>People are matched to the provider's users by email. Map someone explicitly when their email differs.</Text>
      <NoticeMessage notice={notice} />
      <Loaded state={list.state} loading="Loading identity mappings" errorTitle="Identity mappings could not be loaded" onRetry={list.reload}>
        {(identities) =>
          identities.length === 0 ? (
            <Text>No one is mapped or resolved at this connector yet.</Text>
          ) : (
            <Stack space="space.100">
              <DynamicTable
                testId="identities"
                head={{
                  cells: [
                    { key: 'person', content: 'Jira person' },
                    { key: 'identity', content: 'Provider user' },
                    { key: 'updated', content: 'Updated' },
                    { key: 'remove', content: '' },
                  ],
                }}
                rows={identities.map((identity) => ({
                  key: identity.id,
                  cells: [
                    { key: 'person', content: <User accountId={identity.accountId} /> },
                    { key: 'identity', content: identityText(identity) },
                    { key: 'updated', content: formatDate(identity.updatedAt) },
                    {
                      key: 'remove',
                      content:
                        identity.source === 'mapping' ? (
                          <Button testId={`unmap-${identity.accountId}`} isDisabled={busy} onClick={() => void map(identity.accountId, null)}>
                            Remove mapping
                          </Button>
                        ) : (
                          ''
                        ),
                    },
                  ],
                }))}
              />
              <ShowMore list={list} />
            </Stack>
          )
        }
      </Loaded>
      <Heading size="small">Map a person</Heading>
      <PeopleField name="mapPerson" label="Jira person" single accountIds={person} onChange={setPerson} />
      <TextField name="externalId" label={`User at ${connector.name}`} helper="Their user id or login at the provider." value={externalId} onChange={setExternalId} error={problem} />
      <Button appearance="primary" isDisabled={busy} onClick={add}>
        Save mapping
      </Button>
    </InfoModal>
  );
}
