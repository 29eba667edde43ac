import { Inline, Lozenge, SectionMessage, Stack, Text } from '@forge/react';
import React from 'react';
import type { RequestStatusView } from '../../resolvers/contract';
import { days, formatDate } from '../components/format';
import { ErrorNotice, Loading } from '../components/states';
import { DECISION_SOURCE_LABELS, ExpiryLozenge, GrantStatusLozenge, RequestStatusLozenge } from '../components/status';
import { useClearway } from '../components/use-clearway';

type GrantView = NonNullable<RequestStatusView['grant']>;

function grantText(grant: GrantView): string {
  switch (grant.status) {
    case 'pending_provision':
      return 'Your access is being set up. It starts as soon as the tool’s group includes you.';
    case 'active':
      return `Your access is active until ${formatDate(grant.expiresAt)}.`;
    case 'provision_failed':
      return 'Setting up your access did not work yet. Your approvers have been told and will retry; there is nothing you need to do.';
    case 'expired':
    case 'revoked': {
      const ended = grant.status === 'expired' ? `Your access expired on ${formatDate(grant.expiresAt)}.` : 'Your access was revoked.';
      const removal = grant.deprovision === 'pending' ? ' Removal from the tool’s group is in progress.' : grant.deprovision === 'done' ? ' You have been removed from the tool’s group.' : '';
      return `${ended}${removal} To use the tool again, raise a new request.`;
    }
  }
}

function decisionText(view: RequestStatusView): string {
  const { decision } = view;
  if (!decision) return view.status === 'expired' ? 'This request expired without a decision.' : 'Waiting for an approver’s decision.';
  const verb = decision.outcome === 'approved' ? 'Approved' : 'Denied';
  return `${verb} on ${formatDate(decision.decidedAt)} ${DECISION_SOURCE_LABELS[decision.source]}: ${decision.rationale}`;
}

function StatusDetails({ view }: { readonly view: RequestStatusView }) {
  return (
    <Stack space="space.100">
      <Inline space="space.100" alignBlock="center">
        <Text weight="bold">{view.toolName}</Text>
        <RequestStatusLozenge status={view.status} />
      </Inline>
      <Text>{`Requested on ${formatDate(view.createdAt)} for ${days(view.durationDays)}.`}</Text>
      <Text>{decisionText(view)}</Text>
      {view.grant ? (
        <Stack space="space.050">
          <Inline space="space.100" alignBlock="center">
            <Text>Access:</Text>
            <GrantStatusLozenge status={view.grant.status} />
            {view.grant.status === 'active' ? <ExpiryLozenge label={view.grant.expiryLabel} expiringSoon={view.grant.expiringSoon} /> : null}
          </Inline>
          <Text>{grantText(view.grant)}</Text>
          {view.grant.status === 'active' && view.grant.expiringSoon ? (
            <SectionMessage appearance="warning" title={`Access ${view.grant.expiryLabel}`}>
              <Text>Extensions are not self-service: ask your approver, or raise a new request when it ends.</Text>
            </SectionMessage>
          ) : null}
        </Stack>
      ) : view.status === 'approved' ? (
        <Lozenge>access being prepared</Lozenge>
      ) : null}
    </Stack>
  );
}

/** The portal request's decision and access, for the customer who asked. */
export function RequestStatus() {
  const { state, reload } = useClearway('portal.requestStatus', {});
  if (state.status === 'loading') return <Loading label="Loading access status" />;
  if (state.status === 'error') {
    // Nothing to show on a request that did not come through Clearway, or on someone else's: the
    // answer is the same for both, so the panel does not tell a viewer which issues have one.
    if (state.error.code === 'not_found') return null;
    return <ErrorNotice title="The access status could not be loaded" error={state.error} onRetry={reload} />;
  }
  return <StatusDetails view={state.data} />;
}
