import { DynamicTable, Inline, Link, LoadingButton, Lozenge, Stack, Text, User } from '@forge/react';
import React, { useState } from 'react';
import type { ResolverPayload, WorkPreviewItemView, WorkPreviewView } from '../../resolvers/contract';
import { callClearway, type ClearwayError } from '../clearway-client';
import { issueHref, plural } from '../components/format';
import { ErrorNotice } from '../components/states';
import { useBusy } from '../components/use-clearway';

type WorkPolicyInput = ResolverPayload<'workLinked.preview'>;

const OUTCOMES: Readonly<Record<WorkPreviewItemView['outcome'], [string, 'success' | 'moved' | 'default']>> = {
  grant: ['would grant', 'success'],
  ask: ['would ask an approver', 'moved'],
  none: ['would not grant', 'default'],
};

function OutcomeLozenge({ outcome }: { readonly outcome: WorkPreviewItemView['outcome'] }) {
  const [label, appearance] = OUTCOMES[outcome];
  return <Lozenge appearance={appearance}>{label}</Lozenge>;
}

function PreviewTable({ preview }: { readonly preview: WorkPreviewView }) {
  if (preview.items.length === 0) return <Text>No open issue would grant access now: none is in the live statuses, or none names anyone.</Text>;
  const granting = preview.items.filter((item) => item.outcome === 'grant').length;
  const asking = preview.items.filter((item) => item.outcome === 'ask').length;
  const summary = asking > 0 ? `${plural(asking, 'issue')} of ${preview.items.length} would ask an approver now.` : `${plural(granting, 'issue')} of ${preview.items.length} would grant access now.`;
  return (
    <Stack space="space.100">
      <Text>{summary}</Text>
      <DynamicTable
        testId="work-preview"
        caption="Open issues under this draft"
        head={{
          cells: [
            { key: 'issue', content: 'Issue' },
            { key: 'status', content: 'Status' },
            { key: 'who', content: 'Who' },
            { key: 'grant', content: 'Would grant' },
            { key: 'why', content: 'Why not' },
          ],
        }}
        rows={preview.items.map((item) => ({
          key: item.issueId,
          cells: [
            { key: 'issue', content: <Link href={issueHref(item.issueKey)}>{item.issueKey}</Link> },
            { key: 'status', content: item.statusName },
            {
              key: 'who',
              content:
                item.accountIds.length === 0 ? (
                  'No one'
                ) : (
                  <Inline space="space.050" shouldWrap>
                    {item.accountIds.map((accountId) => (
                      <User key={accountId} accountId={accountId} />
                    ))}
                  </Inline>
                ),
            },
            { key: 'grant', content: <OutcomeLozenge outcome={item.outcome} /> },
            { key: 'why', content: item.reason ?? '' },
          ],
        }))}
      />
      {preview.more ? <Text size="small">More issues match than the preview reads: these are the first.</Text> : null}
    </Stack>
  );
}

/**
 * Which open issues the draft would grant on now, and for whom; nothing is saved or granted.
 * `input` checks the draft as saving would (naming its problems on the fields) and hands it on when
 * it can be asked about; `current` is the draft as it is, so a preview of an older one says so.
 */
export function WorkPolicyPreview({ input, current }: { readonly input: () => WorkPolicyInput | undefined; readonly current: WorkPolicyInput }) {
  const [shown, setShown] = useState<{ readonly preview: WorkPreviewView; readonly asked: string }>();
  const [error, setError] = useState<ClearwayError>();
  const { busy, run } = useBusy();
  const stale = shown !== undefined && shown.asked !== JSON.stringify(current);

  const preview = () =>
    void run(async () => {
      const asked = input();
      if (!asked) return;
      const answer = await callClearway('workLinked.preview', asked);
      if (!answer.ok) {
        setError(answer.error);
        return;
      }
      setError(undefined);
      setShown({ preview: answer.data, asked: JSON.stringify(asked) });
    });

  return (
    <Stack space="space.100">
      <Text>See which open issues of the project would grant the tool now, and to whom. Nothing is saved or granted.</Text>
      <Inline>
        <LoadingButton isLoading={busy} testId="work-preview-run" onClick={preview}>
          {shown ? 'Preview again' : 'Preview'}
        </LoadingButton>
      </Inline>
      {error ? <ErrorNotice title="The preview did not run" error={error} /> : null}
      {stale ? <Text>The draft changed since this preview: preview again to see the change.</Text> : null}
      {shown ? <PreviewTable preview={shown.preview} /> : null}
    </Stack>
  );
}
