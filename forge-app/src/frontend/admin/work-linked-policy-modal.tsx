import type { StatusCategoryKey } from '@clearway/core';
import { Heading, Stack, Text } from '@forge/react';
import React, { useState } from 'react';
import type { ResolverPayload, WorkPolicyView } from '../../resolvers/contract';
import { callClearway, errorText, fieldIssues, type ClearwayError } from '../clearway-client';
import { CheckboxField, MultiSelectField, NumberField, RadioField, SelectField, TextField, useFieldProblems } from '../components/fields';
import { FormModal } from '../components/form-modal';
import { useBusy, useClearway, useDebounced } from '../components/use-clearway';
import { APPROVAL_OPTIONS, CATEGORY_NAMES, LIVE_CATEGORIES, SUBJECT_OPTIONS } from './work-linked-labels';
import { WorkPolicyPreview } from './work-linked-preview';

export type WorkPolicyInput = ResolverPayload<'workLinked.save'>;
type LiveCategory = (typeof LIVE_CATEGORIES)[number]['key'];
type SubjectKind = WorkPolicyView['subject']['kind'];

/** The longest a work-linked grant may last (core's 90 days), in hours. */
export const MAX_HOURS = 90 * 24;

const PROJECT_KEY = /^[A-Z][A-Z0-9_]{1,19}$/;
const FIELD_ID = /^customfield_\d{1,10}$/;

interface PolicyDraft {
  readonly name: string;
  readonly projectKey: string;
  readonly issueTypeIds: readonly string[];
  readonly statusIds: readonly string[];
  readonly statusNames: Readonly<Record<string, string>>;
  readonly categoryKeys: readonly LiveCategory[];
  readonly subjectKind: SubjectKind;
  readonly fieldId: string;
  readonly fieldName: string;
  readonly toolId: string | undefined;
  readonly maxDurationHours: number | undefined;
  readonly approval: WorkPolicyView['approval'];
}

type Field = 'name' | 'projectKey' | 'issueTypeIds' | 'statuses' | 'fieldId' | 'toolId' | 'maxDurationHours';
type Problems = Partial<Record<Field, string>>;

const isLiveCategory = (key: StatusCategoryKey): key is LiveCategory => key !== 'done';

function draftOf(policy: WorkPolicyView | undefined): PolicyDraft {
  const subject = policy?.subject;
  return {
    name: policy?.name ?? '',
    projectKey: policy?.projectKey ?? '',
    issueTypeIds: policy?.issueTypeIds ?? [],
    statusIds: policy?.statusIds ?? [],
    statusNames: policy?.statusNames ?? {},
    categoryKeys: policy ? policy.categoryKeys.filter(isLiveCategory) : ['indeterminate'],
    subjectKind: subject?.kind ?? 'assignee',
    fieldId: subject?.kind === 'field' ? subject.fieldId : '',
    fieldName: subject?.kind === 'field' ? (subject.fieldName ?? '') : '',
    toolId: policy?.toolId,
    maxDurationHours: policy?.maxDurationHours ?? 72,
    approval: policy?.approval ?? 'automatic',
  };
}

/** What the browser can tell is missing or malformed; the rest (the tool's status, ids) is core's to judge. */
export function checkDraft(draft: PolicyDraft): Problems {
  const problems: Problems = {};
  if (draft.name.trim().length < 3) problems.name = 'Give the policy a name of at least 3 characters.';
  if (!PROJECT_KEY.test(draft.projectKey.trim())) problems.projectKey = 'Enter a Jira project key such as OPS: capital letters, digits or _.';
  if (draft.statusIds.length === 0 && draft.categoryKeys.length === 0) problems.statuses = 'Pick at least one live status, or a status category.';
  if (draft.subjectKind === 'field' && !FIELD_ID.test(draft.fieldId.trim())) problems.fieldId = "Enter the user-picker field's id, such as customfield_10050.";
  if (draft.toolId === undefined) problems.toolId = 'Choose the tool the policy grants.';
  if (draft.maxDurationHours === undefined) problems.maxDurationHours = `Enter a whole number of hours from 1 to ${MAX_HOURS}.`;
  return problems;
}

/** The names of the picked statuses, as the admin saw them (ids decide; names are for lists and notes). */
function namesOf(statusIds: readonly string[], nameOf: (id: string) => string | undefined): Record<string, string> {
  return Object.fromEntries(
    statusIds.flatMap((id) => {
      const name = nameOf(id);
      return name === undefined ? [] : [[id, name] as const];
    }),
  );
}

function inputOf(draft: PolicyDraft, policy: WorkPolicyView | undefined): WorkPolicyInput {
  const fieldName = draft.fieldName.trim();
  return {
    ...(policy && { id: policy.id, enabled: policy.enabled }),
    name: draft.name.trim(),
    projectKey: draft.projectKey.trim(),
    issueTypeIds: [...draft.issueTypeIds],
    statusIds: [...draft.statusIds],
    categoryKeys: [...draft.categoryKeys],
    statusNames: namesOf(draft.statusIds, (id) => draft.statusNames[id]),
    subject: draft.subjectKind === 'field' ? { kind: 'field', fieldId: draft.fieldId.trim(), ...(fieldName !== '' && { fieldName }) } : { kind: draft.subjectKind },
    toolId: draft.toolId ?? '',
    maxDurationHours: draft.maxDurationHours ?? 0,
    approval: draft.approval,
  };
}

