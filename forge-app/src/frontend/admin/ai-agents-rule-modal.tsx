import type { AgentRule } from '@clearway/core';
import React, { useState } from 'react';
import { RadioField, TextAreaField, TextField, ToggleField } from '../components/fields';
import { FormModal } from '../components/form-modal';
import { RuleGroupField } from './ai-agents-group-field';

export const EFFECT_OPTIONS = [
  { label: 'Allow', value: 'allow' },
  { label: 'Deny', value: 'deny' },
];

const NEW_RULE: AgentRule = { client: '*', group: null, operation: '', effect: 'deny', requireGrant: false };

/**
 * Adds or edits one rule of the draft. The browser asks only for what a rule cannot go without (an
 * operation, a client); the glob, the group's existence and the rest are core's to judge on save,
 * and its answer is shown on the rule's row.
 */
export function RuleModal({ rule, position, onClose, onKeep }: { readonly rule?: AgentRule; readonly position: number; readonly onClose: () => void; readonly onKeep: (rule: AgentRule) => void }) {
  const start = rule ?? NEW_RULE;
  const [client, setClient] = useState(start.client);
  const [group, setGroup] = useState(start.group);
  const [operation, setOperation] = useState(start.operation);
  const [effect, setEffect] = useState(start.effect);
  const [requireGrant, setRequireGrant] = useState(start.requireGrant);
  const [note, setNote] = useState(start.note ?? '');
  const [problems, setProblems] = useState<Partial<Record<'client' | 'operation', string>>>({});

  const submit = () => {
    const found: typeof problems = {};
    if (client.trim() === '') found.client = 'Name an AI client such as claude, or * for any.';
    if (operation.trim() === '') found.operation = 'Name a tool such as searchJiraIssuesUsingJql, or a pattern such as delete* (* is every operation).';
    setProblems(found);
    if (Object.keys(found).length > 0) return;
    onKeep({
      client: client.trim(),
      group,
      operation: operation.trim(),
      effect,
      // A grant can only narrow an allow: a deny rule never carries it.
      requireGrant: effect === 'allow' && requireGrant,
      ...(note.trim() !== '' && { note: note.trim() }),
    });
  };

  return (
    <FormModal title={rule ? `Edit rule ${position}` : `Add rule ${position}`} submitLabel={rule ? 'Keep changes' : 'Add rule'} busy={false} onSubmit={submit} onClose={onClose} width="large" testId="agent-rule-modal">
      <TextField name="ruleClient" label="AI client" isRequired helper="The name the assistant registered with (claude, chatgpt, cursor…), or * for any." value={client} onChange={setClient} error={problems.client} />
      <RuleGroupField value={group} onChange={setGroup} />
      <TextField
        name="ruleOperation"
        label="Operation"
        isRequired
        helper="A tool name, or a pattern: delete* is anything that deletes, *Confluence* anything about Confluence, * everything."
        value={operation}
        onChange={setOperation}
        error={problems.operation}
      />
      <RadioField name="ruleEffect" label="Effect" options={EFFECT_OPTIONS} value={effect} onChange={(value) => setEffect(value === 'allow' ? 'allow' : 'deny')} />
      {effect === 'allow' ? (
        <ToggleField
          name="ruleRequireGrant"
          label="Only with the client's Clearway grant"
          helper="Allow only people who hold active Clearway access to the catalog tool linked to this AI client; others are told to request it."
          checked={requireGrant}
          onChange={setRequireGrant}
        />
      ) : null}
      <TextAreaField name="ruleNote" label="Note" helper="Why the rule exists; blocked calls quote it." value={note} onChange={setNote} />
    </FormModal>
  );
}
