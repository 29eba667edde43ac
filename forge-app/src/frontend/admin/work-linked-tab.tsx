import { Button, ButtonGroup, DynamicTable, Inline, Lozenge, Stack, Text } from '@forge/react';
import React, { useState } from 'react';
import type { WorkPoliciesView, WorkPolicyView } from '../../resolvers/contract';
import { callClearway, errorText, type ClearwayError } from '../clearway-client';
import { ActorName } from '../components/actor';
import { formatDateTime } from '../components/format';
import { FormModal } from '../components/form-modal';
import { Empty, Loaded, NoticeMessage, type Notice } from '../components/states';
import { useBusy, useClearway } from '../components/use-clearway';
import { APPROVAL_LABELS, hoursText } from './work-linked-labels';
import { WorkPolicyModal } from './work-linked-policy-modal';

type Open = { readonly kind: 'add' } | { readonly kind: 'edit'; readonly policy: WorkPolicyView } | { readonly kind: 'disable'; readonly policy: WorkPolicyView };

const ABOUT = 'A work-linked access policy grants a tool while a Jira issue is in given statuses, to its assignee, reporter or the users a field names, and revokes it when the issue leaves them, is reassigned, resolved or deleted, or the maximum duration passes.';

function DisableModal({ policy, onClose, onDisabled }: { readonly policy: WorkPolicyView; readonly onClose: () => void; readonly onDisabled: (policy: WorkPolicyView) => void }) {
  const [error, setError] = useState<ClearwayError>();
  const { busy, run } = useBusy();
  return (
    <FormModal
      title={`Disable ${policy.name}?`}
      submitLabel="Disable policy"
      appearance="danger"
      busy={busy}
      error={error}
      errorTitle="The policy was not disabled"
      onClose={onClose}
      testId="work-disable"
      onSubmit={() =>
        run(async () => {
          const answer = await callClearway('workLinked.setEnabled', { policyId: policy.id, enabled: false });
          if (!answer.ok) return setError(answer.error);
          onDisabled(answer.data);
        })
      }
    >
      <Text>{`No issue of ${policy.projectKey} grants ${policy.toolName} under this policy any more, and the grants it made end at their issue's next change or the next sweep, whichever comes first. Enable it again to grant anew.`}</Text>
    </FormModal>
  );
}

function PoliciesTable({ policies, toggling, onEdit, onDisable, onEnable }: { readonly policies: readonly WorkPolicyView[]; readonly toggling: string | undefined; readonly onEdit: (policy: WorkPolicyView) => void; readonly onDisable: (policy: WorkPolicyView) => void; readonly onEnable: (policy: WorkPolicyView) => void }) {
  return (
    <DynamicTable
      testId="work-policies"
      caption="Work-linked access policies"
      head={{
        cells: [
          { key: 'name', content: 'Policy' },
          { key: 'project', content: 'Project' },
          { key: 'types', content: 'Issue types' },
          { key: 'statuses', content: 'Live statuses' },
          { key: 'subject', content: 'For' },
          { key: 'tool', content: 'Tool' },
          { key: 'max', content: 'Maximum' },
          { key: 'approval', content: 'Approval' },
          { key: 'state', content: 'State' },
          { key: 'actions', content: '' },
        ],
      }}
      rows={policies.map((policy) => ({
        key: policy.id,
        cells: [
          { key: 'name', content: policy.name },
          { key: 'project', content: policy.projectKey },
          { key: 'types', content: policy.issueTypesLabel },
          { key: 'statuses', content: policy.liveStatusesLabel },
          { key: 'subject', content: policy.subjectLabel },
          { key: 'tool', content: policy.toolName },
          { key: 'max', content: hoursText(policy.maxDurationHours) },
          { key: 'approval', content: APPROVAL_LABELS[policy.approval] },
          { key: 'state', content: <Lozenge appearance={policy.enabled ? 'success' : 'default'}>{policy.enabled ? 'enabled' : 'disabled'}</Lozenge> },
          {
            key: 'actions',
            content: (
              <ButtonGroup label={`Manage ${policy.name}`}>
                <Button testId={`work-edit-${policy.id}`} onClick={() => onEdit(policy)}>
                  Edit
                </Button>
                <Button testId={`work-toggle-${policy.id}`} isDisabled={toggling === policy.id} onClick={() => (policy.enabled ? onDisable(policy) : onEnable(policy))}>
                  {policy.enabled ? 'Disable' : 'Enable'}
                </Button>
              </ButtonGroup>
            ),
          },
        ],
      }))}
      rowsPerPage={50}
    />
  );
}

