import { Heading, Stack, Text } from '@forge/react';
import React from 'react';
import { FailedFulfillments } from './failed-fulfillments';
import { ManualTasks } from './manual-tasks';
import { PendingRequests } from './pending-requests';

/** The approver's three queues, as the global page's Approvals tab and the admin page's Requests tab show them. */
export function PendingSection() {
  return (
    <Stack space="space.150">
      <Heading size="medium">Pending requests</Heading>
      <PendingRequests />
    </Stack>
  );
}

export function ManualTasksSection() {
  return (
    <Stack space="space.150">
      <Heading size="medium">Manual provisioning actions</Heading>
      <Text>Access for tools fulfilled by hand: do the step in the tool or directory, then mark it done here.</Text>
      <ManualTasks />
    </Stack>
  );
}

export function FailedSection() {
  return (
    <Stack space="space.150">
      <Heading size="medium">Failed fulfillments</Heading>
      <FailedFulfillments />
    </Stack>
  );
}
