import { Stack } from '@forge/react';
import React from 'react';
import type { ViewerContext } from '../../resolvers/contract';
import { ExceptionReviewsSection, FailedSection, ManualTasksSection, PendingSection } from '../approvals/approvals-sections';

/**
 * Shown only to people who may approve somewhere: pending requests, manual provisioning actions,
 * failed fulfillments, and for security reviewers the exceptions whose review is due.
 */
export function ApprovalsTab({ viewer }: { readonly viewer: ViewerContext }) {
  return (
    <Stack space="space.400">
      <PendingSection />
      {viewer.canReviewExceptions ? <ExceptionReviewsSection /> : null}
      <ManualTasksSection />
      <FailedSection />
    </Stack>
  );
}
