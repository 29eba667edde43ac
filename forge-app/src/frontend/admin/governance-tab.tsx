import type { AutoApprovalPolicy, GovernanceRules, RiskLevel } from '@clearway/core';
import { Box, Button, ButtonGroup, DynamicTable, Heading, Inline, Stack, Text, xcss } from '@forge/react';
import React, { useState } from 'react';
import { ActorName } from '../components/actor';
import { NumberField, RadioField, ToggleField, useFieldProblems } from '../components/fields';
import { days, formatDateTime } from '../components/format';
import { Pager } from '../components/paging';
import { Loaded } from '../components/states';
import { RiskLozenge } from '../components/status';
import { usePagedList } from '../components/use-clearway';
import { AutoApprovalModal } from './auto-approval-modal';
import { ExceptionRules, ExceptionsOverview } from './governance-exceptions';
import { useGovernanceDraft, type GovernanceDraft } from './governance-draft';
import { GovernanceSaveBar } from './governance-save-bar';

const RISKS: readonly RiskLevel[] = ['low', 'medium', 'high', 'critical'];
const ROW = xcss({ borderColor: 'color.border', borderStyle: 'solid', borderWidth: 'border.width', borderRadius: 'radius.medium', padding: 'space.150' });

const UNKNOWN_TOOL_OPTIONS = [
  { label: 'Block requests for tools outside the catalog', value: 'block' },
  { label: 'Allow “Request new tool”: approvers add the tool to the catalog before approving', value: 'allow_request' },
];

type Report = (name: string, problem: string | undefined) => void;

function RiskRules({ rules, edit, report }: { readonly rules: GovernanceRules; readonly edit: GovernanceDraft['edit']; readonly report: Report }) {
  const setRule = (risk: RiskLevel, change: Partial<GovernanceRules['riskRules'][RiskLevel]>) =>
    edit((current) => ({ ...current, riskRules: { ...current.riskRules, [risk]: { ...current.riskRules[risk], ...change } } }));
  return (
    <Stack space="space.100">
      {RISKS.map((risk) => {
        const rule = rules.riskRules[risk];
        return (
          <Box key={risk} xcss={ROW} testId={`risk-${risk}`}>
            <Inline space="space.300" alignBlock="start" shouldWrap>
              <RiskLozenge risk={risk} />
              <ToggleField name={`risk-${risk}-approval`} label="Needs an approver" checked={rule.requiresApproval} onChange={(requiresApproval) => setRule(risk, { requiresApproval })} />
              <NumberField
                name={`risk-${risk}-max`}
                label="Longest access (days)"
                isRequired
                min={1}
                max={365}
                value={rule.maxDurationDays}
                onProblem={report}
                onChange={(maxDurationDays) => {
                  if (maxDurationDays !== undefined) setRule(risk, { maxDurationDays });
                }}
              />
              <ToggleField name={`risk-${risk}-security`} label="Security review" checked={rule.requiresSecurityReview} onChange={(requiresSecurityReview) => setRule(risk, { requiresSecurityReview })} />
            </Inline>
          </Box>
        );
      })}
      <Text size="small">Without an approver, requests at that risk level are approved when they come in. Security review means only security reviewers (or admins, when allowed) decide, never an auto-approval policy.</Text>
    </Stack>
  );
}

function scopeText(policy: AutoApprovalPolicy): string {
  const tools = policy.scope.toolIds.length === 0 ? 'every tool' : policy.scope.toolIds.join(', ');
  const projects = policy.scope.projectKeys.length === 0 ? 'every intake project' : policy.scope.projectKeys.join(', ');
  return `${tools} in ${projects}`;
}

function AutoApprovalPolicies({ rules, edit }: { readonly rules: GovernanceRules; readonly edit: GovernanceDraft['edit'] }) {
  const [open, setOpen] = useState<{ readonly policy?: AutoApprovalPolicy }>();
  const save = (policy: AutoApprovalPolicy) => {
    edit((current) => {
      const exists = current.autoApproval.some((candidate) => candidate.id === policy.id);
      return { ...current, autoApproval: exists ? current.autoApproval.map((candidate) => (candidate.id === policy.id ? policy : candidate)) : [...current.autoApproval, policy] };
    });
    setOpen(undefined);
  };
  return (
    <Stack space="space.100">
      {rules.autoApproval.length === 0 ? (
        <Text>No auto-approval policies: every request that needs an approver waits for one.</Text>
      ) : (
        <DynamicTable
          testId="auto-approval"
          head={{
            cells: [
              { key: 'name', content: 'Policy' },
              { key: 'scope', content: 'Applies to' },
              { key: 'groups', content: 'Requester groups' },
              { key: 'max', content: 'Up to' },
              { key: 'state', content: 'State' },
              { key: 'actions', content: '' },
            ],
          }}
          rows={rules.autoApproval.map((policy) => ({
            key: policy.id,
            cells: [
              { key: 'name', content: policy.name },
              { key: 'scope', content: scopeText(policy) },
              { key: 'groups', content: policy.allowedGroups.join(', ') },
              { key: 'max', content: policy.maxDurationDays !== undefined ? days(policy.maxDurationDays) : "the tool's limit" },
              { key: 'state', content: policy.autoApprove ? 'approves automatically' : 'paused' },
              {
                key: 'actions',
                content: (
                  <ButtonGroup label={`Manage ${policy.name}`}>
                    <Button testId={`edit-policy-${policy.id}`} onClick={() => setOpen({ policy })}>
                      Edit
                    </Button>
                    <Button appearance="subtle" testId={`remove-policy-${policy.id}`} onClick={() => edit((current) => ({ ...current, autoApproval: current.autoApproval.filter((candidate) => candidate.id !== policy.id) }))}>
                      Remove
                    </Button>
                  </ButtonGroup>
                ),
              },
            ],
          }))}
        />
      )}
      <Inline>
        <Button onClick={() => setOpen({})}>Add auto-approval policy</Button>
      </Inline>
      {open ? <AutoApprovalModal {...(open.policy && { policy: open.policy })} taken={rules.autoApproval.map((policy) => policy.id)} onClose={() => setOpen(undefined)} onSave={save} /> : null}
    </Stack>
  );
}

