import { ErrorMessage, HelperMessage, Label, Select, Stack } from '@forge/react';
import React, { useRef, useState } from 'react';
import { callClearway } from '../clearway-client';
import { MultiSelectField } from '../components/fields';
import { optionValue } from '../components/format';
import { useDebounced } from '../components/use-clearway';

/** Jira group names matching what the admin types, asked once typing pauses; only the latest answer counts. */
function useGroupSearch(): { readonly found: readonly string[]; readonly searching: boolean; readonly search: (query: string) => void } {
  const [found, setFound] = useState<readonly string[]>([]);
  const [searching, setSearching] = useState(false);
  const latest = useRef(0);
  const search = useDebounced((query: string) => {
    const round = ++latest.current;
    setSearching(true);
    void callClearway('lookup.groups', { query: query.trim() }).then((answer) => {
      if (round !== latest.current) return;
      setSearching(false);
      if (answer.ok) setFound(answer.data.map((group) => group.name));
    });
  });
  return { found, searching, search };
}

/** The value of "Any user" in the group picker: a rule without a group. */
const ANY_USER = '';

/** One Jira group, or any user (null): the user-group column of an agent rule. */
export function RuleGroupField({ value, onChange, error }: { readonly value: string | null; readonly onChange: (group: string | null) => void; readonly error?: string }) {
  const { found, searching, search } = useGroupSearch();
  const names = [...new Set([...(value === null ? [] : [value]), ...found])];
  const options = [{ label: 'Any user', value: ANY_USER }, ...names.map((name) => ({ label: name, value: name }))];
  return (
    <Stack space="space.050">
      <Label labelFor="ruleGroup">User group</Label>
      <Select
        inputId="ruleGroup"
        name="ruleGroup"
        options={options}
        value={options.find((option) => option.value === (value ?? ANY_USER)) ?? null}
        isLoading={searching}
        isInvalid={error !== undefined}
        placeholder="Type to search Jira groups"
        onInputChange={(query: string) => search(query)}
        onChange={(option: unknown) => {
          const chosen = optionValue(option);
          onChange(chosen === undefined || chosen === ANY_USER ? null : chosen);
        }}
      />
      <HelperMessage>The person's Atlassian group, as Jira reports it when they call; Any user matches everyone.</HelperMessage>
      {error ? <ErrorMessage>{error}</ErrorMessage> : null}
    </Stack>
  );
}

/** Several Jira groups: who a call is explained for. */
export function GroupsField({ name, label, helper, values, onChange }: { readonly name: string; readonly label: string; readonly helper?: string; readonly values: readonly string[]; readonly onChange: (groups: string[]) => void }) {
  const { found, searching, search } = useGroupSearch();
  const options = [...new Set([...values, ...found])].map((group) => ({ label: group, value: group }));
  return (
    <MultiSelectField
      name={name}
      label={label}
      {...(helper !== undefined && { helper })}
      options={options}
      values={values}
      isLoading={searching}
      placeholder="Type to search Jira groups"
      onSearch={search}
      onChange={onChange}
    />
  );
}
