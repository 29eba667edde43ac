import type { RiskLevel, Tool, ToolStatus } from '@clearway/core';
import React, { useState } from 'react';
import type { ConnectorView } from '../../resolvers/contract';
import { callClearway, fieldIssues, type ClearwayError } from '../clearway-client';
import { CheckboxField, SelectField, TextAreaField, TextField } from '../components/fields';
import { FormModal } from '../components/form-modal';
import { wholeNumber } from '../components/format';
import { RISK_OPTIONS, TOOL_STATUS_OPTIONS } from '../components/status';
import { useBusy } from '../components/use-clearway';

interface ToolDraft {
  readonly name: string;
  readonly vendor: string;
  readonly status: ToolStatus;
  readonly riskLevel: RiskLevel;
  readonly defaultDurationDays: string;
  readonly maxDurationDays: string;
  readonly guidance: string;
  readonly url: string;
  readonly connectorId: string;
  readonly groupId: string;
  readonly groupName: string;
  readonly createIfMissing: boolean;
}

type Problems = Partial<Record<keyof ToolDraft, string>>;

function draftOf(tool: Tool | undefined): ToolDraft {
  return {
    name: tool?.name ?? '',
    vendor: tool?.vendor ?? '',
    status: tool?.status ?? 'approved',
    riskLevel: tool?.riskLevel ?? 'medium',
    defaultDurationDays: String(tool?.defaultDurationDays ?? 30),
    maxDurationDays: String(tool?.maxDurationDays ?? 90),
    guidance: tool?.guidance ?? '',
    url: tool?.url ?? '',
    connectorId: tool?.fulfillment.connectorId ?? 'manual',
    groupId: tool?.fulfillment.group.groupId ?? '',
    groupName: tool?.fulfillment.group.name ?? '',
    createIfMissing: tool?.fulfillment.group.createIfMissing ?? false,
  };
}

