import { Text } from '@forge/react';
import React, { useState } from 'react';
import type { ConnectorUsage } from '@clearway/core';
import type { ConnectorView } from '../../resolvers/contract';
import { callClearway, type ClearwayError } from '../clearway-client';
import { plural } from '../components/format';
import { FormModal } from '../components/form-modal';
import { Loaded } from '../components/states';
import { useBusy, useClearway } from '../components/use-clearway';

/** What disabling pauses, in the admin's words: the tools bound to the connector and their open grants. */
export function usageText(usage: ConnectorUsage): string {
  if (usage.tools.length === 0) return 'No catalog tool is bound to it: nothing is paused.';
  const names = usage.tools.map((tool) => tool.name).join(', ');
  const grants = `${usage.openGrants.count}${usage.openGrants.more ? '+' : ''} open ${usage.openGrants.count === 1 && !usage.openGrants.more ? 'grant' : 'grants'}`;
  return `${plural(usage.tools.length, 'tool')} (${names}) and ${grants} depend on it. While it is disabled, those tools are not offered to requesters, and adding or removing people through it fails until you enable it again (then retry from Approvals).`;
}

/** Asks before disabling a connector, saying which tools and how many open grants it pauses. */
export function DisableConnectorModal({ connector, onClose, onDisabled }: { readonly connector: ConnectorView; readonly onClose: () => void; readonly onDisabled: () => void }) {
  const usage = useClearway('connectors.usage', { connectorId: connector.id });
  const [error, setError] = useState<ClearwayError>();
  const { busy, run } = useBusy();
  return (
    <FormModal
      title={`Disable ${connector.name}?`}
      submitLabel="Disable connector"
      appearance="danger"
      busy={busy}
      error={error}
      errorTitle="The connector was not disabled"
      onClose={onClose}
      testId="disable-connector"
      onSubmit={() =>
        run(async () => {
          const answer = await callClearway('connectors.setEnabled', { connectorId: connector.id, enabled: false });
          if (!answer.ok) return setError(answer.error);
          onDisabled();
        })
      }
    >
      <Loaded state={usage.state} loading="Finding what depends on it" errorTitle="Clearway could not tell what depends on this connector" onRetry={usage.reload}>
        {(found) => <Text>{usageText(found)}</Text>}
      </Loaded>
    </FormModal>
  );
}
