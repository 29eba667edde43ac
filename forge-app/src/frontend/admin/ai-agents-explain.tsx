import { Box, Heading, Inline, LoadingButton, Stack, Text, xcss } from '@forge/react';
import React, { useState } from 'react';
import type { ExplainView } from '../../resolvers/contract';
import { callClearway, type ClearwayError } from '../clearway-client';
import { TextField } from '../components/fields';
import { PeopleField } from '../components/people-field';
import { ErrorNotice } from '../components/states';
import { useBusy } from '../components/use-clearway';
import { GroupsField } from './ai-agents-group-field';
import { EffectLozenge } from './ai-agents-labels';

const ANSWER = xcss({ borderColor: 'color.border', borderStyle: 'solid', borderWidth: 'border.width', borderRadius: 'radius.medium', padding: 'space.150' });

function Answer({ answer }: { readonly answer: ExplainView }) {
  const who = answer.name ?? (answer.groups.length > 0 ? `someone in ${answer.groups.join(', ')}` : 'someone in no group');
  return (
    <Box xcss={ANSWER} testId="explain-answer">
      <Stack space="space.100">
        <Inline space="space.100" alignBlock="center">
          <EffectLozenge effect={answer.decision ? answer.decision.effect : answer.effect} />
          <Text>{`Decided by ${answer.decidedBy} of agent policy v${answer.policyVersion}.`}</Text>
        </Inline>
        <Text size="small">{`Asked for ${who}${answer.name !== undefined ? ` (groups: ${answer.groups.length > 0 ? answer.groups.join(', ') : 'none'})` : ''}.`}</Text>
        {answer.rule?.note ? <Text>{`The rule's note: ${answer.rule.note}`}</Text> : null}
        {answer.requiresGrant ? (
          <Text>{answer.toolId !== undefined ? `Allowed only with an active Clearway grant for ${answer.toolId}.` : "Allowed only with a Clearway grant, but this AI client is not linked to a catalog tool, so no one is allowed."}</Text>
        ) : null}
        {answer.decision ? <Text weight="bold">{answer.decision.reason}</Text> : null}
        {answer.requiresGrant && !answer.decision ? <Text size="small">Choose a person to check whether they hold that grant.</Text> : null}
      </Stack>
    </Box>
  );
}

/**
 * "Explain a call": which rule of the policy in force decides a call, and why. Naming a person
 * uses their Jira groups (unless groups are chosen) and checks the grant condition for them, as
 * their real call would be.
 */
export function ExplainCall() {
  const [client, setClient] = useState('claude');
  const [operation, setOperation] = useState('');
  const [people, setPeople] = useState<string[]>([]);
  const [groups, setGroups] = useState<string[]>([]);
  const [problem, setProblem] = useState<string>();
  const [result, setResult] = useState<{ readonly answer: ExplainView } | { readonly error: ClearwayError }>();
  const { busy, run } = useBusy();
  const [accountId] = people;

  const explain = () => {
    if (client.trim() === '' || operation.trim() === '') {
      setProblem('Name the AI client and the operation to explain.');
      return;
    }
    setProblem(undefined);
    void run(async () => {
      const answer = await callClearway('gateway.explain', {
        client: client.trim(),
        operation: operation.trim(),
        // No groups chosen for a named person: theirs, read from Jira.
        ...((groups.length > 0 || accountId === undefined) && { groups }),
        ...(accountId !== undefined && { accountId }),
      });
      setResult(answer.ok ? { answer: answer.data } : { error: answer.error });
    });
  };

  return (
    <Stack space="space.150">
      <Heading size="small">Explain a call</Heading>
      <Inline space="space.200" alignBlock="start" shouldWrap>
        <TextField name="explainClient" label="AI client" value={client} onChange={setClient} />
        <TextField name="explainOperation" label="Operation" placeholder="deleteJiraIssue" value={operation} onChange={setOperation} error={problem} />
      </Inline>
      <PeopleField name="explainPerson" label="Person (optional)" helper="Explains the call as theirs: their Jira groups and whether they hold the grant a rule asks for." single accountIds={people} onChange={setPeople} />
      <GroupsField name="explainGroups" label="Groups" helper="Leave empty to use the person's Jira groups (or no group, when no person is chosen)." values={groups} onChange={setGroups} />
      <Inline>
        <LoadingButton isLoading={busy} onClick={explain}>
          Explain
        </LoadingButton>
      </Inline>
      {result && 'error' in result ? <ErrorNotice title="The call could not be explained" error={result.error} /> : null}
      {result && 'answer' in result ? <Answer answer={result.answer} /> : null}
    </Stack>
  );
}
