import { DynamicTable, Heading, Link, Stack, Text } from '@forge/react';
import React from 'react';
import type { IntakeProblemKind } from '../../resolvers/contract';
import { formatDateTime, issueHref, plural } from '../components/format';
import { ErrorNotice } from '../components/states';
import { useClearway } from '../components/use-clearway';

const KIND_LABELS: Readonly<Record<IntakeProblemKind, string>> = {
  invalid_request: 'request not valid',
  refused: 'refused',
  retries_exhausted: 'Jira or storage kept failing',
};

const HEAD = {
  cells: [
    { key: 'issue', content: 'Request' },
    { key: 'kind', content: 'What happened' },
    { key: 'detail', content: 'Why' },
    { key: 'told', content: 'Customer told' },
    { key: 'at', content: 'When' },
  ],
};

/**
 * Portal requests Clearway could not take in, newest first: shown only when there are some, so an
 * admin sees a request that never reached the approvers and, where the comment did not get
 * through, knows to tell the customer themselves.
 */
export function IntakeProblems() {
  const { state, reload } = useClearway('intake.problems', {});
  if (state.status === 'loading') return null;
  if (state.status === 'error') return <ErrorNotice title="Clearway could not list the intake problems" error={state.error} onRetry={reload} />;
  const problems = state.data;
  if (problems.length === 0) return null;
  const untold = problems.filter((problem) => !problem.customerTold).length;
  return (
    <Stack space="space.100" testId="intake-problems">
      <Heading size="small">Intake problems</Heading>
      <Text>
        {`${plural(problems.length, 'portal request')} could not be taken in and never reached the approvers.`}
        {untold > 0 ? ` Clearway could not comment on ${untold} of them: tell ${untold === 1 ? 'that customer' : 'those customers'} yourself.` : ' Each customer was told on their request.'}
      </Text>
      <DynamicTable
        caption="Intake problems"
        head={HEAD}
        rows={problems.map((problem) => ({
          key: `${problem.issueKey}-${problem.at}`,
          cells: [
            { key: 'issue', content: <Link href={issueHref(problem.issueKey)}>{problem.issueKey}</Link> },
            { key: 'kind', content: KIND_LABELS[problem.kind] },
            { key: 'detail', content: problem.detail },
            { key: 'told', content: problem.customerTold ? 'yes' : 'no' },
            { key: 'at', content: formatDateTime(problem.at) },
          ],
        }))}
      />
    </Stack>
  );
}
