import type { GovernanceRules } from '@clearway/core';
import { Heading, Stack, Text } from '@forge/react';
import React from 'react';
import { MultiSelectField, NumberField, SelectField, ToggleField, useFieldProblems } from '../components/fields';
import { PeopleField } from '../components/people-field';
import { Loaded } from '../components/states';
import { useClearway } from '../components/use-clearway';
import { ApprovalRoutingSummary } from './approval-routing-summary';
import { accountProblem, projectsWithoutApprovers } from './approver-routing';
import { Delegations } from './delegations';
import { useGovernanceDraft, type GovernanceDraft } from './governance-draft';
import { GovernanceSaveBar } from './governance-save-bar';
import { ProjectApprovers } from './project-approvers';

type Intake = GovernanceRules['intake'];

function PortalField({ intake, onChange }: { readonly intake: Intake; readonly onChange: (intake: Intake) => void }) {
  const { state } = useClearway('lookup.serviceDesks', {});
  const desks = state.status === 'ready' ? state.data : [];
  const options = desks.map((desk) => ({ label: `${desk.projectName} (${desk.projectKey})`, value: desk.id }));
  const known = intake.portalId === undefined || desks.some((desk) => desk.id === intake.portalId);
  return (
    <SelectField
      name="portal"
      label="Service project and portal"
      isRequired
      placeholder="Choose a service project"
      options={known || !intake.portalId ? options : [...options, { label: `${intake.projectKey ?? 'Unknown project'} (portal ${intake.portalId})`, value: intake.portalId }]}
      value={intake.portalId}
      isLoading={state.status === 'loading'}
      helper="Requests are taken in from this project's customer portal only."
      {...(state.status === 'error' && { error: `Service projects could not be listed: ${state.error.message}` })}
      onChange={(portalId) => {
        const desk = desks.find((candidate) => candidate.id === portalId);
        if (!desk) return;
        const sameProject = desk.projectKey === intake.projectKey;
        // Another project has other request types and issue types: the old choices no longer apply.
        onChange({ ...intake, portalId: desk.id, projectKey: desk.projectKey, requestTypeIds: [], ...(sameProject ? {} : { recertIssueTypeId: undefined }) });
      }}
    />
  );
}

function RequestTypesField({ portalId, values, onChange }: { readonly portalId: string; readonly values: readonly string[]; readonly onChange: (ids: string[]) => void }) {
  const { state } = useClearway('lookup.requestTypes', { serviceDeskId: portalId });
  return (
    <MultiSelectField
      name="requestTypes"
      label="Request types"
      options={state.status === 'ready' ? state.data.map((type) => ({ label: type.name, value: type.id })) : []}
      values={values}
      isLoading={state.status === 'loading'}
      placeholder="Every request type"
      helper="The “Select AI tool” panel shows on these request types only. Leave empty for every request type of the portal."
      {...(state.status === 'error' && { error: `Request types could not be listed: ${state.error.message}` })}
      onChange={onChange}
    />
  );
}

function RecertIssueTypeField({ projectKey, value, onChange }: { readonly projectKey: string; readonly value: string | undefined; readonly onChange: (id: string | undefined) => void }) {
  const { state } = useClearway('lookup.issueTypes', { projectKey });
  return (
    <SelectField
      name="recertIssueType"
      label="Review-before-expiry issue type"
      isClearable
      placeholder="No recertification issues"
      options={state.status === 'ready' ? state.data.map((type) => ({ label: type.name, value: type.id })) : []}
      value={value}
      isLoading={state.status === 'loading'}
      helper={`Clearway opens an issue of this type in ${projectKey} for each grant entering its review window.`}
      {...(state.status === 'error' && { error: `Issue types could not be listed: ${state.error.message}` })}
      onChange={onChange}
    />
  );
}

