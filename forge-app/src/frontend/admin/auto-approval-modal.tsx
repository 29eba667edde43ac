import type { AutoApprovalPolicy } from '@clearway/core';
import React, { useRef, useState } from 'react';
import { callClearway } from '../clearway-client';
import { CheckboxField, MultiSelectField, NumberField, TextField, useFieldProblems } from '../components/fields';
import { FormModal } from '../components/form-modal';
import { useDebounced, useGrowingList } from '../components/use-clearway';

function slug(name: string): string {
  const text = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63);
  return text === '' ? 'policy' : text;
}

/** Searches Jira groups as the admin types; chosen groups stay listed. */
function GroupsField({ values, onChange, error }: { readonly values: readonly string[]; readonly onChange: (groups: string[]) => void; readonly error?: string }) {
  const [found, setFound] = useState<readonly string[]>([]);
  const latest = useRef(0);
  const search = useDebounced((query: string) => {
    const round = ++latest.current;
    void callClearway('lookup.groups', { query: query.trim() }).then((answer) => {
      if (round === latest.current && answer.ok) setFound(answer.data.map((group) => group.name));
    });
  });
  const options = [...new Set([...values, ...found])].map((name) => ({ label: name, value: name }));
  return (
    <MultiSelectField
      name="allowedGroups"
      label="Requester groups"
      isRequired
      helper="The requester must belong to at least one of these Jira groups."
      options={options}
      values={values}
      placeholder="Type to search Jira groups"
      onSearch={search}
      onChange={onChange}
      error={error}
    />
  );
}

/** Add or edit an auto-approval policy: scope, requester groups and the longest duration it approves. */
export function AutoApprovalModal({ policy, taken, onClose, onSave }: { readonly policy?: AutoApprovalPolicy; readonly taken: readonly string[]; readonly onClose: () => void; readonly onSave: (policy: AutoApprovalPolicy) => void }) {
  const tools = useGrowingList('catalog.list', {}, 100);
  const [name, setName] = useState(policy?.name ?? '');
  const [toolIds, setToolIds] = useState<string[]>([...(policy?.scope.toolIds ?? [])]);
  const [projectKeys, setProjectKeys] = useState((policy?.scope.projectKeys ?? []).join(', '));
  const [groups, setGroups] = useState<string[]>([...(policy?.allowedGroups ?? [])]);
  const [autoApprove, setAutoApprove] = useState(policy?.autoApprove ?? true);
  const [maxDurationDays, setMaxDurationDays] = useState<number | undefined>(policy?.maxDurationDays);
  const [problems, setProblems] = useState<Partial<Record<'name' | 'groups' | 'projects', string>>>({});
  const numbers = useFieldProblems();

  const submit = () => {
    const found: typeof problems = {};
    if (name.trim() === '') found.name = 'Give the policy a name.';
    if (groups.length === 0) found.groups = 'Choose at least one Jira group.';
    const keys = projectKeys
      .split(',')
      .map((key) => key.trim().toUpperCase())
      .filter((key) => key !== '');
    if (keys.some((key) => !/^[A-Z][A-Z0-9_]{1,19}$/.test(key))) found.projects = 'Use Jira project keys such as AIR, separated by commas.';
    setProblems(found);
    if (Object.keys(found).length > 0 || numbers.any) return;
    let id = policy?.id ?? slug(name);
    for (let suffix = 2; !policy && taken.includes(id); suffix += 1) id = `${slug(name).slice(0, 60)}-${suffix}`;
    onSave({ id, name: name.trim(), scope: { projectKeys: keys, toolIds }, autoApprove, allowedGroups: groups, ...(maxDurationDays !== undefined && { maxDurationDays }) });
  };

  const toolOptions = tools.state.status === 'ready' ? tools.state.data.map((tool) => ({ label: tool.name, value: tool.id })) : [];
  return (
    <FormModal title={policy ? `Edit ${policy.name}` : 'Add an auto-approval policy'} submitLabel={policy ? 'Keep changes' : 'Add policy'} busy={false} onSubmit={submit} onClose={onClose} width="large" testId="auto-approval-modal">
      <TextField name="policyName" label="Name" isRequired value={name} onChange={setName} error={problems.name} />
      <MultiSelectField name="policyTools" label="Tools" helper="Leave empty for every tool." options={toolOptions} values={toolIds} isLoading={tools.state.status === 'loading'} onChange={setToolIds} />
      <TextField name="policyProjects" label="Intake projects" helper="Project keys separated by commas; leave empty for every intake project." value={projectKeys} onChange={setProjectKeys} error={problems.projects} />
      <GroupsField values={groups} onChange={setGroups} error={problems.groups} />
      <NumberField name="policyMaxDays" label="Longest duration it approves (days)" helper="Longer requests wait for an approver. Leave empty for the tool's limit." min={1} max={365} value={maxDurationDays} onProblem={numbers.report} onChange={setMaxDurationDays} />
      <CheckboxField name="policyAutoApprove" label="Approve matching requests automatically (off keeps the policy but pauses it)" checked={autoApprove} onChange={setAutoApprove} />
    </FormModal>
  );
}
