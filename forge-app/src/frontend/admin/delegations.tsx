import type { GovernanceRules } from '@clearway/core';
import { Button, DynamicTable, ErrorMessage, Heading, Inline, Lozenge, Stack, Text, User } from '@forge/react';
import React, { useState } from 'react';
import type { ClearwayError } from '../clearway-client';
import { DateField } from '../components/fields';
import { FormModal } from '../components/form-modal';
import { PeopleField } from '../components/people-field';
import { accountProblem, delegationProblems, isInForce, lastDayOf, untilOfDay, type Delegation, type DelegationProblems } from './approver-routing';
import type { GovernanceDraft } from './governance-draft';

type Approvers = GovernanceRules['approvers'];

/** From (an approver), to (anyone), until (a day): the delegate decides what the approver decides until that day ends. */
function AddDelegationModal({ approvers, now, onClose, onAdd }: { readonly approvers: Approvers; readonly now: number; readonly onClose: () => void; readonly onAdd: (delegation: Delegation) => void }) {
  const [from, setFrom] = useState<string>();
  const [to, setTo] = useState<string>();
  const [day, setDay] = useState('');
  const [problems, setProblems] = useState<DelegationProblems>({});
  const submit = () => {
    const found = delegationProblems({ from, to, day }, approvers, now);
    setProblems(found);
    const until = untilOfDay(day);
    if (Object.keys(found).length === 0 && from !== undefined && to !== undefined && until !== undefined) onAdd({ from, to, until });
  };
  return (
    <FormModal title="Delegate an approver's decisions" submitLabel="Add delegation" busy={false} onSubmit={submit} onClose={onClose} testId="delegation-modal">
      <PeopleField name="delegateFrom" label="From" single helper="An approver or security reviewer, for example while they are away." accountIds={from === undefined ? [] : [from]} onChange={(ids) => setFrom(ids[0])} error={problems.from} />
      <PeopleField name="delegateTo" label="To" single helper="Decides what they decide, for the same projects and tools." accountIds={to === undefined ? [] : [to]} onChange={(ids) => setTo(ids[0])} error={problems.to} />
      <DateField name="delegateUntil" label="Until" isRequired helper="The delegation holds to the end of this day (UTC), then ends by itself." value={day} onChange={setDay} error={problems.until} />
    </FormModal>
  );
}

/** Delegations, in force and expired: an expired one decides nothing and can be removed to tidy up. */
export function Delegations({ rules, edit, error, now }: { readonly rules: GovernanceRules; readonly edit: GovernanceDraft['edit']; readonly error: ClearwayError | undefined; readonly now: number }) {
  const [adding, setAdding] = useState(false);
  const { delegations } = rules.approvers;
  const setDelegations = (change: (list: readonly Delegation[]) => Delegation[]) => edit((current) => ({ ...current, approvers: { ...current.approvers, delegations: change(current.approvers.delegations) } }));
  return (
    <Stack space="space.100">
      <Heading size="small">Delegations</Heading>
      {delegations.length === 0 ? (
        <Text>No delegations: only the people named above decide.</Text>
      ) : (
        <DynamicTable
          testId="delegations"
          head={{
            cells: [
              { key: 'from', content: 'From' },
              { key: 'to', content: 'To' },
              { key: 'until', content: 'Until' },
              { key: 'state', content: 'State' },
              { key: 'actions', content: '' },
            ],
          }}
          rows={delegations.map((delegation, index) => {
            const problem = accountProblem(error, `approvers.delegations.${index}`, [delegation.from, delegation.to]);
            return {
              key: `${index}-${delegation.from}-${delegation.to}-${delegation.until}`,
              cells: [
                { key: 'from', content: <User accountId={delegation.from} /> },
                {
                  key: 'to',
                  content: (
                    <Stack space="space.050">
                      <User accountId={delegation.to} />
                      {problem ? <ErrorMessage>{problem}</ErrorMessage> : null}
                    </Stack>
                  ),
                },
                { key: 'until', content: lastDayOf(delegation.until) },
                { key: 'state', content: isInForce(delegation, now) ? <Lozenge appearance="success">in force</Lozenge> : <Lozenge appearance="default">expired</Lozenge> },
                {
                  key: 'actions',
                  content: (
                    <Button appearance="subtle" testId={`remove-delegation-${index}`} onClick={() => setDelegations((list) => list.filter((_, at) => at !== index))}>
                      Remove
                    </Button>
                  ),
                },
              ],
            };
          })}
        />
      )}
      <Inline>
        <Button onClick={() => setAdding(true)}>Add delegation</Button>
      </Inline>
      {adding ? (
        <AddDelegationModal
          approvers={rules.approvers}
          now={now}
          onClose={() => setAdding(false)}
          onAdd={(delegation) => {
            setDelegations((list) => [...list, delegation]);
            setAdding(false);
          }}
        />
      ) : null}
    </Stack>
  );
}
