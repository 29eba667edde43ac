import { Box, Button, Heading, Inline, Lozenge, Stack, Text, xcss } from '@forge/react';
import React from 'react';
import type { AdminOverview } from '../../resolvers/contract';
import { plural } from '../components/format';
import { Loaded } from '../components/states';
import { useClearway } from '../components/use-clearway';
import { ADMIN_TAB_TITLES, type AdminTab } from './admin-tabs';
import { IntakeProblems } from './intake-problems';

type Step = AdminOverview['readiness'][number]['step'];

/** Each launch-readiness card: what it checks, and the tab that completes it. */
const STEPS: Readonly<Record<Step, { readonly title: string; readonly done: string; readonly todo: string; readonly tab: AdminTab }>> = {
  governance: {
    title: 'Governance',
    done: 'A governance policy is saved; decisions record its version.',
    todo: 'Review the risk rules, durations and unknown-tool handling, then save the policy.',
    tab: 'governance',
  },
  intake_project: {
    title: 'Intake project',
    done: 'Requests come in from the chosen service project.',
    todo: 'Choose the Jira Service Management project requests come in on.',
    tab: 'intake',
  },
  portal: {
    title: 'Portal entry point',
    done: 'The portal and its request types show the "Select AI tool" panel.',
    todo: 'Choose the portal (and optionally the request types) that show the "Select AI tool" panel.',
    tab: 'intake',
  },
  catalog: {
    title: 'Catalog',
    done: 'At least one tool is approved and can be requested.',
    todo: 'Approve at least one tool, or seed the catalog from the common AI tools.',
    tab: 'catalog',
  },
  approvers: {
    title: 'Approvers',
    done: 'Someone can decide every request that comes in.',
    todo: 'No one could decide a request: name approvers or turn admin fallback on.',
    tab: 'intake',
  },
  connectors: {
    title: 'Connectors (optional)',
    done: 'A connector is enabled: group membership changes happen automatically.',
    todo: 'Optional: connect Okta or Microsoft Entra so access is granted through group membership. Without one, approvers fulfill access by hand.',
    tab: 'connectors',
  },
};

const CARD = xcss({ borderColor: 'color.border', borderStyle: 'solid', borderWidth: 'border.width', borderRadius: 'radius.medium', padding: 'space.200' });

function count({ count: value, more }: { readonly count: number; readonly more: boolean }): string {
  return more ? `${value}+` : String(value);
}

function Counters({ overview }: { readonly overview: AdminOverview }) {
  return (
    <Inline space="space.300" shouldWrap>
      <Text>{`Approved tools: ${overview.catalog.approvedTools}${overview.catalog.moreApproved ? '+' : ''}`}</Text>
      <Text>{`Connectors enabled: ${overview.connectors.enabled} of ${overview.connectors.configured}`}</Text>
      <Text>{`Pending requests: ${count(overview.pendingRequests)}`}</Text>
      <Text>{`Failed fulfillments: ${count(overview.failedFulfillments)}`}</Text>
      <Text>{`Governance policy version ${overview.governanceVersion}`}</Text>
    </Inline>
  );
}

/** Launch readiness: one card per setup step, each opening the tab that completes it. */
export function OverviewTab({ onOpen }: { readonly onOpen: (tab: AdminTab) => void }) {
  const { state, reload } = useClearway('admin.overview', {});
  return (
    <Loaded state={state} loading="Loading the overview" errorTitle="Clearway could not load the overview" onRetry={reload}>
      {(overview) => {
        const open = overview.readiness.filter((item) => !item.done && item.step !== 'connectors').length;
        return (
          <Stack space="space.200">
            <Text weight="bold">{open === 0 ? 'Clearway is ready: requests from the portal are governed.' : `${plural(open, 'setup step')} left before requests can come in.`}</Text>
            <Counters overview={overview} />
            <IntakeProblems />
            {overview.readiness.map(({ step, done, detail }) => {
              const card = STEPS[step];
              return (
                <Box key={step} xcss={CARD} testId={`readiness-${step}`}>
                  <Stack space="space.100">
                    <Inline space="space.100" alignBlock="center">
                      <Heading size="small">{card.title}</Heading>
                      <Lozenge appearance={done ? 'success' : step === 'connectors' ? 'default' : 'moved'}>{done ? 'done' : 'to do'}</Lozenge>
                    </Inline>
                    <Text>{detail ?? (done ? card.done : card.todo)}</Text>
                    <Inline>
                      <Button appearance={done ? 'subtle' : 'primary'} onClick={() => onOpen(card.tab)}>
                        {`Open ${ADMIN_TAB_TITLES[card.tab]}`}
                      </Button>
                    </Inline>
                  </Stack>
                </Box>
              );
            })}
          </Stack>
        );
      }}
    </Loaded>
  );
}
