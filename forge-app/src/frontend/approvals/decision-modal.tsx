import { Text } from '@forge/react';
import React, { useState } from 'react';
import type { PendingRequestSummary } from '../../resolvers/contract';
import { callClearway, type ClearwayError } from '../clearway-client';
import { TextAreaField, TextField } from '../components/fields';
import { FormModal } from '../components/form-modal';
import { days, plural, wholeNumber } from '../components/format';
import type { Notice } from '../components/states';
import { useBusy } from '../components/use-clearway';
import { CatalogToolSelect } from './catalog-tool-select';
import { approvalPlan, EXCEPTION_REASON_MIN, RulesNotice } from './exception-approval';

export type Outcome = 'approved' | 'denied';

/** At most this many requests per bulk decision (the backend's BULK_LIMIT; a test keeps them equal). */
export const BULK_LIMIT = 50;
/** Bulk decisions per person per minute (core's BULK_MAX_PER_MINUTE). */
export const BULK_PER_MINUTE = 5;

const VERB: Readonly<Record<Outcome, { readonly action: string; readonly done: string }>> = {
  approved: { action: 'Approve', done: 'approved' },
  denied: { action: 'Deny', done: 'denied' },
};

interface Draft {
  readonly rationale: string;
  readonly durationDays: string;
  readonly toolId?: string;
  readonly exceptionReason: string;
}

type Problems = Partial<Record<'rationale' | 'durationDays' | 'toolId' | 'exceptionReason', string>>;

function check(draft: Draft, outcome: Outcome, single: PendingRequestSummary | undefined): Problems {
  const problems: Problems = {};
  const rationale = draft.rationale.trim();
  if (rationale.length < 3) problems.rationale = 'Give a short reason (at least 3 characters): it is recorded with the decision.';
  else if (rationale.length > 1_000) problems.rationale = 'Keep the reason under 1,000 characters.';
  if (single && outcome === 'approved') {
    const duration = wholeNumber(draft.durationDays);
    const plan = approvalPlan(single, duration);
    if (duration === undefined || duration < 1 || duration > 365) problems.durationDays = 'Enter a whole number of days from 1 to 365.';
    else if (plan.exception && duration > plan.exception.maxDays) problems.durationDays = `An exception may last at most ${days(plan.exception.maxDays)}.`;
    else if (plan.overMax && !plan.exception && single.bounds) {
      problems.durationDays = `At most ${days(single.bounds.maxDays)} can be approved for ${single.toolName}; a security reviewer may approve more as an exception.`;
    }
    if (plan.exception) {
      const reason = draft.exceptionReason.trim();
      if (reason.length < EXCEPTION_REASON_MIN) problems.exceptionReason = `Say in a sentence (at least ${EXCEPTION_REASON_MIN} characters) why the rules should not apply: it is recorded with the exception.`;
      else if (reason.length > 1_000) problems.exceptionReason = 'Keep the reason under 1,000 characters.';
    }
    if (single.newTool && draft.toolId === undefined) problems.toolId = 'Choose the catalog tool this request is approved as.';
  }
  return problems;
}

function durationHelper(request: PendingRequestSummary): string {
  const requested = `Requested: ${days(request.durationDays)}.`;
  const bounds = request.bounds;
  if (!bounds) return `${requested} You can approve fewer days; the tool's limit still applies.`;
  const within = `At most ${days(bounds.maxDays)} within the rules`;
  return bounds.exception ? `${requested} ${within}; up to ${days(bounds.exception.maxDays)} as an exception.` : `${requested} ${within}.`;
}

/**
 * Approve or deny one request, or confirm a bulk decision over the selected ones. A rationale is
 * always required: it is recorded with the decision and commented on each Jira issue. A single
 * approval past the rules (longer than the tool's maximum, or a tool the catalog blocks) is, for a
 * security reviewer, an approval as an exception with its own reason; anyone else reads why it is
 * refused and who may approve it.
 */