/** The field a refusal's path (`subject.fieldId`, `statusIds.0`, `categoryKeys`) is about. */
function fieldOf(path: string): Field | undefined {
  const head = path.split('.')[0] ?? '';
  if (head === 'subject') return 'fieldId';
  if (head === 'statusIds' || head === 'categoryKeys' || head === 'statusNames') return 'statuses';
  const fields: readonly Field[] = ['name', 'projectKey', 'issueTypeIds', 'toolId', 'maxDurationHours'];
  return fields.find((field) => field === head);
}

export function problemsFrom(error: ClearwayError): Problems {
  const found: Problems = {};
  for (const issue of fieldIssues(error)) {
    const field = fieldOf(issue.path);
    if (field) found[field] = found[field] ? `${found[field]} ${issue.message}` : issue.message;
  }
  return found;
}

/** Why the picker has no statuses: a project Jira does not have is said as such; anything else with Jira's words. */
function statusesProblem(projectKey: string, error: ClearwayError): string {
  const aboutKey = fieldIssues(error).find((issue) => issue.path === 'projectKey');
  return aboutKey ? `${aboutKey.message}.` : `Jira's statuses for ${projectKey} could not be read: ${errorText(error)}`;
}

/** The project's issue types and statuses, read once the key has settled. */
function ProjectPickers({ projectKey, draft, problems, onChange }: { readonly projectKey: string; readonly draft: PolicyDraft; readonly problems: Problems; readonly onChange: (change: Partial<PolicyDraft>) => void }) {
  const types = useClearway('lookup.issueTypes', { projectKey });
  const statuses = useClearway('workLinked.projectStatuses', { projectKey });
  // Statuses in the Done category are where work ends: core never treats them as live, so they are not offered.
  const statusOptions = statuses.state.status === 'ready' ? statuses.state.data.filter((status) => status.categoryKey !== 'done').map((status) => ({ label: `${status.name} (${CATEGORY_NAMES[status.categoryKey]})`, value: status.id })) : [];
  const names = new Map(statuses.state.status === 'ready' ? statuses.state.data.map((status) => [status.id, status.name]) : []);
  const typeOptions = types.state.status === 'ready' ? types.state.data.map((type) => ({ label: type.name, value: type.id })) : [];
  const typesError = types.state.status === 'error' ? `Jira's issue types for ${projectKey} could not be read: ${errorText(types.state.error)}` : undefined;
  const statusesError = statuses.state.status === 'error' ? statusesProblem(projectKey, statuses.state.error) : undefined;
  return (
    <>
      <MultiSelectField
        name="workIssueTypes"
        label="Issue types (optional)"
        helper="Leave empty for every issue type of the project."
        options={typeOptions}
        values={draft.issueTypeIds}
        isLoading={types.state.status === 'loading'}
        onChange={(issueTypeIds) => onChange({ issueTypeIds })}
        error={problems.issueTypeIds ?? typesError}
      />
      <MultiSelectField
        name="workStatuses"
        label="Live statuses"
        helper="Access is live while the issue is in one of these statuses (or categories below), unresolved."
        options={statusOptions}
        values={draft.statusIds}
        isLoading={statuses.state.status === 'loading'}
        onChange={(statusIds) => onChange({ statusIds, statusNames: namesOf(statusIds, (id) => names.get(id) ?? draft.statusNames[id]) })}
        error={problems.statuses ?? statusesError}
      />
    </>
  );
}

/**
 * Adds or edits a work-linked access policy, with a preview of the open issues the draft would
 * grant on now. The browser asks only for what a policy cannot go without; core judges the rest
 * on save and its answer is shown on the field it is about.
 */
