/**
 * Every admin tab's loading, error and empty states, in words an admin would use: each tab is
 * opened with its main read held (loading), refused (error, with a retry that reads again), and
 * answered with nothing (empty).
 */
import { DEFAULT_GOVERNANCE } from '@clearway/core';
import { describe, expect, it } from 'vitest';
import { AdminPage } from '../../src/frontend/admin/admin-page-app';
import type { ResolverKey } from '../../src/resolvers/contract';
import { failure, mount, pending, type Answer, type Screen } from './harness';

const EMPTY_PAGE = () => ({ ok: true, data: { items: [] } });

/** What each tab reads when it opens, answered with nothing. */
const QUIET: Partial<Record<ResolverKey, Answer>> = {
  'viewer.context': () => ({ ok: true, data: { accountId: 'acc-admin', isAdmin: true, canApprove: true, tabs: [] } }),
  'admin.overview': () => ({ ok: true, data: { governanceVersion: 0, intake: { requestTypeIds: [] }, catalog: { approvedTools: 0, moreApproved: false }, connectors: { configured: 0, enabled: 0 }, pendingRequests: { count: 0, more: false }, failedFulfillments: { count: 0, more: false }, readiness: [] } }),
  'governance.current': () => ({ ok: true, data: DEFAULT_GOVERNANCE }),
  'governance.versions': EMPTY_PAGE,
  'exceptions.report': () => ({ ok: true, data: { generatedAt: 0, open: 0, reviewDue: 0, reviewOverdue: 0, byTool: [], last30Days: { granted: 0, closed: { expired: 0, never_provisioned: 0, revoked: 0, ended_by_review: 0, lapsed: 0 } }, truncated: false } }),
  'exceptions.list': EMPTY_PAGE,
  'lookup.serviceDesks': () => ({ ok: true, data: [] }),
  'catalog.list': EMPTY_PAGE,
  'connectors.list': EMPTY_PAGE,
  'connectors.providers': () => ({ ok: true, data: [] }),
  'approvals.pending': EMPTY_PAGE,
  'insights.daily': () => ({
    ok: true,
    data: {
      rollups: [],
      live: { at: 0, activeGrants: { count: 0, more: false, byTool: {} }, pendingRequests: { count: 0, more: false }, slaBreaches: { count: 0, more: false, slaHours: 48 }, failedFulfillments: { count: 0, more: false, byKind: {} }, openManualTasks: { count: 0, more: false } },
      people: { from: 0, to: 0, topRequesters: [], approvers: [], repeatExtensions: [], requestsRead: { count: 0, more: false }, grantsRead: { count: 0, more: false } },
    },
  }),
  'audit.events': EMPTY_PAGE,
  'workLinked.policies': () => ({ ok: true, data: { policyVersion: 0, createdAt: 0, createdBy: 'clearway:defaults', policies: [] } }),
};

const TABS: ReadonlyArray<{ readonly tab: string; readonly key: ResolverKey; readonly loading: string; readonly error: string; readonly empty: string }> = [
  { tab: 'Overview', key: 'admin.overview', loading: 'Loading the overview', error: 'Clearway could not load the overview', empty: 'Governance policy version 0' },
  { tab: 'Intake & Approvals', key: 'governance.current', loading: 'Loading the intake settings', error: 'Clearway could not load the intake settings', empty: 'Nobody yet.' },
  { tab: 'Catalog', key: 'catalog.list', loading: 'Loading the catalog', error: 'Clearway could not load the catalog', empty: 'The catalog is empty' },
  { tab: 'Connectors', key: 'connectors.list', loading: 'Loading connectors', error: 'Clearway could not load the connectors', empty: 'No connectors yet' },
  { tab: 'Governance', key: 'governance.current', loading: 'Loading the governance policy', error: 'Clearway could not load the governance policy', empty: 'No version saved yet' },
  { tab: 'Work-linked access', key: 'workLinked.policies', loading: 'Loading work-linked access policies', error: 'Clearway could not load the work-linked access policies', empty: 'No work-linked access policies yet' },
  { tab: 'Requests', key: 'approvals.pending', loading: 'Loading pending requests', error: 'Clearway could not load the pending requests', empty: 'No requests are waiting for you' },
  { tab: 'Insights', key: 'insights.daily', loading: 'Loading insights', error: 'Clearway could not load the insights', empty: 'No insights yet' },
  { tab: 'Governance Logs', key: 'audit.events', loading: 'Loading the governance log', error: 'Clearway could not load the governance log', empty: 'No events in this range' },
];

async function open(tab: string, answers: Partial<Record<ResolverKey, Answer>>): Promise<Screen> {
  const screen = await mount(AdminPage, { surface: 'adminPage', answers: { ...QUIET, ...answers } });
  await screen.openTab(tab);
  return screen;
}

describe('admin page: loading, error and empty states', () => {
  it.each(TABS)('$tab', async ({ tab, key, loading, error, empty }) => {
    const held = await open(tab, { [key]: () => pending() });
    await held.waitForText(loading);
    held.hide?.();

    let calls = 0;
    const refused = await open(tab, {
      [key]: (payload: unknown) => {
        calls += 1;
        return calls === 1 ? failure('jira_unavailable', 'Jira did not answer. Try again in a moment.') : (QUIET[key] as Answer)(payload);
      },
    });
    await refused.waitForText(error);
    expect(refused.text()).toContain('Jira did not answer. Try again in a moment.');
    await refused.click(refused.button('Try again'));
    await refused.waitForText(empty);
    refused.hide?.();
  });
});
