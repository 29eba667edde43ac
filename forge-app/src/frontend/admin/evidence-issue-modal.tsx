import type { EvidenceSettings } from '@clearway/core';
import { Text } from '@forge/react';
import React, { useState } from 'react';
import { callClearway, fieldIssues, type ClearwayError } from '../clearway-client';
import { TextField } from '../components/fields';
import { FormModal } from '../components/form-modal';
import { Loaded, type Notice } from '../components/states';
import { useBusy, useClearway } from '../components/use-clearway';

function EvidenceIssueForm({ settings, onSaved, onClose }: { readonly settings: EvidenceSettings; readonly onSaved: (notice: Notice) => void; readonly onClose: () => void }) {
  const [issueKey, setIssueKey] = useState(settings.anchorIssueKey ?? '');
  const [error, setError] = useState<ClearwayError>();
  const { busy, run } = useBusy();
  const fieldError = error && fieldIssues(error).find((issue) => issue.path === 'anchorIssueKey')?.message;

  const submit = () =>
    run(async () => {
      const anchorIssueKey = issueKey.trim() === '' ? null : issueKey.trim();
      const answer = await callClearway('evidence.saveSettings', { anchorIssueKey });
      if (!answer.ok) return setError(answer.error);
      const saved = answer.data.anchorIssueKey;
      onSaved({
        kind: 'success',
        title: 'Evidence issue saved',
        text: saved !== undefined ? `Each evidence export records its anchor on ${saved}.` : 'Evidence exports record no anchor: without the key, an auditor can check a pack only by its hashes.',
      });
    });

  return (
    <FormModal
      title="Evidence issue"
      submitLabel="Save"
      busy={busy}
      error={fieldError === undefined ? error : undefined}
      errorTitle="The evidence issue was not saved"
      onSubmit={submit}
      onClose={onClose}
      testId="evidence-issue"
    >
      <Text>
        Each evidence export records an anchor on this Jira issue, as an issue property: the chain head at export and its MAC, the manifest's MAC, the export time, who exported, the range and the counts. It
        lives outside Clearway's storage, so an auditor without the key can check that a pack is the one exported then. Keep the issue in a project only admins may edit.
      </Text>
      <TextField
        name="anchorIssueKey"
        label="Issue key"
        placeholder="AUD-1"
        helper="Leave empty to record no anchor."
        value={issueKey}
        onChange={(value) => {
          setIssueKey(value);
          setError(undefined);
        }}
        {...(fieldError !== undefined && { error: fieldError })}
      />
    </FormModal>
  );
}

/** Where each export's anchor is recorded in Jira: read when opened, saved with an audit event. */
export function EvidenceIssueModal({ onSaved, onClose }: { readonly onSaved: (notice: Notice) => void; readonly onClose: () => void }) {
  const settings = useClearway('evidence.settings', {});
  return (
    <Loaded state={settings.state} loading="Loading the evidence issue" errorTitle="Clearway could not load the evidence issue" onRetry={settings.reload}>
      {(loaded) => <EvidenceIssueForm settings={loaded} onSaved={onSaved} onClose={onClose} />}
    </Loaded>
  );
}
