import { Button, DynamicTable, Link, Stack, Text, User } from '@forge/react';
import React, { useState } from 'react';
import type { ManualTaskView } from '../../resolvers/contract';
import { callClearway, type ClearwayError } from '../clearway-client';
import { RadioField, TextAreaField } from '../components/fields';
import { FormModal } from '../components/form-modal';
import { formatDateTime, issueHref } from '../components/format';
import { ShowMore } from '../components/paging';
import { Empty, Loaded, NoticeMessage, type Notice } from '../components/states';
import { JOB_TYPE_LABELS } from '../components/status';
import { useBusy, useGrowingList } from '../components/use-clearway';

type Completion = ManualTaskView['completion'];

/** The button a manual task is completed with: Mark fulfilled / Mark deprovisioned / Mark verified. */
export const COMPLETION_BUTTONS: Readonly<Record<Completion, string>> = { fulfilled: 'Mark fulfilled', deprovisioned: 'Mark deprovisioned', verified: 'Mark verified' };

const COMPLETION_RESULTS: Readonly<Record<Completion, string>> = {
  fulfilled: 'the grant is active now',
  deprovisioned: 'access removal is recorded',
  verified: 'the membership check is recorded',
};

const MEMBERSHIP_OPTIONS = [
  { label: 'The person is in the group (has access)', value: 'member' },
  { label: 'The person is not in the group', value: 'not_member' },
];

function CompleteTaskModal({ task, onClose, onDone }: { readonly task: ManualTaskView; readonly onClose: () => void; readonly onDone: (notice: Notice) => void }) {
  const [note, setNote] = useState('');
  const [membership, setMembership] = useState<string>();
  const [problem, setProblem] = useState<string>();
  const [error, setError] = useState<ClearwayError>();
  const { busy, run } = useBusy();
  const verifying = task.completion === 'verified';

  const submit = () =>
    run(async () => {
      if (verifying && membership === undefined) return setProblem('Say what you found in the group.');
      if (note.length > 1_000) return setProblem('Keep the note under 1,000 characters.');
      setProblem(undefined);
      const answer = await callClearway('approvals.completeManualTask', {
        jobId: task.job.id,
        completion: task.completion,
        ...(verifying && { member: membership === 'member' }),
        ...(note.trim() !== '' && { note: note.trim() }),
      });
      if (!answer.ok) return setError(answer.error);
      onDone({ kind: 'success', title: `${task.issueKey}: ${COMPLETION_BUTTONS[task.completion].toLowerCase().replace('mark ', 'marked ')}`, text: `${task.toolName} for ${task.issueKey}: ${COMPLETION_RESULTS[task.completion]}.` });
    });

  return (
    <FormModal
      title={`${COMPLETION_BUTTONS[task.completion]}: ${task.toolName} for ${task.issueKey}`}
      submitLabel={COMPLETION_BUTTONS[task.completion]}
      busy={busy}
      error={error}
      errorTitle="Clearway could not record this"
      onSubmit={submit}
      onClose={onClose}
      testId="manual-task-modal"
    >
      <Text>{task.job.manualTask?.summary ?? `${JOB_TYPE_LABELS[task.job.type]} for ${task.toolName}`}</Text>
      {task.job.manualTask?.instructions ? <Text>{task.job.manualTask.instructions}</Text> : null}
      {verifying ? (
        <RadioField name="membership" label="What did you find?" isRequired options={MEMBERSHIP_OPTIONS} value={membership} onChange={setMembership} error={problem} />
      ) : null}
      <TextAreaField
        name="note"
        label="Note (optional)"
        helper="Recorded in the governance log, for example where you made the change."
        value={note}
        onChange={setNote}
        error={verifying ? undefined : problem}
      />
    </FormModal>
  );
}

const HEAD = {
  cells: [
    { key: 'issue', content: 'Request' },
    { key: 'tool', content: 'Tool' },
    { key: 'requester', content: 'For' },
    { key: 'task', content: 'What to do' },
    { key: 'since', content: 'Waiting since' },
    { key: 'action', content: '' },
  ],
};

/** Provisioning, deprovisioning and membership checks a person completes by hand. */
export function ManualTasks() {
  const list = useGrowingList('approvals.manualTasks', {}, 50);
  const [open, setOpen] = useState<ManualTaskView>();
  const [notice, setNotice] = useState<Notice>();
  return (
    <Stack space="space.200">
      <NoticeMessage notice={notice} />
      <Loaded state={list.state} loading="Loading manual provisioning actions" errorTitle="Clearway could not load the manual provisioning actions" onRetry={list.reload}>
        {(tasks) =>
          tasks.length === 0 ? (
            <Empty header="No manual provisioning actions" description="When a tool is fulfilled by hand, each access to give, remove or check shows here until someone marks it done." />
          ) : (
            <Stack space="space.100">
              <DynamicTable
                testId="manual-tasks"
                caption="Manual provisioning actions"
                head={HEAD}
                rows={tasks.map((task) => ({
                  key: task.job.id,
                  cells: [
                    { key: 'issue', content: <Link href={issueHref(task.issueKey)}>{task.issueKey}</Link> },
                    { key: 'tool', content: task.toolName },
                    { key: 'requester', content: <User accountId={task.requesterAccountId} /> },
                    { key: 'task', content: task.job.manualTask?.summary ?? JOB_TYPE_LABELS[task.job.type] },
                    { key: 'since', content: formatDateTime(task.job.updatedAt) },
                    {
                      key: 'action',
                      content: (
                        <Button testId={`complete-${task.issueKey}-${task.job.type}`} onClick={() => setOpen(task)}>
                          {COMPLETION_BUTTONS[task.completion]}
                        </Button>
                      ),
                    },
                  ],
                }))}
                rowsPerPage={25}
              />
              <ShowMore list={list} />
            </Stack>
          )
        }
      </Loaded>
      {open ? (
        <CompleteTaskModal
          task={open}
          onClose={() => setOpen(undefined)}
          onDone={(result) => {
            setOpen(undefined);
            setNotice(result);
            list.reload();
          }}
        />
      ) : null}
    </Stack>
  );
}