function IntakeForm({ draft, rules }: { readonly draft: GovernanceDraft; readonly rules: GovernanceRules }) {
  const problems = useFieldProblems();
  const setIntake = (intake: Intake) => draft.edit((current) => ({ ...current, intake }));
  const { intake, approvers, escalation } = rules;
  // Read once per render: the delegation list, its checks and the summary agree on what "now" is.
  const now = Date.now();
  return (
    <Stack space="space.300">
      <Stack space="space.150">
        <Heading size="medium">Intake</Heading>
        <PortalField intake={intake} onChange={setIntake} />
        {intake.portalId ? <RequestTypesField portalId={intake.portalId} values={intake.requestTypeIds} onChange={(requestTypeIds) => setIntake({ ...intake, requestTypeIds })} /> : null}
      </Stack>
      <Stack space="space.150">
        <Heading size="medium">Approvals</Heading>
        <PeopleField
          name="approvers"
          label="Approvers"
          helper="Decide requests from every project without approvers of its own (below). Nobody approves their own request."
          accountIds={approvers.default}
          error={accountProblem(draft.error, 'approvers.default', approvers.default)}
          onChange={(ids) => draft.edit((current) => ({ ...current, approvers: { ...current.approvers, default: ids } }))}
        />
        <PeopleField
          name="securityReviewers"
          label="Security reviewers"
          helper="Decide requests for tools whose risk rule needs a security review."
          accountIds={approvers.securityReviewers}
          error={accountProblem(draft.error, 'approvers.securityReviewers', approvers.securityReviewers)}
          onChange={(ids) => draft.edit((current) => ({ ...current, approvers: { ...current.approvers, securityReviewers: ids } }))}
        />
        <ToggleField
          name="adminFallback"
          label="Jira admins may approve"
          helper="When on, Jira admins can decide any request, also when no approver is set."
          checked={approvers.adminFallback}
          onChange={(adminFallback) => draft.edit((current) => ({ ...current, approvers: { ...current.approvers, adminFallback } }))}
        />
        <ProjectApprovers rules={rules} edit={draft.edit} error={draft.error} />
        <Delegations rules={rules} edit={draft.edit} error={draft.error} now={now} />
        <ApprovalRoutingSummary rules={rules} now={now} />
      </Stack>
      <Stack space="space.150">
        <Heading size="medium">Escalation</Heading>
        <NumberField
          name="approvalSlaHours"
          label="Escalate after (hours)"
          isRequired
          min={1}
          max={720}
          value={escalation.approvalSlaHours}
          helper="A request still pending after this long is escalated."
          onProblem={problems.report}
          onChange={(hours) => {
            if (hours !== undefined) draft.edit((current) => ({ ...current, escalation: { ...current.escalation, approvalSlaHours: hours } }));
          }}
        />
        <PeopleField
          name="escalateTo"
          label="Escalate to"
          helper="Told about requests past the escalation time, besides the approvers."
          accountIds={escalation.escalateTo}
          error={accountProblem(draft.error, 'escalation.escalateTo', escalation.escalateTo)}
          onChange={(ids) => draft.edit((current) => ({ ...current, escalation: { ...current.escalation, escalateTo: ids } }))}
        />
      </Stack>
      <Stack space="space.150">
        <Heading size="medium">Review before expiry</Heading>
        <NumberField
          name="reviewWindowDays"
          label="Review window (days before expiry)"
          isRequired
          min={1}
          max={90}
          value={rules.reviewWindowDays}
          onProblem={problems.report}
          onChange={(reviewWindowDays) => {
            if (reviewWindowDays !== undefined) draft.edit((current) => ({ ...current, reviewWindowDays }));
          }}
        />
        {intake.projectKey ? (
          <RecertIssueTypeField projectKey={intake.projectKey} value={intake.recertIssueTypeId} onChange={(recertIssueTypeId) => setIntake({ ...intake, recertIssueTypeId })} />
        ) : (
          <Text>Choose the service project first to pick the review-before-expiry issue type.</Text>
        )}
      </Stack>
      <GovernanceSaveBar draft={draft} blocked={problems.any || projectsWithoutApprovers(rules).length > 0} />
    </Stack>
  );
}

/** Intake & Approvals: where requests come in, who decides them, escalation and recertification. */
export function IntakeTab() {
  const draft = useGovernanceDraft();
  return (
    <Loaded state={draft.state} loading="Loading the intake settings" errorTitle="Clearway could not load the intake settings" onRetry={draft.reload}>
      {(version) => (draft.rules ? <IntakeForm key={version.id} draft={draft} rules={draft.rules} /> : null)}
    </Loaded>
  );
}
