/**
 * The four UI Kit entries the manifest names, as Forge loads them: importing each renders its
 * surface (in React's StrictMode) through the bridge. That Forge's own bundler bundles each with
 * nothing of the backend in it is the package step's check (scripts/forge-package).
 */
import { describe, expect, it } from 'vitest';
import { mountEntry, type Screen } from './harness';

const viewer = { ok: true, data: { accountId: 'acc-admin', isAdmin: true, canApprove: true, tabs: ['myAccess', 'approvedTools', 'requestHistory', 'approvals'] } };

async function shows(screen: Screen, text: string): Promise<void> {
  await screen.waitForText(text);
  await screen.settle();
}

describe('UI Kit entries', () => {
  it('global-page.tsx renders the global page', async () => {
    const screen = await mountEntry(() => import('../../src/frontend/global-page'), {
      surface: 'globalPage',
      answers: { 'viewer.context': () => viewer, 'myAccess.list': () => ({ ok: true, data: { items: [] } }) },
    });
    await shows(screen, 'You have no AI tool access yet');
    expect(screen.all((node) => node.type === 'Tab').length).toBe(4);
  });

  it('admin-page.tsx renders the admin page', async () => {
    const screen = await mountEntry(() => import('../../src/frontend/admin-page'), {
      surface: 'adminPage',
      answers: { 'viewer.context': () => viewer, 'admin.overview': () => ({ ok: false, error: { code: 'jira_unavailable', message: 'Jira did not answer. Try again in a moment.' } }) },
    });
    await shows(screen, 'Jira did not answer. Try again in a moment.');
    expect(screen.all((node) => node.type === 'Tab').length).toBe(10);
  });

  it('request-panel.tsx renders the portal create panel', async () => {
    const screen = await mountEntry(() => import('../../src/frontend/request-panel'), {
      surface: 'portal',
      answers: { 'portal.createPanel': () => ({ ok: true, data: { enabled: true, tools: [], allowNewTools: true } }) },
    });
    await shows(screen, 'AI tool');
    // The panel hands its fields to the portal from an effect, after the render the text came from.
    await screen.waitFor(() => screen.submissions.length > 0);
    expect(screen.submissions.length).toBeGreaterThan(0);
  });

  it('request-status.tsx renders the portal request detail', async () => {
    const screen = await mountEntry(() => import('../../src/frontend/request-status'), {
      surface: 'portal',
      answers: { 'portal.requestStatus': () => ({ ok: true, data: { issueKey: 'AIR-1', toolName: 'Claude', status: 'pending', createdAt: 0, durationDays: 30 } }) },
    });
    await shows(screen, 'Waiting for an approver’s decision.');
  });
});
