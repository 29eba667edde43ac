/**
 * The failed-fulfillments queue for a requester whose email Jira hides: the row names the fix
 * (map this Jira user) and carries the engine's instructions, so the admin knows where to go.
 */
import { describe, expect, it } from 'vitest';
import { GlobalPage } from '../../src/frontend/global/global-page-app';
import type { ResolverKey } from '../../src/resolvers/contract';
import { mount, textOf, type Answer } from './harness';

const EMPTY_PAGE = () => ({ ok: true, data: { items: [] } });
const MESSAGE =
  'Map this Jira user: Hana Hidden (Jira account acc-hana) has no identity mapping at Okta, and Jira shows Clearway no email address for them (their Atlassian profile may hide it). In Clearway → Connectors → Okta → Identity mappings, map them to their Okta user id or login, then retry this fulfillment.';

describe('Approvals: a failed fulfillment that needs an identity mapping', () => {
  it('says to map this Jira user, with where and how', async () => {
    const item = { job: { id: 'job-1', type: 'provision', lastError: { name: 'InvalidConfigError', kind: 'invalid_config', code: 'identity_mapping_required', retryable: false, message: MESSAGE }, updatedAt: 0 }, toolName: 'Claude', issueKey: 'AIR-8' };
    const answers: Partial<Record<ResolverKey, Answer>> = {
      'viewer.context': () => ({ ok: true, data: { accountId: 'acc-x', isAdmin: true, canApprove: true, tabs: ['approvals'] } }),
      'approvals.pending': EMPTY_PAGE,
      'approvals.manualTasks': EMPTY_PAGE,
      'approvals.failedJobs': () => ({ ok: true, data: { items: [item] } }),
    };
    const screen = await mount(GlobalPage, { surface: 'globalPage', answers });
    await screen.openTab('Approvals');
    const table = await screen.waitFor(() => screen.maybeTestId('failed-fulfillments'));
    const row = screen.row(table, 'AIR-8');
    expect(textOf(row)).toContain('map this Jira user');
    expect(textOf(row)).not.toContain('connector settings');
    expect(textOf(row)).toContain('In Clearway → Connectors → Okta → Identity mappings');
  });
});
