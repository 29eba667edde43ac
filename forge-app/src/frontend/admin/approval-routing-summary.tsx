import type { GovernanceRules } from '@clearway/core';
import { DynamicTable, Heading, Inline, Stack, Text, User } from '@forge/react';
import React from 'react';
import { approvalRouting, lastDayOf, type Delegation } from './approver-routing';

function People({ accountIds, none }: { readonly accountIds: readonly string[]; readonly none: string }) {
  if (accountIds.length === 0) return <Text>{none}</Text>;
  return (
    <Inline space="space.100" shouldWrap>
      {accountIds.map((accountId) => (
        <User key={accountId} accountId={accountId} />
      ))}
    </Inline>
  );
}

function Delegates({ delegations }: { readonly delegations: readonly Delegation[] }) {
  if (delegations.length === 0) return <Text>None</Text>;
  return (
    <Stack space="space.050">
      {delegations.map((delegation) => (
        <Inline key={`${delegation.from}-${delegation.to}-${delegation.until}`} space="space.050" alignBlock="center" shouldWrap>
          <User accountId={delegation.to} />
          <Text>for</Text>
          <User accountId={delegation.from} />
          <Text>{`until ${lastDayOf(delegation.until)}`}</Text>
        </Inline>
      ))}
    </Stack>
  );
}

/**
 * Who may approve what, at a glance, for the rules as they stand in the form: each project's
 * deciders (its own or the default approvers), their delegates in force, the security reviewers
 * for risk levels that need review, and whether Jira admins are the fallback.
 */
export function ApprovalRoutingSummary({ rules, now }: { readonly rules: GovernanceRules; readonly now: number }) {
  const routing = approvalRouting(rules, now);
  const { security } = routing;
  const review =
    security.levels.length === 0 ? (
      <Text>No risk level needs a security review.</Text>
    ) : (
      <Stack space="space.050">
        <Text>{`${security.levels.join(', ')} risk tools:`}</Text>
        <People accountIds={security.reviewers} none={routing.adminFallback ? 'No security reviewer: Jira admins only.' : 'No security reviewer: no one can decide them.'} />
        {security.delegates.length > 0 ? <Delegates delegations={security.delegates} /> : null}
      </Stack>
    );
  return (
    <Stack space="space.100">
      <Heading size="small">Who may approve what</Heading>
      <Text size="small">As the settings above stand; changes take effect once saved. Nobody decides their own request.</Text>
      <DynamicTable
        testId="approval-routing"
        head={{
          cells: [
            { key: 'project', content: 'Requests from' },
            { key: 'approvers', content: 'Decided by' },
            { key: 'delegates', content: 'Delegates in force' },
            { key: 'review', content: 'Security review' },
            { key: 'admins', content: 'Jira admins' },
          ],
        }}
        rows={routing.rows.map((row) => ({
          key: row.key,
          cells: [
            { key: 'project', content: row.project },
            {
              key: 'approvers',
              content: (
                <Stack space="space.050">
                  <People accountIds={row.approvers} none={routing.adminFallback ? 'No one named: Jira admins decide.' : 'No one can decide these requests.'} />
                  <Text size="small">{row.source === 'own' ? 'its own approvers' : 'the default approvers'}</Text>
                </Stack>
              ),
            },
            { key: 'delegates', content: <Delegates delegations={row.delegates} /> },
            { key: 'review', content: review },
            { key: 'admins', content: routing.adminFallback ? 'May decide any request (fallback)' : 'Only when named above' },
          ],
        }))}
      />
    </Stack>
  );
}
