import { Inline, Link, Stack, Text } from '@forge/react';
import React from 'react';
import type { GrantSummary } from '../../resolvers/contract';
import { issueHref } from './format';

/** A work-linked grant's record: the issues it lives by, and what will end it. */
export type GrantWork = NonNullable<GrantSummary['work']>;

/** The linked issues' keys, each once, in the order the grant lists them. */
export function linkedIssueKeys(work: GrantWork): string[] {
  return [...new Set(work.links.map((link) => link.issueKey))];
}

/**
 * Where a grants list shows a work-linked grant's issues (each a link to the issue) and what ends
 * it: such a grant lives by its issues, not by a duration someone asked for.
 */
export function WorkLinkedNote({ work, testId }: { readonly work: GrantWork; readonly testId?: string }) {
  const keys = linkedIssueKeys(work);
  return (
    <Stack space="space.050" {...(testId !== undefined && { testId })}>
      <Inline space="space.050" shouldWrap>
        <Text>{keys.length === 1 ? 'Linked issue:' : 'Linked issues:'}</Text>
        {keys.map((key) => (
          <Link key={key} href={issueHref(key)}>
            {key}
          </Link>
        ))}
      </Inline>
      <Text>{`Ends: ${work.endsWhen}`}</Text>
    </Stack>
  );
}
