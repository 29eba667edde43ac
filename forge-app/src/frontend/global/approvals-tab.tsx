import { Stack } from '@forge/react';
import React from 'react';
import { FailedSection, ManualTasksSection, PendingSection } from '../approvals/approvals-sections';

/** Shown only to people who may approve somewhere: pending requests, manual provisioning actions, failed fulfillments. */
export function ApprovalsTab() {
  return (
    <Stack space="space.400">
      <PendingSection />
      <ManualTasksSection />
      <FailedSection />
    </Stack>
  );
}
