import { Text } from '@forge/react';
import React, { useState } from 'react';
import type { GrantSummary } from '../../resolvers/contract';
import { callClearway, type ClearwayError } from '../clearway-client';
import { NumberField, TextAreaField, useFieldProblems } from '../components/fields';
import { FormModal } from '../components/form-modal';
import { formatDate } from '../components/format';
import type { Notice } from '../components/states';
import { useBusy } from '../components/use-clearway';

export type GrantAction = 'extend' | 'revoke';

/**
 * Grants an approver may extend (expired ones within the grace window) or revoke. A work-linked
 * grant ends with its work (or its policy's maximum duration): core refuses to extend it.
 */
export function canExtend(grant: GrantSummary): boolean {
  return grant.work === undefined && (grant.status === 'active' || grant.status === 'pending_provision' || grant.status === 'expired');
}

export function canRevoke(grant: GrantSummary): boolean {
  return grant.status === 'active' || grant.status === 'pending_provision' || grant.status === 'provision_failed';
}

/**
 * Extend or revoke a grant, with a reason. Core holds the bounds (180 days of total lifetime,
 * a 7-day grace window after expiry, no one extending their own grant) and says which was hit.
 */
export function GrantActionModal({ grant, action, onClose, onDone }: { readonly grant: GrantSummary; readonly action: GrantAction; readonly onClose: () => void; readonly onDone: (notice: Notice) => void }) {
  const [days, setDays] = useState<number | undefined>(30);
  const [rationale, setRationale] = useState('');
  const [problem, setProblem] = useState<string>();
  const [error, setError] = useState<ClearwayError>();
  const numbers = useFieldProblems();
  const { busy, run } = useBusy();
  const extending = action === 'extend';

  const submit = () =>
    run(async () => {
      if (rationale.trim().length < 3) return setProblem('Give a short reason (at least 3 characters): it is recorded in the governance log.');
      setProblem(undefined);
      if (extending && (days === undefined || numbers.any)) return;
      const answer = extending
        ? await callClearway('grants.extend', { grantId: grant.id, days: days ?? 1, rationale: rationale.trim() })
        : await callClearway('grants.revoke', { grantId: grant.id, rationale: rationale.trim() });
      if (!answer.ok) return setError(answer.error);
      onDone(
        extending
          ? { kind: 'success', title: `${grant.issueKey} extended`, text: `${grant.toolName} access now ends on ${formatDate(answer.data.expiresAt)}.` }
          : { kind: 'success', title: `${grant.issueKey} revoked`, text: `${grant.toolName} access is revoked; removal from the configured group has started.` },
      );
    });

  return (
    <FormModal
      title={extending ? `Extend ${grant.toolName} for ${grant.issueKey}` : `Revoke ${grant.toolName} for ${grant.issueKey}?`}
      submitLabel={extending ? 'Extend' : 'Revoke access'}
      appearance={extending ? 'primary' : 'danger'}
      busy={busy}
      error={error}
      errorTitle={extending ? 'The grant was not extended' : 'The grant was not revoked'}
      onSubmit={submit}
      onClose={onClose}
      testId="grant-action"
    >
      <Text>
        {extending
          ? `Access ends on ${formatDate(grant.expiresAt)} (${grant.expiryLabel}). A grant lives at most 180 days in total; an expired one can be extended within 7 days of expiry.`
          : 'Revoking ends the access now and removes the person from the configured group.'}
      </Text>
      {extending ? <NumberField name="extendDays" label="Add days" isRequired min={1} max={180} value={days} onProblem={numbers.report} onChange={setDays} /> : null}
      <TextAreaField name="grantRationale" label="Reason" isRequired value={rationale} onChange={setRationale} error={problem} />
    </FormModal>
  );
}