function InForce({ version }: { readonly version: WorkPoliciesView }) {
  if (version.policyVersion === 0) return <Text>No policy saved yet: no issue grants access.</Text>;
  return (
    <Inline space="space.050" alignBlock="center" shouldWrap>
      <Text>{`In force: version ${version.policyVersion}, saved ${formatDateTime(version.createdAt)} by`}</Text>
      <ActorName actor={version.createdBy} />
    </Inline>
  );
}

/** Work-linked access: the policies in force, added, edited, disabled and enabled here, each save a new version. */
export function WorkLinkedTab() {
  const { state, reload } = useClearway('workLinked.policies', {});
  const [open, setOpen] = useState<Open>();
  const [notice, setNotice] = useState<Notice>();
  const [toggling, setToggling] = useState<string>();

  /** Enabling needs no confirmation; disabling goes through DisableModal, which says what it ends. */
  const enable = async (policy: WorkPolicyView) => {
    setToggling(policy.id);
    const answer = await callClearway('workLinked.setEnabled', { policyId: policy.id, enabled: true });
    setToggling(undefined);
    setNotice(answer.ok ? { kind: 'success', title: `${policy.name} enabled`, text: `Issues of ${policy.projectKey} in its live statuses grant ${policy.toolName} again from their next change or the next sweep.` } : { kind: 'error', title: `${policy.name} was not enabled`, text: errorText(answer.error) });
    if (answer.ok) reload();
  };

  const close = (next?: Notice) => {
    setOpen(undefined);
    if (next) {
      setNotice(next);
      reload();
    }
  };

  return (
    <Stack space="space.200">
      <Text>{ABOUT}</Text>
      <Loaded state={state} loading="Loading work-linked access policies" errorTitle="Clearway could not load the work-linked access policies" onRetry={reload}>
        {(version) => (
          <Stack space="space.200">
            <InForce version={version} />
            <Inline>
              <Button appearance="primary" onClick={() => setOpen({ kind: 'add' })}>
                Add policy
              </Button>
            </Inline>
            <NoticeMessage notice={notice} />
            {version.policies.length === 0 ? (
              <Empty header="No work-linked access policies yet" description="Add one to grant a tool while an issue is in progress, and revoke it when the work ends." />
            ) : (
              <PoliciesTable policies={version.policies} toggling={toggling} onEdit={(policy) => setOpen({ kind: 'edit', policy })} onDisable={(policy) => setOpen({ kind: 'disable', policy })} onEnable={(policy) => void enable(policy)} />
            )}
          </Stack>
        )}
      </Loaded>
      {open?.kind === 'add' || open?.kind === 'edit' ? (
        <WorkPolicyModal
          {...(open.kind === 'edit' && { policy: open.policy })}
          onClose={() => close()}
          onSaved={(saved, added) =>
            close({ kind: 'success', title: `${saved.name} ${added ? 'added' : 'saved'}`, text: `It applies from the next change of an issue in ${saved.projectKey}, and the next sweep puts existing issues right.` })
          }
        />
      ) : null}
      {open?.kind === 'disable' ? <DisableModal policy={open.policy} onClose={() => close()} onDisabled={(disabled) => close({ kind: 'success', title: `${disabled.name} disabled`, text: 'The grants it made end at their issue’s next change or the next sweep.' })} /> : null}
    </Stack>
  );
}
