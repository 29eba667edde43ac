import type { AgentPolicyRules, AgentPolicyVersion, AgentRule } from '@clearway/core';
import { Button, ButtonGroup, Code, DynamicTable, Heading, Inline, LoadingButton, Stack, Text } from '@forge/react';
import React, { useState } from 'react';
import { callClearway, fieldIssues, type ClearwayError } from '../clearway-client';
import { ActorName } from '../components/actor';
import { RadioField, TextField, ToggleField } from '../components/fields';
import { formatDateTime, plural } from '../components/format';
import { Pager } from '../components/paging';
import { ErrorNotice, Loaded, NoticeMessage, type Notice } from '../components/states';
import { useBusy, useClearway, usePagedList } from '../components/use-clearway';
import { ClientLinksEditor } from './ai-agents-client-links';
import { ExplainCall } from './ai-agents-explain';
import { clientText, EffectLozenge } from './ai-agents-labels';
import { RuleModal } from './ai-agents-rule-modal';

/**
 * Problems of a refused save by list and index: the payload's check names `rules.rules.N.…` and
 * `rules.clients.N.…`, core's own check `rules.N.…` and `clients.N.…`.
 */
function listProblems(error: ClearwayError | undefined, list: 'rules' | 'clients'): ReadonlyMap<number, readonly string[]> {
  const found = new Map<number, string[]>();
  const pattern = new RegExp(`(?:^|\\.)${list}\\.(\\d+)(?:\\.|$)`);
  for (const issue of error ? fieldIssues(error) : []) {
    const match = pattern.exec(issue.path);
    if (!match) continue;
    const index = Number(match[1]);
    found.set(index, [...(found.get(index) ?? []), issue.message]);
  }
  return found;
}

function moved<T>(items: readonly T[], from: number, to: number): T[] {
  const next = [...items];
  const [item] = next.splice(from, 1);
  if (item !== undefined) next.splice(to, 0, item);
  return next;
}

function RulesTable({ rules, problems, onEdit, onChange }: { readonly rules: readonly AgentRule[]; readonly problems: ReadonlyMap<number, readonly string[]>; readonly onEdit: (index: number) => void; readonly onChange: (rules: AgentRule[]) => void }) {
  if (rules.length === 0) return <Text>No rules: the default decision applies to every call.</Text>;
  return (
    <DynamicTable
      testId="agent-rules"
      caption="Rules, read top to bottom: the first that matches decides"
      head={{
        cells: [
          { key: 'order', content: '#' },
          { key: 'client', content: 'AI client' },
          { key: 'group', content: 'User group' },
          { key: 'operation', content: 'Operation' },
          { key: 'effect', content: 'Effect' },
          { key: 'grant', content: 'Grant' },
          { key: 'note', content: 'Note' },
          { key: 'actions', content: '' },
        ],
      }}
      rows={rules.map((rule, index) => {
        const problem = problems.get(index);
        return {
          key: `rule-${index}`,
          isHighlighted: problem !== undefined,
          cells: [
            { key: 'order', content: String(index + 1) },
            { key: 'client', content: clientText(rule.client) },
            { key: 'group', content: rule.group ?? 'Any user' },
            { key: 'operation', content: <Code>{rule.operation}</Code> },
            { key: 'effect', content: <EffectLozenge effect={rule.effect} /> },
            { key: 'grant', content: rule.requireGrant ? 'required' : '' },
            {
              key: 'note',
              content: (
                <Stack space="space.050">
                  {rule.note ? <Text>{rule.note}</Text> : null}
                  {problem ? <Text color="color.text.danger">{problem.join(' ')}</Text> : null}
                </Stack>
              ),
            },
            {
              key: 'actions',
              content: (
                <ButtonGroup label={`Rule ${index + 1}`}>
                  <Button spacing="compact" testId={`rule-edit-${index}`} onClick={() => onEdit(index)}>
                    Edit
                  </Button>
                  <Button spacing="compact" testId={`rule-up-${index}`} isDisabled={index === 0} onClick={() => onChange(moved(rules, index, index - 1))}>
                    Move up
                  </Button>
                  <Button spacing="compact" testId={`rule-down-${index}`} isDisabled={index === rules.length - 1} onClick={() => onChange(moved(rules, index, index + 1))}>
                    Move down
                  </Button>
                  <Button spacing="compact" appearance="subtle" testId={`rule-delete-${index}`} onClick={() => onChange(rules.filter((_, at) => at !== index))}>
                    Delete
                  </Button>
                </ButtonGroup>
              ),
            },
          ],
        };
      })}
    />
  );
}

/**
 * The draft of the policy in force: default decision and ordered rules, saved as a new version
 * that applies to the very next call. A refused save names each problem on its rule.
 */
