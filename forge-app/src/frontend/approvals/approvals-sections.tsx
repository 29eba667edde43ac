import { Heading, Stack, Text } from '@forge/react';
import React from 'react';
import { ExceptionReviews } from '../exceptions/exception-reviews';
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

/** For security reviewers (who may not be Jira admins): exceptions whose review is due, with Keep / End. */
export function ExceptionReviewsSection() {
  return (
    <Stack space="space.150">
      <Heading size="medium">Exception reviews</Heading>
      <Text>Access approved outside the rules. Keep it for another review period, or end it; a review missed past its grace ends it.</Text>
      <ExceptionReviews />
    </Stack>
  );
}
