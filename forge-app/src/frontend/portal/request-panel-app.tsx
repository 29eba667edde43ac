import { view } from '@forge/bridge';
import { SectionMessage, Stack, Text } from '@forge/react';
import React, { useEffect, useState } from 'react';
import type { PanelSubmission } from '../../intake/panel-form';
import type { CreatePanelView, ToolSummary } from '../../resolvers/contract';
import { SelectField, TextAreaField, TextField } from '../components/fields';
import { days } from '../components/format';
import { ErrorNotice, Loading } from '../components/states';
import { fulfillmentNote } from '../components/tool-notes';
import { useClearway } from '../components/use-clearway';
import { checkPanelDraft, chooseTool, durationLimit, EMPTY_DRAFT, NEW_TOOL, NOTHING_TO_SUBMIT, panelSubmission, type PanelDraft, type PanelField } from './panel-form';

/** Hands JSM the form: it stores the fields on the request it creates; `isValid` false holds the portal's Create back. */
function submitToPortal(submission: PanelSubmission): void {
  void view.submit(submission).catch(() => undefined);
}

function ToolGuidance({ tool }: { readonly tool: ToolSummary }) {
  return (
    <SectionMessage appearance="information" title={`${tool.name} (${tool.vendor})`}>
      <Stack space="space.050">
        {tool.guidance ? <Text>{tool.guidance}</Text> : null}
        <Text>{`Access lasts ${days(tool.defaultDurationDays)} unless you ask for another duration, up to ${days(tool.requestableMaxDays)}. ${fulfillmentNote(tool)}`}</Text>
      </Stack>
    </SectionMessage>
  );
}

function PanelForm({ panel }: { readonly panel: CreatePanelView }) {
  const [draft, setDraft] = useState<PanelDraft>(EMPTY_DRAFT);
  const [touched, setTouched] = useState<ReadonlySet<PanelField>>(new Set());
  const problems = checkPanelDraft(draft, panel.tools, panel.newToolMaxDays);
  const isValid = Object.keys(problems).length === 0;

  useEffect(() => {
    submitToPortal(panelSubmission(draft, isValid));
  }, [draft, isValid]);

  const edit = (field: PanelField, next: PanelDraft) => {
    setTouched(new Set([...touched, field]));
    setDraft(next);
  };
  // A field's problem shows once the customer has been there, so the form does not open in red.
  const shown = (field: PanelField) => (touched.has(field) ? problems[field] : undefined);
  const toolOptions = [
    ...panel.tools.map((tool) => ({ label: `${tool.name} (${tool.vendor})`, value: tool.id })),
    ...(panel.allowNewTools ? [{ label: 'Request new tool (not in the list)', value: NEW_TOOL }] : []),
  ];
  const selectedTool = panel.tools.find((tool) => tool.id === draft.tool);
  const limit = durationLimit(draft, panel.tools, panel.newToolMaxDays);

  return (
    <Stack space="space.150">
      <SelectField
        name="tool"
        label="AI tool"
        isRequired
        placeholder="Choose a tool"
        options={toolOptions}
        value={draft.tool}
        helper={panel.tools.length === 0 && !panel.allowNewTools ? 'No AI tools can be requested yet: ask your service desk.' : 'One tool per request, for you.'}
        onChange={(tool) => edit('tool', chooseTool(draft, tool, panel.tools, panel.newToolMaxDays))}
        error={shown('tool')}
      />
      {selectedTool ? <ToolGuidance tool={selectedTool} /> : null}
      {draft.tool === NEW_TOOL ? (
        <>
          <TextField name="newToolName" label="Name of the tool" isRequired value={draft.newToolName} onChange={(newToolName) => edit('newToolName', { ...draft, newToolName })} error={shown('newToolName')} />
          <TextField
            name="newToolUrl"
            label="Tool web address"
            type="url"
            placeholder="https://"
            helper="Helps approvers find the tool. Approvers check a new tool before it can be approved."
            value={draft.newToolUrl}
            onChange={(newToolUrl) => edit('newToolUrl', { ...draft, newToolUrl })}
            error={shown('newToolUrl')}
          />
        </>
      ) : null}
      <TextField
        name="durationDays"
        label="Days of access"
        type="number"
        isRequired
        isDisabled={!limit}
        value={draft.durationDays}
        helper={limit ? `From 1 to ${limit.max} days.` : 'Choose a tool first.'}
        onChange={(durationDays) => edit('durationDays', { ...draft, durationDays, durationEdited: true })}
        error={shown('durationDays')}
      />
      <TextAreaField
        name="purpose"
        label="What is the access for? (optional)"
        helper="If you leave this empty, the request's summary and description are used."
        value={draft.purpose}
        onChange={(purpose) => edit('purpose', { ...draft, purpose })}
        error={shown('purpose')}
      />
    </Stack>
  );
}

/**
 * The "Select AI tool" panel on the portal's create form. Where Clearway does not take requests
 * in (another portal or request type), it never holds the form back, and renders nothing for
 * customers; admins and approvers see why.
 */
export function RequestPanel() {
  const { state, reload } = useClearway('portal.createPanel', {});
  const closed = state.status === 'ready' && !state.data.enabled;
  const failed = state.status === 'error';
  useEffect(() => {
    // Outside intake, or when Clearway cannot answer, the portal's own form must still submit.
    if (closed || failed) submitToPortal(NOTHING_TO_SUBMIT);
  }, [closed, failed]);
  if (state.status === 'loading') return <Loading label="Loading AI tools" />;
  if (state.status === 'error') return <ErrorNotice title="The AI tool list could not be loaded" error={state.error} onRetry={reload} />;
  if (!state.data.enabled) {
    // The reason reaches only admins and approvers (the resolver leaves it out for customers), so they can tell why the panel is missing.
    return state.data.reason === undefined ? null : (
      <SectionMessage appearance="information" title="Clearway's AI tool panel is not shown here">
        <Text>{`${state.data.reason} Customers see nothing here; you see this because you administer or approve Clearway requests.`}</Text>
      </SectionMessage>
    );
  }
  return <PanelForm panel={state.data} />;
}