function PolicyForm({ version, onSaved }: { readonly version: AgentPolicyVersion; readonly onSaved: (saved: AgentPolicyVersion) => void }) {
  const [draft, setDraft] = useState<AgentPolicyRules>(version.rules);
  const [note, setNote] = useState('');
  const [editing, setEditing] = useState<{ readonly index?: number }>();
  const [error, setError] = useState<ClearwayError>();
  const { busy, run } = useBusy();
  const dirty = JSON.stringify(draft) !== JSON.stringify(version.rules);
  const setRules = (rules: AgentRule[]) => setDraft((current) => ({ ...current, rules }));

  const save = () =>
    void run(async () => {
      const answer = await callClearway('gateway.savePolicy', { rules: draft, ...(note.trim() !== '' && { note: note.trim() }) });
      if (!answer.ok) {
        setError(answer.error);
        return;
      }
      setError(undefined);
      onSaved(answer.data);
    });

  const keep = (rule: AgentRule) => {
    const index = editing?.index;
    setRules(index === undefined ? [...draft.rules, rule] : draft.rules.map((candidate, at) => (at === index ? rule : candidate)));
    setEditing(undefined);
  };

  return (
    <Stack space="space.300">
      <Stack space="space.100">
        <Heading size="small">Default decision</Heading>
        <RadioField
          name="defaultEffect"
          label="When no rule matches"
          options={[
            { label: 'Allow: calls go through unless a rule denies them', value: 'allow' },
            { label: 'Deny: calls are blocked unless a rule allows them', value: 'deny' },
          ]}
          value={draft.defaultEffect}
          onChange={(value) => setDraft((current) => ({ ...current, defaultEffect: value === 'allow' ? 'allow' : 'deny', defaultRequiresGrant: value === 'allow' && current.defaultRequiresGrant }))}
        />
        {draft.defaultEffect === 'allow' ? (
          <ToggleField
            name="defaultRequiresGrant"
            label="Only with the client's Clearway grant"
            helper="Allow by default only people who hold active Clearway access to the AI client's catalog tool."
            checked={draft.defaultRequiresGrant}
            onChange={(defaultRequiresGrant) => setDraft((current) => ({ ...current, defaultRequiresGrant }))}
          />
        ) : null}
      </Stack>
      <Stack space="space.100">
        <Heading size="small">Rules</Heading>
        <Text>Each call is checked against the rules from the top; the first rule whose AI client, user group and operation all match decides. Put the rules that matter most near the top.</Text>
        <RulesTable rules={draft.rules} problems={listProblems(error, 'rules')} onEdit={(index) => setEditing({ index })} onChange={setRules} />
        <Inline>
          <Button onClick={() => setEditing({})}>Add rule</Button>
        </Inline>
      </Stack>
      <Stack space="space.100">
        <Heading size="small">AI clients and their catalog tools</Heading>
        <ClientLinksEditor clients={draft.clients} problems={listProblems(error, 'clients')} onChange={(clients) => setDraft((current) => ({ ...current, clients }))} />
      </Stack>
      <Stack space="space.100">
        {error ? <ErrorNotice title="The agent policy was not saved" error={error} /> : null}
        <TextField name="agentPolicyNote" label="What changed (optional)" helper="Shown in the version history." value={note} onChange={setNote} />
        <Inline space="space.100">
          <LoadingButton appearance="primary" isLoading={busy} isDisabled={!dirty} onClick={save}>
            Save policy
          </LoadingButton>
          <Button
            appearance="subtle"
            isDisabled={!dirty}
            onClick={() => {
              setDraft(version.rules);
              setError(undefined);
            }}
          >
            Discard changes
          </Button>
        </Inline>
      </Stack>
      {editing ? (
        <RuleModal
          {...(editing.index !== undefined && draft.rules[editing.index] && { rule: draft.rules[editing.index] })}
          position={(editing.index ?? draft.rules.length) + 1}
          onClose={() => setEditing(undefined)}
          onKeep={keep}
        />
      ) : null}
    </Stack>
  );
}

function VersionHistory() {
  const list = usePagedList('gateway.policyVersions', {}, 20);
  return (
    <Stack space="space.150">
      <Heading size="small">Version history</Heading>
      <Loaded state={list.state} loading="Loading the version history" errorTitle="The version history could not be loaded" onRetry={list.reload}>
        {(versions) =>
          versions.length === 0 ? (
            <Text>No version saved yet: the built-in default applies (allow only people who hold the AI client's Clearway grant).</Text>
          ) : (
            <Stack space="space.100">
              <DynamicTable
                testId="agent-policy-versions"
                head={{
                  cells: [
                    { key: 'version', content: 'Version' },
                    { key: 'saved', content: 'Saved' },
                    { key: 'by', content: 'By' },
                    { key: 'policy', content: 'Policy' },
                    { key: 'note', content: 'Note' },
                  ],
                }}
                rows={versions.map((saved) => ({
                  key: saved.id,
                  cells: [
                    { key: 'version', content: `Version ${saved.policyVersion}` },
                    { key: 'saved', content: formatDateTime(saved.createdAt) },
                    { key: 'by', content: <ActorName actor={saved.createdBy} /> },
                    { key: 'policy', content: `default ${saved.rules.defaultEffect}, ${plural(saved.rules.rules.length, 'rule')}` },
                    { key: 'note', content: saved.note ?? '' },
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

/** Agent Policy: the default decision and ordered rules (saved as versions), the version history, and "explain a call". */
export function AgentPolicyPanel() {
  const { state, reload } = useClearway('gateway.policy', {});
  const [notice, setNotice] = useState<Notice>();
  return (
    <Loaded state={state} loading="Loading the agent policy" errorTitle="Clearway could not load the agent policy" onRetry={reload}>
      {(version) => (
        <Stack space="space.400">
          <Text>
            {version.policyVersion > 0
              ? `In force: version ${version.policyVersion}, saved ${formatDateTime(version.createdAt)}.`
              : "In force: the built-in default (version 0): calls are allowed for people who hold the AI client's Clearway grant, and no one else."}
          </Text>
          <NoticeMessage notice={notice} />
          {/* Mounted per version: after a save the draft starts from what is now in force. */}
          <PolicyForm
            key={`form-${version.id}-${version.policyVersion}`}
            version={version}
            onSaved={(saved) => {
              setNotice({ kind: 'success', title: `Saved as version ${saved.policyVersion}`, text: 'It applies to the very next call an AI assistant makes.' });
              reload();
            }}
          />
          <ExplainCall key={`explain-${version.policyVersion}`} />
          <VersionHistory key={`history-${version.policyVersion}`} />
        </Stack>
      )}
    </Loaded>
  );
}
