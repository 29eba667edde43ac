import { Button, ButtonGroup, DynamicTable, Inline, Lozenge, Stack, Text } from '@forge/react';
import React, { useState } from 'react';
import type { ConnectorView } from '../../resolvers/contract';
import { callClearway, errorText, type ClearwayError } from '../clearway-client';
import { FormModal } from '../components/form-modal';
import { Empty, Loaded, NoticeMessage, type Notice } from '../components/states';
import { useBusy, useClearway, useGrowingList } from '../components/use-clearway';
import { ConnectionTestModal } from './connection-test-modal';
import { ConnectorFormModal } from './connector-form-modal';
import { DisableConnectorModal } from './disable-connector-modal';
import { IdentityMappingsModal } from './identity-mappings-modal';

type Open =
  | { readonly kind: 'add' }
  | { readonly kind: 'edit'; readonly connector: ConnectorView }
  | { readonly kind: 'test'; readonly connector: ConnectorView }
  | { readonly kind: 'identities'; readonly connector: ConnectorView }
  | { readonly kind: 'delete'; readonly connector: ConnectorView }
  | { readonly kind: 'disable'; readonly connector: ConnectorView };

function secretsText(connector: ConnectorView, labels: ReadonlyMap<string, string>, secretNames: readonly string[]): string {
  if (secretNames.length === 0) return 'No credentials';
  return secretNames.map((name) => `${labels.get(name) ?? name}: ${connector.secretsSet.includes(name) ? 'set' : 'not set'}`).join(', ');
}

function DeleteModal({ connector, onClose, onDeleted }: { readonly connector: ConnectorView; readonly onClose: () => void; readonly onDeleted: () => void }) {
  const [error, setError] = useState<ClearwayError>();
  const { busy, run } = useBusy();
  return (
    <FormModal
      title={`Delete ${connector.name}?`}
      submitLabel="Delete connector"
      appearance="danger"
      busy={busy}
      error={error}
      errorTitle="The connector was not deleted"
      onClose={onClose}
      testId="delete-connector"
      onSubmit={() =>
        run(async () => {
          const answer = await callClearway('connectors.delete', { connectorId: connector.id });
          if (!answer.ok) return setError(answer.error);
          onDeleted();
        })
      }
    >
      <Text>Its stored credentials are deleted too. Tools bound to it must be rebound first; past grants and the governance log keep their records.</Text>
    </FormModal>
  );
}

