import { DynamicTable, Lozenge, SectionMessage, Stack, Text } from '@forge/react';
import type { ConnectionTestResult } from '@clearway/connector-sdk';
import React, { useState } from 'react';
import type { ConnectorView } from '../../resolvers/contract';
import { callClearway, type ClearwayError } from '../clearway-client';
import { TextField } from '../components/fields';
import { FormModal } from '../components/form-modal';
import { plural } from '../components/format';
import { useBusy } from '../components/use-clearway';

/** The provider's named checks, each passed or failed with its message: what to fix, not just "failed". */
export function ConnectionTestResultView({ result }: { readonly result: ConnectionTestResult }) {
  const failed = result.checks.filter((check) => !check.passed).length;
  return (
    <Stack space="space.100">
      <SectionMessage appearance={result.ok ? 'success' : 'error'} title={result.ok ? 'The connection works' : `The connection test failed: ${plural(failed, 'check')} to fix`} testId="connection-test-result">
        <Text>{result.ok ? 'Every check passed.' : 'Fix what the failed checks say, then test again.'}</Text>
      </SectionMessage>
      <DynamicTable
        testId="connection-checks"
        head={{
          cells: [
            { key: 'check', content: 'Check' },
            { key: 'result', content: 'Result' },
            { key: 'message', content: 'Details' },
          ],
        }}
        rows={result.checks.map((check, index) => ({
          key: `${index}-${check.name}`,
          cells: [
            { key: 'check', content: check.name },
            { key: 'result', content: <Lozenge appearance={check.passed ? 'success' : 'removed'}>{check.passed ? 'passed' : 'failed'}</Lozenge> },
            { key: 'message', content: check.message },
          ],
        }))}
      />
    </Stack>
  );
}

/** Test connection: the provider checks its credentials and permissions, optionally against a group. */
export function ConnectionTestModal({ connector, onClose }: { readonly connector: ConnectorView; readonly onClose: () => void }) {
  const [groupId, setGroupId] = useState('');
  const [result, setResult] = useState<ConnectionTestResult>();
  const [error, setError] = useState<ClearwayError>();
  const { busy, run } = useBusy();
  const submit = () =>
    run(async () => {
      setResult(undefined);
      const answer = await callClearway('connectors.test', { connectorId: connector.id, ...(groupId.trim() !== '' && { groupId: groupId.trim() }) });
      if (!answer.ok) {
        setError(answer.error);
        return;
      }
      setError(undefined);
      setResult(answer.data);
    });
  return (
    <FormModal title={`Test connection: ${connector.name}`} submitLabel={result ? 'Test again' : 'Test connection'} busy={busy} error={error} errorTitle="The connection could not be tested" onSubmit={submit} onClose={onClose} width="large" testId="connection-test">
      <Text>{connector.enabled ? 'Clearway asks the provider to check the stored credentials and permissions.' : 'This connector is disabled; the test still checks its credentials.'}</Text>
      <TextField name="testGroupId" label="Also check a group (optional)" helper="A group id: the test then checks Clearway may manage its membership." value={groupId} onChange={setGroupId} />
      {result ? <ConnectionTestResultView result={result} /> : null}
    </FormModal>
  );
}
