import { DynamicTable, Link, Lozenge, Stack, Text, type LozengeProps } from '@forge/react';
import React from 'react';
import type { GrantSummary, WorkLinkView } from '../../resolvers/contract';
import { InfoModal } from '../components/form-modal';
import { formatDateTime, issueHref } from '../components/format';
import { Pager } from '../components/paging';
import { Loaded } from '../components/states';
import { usePagedList } from '../components/use-clearway';
import { WorkLinkedNote, type GrantWork } from '../components/work-links';

const STATES: Readonly<Record<WorkLinkView['state'], [string, NonNullable<LozengeProps['appearance']>]>> = {
  live: ['live', 'success'],
  covered: ['covered by other access', 'inprogress'],
  awaiting_approval: ['awaiting approval', 'moved'],
  ended: ['ended', 'default'],
};

function LinkState({ state }: { readonly state: WorkLinkView['state'] }) {
  const [label, appearance] = STATES[state];
  return <Lozenge appearance={appearance}>{label}</Lozenge>;
}

/** The issues a work-linked grant lives (and lived) by, each link with its policy, its bounds and how it ended. */
export function WorkLinksModal({ grant, work, onClose }: { readonly grant: GrantSummary; readonly work: GrantWork; readonly onClose: () => void }) {
  const list = usePagedList('workLinked.grantLinks', { grantId: grant.id }, 20);
  return (
    <InfoModal title={`Linked issues: ${grant.toolName}`} onClose={onClose} testId="work-links">
      <WorkLinkedNote work={work} />
      <Loaded state={list.state} loading="Loading the linked issues" errorTitle="Clearway could not load the linked issues" onRetry={list.reload}>
        {(links) =>
          links.length === 0 && list.pageNumber === 1 ? (
            <Text>No link of this grant is recorded.</Text>
          ) : (
            <Stack space="space.100">
              <DynamicTable
                testId="work-links-table"
                caption="Links of this grant"
                head={{
                  cells: [
                    { key: 'issue', content: 'Issue' },
                    { key: 'policy', content: 'Policy' },
                    { key: 'state', content: 'State' },
                    { key: 'started', content: 'Started' },
                    { key: 'deadline', content: 'Ends at the latest' },
                    { key: 'ended', content: 'Ended' },
                  ],
                }}
                rows={links.map((link) => ({
                  key: link.id,
                  cells: [
                    { key: 'issue', content: <Link href={issueHref(link.issueKey)}>{link.issueKey}</Link> },
                    { key: 'policy', content: link.policyName ?? `${link.policyId} (no longer exists)` },
                    { key: 'state', content: <LinkState state={link.state} /> },
                    { key: 'started', content: formatDateTime(link.startedAt) },
                    { key: 'deadline', content: formatDateTime(link.deadline) },
                    { key: 'ended', content: link.endedAt === undefined ? '' : `${formatDateTime(link.endedAt)}${link.endReasonText ? `: ${link.endReasonText}` : ''}` },
                  ],
                }))}
              />
              <Pager list={list} />
            </Stack>
          )
        }
      </Loaded>
    </InfoModal>
  );
}