/** Connectors: instances of providers (Okta group, Microsoft Entra group, manual, …) that catalog tools bind to. */
export function ConnectorsTab() {
  const list = useGrowingList('connectors.list', {}, 100);
  const providers = useClearway('connectors.providers', {});
  const [open, setOpen] = useState<Open>();
  const [notice, setNotice] = useState<Notice>();
  const [toggling, setToggling] = useState<string>();

  /** Enabling needs no confirmation; disabling goes through DisableConnectorModal, which says what it pauses. */
  const setEnabled = async (connector: ConnectorView, enabled: true) => {
    setToggling(connector.id);
    const answer = await callClearway('connectors.setEnabled', { connectorId: connector.id, enabled });
    setToggling(undefined);
    setNotice(
      answer.ok
        ? { kind: 'success', title: `${connector.name} enabled`, text: 'Its tools are offered and fulfilled through it again; retry any fulfillment that failed while it was disabled from Approvals.' }
        : { kind: 'error', title: `${connector.name} was not ${enabled ? 'enabled' : 'disabled'}`, text: errorText(answer.error) },
    );
    if (answer.ok) list.reload();
  };

  const close = (next?: Notice) => {
    setOpen(undefined);
    if (next) {
      setNotice(next);
      list.reload();
    }
  };

  return (
    <Loaded state={providers.state} loading="Loading connectors" errorTitle="Clearway could not load the providers" onRetry={providers.reload}>
      {(forms) => {
        const byType = new Map(forms.map((form) => [form.type, form]));
        return (
          <Stack space="space.200">
            <Inline space="space.100" alignBlock="center">
              <Button appearance="primary" onClick={() => setOpen({ kind: 'add' })}>
                Add connector
              </Button>
              <Text>{`Providers installed: ${forms.map((form) => form.displayName).join(', ')}.`}</Text>
            </Inline>
            <NoticeMessage notice={notice} />
            <Loaded state={list.state} loading="Loading connectors" errorTitle="Clearway could not load the connectors" onRetry={list.reload}>
              {(connectors) =>
                connectors.length === 0 ? (
                  <Empty header="No connectors yet" description="Tools are fulfilled by hand until you add a connector for your identity provider." />
                ) : (
                  <DynamicTable
                    testId="connectors"
                    caption="Connectors"
                    head={{
                      cells: [
                        { key: 'name', content: 'Connector' },
                        { key: 'provider', content: 'Provider' },
                        { key: 'state', content: 'State' },
                        { key: 'secrets', content: 'Credentials' },
                        { key: 'actions', content: '' },
                      ],
                    }}
                    rows={connectors.map((connector) => {
                      const form = byType.get(connector.providerType);
                      const labels = new Map((form?.secrets ?? []).map((secret) => [secret.name, secret.label]));
                      const secretNames = form ? form.secrets.map((secret) => secret.name) : connector.secretsSet;
                      const builtIn = connector.id === 'manual';
                      return {
                        key: connector.id,
                        cells: [
                          { key: 'name', content: builtIn ? `${connector.name} (built in)` : connector.name },
                          { key: 'provider', content: connector.providerName ?? connector.providerType },
                          { key: 'state', content: <Lozenge appearance={connector.enabled ? 'success' : 'default'}>{connector.enabled ? 'enabled' : 'disabled'}</Lozenge> },
                          { key: 'secrets', content: secretsText(connector, labels, secretNames) },
                          {
                            key: 'actions',
                            content: (
                              <ButtonGroup label={`Manage ${connector.name}`}>
                                {form && !builtIn ? (
                                  <Button testId={`edit-${connector.id}`} onClick={() => setOpen({ kind: 'edit', connector })}>
                                    Edit
                                  </Button>
                                ) : null}
                                <Button testId={`test-${connector.id}`} onClick={() => setOpen({ kind: 'test', connector })}>
                                  Test connection
                                </Button>
                                <Button testId={`identities-${connector.id}`} onClick={() => setOpen({ kind: 'identities', connector })}>
                                  Identity mappings
                                </Button>
                                {builtIn ? null : (
                                  <Button testId={`toggle-${connector.id}`} isDisabled={toggling === connector.id} onClick={() => (connector.enabled ? setOpen({ kind: 'disable', connector }) : void setEnabled(connector, true))}>
                                    {connector.enabled ? 'Disable' : 'Enable'}
                                  </Button>
                                )}
                                {builtIn ? null : (
                                  <Button appearance="subtle" testId={`delete-${connector.id}`} onClick={() => setOpen({ kind: 'delete', connector })}>
                                    Delete
                                  </Button>
                                )}
                              </ButtonGroup>
                            ),
                          },
                        ],
                      };
                    })}
                    rowsPerPage={25}
                  />
                )
              }
            </Loaded>
            {open?.kind === 'add' || open?.kind === 'edit' ? (
              <ConnectorFormModal
                providers={forms}
                {...(open.kind === 'edit' && { connector: open.connector })}
                onClose={() => close()}
                onSaved={(saved, created) =>
                  close({ kind: 'success', title: `${saved.name} ${created ? 'added' : 'saved'}`, text: created ? 'Run Test connection to check its credentials, then bind catalog tools to it.' : 'Its new settings apply to the next provider action.' })
                }
              />
            ) : null}
            {open?.kind === 'test' ? <ConnectionTestModal connector={open.connector} onClose={() => close()} /> : null}
            {open?.kind === 'identities' ? <IdentityMappingsModal connector={open.connector} onClose={() => close()} /> : null}
            {open?.kind === 'disable' ? (
              <DisableConnectorModal
                connector={open.connector}
                onClose={() => close()}
                onDisabled={() => close({ kind: 'success', title: `${open.connector.name} disabled`, text: 'Its tools are no longer offered to requesters, and changes through it wait until you enable it again.' })}
              />
            ) : null}
            {open?.kind === 'delete' ? <DeleteModal connector={open.connector} onClose={() => close()} onDeleted={() => close({ kind: 'success', title: `${open.connector.name} deleted`, text: 'Its credentials were removed from secret storage.' })} /> : null}
          </Stack>
        );
      }}
    </Loaded>
  );
}
