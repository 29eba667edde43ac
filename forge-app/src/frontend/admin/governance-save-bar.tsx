import { Button, Inline, LoadingButton, Stack } from '@forge/react';
import React, { useState } from 'react';
import { TextField } from '../components/fields';
import { ErrorNotice, NoticeMessage } from '../components/states';
import type { GovernanceDraft } from './governance-draft';

/** Saves the edited governance policy as a new version, with an optional note for the version history. */
export function GovernanceSaveBar({ draft, blocked }: { readonly draft: GovernanceDraft; readonly blocked: boolean }) {
  const [note, setNote] = useState('');
  return (
    <Stack space="space.100">
      {draft.error ? <ErrorNotice title="The governance policy was not saved" error={draft.error} /> : null}
      <NoticeMessage notice={draft.notice} />
      <TextField name="governanceNote" label="What changed (optional)" helper="Shown in the governance version history." value={note} onChange={setNote} />
      <Inline space="space.100">
        <LoadingButton
          appearance="primary"
          isLoading={draft.busy}
          isDisabled={!draft.dirty || blocked}
          onClick={() =>
            void draft.save(note).then(() => {
              setNote('');
            })
          }
        >
          Save as a new version
        </LoadingButton>
        <Button appearance="subtle" isDisabled={!draft.dirty} onClick={draft.discard}>
          Discard changes
        </Button>
      </Inline>
    </Stack>
  );
}
