import { Button, DynamicTable, Inline, Link, SectionMessage, Stack, Text, Tooltip } from '@forge/react';
import React from 'react';
import type { GrantSummary } from '../../resolvers/contract';
import { formatDate, issueHref, plural, viewerTimeZone } from '../components/format';
import { ShowMore } from '../components/paging';
import { Empty, Loaded } from '../components/states';
import { ExceptionLozenge, ExpiryLozenge, GrantStatusLozenge } from '../components/status';
import { useGrowingList } from '../components/use-clearway';
import { WorkLinkedNote } from '../components/work-links';
import { ConnectedClients } from './connected-clients';

/** My Access lists grants that give, or are about to give, access; ended ones live in Request History. */
const CURRENT: ReadonlySet<GrantSummary['status']> = new Set(['pending_provision', 'active', 'provision_failed']);

const EXTENSION_NOTE = 'Extensions are not self-service: ask an approver, who can extend your access from Clearway.';

const EXCEPTION_NOTE = 'Approved as an exception to the usual rules: a security reviewer reviews it regularly and may end it early.';

function statusNote(grant: GrantSummary): string {
  const exception = grant.exception ? ` ${EXCEPTION_NOTE}` : '';
  if (grant.status === 'pending_provision') return `Approved: waiting for the configured group to include you.${exception}`;
  // The provider's reason is for approvers and admins (Approvals, Requests); the requester learns what happens next.
  if (grant.status === 'provision_failed') return `Could not be set up yet; your approvers see why and can retry it.${exception}`;
  return `${grant.activatedAt !== undefined ? `Active since ${formatDate(grant.activatedAt)}` : 'Active'}.${exception}`;
}

function grantRow(grant: GrantSummary) {
  return {
    key: grant.id,
    isHighlighted: grant.expiringSoon || grant.expiryLabel === 'expired' || grant.status === 'provision_failed',
    cells: [
      { key: 'tool', content: grant.toolName },
      {
        key: 'status',
        content: (
          <Inline space="space.050" shouldWrap>
            <GrantStatusLozenge status={grant.status} />
            {grant.exception ? <ExceptionLozenge /> : null}
          </Inline>
        ),
      },
      {
        key: 'note',
        content: grant.work ? (
          <Stack space="space.050">
            <Text>{statusNote(grant)}</Text>
            <WorkLinkedNote work={grant.work} testId={`work-note-${grant.id}`} />
          </Stack>
        ) : (
          statusNote(grant)
        ),
      },
      { key: 'expiry', content: <ExpiryLozenge label={grant.expiryLabel} expiringSoon={grant.expiringSoon} /> },
      { key: 'expires', content: formatDate(grant.expiresAt) },
      { key: 'issue', content: <Link href={issueHref(grant.issueKey)}>{grant.issueKey}</Link> },
      {
        key: 'extend',
        // Work-linked access ends with its work: there is nothing to extend.
        content: grant.work ? (
          ''
        ) : (
          <Tooltip content={EXTENSION_NOTE}>
            <Button isDisabled testId={`extend-${grant.id}`}>
              Request extension
            </Button>
          </Tooltip>
        ),
      },
    ],
  };
}

const HEAD = {
  cells: [
    { key: 'tool', content: 'Tool' },
    { key: 'status', content: 'Status' },
    { key: 'note', content: 'Details' },
    { key: 'expiry', content: 'Expiry' },
    { key: 'expires', content: 'Expires on' },
    { key: 'issue', content: 'Request' },
    { key: 'extend', content: '' },
  ],
};

/** The viewer's active and pending grants, with expiry labels in their own time zone. */
function MyGrants() {
  const list = useGrowingList('myAccess.list', { timeZone: viewerTimeZone() }, 100);
  return (
    <Loaded state={list.state} loading="Loading your access" errorTitle="Clearway could not load your access" onRetry={list.reload}>
      {(grants) => {
        const current = grants.filter((grant) => CURRENT.has(grant.status));
        if (current.length === 0 && !list.hasMore) {
          return <Empty header="You have no AI tool access yet" description="Pick a tool under Approved Tools and request it from the service portal. Approved requests show here until they end." />;
        }
        // Expiring soon is active access with days left; access whose end has passed is said apart, never counted as "soon".
        // Work-linked access ends with its work, which the row says: an extension is no remedy for it.
        const soon = current.filter((grant) => grant.expiringSoon && !grant.work);
        const ended = current.filter((grant) => grant.status === 'active' && grant.expiryLabel === 'expired');
        return (
          <Stack space="space.200">
            {soon.length > 0 ? (
              <SectionMessage appearance="warning" title={`${plural(soon.length, 'grant')} expiring soon`}>
                <Text>{`${soon.map((grant) => `${grant.toolName} (${grant.expiryLabel})`).join(', ')}. ${EXTENSION_NOTE}`}</Text>
              </SectionMessage>
            ) : null}
            {ended.length > 0 ? (
              <SectionMessage appearance="error" title={`${plural(ended.length, 'grant')} ended`}>
                <Text>{`${ended.map((grant) => grant.toolName).join(', ')}: the end date has passed and access is being removed. ${EXTENSION_NOTE}`}</Text>
              </SectionMessage>
            ) : null}
            <DynamicTable testId="my-access" caption="Your AI tool access" head={HEAD} rows={current.map(grantRow)} rowsPerPage={25} />
            <Text size="small">{EXTENSION_NOTE}</Text>
            <ShowMore list={list} />
          </Stack>
        );
      }}
    </Loaded>
  );
}

/** My Access: the viewer's grants, then the AI assistants they connected through Clearway's MCP gateway. */
export function MyAccessTab() {
  return (
    <Stack space="space.400">
      <MyGrants />
      <ConnectedClients />
    </Stack>
  );
}
