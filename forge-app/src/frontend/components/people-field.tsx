import { Button, ErrorMessage, HelperMessage, Inline, Label, Select, Stack, Text, User } from '@forge/react';
import React, { useRef, useState } from 'react';
import type { PersonSummary } from '../../resolvers/contract';
import { callClearway } from '../clearway-client';
import { useDebounced } from './use-clearway';
import { optionValue } from './format';

/**
 * Chooses Jira people: the chosen are shown by name (the host resolves account ids), and a search
 * asks Jira for matches as the admin types.
 */
export function PeopleField({
  name,
  label,
  helper,
  error,
  accountIds,
  onChange,
  single,
}: {
  readonly name: string;
  readonly label: string;
  readonly helper?: string;
  readonly error?: string;
  readonly accountIds: readonly string[];
  readonly onChange: (accountIds: string[]) => void;
  /** One person only: choosing another replaces them. */
  readonly single?: boolean;
}) {
  const [found, setFound] = useState<readonly PersonSummary[]>([]);
  const [searching, setSearching] = useState(false);
  const [searchError, setSearchError] = useState<string>();
  const latest = useRef(0);

  const search = useDebounced((query: string) => {
    const text = query.trim();
    if (text.length < 2) return;
    const round = ++latest.current;
    setSearching(true);
    void callClearway('lookup.people', { query: text }).then((answer) => {
      if (round !== latest.current) return;
      setSearching(false);
      if (!answer.ok) {
        setSearchError(answer.error.message);
        return;
      }
      setSearchError(undefined);
      setFound(answer.data);
    });
  });

  const options = found.filter((person) => !accountIds.includes(person.accountId)).map((person) => ({ label: person.displayName || person.accountId, value: person.accountId }));
  return (
    <Stack space="space.050">
      <Label labelFor={name}>{label}</Label>
      {accountIds.length === 0 ? <Text>Nobody yet.</Text> : null}
      {accountIds.map((accountId) => (
        <Inline key={accountId} space="space.100" alignBlock="center">
          <User accountId={accountId} />
          <Button appearance="subtle" spacing="compact" testId={`${name}-remove-${accountId}`} onClick={() => onChange(accountIds.filter((id) => id !== accountId))}>
            Remove
          </Button>
        </Inline>
      ))}
      <Select
        inputId={name}
        name={name}
        placeholder="Type a name to search"
        options={options}
        value={null}
        isLoading={searching}
        onInputChange={(query: string) => search(query)}
        onChange={(option: unknown) => {
          const accountId = optionValue(option);
          if (accountId !== undefined) onChange(single ? [accountId] : [...accountIds, accountId]);
        }}
      />
      {helper ? <HelperMessage>{helper}</HelperMessage> : null}
      {searchError ? <ErrorMessage>{searchError}</ErrorMessage> : error ? <ErrorMessage>{error}</ErrorMessage> : null}
    </Stack>
  );
}