function isWebAddress(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

function check(draft: ToolDraft): Problems {
  const problems: Problems = {};
  if (draft.name.trim() === '') problems.name = 'Give the tool a name.';
  else if (draft.name.trim().length > 120) problems.name = 'Keep the name under 120 characters.';
  if (draft.vendor.trim() === '') problems.vendor = 'Name the vendor.';
  const defaultDays = wholeNumber(draft.defaultDurationDays);
  const maxDays = wholeNumber(draft.maxDurationDays);
  if (maxDays === undefined || maxDays < 1 || maxDays > 365) problems.maxDurationDays = 'Enter a whole number of days from 1 to 365.';
  if (defaultDays === undefined || defaultDays < 1 || defaultDays > 365) problems.defaultDurationDays = 'Enter a whole number of days from 1 to 365.';
  else if (maxDays !== undefined && defaultDays > maxDays) problems.defaultDurationDays = 'The default cannot be longer than the maximum.';
  if (draft.guidance.length > 4_000) problems.guidance = 'Keep the guidance under 4,000 characters.';
  if (draft.url.trim() !== '' && !isWebAddress(draft.url.trim())) problems.url = 'Enter a web address starting with https://';
  return problems;
}

/** Maps the backend's field paths (`fulfillment.connectorId`) onto this form's fields. */
const ISSUE_FIELDS: Readonly<Record<string, keyof ToolDraft>> = {
  name: 'name',
  vendor: 'vendor',
  defaultDurationDays: 'defaultDurationDays',
  maxDurationDays: 'maxDurationDays',
  guidance: 'guidance',
  url: 'url',
  'fulfillment.connectorId': 'connectorId',
};

/** Add a tool to the catalog, or edit one: status, risk, durations, guidance and its fulfillment mode. */
export function ToolFormModal({ tool, connectors, onClose, onSaved }: { readonly tool?: Tool; readonly connectors: readonly ConnectorView[]; readonly onClose: () => void; readonly onSaved: (tool: Tool) => void }) {
  const [draft, setDraft] = useState<ToolDraft>(draftOf(tool));
  const [problems, setProblems] = useState<Problems>({});
  const [error, setError] = useState<ClearwayError>();
  const { busy, run } = useBusy();
  const set = (change: Partial<ToolDraft>) => setDraft({ ...draft, ...change });
  const connector = connectors.find((candidate) => candidate.id === draft.connectorId);
  const manual = connector?.providerType === 'manual';

  const submit = () =>
    run(async () => {
      const found = check(draft);
      setProblems(found);
      if (Object.keys(found).length > 0) return;
      const group = {
        ...(draft.groupId.trim() !== '' && { groupId: draft.groupId.trim() }),
        ...(draft.groupName.trim() !== '' && { name: draft.groupName.trim() }),
        ...(!manual && draft.createIfMissing && { createIfMissing: true }),
      };
      const answer = await callClearway('catalog.save', {
        ...(tool && { id: tool.id }),
        name: draft.name.trim(),
        vendor: draft.vendor.trim(),
        status: draft.status,
        riskLevel: draft.riskLevel,
        defaultDurationDays: wholeNumber(draft.defaultDurationDays) ?? 1,
        maxDurationDays: wholeNumber(draft.maxDurationDays) ?? 1,
        guidance: draft.guidance,
        ...(draft.url.trim() !== '' && { url: draft.url.trim() }),
        fulfillment: { connectorId: draft.connectorId, group },
      });
      if (!answer.ok) {
        const fromServer: Problems = {};
        for (const issue of fieldIssues(answer.error)) {
          const field = ISSUE_FIELDS[issue.path];
          if (field) fromServer[field] = issue.message;
        }
        setProblems(fromServer);
        setError(answer.error);
        return;
      }
      onSaved(answer.data);
    });

  return (
    <FormModal title={tool ? `Edit ${tool.name}` : 'Add a tool'} submitLabel={tool ? 'Save tool' : 'Add tool'} busy={busy} error={error} errorTitle="The tool was not saved" onSubmit={submit} onClose={onClose} width="large" testId="tool-form">
      <TextField name="toolName" label="Name" isRequired value={draft.name} onChange={(name) => set({ name })} error={problems.name} />
      <TextField name="vendor" label="Vendor" isRequired value={draft.vendor} onChange={(vendor) => set({ vendor })} error={problems.vendor} />
      <SelectField
        name="status"
        label="Status"
        isRequired
        options={TOOL_STATUS_OPTIONS}
        value={draft.status}
        helper="Approved tools can be requested; blocked and denied tools stay governed but cannot be requested."
        onChange={(status) => set({ status: (TOOL_STATUS_OPTIONS.find((option) => option.value === status)?.value ?? draft.status) })}
      />
      <SelectField name="riskLevel" label="Risk level" isRequired options={RISK_OPTIONS} value={draft.riskLevel} helper="The governance risk rules for this level apply." onChange={(riskLevel) => set({ riskLevel: (RISK_OPTIONS.find((option) => option.value === riskLevel)?.value ?? draft.riskLevel) })} />
      <TextField name="defaultDurationDays" label="Default expiry (days)" type="number" isRequired value={draft.defaultDurationDays} onChange={(defaultDurationDays) => set({ defaultDurationDays })} error={problems.defaultDurationDays} />
      <TextField name="maxDurationDays" label="Maximum duration (days)" type="number" isRequired helper="The governance risk rule may allow less." value={draft.maxDurationDays} onChange={(maxDurationDays) => set({ maxDurationDays })} error={problems.maxDurationDays} />
      <TextAreaField name="guidance" label="Guidance for requesters" helper="Shown under Approved Tools and on the portal when the tool is chosen." value={draft.guidance} onChange={(guidance) => set({ guidance })} error={problems.guidance} />
      <TextField name="url" label="Tool web address" placeholder="https://" value={draft.url} onChange={(url) => set({ url })} error={problems.url} />
      <SelectField
        name="connectorId"
        label="Fulfillment"
        isRequired
        options={connectors.map((candidate) => ({ label: `${candidate.name} (${candidate.providerName ?? candidate.providerType})${candidate.enabled ? '' : ' — disabled'}`, value: candidate.id }))}
        value={draft.connectorId}
        helper="The connector that gives and removes access after approval. Manual fulfillment: an approver does it by hand."
        onChange={(connectorId) => set({ connectorId: connectorId ?? 'manual' })}
        error={problems.connectorId}
      />
      <TextField
        name="groupName"
        label={manual ? 'Access target (optional)' : 'Configured group name'}
        helper={manual ? 'What the person fulfilling gives access to, for example a workspace or licence pool.' : "The one group Clearway manages for this tool; make that group grant the tool in your identity provider."}
        value={draft.groupName}
        onChange={(groupName) => set({ groupName })}
      />
      {manual ? null : (
        <>
          <TextField name="groupId" label="Configured group id (optional)" helper="Binds the group by its id instead of its name." value={draft.groupId} onChange={(groupId) => set({ groupId })} />
          <CheckboxField name="createIfMissing" label="Create the group if no group has this name" checked={draft.createIfMissing} onChange={(createIfMissing) => set({ createIfMissing })} />
        </>
      )}
    </FormModal>
  );
}