function GovernanceForm({ draft, rules }: { readonly draft: GovernanceDraft; readonly rules: GovernanceRules }) {
  const problems = useFieldProblems();
  const { edit } = draft;
  return (
    <Stack space="space.300">
      <Stack space="space.150">
        <Heading size="medium">Risk rules</Heading>
        <RiskRules rules={rules} edit={edit} report={problems.report} />
      </Stack>
      <Stack space="space.150">
        <Heading size="medium">Auto-approval policies</Heading>
        <AutoApprovalPolicies rules={rules} edit={edit} />
      </Stack>
      <Stack space="space.150">
        <Heading size="medium">Unknown tools</Heading>
        <RadioField name="unknownTools" label="Requests for tools outside the catalog" options={UNKNOWN_TOOL_OPTIONS} value={rules.unknownTools} onChange={(value) => edit((current) => ({ ...current, unknownTools: value === 'block' ? 'block' : 'allow_request' }))} />
      </Stack>
      <Stack space="space.150">
        <Heading size="medium">Lifecycle</Heading>
        <NumberField name="stalePendingDays" label="Close undecided requests after (days)" isRequired min={1} max={365} value={rules.stalePendingDays} onProblem={problems.report} onChange={(value) => value !== undefined && edit((current) => ({ ...current, stalePendingDays: value }))} />
        <NumberField name="driftCheckDays" label="Check group membership every (days)" isRequired min={1} max={90} value={rules.drift.checkIntervalDays} onProblem={problems.report} onChange={(value) => value !== undefined && edit((current) => ({ ...current, drift: { ...current.drift, checkIntervalDays: value } }))} />
        <ToggleField
          name="deprovisionUnexpected"
          label="Remove unexpected members"
          helper="When a group still has someone whose grant ended, remove them (otherwise drift is only reported)."
          checked={rules.drift.deprovisionUnexpected}
          onChange={(deprovisionUnexpected) => edit((current) => ({ ...current, drift: { ...current.drift, deprovisionUnexpected } }))}
        />
        <ToggleField
          name="restoreMissing"
          label="Put back missing members"
          helper="When someone with an active grant was taken out of the group by hand, add them again (otherwise drift is only reported)."
          checked={rules.drift.restoreMissing}
          onChange={(restoreMissing) => edit((current) => ({ ...current, drift: { ...current.drift, restoreMissing } }))}
        />
        <NumberField
          name="retentionDays"
          label="Keep governance log events and cached identities for (days)"
          isRequired
          min={30}
          max={3650}
          value={rules.retentionDays}
          onProblem={problems.report}
          onChange={(value) => value !== undefined && edit((current) => ({ ...current, retentionDays: value }))}
        />
      </Stack>
      <Stack space="space.150">
        <Heading size="medium">Exceptions</Heading>
        <ExceptionRules rules={rules} edit={edit} report={problems.report} />
      </Stack>
      <GovernanceSaveBar draft={draft} blocked={problems.any} />
    </Stack>
  );
}

function VersionHistory() {
  const list = usePagedList('governance.versions', {}, 20);
  return (
    <Stack space="space.150">
      <Heading size="medium">Version history</Heading>
      <Loaded state={list.state} loading="Loading the version history" errorTitle="The version history could not be loaded" onRetry={list.reload}>
        {(versions) =>
          versions.length === 0 ? (
            <Text>No version saved yet: the defaults apply until the policy is saved.</Text>
          ) : (
            <Stack space="space.100">
              <DynamicTable
                testId="governance-versions"
                head={{
                  cells: [
                    { key: 'version', content: 'Version' },
                    { key: 'saved', content: 'Saved' },
                    { key: 'by', content: 'By' },
                    { key: 'note', content: 'Note' },
                  ],
                }}
                rows={versions.map((version) => ({
                  key: version.id,
                  cells: [
                    { key: 'version', content: `Version ${version.policyVersion}` },
                    { key: 'saved', content: formatDateTime(version.createdAt) },
                    { key: 'by', content: <ActorName actor={version.createdBy} /> },
                    { key: 'note', content: version.note ?? '' },
                  ],
                }))}
              />
              <Pager list={list} />
            </Stack>
          )
        }
      </Loaded>
    </Stack>
  );
}

/** Governance: risk rules, auto-approval policies, unknown-tool handling, lifecycle and exceptions, saved as versions; the exceptions in force below. */
export function GovernanceTab() {
  const draft = useGovernanceDraft();
  return (
    <Stack space="space.400">
      <Loaded state={draft.state} loading="Loading the governance policy" errorTitle="Clearway could not load the governance policy" onRetry={draft.reload}>
        {(version) => (
          <Stack space="space.200">
            <Text>{`In force: version ${version.policyVersion}${version.policyVersion > 0 ? `, saved ${formatDateTime(version.createdAt)}` : ' (defaults, not saved yet)'}.`}</Text>
            {draft.rules ? <GovernanceForm key={`form-${version.id}`} draft={draft} rules={draft.rules} /> : null}
            {/* Mounted with the version in force: the limits the report compares against are read again after a save. */}
            <ExceptionsOverview key={`exceptions-${version.id}`} />
            {/* Mounted with the version in force, so the history is read again after every save. */}
            <VersionHistory key={`history-${version.id}`} />
          </Stack>
        )}
      </Loaded>
    </Stack>
  );
}
