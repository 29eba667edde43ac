// UI Kit entry for jiraServiceManagement:portalRequestCreatePropertyPanel: the "Select AI tool"
// form. It renders only where the backend says intake applies, and hands JSM the form with
// `view.submit`; JSM stores it on the request it creates, and intake takes it from there.
import { view } from '@forge/bridge';
import ForgeReconciler, { Label, Select, Spinner, Stack, TextArea, Textfield } from '@forge/react';
import React, { useEffect, useState } from 'react';
import { PANEL_FORM_MARKER, type PanelFormInput } from '../intake/panel-form.js';
import type { ResolverResponse } from '../resolvers/contract.js';
import { callClearway } from './clearway-client.js';

interface Choice {
  readonly toolId?: string;
  readonly durationDays?: number;
  readonly purpose?: string;
}

function selectedValue(option: unknown): string | undefined {
  const value: unknown = typeof option === 'object' && option !== null ? (option as { value?: unknown }).value : undefined;
  return typeof value === 'string' ? value : undefined;
}

function RequestPanel() {
  const [panel, setPanel] = useState<ResolverResponse<'portal.createPanel'>>();
  const [choice, setChoice] = useState<Choice>({});
  useEffect(() => {
    void callClearway('portal.createPanel', {}).then(setPanel);
  }, []);
  const enabled = panel?.ok === true && panel.data.enabled;
  useEffect(() => {
    if (!panel) return;
    // Where Clearway does not take requests in, the panel must never hold the portal's form back.
    if (!enabled) {
      void view.submit({ fields: {}, isValid: true });
      return;
    }
    const fields: PanelFormInput = { form: PANEL_FORM_MARKER, ...choice };
    void view.submit({ fields, isValid: choice.toolId !== undefined });
  }, [panel, enabled, choice]);
  if (!panel) return <Spinner label="Loading AI tools" />;
  if (!panel.ok || !enabled) return null;
  const options = panel.data.tools.map((tool) => ({ label: `${tool.name} (${tool.vendor})`, value: tool.id }));
  return (
    <Stack space="space.100">
      <Label labelFor="clearway-tool">AI tool</Label>
      <Select inputId="clearway-tool" options={options} onChange={(option: unknown) => setChoice({ ...choice, toolId: selectedValue(option) })} />
      <Label labelFor="clearway-days">Days of access</Label>
      <Textfield
        id="clearway-days"
        type="number"
        onChange={(event) => {
          const raw: unknown = event.target.value;
          const days = Number(raw);
          setChoice({ ...choice, durationDays: Number.isInteger(days) && days > 0 ? days : undefined });
        }}
      />
      <Label labelFor="clearway-purpose">What is the access for?</Label>
      <TextArea
        id="clearway-purpose"
        onChange={(event) => {
          const raw: unknown = event.target.value;
          setChoice({ ...choice, purpose: typeof raw === 'string' ? raw : undefined });
        }}
      />
    </Stack>
  );
}

ForgeReconciler.render(
  <React.StrictMode>
    <RequestPanel />
  </React.StrictMode>,
);
