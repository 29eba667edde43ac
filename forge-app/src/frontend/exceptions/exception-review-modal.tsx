import { Text } from '@forge/react';
import React, { useState } from 'react';
import type { ExceptionSummary } from '../../resolvers/contract';
import { callClearway, type ClearwayError } from '../clearway-client';
import { TextAreaField } from '../components/fields';
import { FormModal } from '../components/form-modal';
import { formatDate } from '../components/format';
import type { Notice } from '../components/states';
import { useBusy } from '../components/use-clearway';

export type ReviewOutcome = 'keep' | 'end';

/**
 * A security reviewer's review of one exception: keep it (the next review is one review period
 * from today) or end it (the grant is revoked and the person leaves the group). A note saying
 * what the review found is required: it is recorded and commented on the review issue.
 */
export function ExceptionReviewModal({
  exception,
  outcome,
  onClose,
  onReviewed,
}: {
  readonly exception: ExceptionSummary;
  readonly outcome: ReviewOutcome;
  readonly onClose: () => void;
  readonly onReviewed: (notice: Notice) => void;
}) {
  const [note, setNote] = useState('');
  const [problem, setProblem] = useState<string>();
  const [error, setError] = useState<ClearwayError>();
  const { busy, run } = useBusy();
  const keeping = outcome === 'keep';
  const what = `${exception.toolName} for ${exception.issueKey}`;

  const submit = () =>
    run(async () => {
      const trimmed = note.trim();
      if (trimmed.length < 3) return setProblem('Say what the review found (at least 3 characters): it is recorded with the review.');
      if (trimmed.length > 1_000) return setProblem('Keep the note under 1,000 characters.');
      setProblem(undefined);
      const answer = await callClearway('exceptions.review', { grantId: exception.grantId, outcome, note: trimmed });
      if (!answer.ok) return setError(answer.error);
      onReviewed(
        keeping
          ? { kind: 'success', title: `Exception kept: ${exception.issueKey}`, text: `${what} stays; the next review is due ${formatDate(answer.data.nextReviewAt)}.` }
          : { kind: 'success', title: `Exception ended: ${exception.issueKey}`, text: `${what} is revoked; removal from the configured group has started.` },
      );
    });

  return (
    <FormModal
      title={keeping ? `Keep the exception: ${what}` : `End the exception: ${what}?`}
      submitLabel={keeping ? 'Keep' : 'End access'}
      appearance={keeping ? 'primary' : 'danger'}
      busy={busy}
      error={error}
      errorTitle="The review was not recorded"
      onSubmit={submit}
      onClose={onClose}
      testId="exception-review"
    >
      <Text>{`Approved because: ${exception.reason}`}</Text>
      <Text>
        {keeping
          ? 'Keeping it sets the next review one review period from today (Governance → Exceptions).'
          : 'Ending it revokes the grant now and removes the person from the configured group.'}
      </Text>
      <TextAreaField name="reviewNote" label="What the review found" isRequired helper="Recorded in the governance log and noted on the review issue." value={note} onChange={setNote} error={problem} />
    </FormModal>
  );
}