export function WorkPolicyModal({ policy, onClose, onSaved }: { readonly policy?: WorkPolicyView; readonly onClose: () => void; readonly onSaved: (saved: WorkPolicyView, added: boolean) => void }) {
  const [draft, setDraft] = useState<PolicyDraft>(draftOf(policy));
  const [pickerKey, setPickerKey] = useState(policy?.projectKey ?? '');
  const [problems, setProblems] = useState<Problems>({});
  const [error, setError] = useState<ClearwayError>();
  const numbers = useFieldProblems();
  const { busy, run } = useBusy();
  const catalog = useClearway('catalog.list', { limit: 100 });
  const settleProjectKey = useDebounced((key: string) => setPickerKey(key), 400);
  const set = (change: Partial<PolicyDraft>) => setDraft((current) => ({ ...current, ...change }));

  const tools = catalog.state.status === 'ready' ? catalog.state.data.items : [];
  // Only approved tools can be granted; a policy's own tool stays listed so editing it shows what it names.
  const toolOptions = tools.filter((tool) => tool.status === 'approved' || tool.id === policy?.toolId).map((tool) => ({ label: tool.status === 'approved' ? tool.name : `${tool.name} (${tool.status})`, value: tool.id }));

  const changeProject = (raw: string) => {
    const projectKey = raw.toUpperCase();
    // Statuses and issue types are per project: picks made for another project mean nothing here.
    set(projectKey.trim() === draft.projectKey.trim() ? { projectKey } : { projectKey, statusIds: [], statusNames: {}, issueTypeIds: [] });
    settleProjectKey(projectKey.trim());
  };

  const checked = (): WorkPolicyInput | undefined => {
    const found = checkDraft(draft);
    setProblems(found);
    return Object.keys(found).length > 0 || numbers.any ? undefined : inputOf(draft, policy);
  };

  const submit = () =>
    run(async () => {
      const input = checked();
      if (!input) return;
      const answer = await callClearway('workLinked.save', input);
      if (!answer.ok) {
        setProblems(problemsFrom(answer.error));
        setError(answer.error);
        return;
      }
      onSaved(answer.data, policy === undefined);
    });

  const toggleCategory = (key: LiveCategory, on: boolean) => set({ categoryKeys: on ? [...draft.categoryKeys.filter((candidate) => candidate !== key), key] : draft.categoryKeys.filter((candidate) => candidate !== key) });

  return (
    <FormModal
      title={policy ? `Edit ${policy.name}` : 'Add a work-linked access policy'}
      submitLabel={policy ? 'Save policy' : 'Add policy'}
      busy={busy}
      error={error}
      errorTitle="The work-linked access policy was not saved"
      onSubmit={submit}
      onClose={onClose}
      width="x-large"
      testId="work-policy-form"
    >
      <TextField name="workName" label="Name" isRequired value={draft.name} onChange={(name) => set({ name })} error={problems.name} />
      <TextField name="workProject" label="Project key" isRequired helper="The Jira project whose issues grant the tool, such as OPS." value={draft.projectKey} onChange={changeProject} error={problems.projectKey} />
      {PROJECT_KEY.test(pickerKey) ? (
        <ProjectPickers key={pickerKey} projectKey={pickerKey} draft={draft} problems={problems} onChange={set} />
      ) : (
        <Text>Enter the project key to pick its issue types and statuses.</Text>
      )}
      <Stack space="space.050">
        {LIVE_CATEGORIES.map((category) => (
          <CheckboxField key={category.key} name={`workCategory-${category.key}`} label={category.label} checked={draft.categoryKeys.includes(category.key)} onChange={(on) => toggleCategory(category.key, on)} />
        ))}
        {!PROJECT_KEY.test(pickerKey) && problems.statuses ? <Text color="color.text.danger">{problems.statuses}</Text> : null}
      </Stack>
      <RadioField name="workSubject" label="For whom" options={SUBJECT_OPTIONS} value={draft.subjectKind} onChange={(value) => set({ subjectKind: SUBJECT_OPTIONS.find((option) => option.value === value)?.value ?? 'assignee' })} />
      {draft.subjectKind === 'field' ? (
        <>
          <TextField name="workFieldId" label="User-picker field id" isRequired placeholder="customfield_10050" helper="Everyone the field names gets the tool while the issue is live." value={draft.fieldId} onChange={(fieldId) => set({ fieldId })} error={problems.fieldId} />
          <TextField name="workFieldName" label="Field name (optional)" helper="How lists and notes name the field, such as Responders." value={draft.fieldName} onChange={(fieldName) => set({ fieldName })} />
        </>
      ) : null}
      <SelectField
        name="workTool"
        label="Tool"
        isRequired
        options={toolOptions}
        value={draft.toolId}
        isLoading={catalog.state.status === 'loading'}
        placeholder="Choose a tool from the catalog"
        helper="Granted through the tool's fulfillment mode, like any approved request."
        onChange={(toolId) => set({ toolId })}
        error={problems.toolId ?? (catalog.state.status === 'error' ? `The catalog could not be read: ${errorText(catalog.state.error)}` : undefined)}
      />
      <NumberField
        name="workMaxHours"
        label="Maximum duration (hours)"
        isRequired
        min={1}
        max={MAX_HOURS}
        helper={`Access ends this long after the issue became live, even if the work goes on (at most ${MAX_HOURS} hours: 90 days).`}
        value={draft.maxDurationHours}
        onChange={(maxDurationHours) => set({ maxDurationHours })}
        onProblem={numbers.report}
        error={problems.maxDurationHours}
      />
      <RadioField name="workApproval" label="Approval" options={APPROVAL_OPTIONS} value={draft.approval} onChange={(value) => set({ approval: value === 'approver' ? 'approver' : 'automatic' })} />
      <Stack space="space.100">
        <Heading size="small">Preview</Heading>
        <WorkPolicyPreview input={checked} current={inputOf(draft, policy)} />
      </Stack>
    </FormModal>
  );
}