export function DecisionModal({
  outcome,
  requests,
  bulk,
  onClose,
  onDecided,
}: {
  readonly outcome: Outcome;
  readonly requests: readonly PendingRequestSummary[];
  readonly bulk: boolean;
  readonly onClose: () => void;
  readonly onDecided: (notice: Notice) => void;
}) {
  const single = bulk ? undefined : requests[0];
  const [draft, setDraft] = useState<Draft>({ rationale: '', durationDays: String(single?.durationDays ?? ''), exceptionReason: '' });
  const [problems, setProblems] = useState<Problems>({});
  const [error, setError] = useState<ClearwayError>();
  const { busy, run } = useBusy();
  const verb = VERB[outcome];
  const keys = requests.map((request) => request.issueKey);
  const approving = single !== undefined && outcome === 'approved';
  const plan = single ? approvalPlan(single, wholeNumber(draft.durationDays)) : { outside: [], blocked: false, overMax: false };
  const asException = approving && plan.exception !== undefined;
  // Nothing this person could send would be accepted: a blocked tool they may not approve as an exception, an exception governance allows none of, or a request they decide only as one.
  const refused =
    approving &&
    single.bounds !== undefined &&
    ((plan.blocked && !plan.exception) || plan.exception?.openLimit === 0 || (!single.bounds.mayDecide && plan.outside.length === 0));

  const submit = () =>
    run(async () => {
      const found = check(draft, outcome, single);
      setProblems(found);
      if (Object.keys(found).length > 0) return;
      const rationale = draft.rationale.trim();
      if (single) {
        const durationDays = wholeNumber(draft.durationDays);
        const answer = await callClearway('approvals.decide', {
          requestId: single.id,
          outcome,
          rationale,
          ...(outcome === 'approved' && durationDays !== undefined && durationDays !== single.durationDays && { durationDays }),
          ...(outcome === 'approved' && draft.toolId !== undefined && { toolId: draft.toolId }),
          ...(asException && { exception: { reason: draft.exceptionReason.trim() } }),
        });
        if (!answer.ok) return setError(answer.error);
        const granted = answer.data.grant ? ' A grant was created; access turns active once it is provisioned.' : '';
        const how = asException ? ' as an exception' : '';
        onDecided({ kind: 'success', title: `${single.issueKey} ${verb.done}${how}`, text: `${single.toolName} for ${single.issueKey} was ${verb.done}${how}.${granted}` });
        return;
      }
      const answer = await callClearway('approvals.bulkDecide', { requestIds: requests.map((request) => request.id), outcome, rationale });
      if (!answer.ok) return setError(answer.error);
      const byId = new Map(requests.map((request) => [request.id, request.issueKey]));
      const failed = answer.data.filter((item) => !item.ok);
      const decided = answer.data.length - failed.length;
      const reasons = failed.map((item) => `${byId.get(item.requestId) ?? item.requestId}: ${item.ok ? '' : item.error.message}`);
      onDecided({
        kind: failed.length === 0 ? 'success' : 'warning',
        title: `${plural(decided, 'request')} ${verb.done}`,
        text: failed.length === 0 ? `${keys.join(', ')} ${decided === 1 ? 'was' : 'were'} ${verb.done}.` : `${plural(failed.length, 'request')} could not be ${verb.done}: ${reasons.join('; ')}.`,
      });
    });

  const title = single ? `${verb.action} ${single.issueKey}` : `${verb.action} ${plural(requests.length, 'request')}?`;
  return (
    <FormModal
      title={title}
      submitLabel={asException ? 'Approve as exception' : single ? verb.action : `${verb.action} ${plural(requests.length, 'request')}`}
      appearance={outcome === 'approved' ? 'primary' : 'danger'}
      busy={busy}
      error={error}
      errorTitle={`Clearway could not record the decision`}
      onSubmit={submit}
      onClose={onClose}
      testId="decision-modal"
      isSubmitDisabled={refused}
    >
      {single ? (
        <Text>{`${single.toolName}${single.newTool ? ' (a tool outside the catalog)' : ''}, ${days(single.durationDays)} requested. Purpose: ${single.purpose}`}</Text>
      ) : (
        <Text>{`You are about to ${verb.action.toLowerCase()} ${keys.join(', ')}. Each request is decided on its own with this reason; any that cannot be ${verb.done} are listed afterwards.`}</Text>
      )}
      {single ? <RulesNotice request={single} plan={plan} approving={approving} /> : null}
      {single && outcome === 'approved' ? (
        <TextField
          name="durationDays"
          label="Days of access"
          type="number"
          helper={durationHelper(single)}
          value={draft.durationDays}
          onChange={(durationDays) => setDraft({ ...draft, durationDays })}
          error={problems.durationDays}
        />
      ) : null}
      {asException ? (
        <TextAreaField
          name="exceptionReason"
          label="Why the rules should not apply"
          isRequired
          helper="Recorded with the exception; the security reviewers reviewing it read it."
          value={draft.exceptionReason}
          onChange={(exceptionReason) => setDraft({ ...draft, exceptionReason })}
          error={problems.exceptionReason}
        />
      ) : null}
      {single?.newTool && outcome === 'approved' ? (
        <CatalogToolSelect value={draft.toolId} onChange={(toolId) => setDraft({ ...draft, toolId })} error={problems.toolId} />
      ) : null}
      <TextAreaField
        name="rationale"
        label="Reason"
        isRequired
        helper="Recorded with the decision and added to the Jira issue as a comment."
        value={draft.rationale}
        onChange={(rationale) => setDraft({ ...draft, rationale })}
        error={problems.rationale}
      />
    </FormModal>
  );
}
