/**
 * The global page (Jira Apps → Clearway) rendered through the fake bridge, answered by the real
 * resolvers over the scenario installation: My Access, Approved Tools, Request History, and which
 * tabs each person gets.
 */
import { put } from '@clearway/core';
import { describe, expect, it } from 'vitest';
import { GlobalPage } from '../../src/frontend/global/global-page-app';
import { DAY_MS } from '../../src/frontend/components/format';
import type { GrantSummary, RequestSummary } from '../../src/resolvers/contract';
import { freshScenario, PEOPLE } from '../../src/test-support/scenario';
import { deferred, failure, mount, pending, textOf, type Screen } from './harness';

function tabTitles(screen: Screen): string[] {
  return screen.all((node) => node.type === 'Tab').map(textOf);
}

describe('global page: tabs', () => {
  it('shows a loading state while Clearway answers who the viewer is', async () => {
    const screen = await mount(GlobalPage, { surface: 'globalPage', answers: { 'viewer.context': () => pending() } });
    expect(screen.find((node) => node.type === 'Spinner')?.props.label).toBe('Loading Clearway');
    expect(screen.text()).toContain('Loading Clearway');
  });

  it('gives approvers the Approvals tab and hides it from everyone else', async () => {
    const { world } = await freshScenario();
    const approver = await mount(GlobalPage, { surface: 'globalPage', world, accountId: PEOPLE.approver });
    await approver.waitFor(() => approver.find((node) => node.type === 'Tabs'));
    expect(tabTitles(approver)).toEqual(['My Access', 'Approved Tools', 'Request History', 'Approvals']);
    approver.hide?.();

    const requester = await mount(GlobalPage, { surface: 'globalPage', world, accountId: PEOPLE.requester });
    await requester.waitFor(() => requester.find((node) => node.type === 'Tabs'));
    expect(tabTitles(requester)).toEqual(['My Access', 'Approved Tools', 'Request History']);
    expect(requester.text()).not.toContain('Approvals');
  });

  it('says why when Clearway cannot be reached, and tries again', async () => {
    let calls = 0;
    const screen = await mount(GlobalPage, {
      surface: 'globalPage',
      answers: {
        'viewer.context': () => {
          calls += 1;
          if (calls === 1) throw new Error('network down');
          return { ok: true, data: { accountId: 'acc-x', isAdmin: false, canApprove: false, tabs: ['myAccess', 'approvedTools', 'requestHistory'] } };
        },
        'myAccess.list': () => ({ ok: true, data: { items: [] } }),
      },
    });
    await screen.waitForText('Clearway could not be reached. Check your connection and try again.');
    expect(screen.text()).not.toMatch(/network down|Error:|at \w+ \(/);
    await screen.click(screen.button('Try again'));
    await screen.waitForText('You have no AI tool access yet');
    expect(calls).toBe(2);
  });
});

describe('global page: My Access', () => {
  it('lists active and pending grants with expiry labels, and the extension button disabled', async () => {
    const { world } = await freshScenario();
    const screen = await mount(GlobalPage, { surface: 'globalPage', world, accountId: PEOPLE.requester });
    const table = await screen.waitFor(() => screen.maybeTestId('my-access'));
    const rows = screen.rows(table).map((cells) => cells.map(textOf));
    expect(rows.map((cells) => cells[0]).sort()).toEqual(['ChatGPT Enterprise', 'Claude', 'GitHub Copilot']);
    const chatgpt = screen.row(table, 'ChatGPT Enterprise');
    expect(textOf(chatgpt)).toContain('active');
    expect(textOf(chatgpt)).toContain('30 days remaining');
    expect(textOf(screen.row(table, 'Claude'))).toContain('pending provision');
    // Only active access counts days: a grant being set up, or whose setup failed, says so instead.
    expect(textOf(screen.row(table, 'Claude'))).toContain('waiting for access to be set up');
    expect(textOf(screen.row(table, 'GitHub Copilot'))).toContain('setting up access failed');
    for (const name of ['Claude', 'GitHub Copilot']) expect(textOf(screen.row(table, name))).not.toMatch(/days remaining|expires/);
    // The requester learns what happens next, not the connector's technical reason.
    expect(textOf(screen.row(table, 'GitHub Copilot'))).toContain('your approvers see why and can retry it');
    expect(textOf(screen.row(table, 'GitHub Copilot'))).not.toContain('Okta');
    expect(screen.get((node) => node.type === 'Link', 'issue link', chatgpt).props.href).toBe('/browse/AIR-1');
    // The time zone travels with the call so "expires today" is the viewer's today.
    expect(screen.invoked('myAccess.list')[0]?.payload).toMatchObject({ timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone, limit: 100 });

    const extend = screen.button('Request extension', chatgpt);
    expect(extend.props.isDisabled).toBe(true);
    await expect(screen.click(extend)).rejects.toThrow('disabled');
    expect(screen.text()).toContain('Extensions are not self-service');
  });

  it('highlights grants expiring soon', async () => {
    const { world } = await freshScenario();
    world.clock.advance(29 * DAY_MS);
    const screen = await mount(GlobalPage, { surface: 'globalPage', world, accountId: PEOPLE.requester });
    const table = await screen.waitFor(() => screen.maybeTestId('my-access'));
    const chatgpt = screen.row(table, 'ChatGPT Enterprise');
    expect(chatgpt.props.isHighlighted).toBe(true);
    expect(textOf(chatgpt)).toContain('expires tomorrow');
    expect(screen.get((node) => node.type === 'Lozenge' && textOf(node) === 'expires tomorrow', 'expiry lozenge', chatgpt).props).toMatchObject({ appearance: 'moved', isBold: true });
    const warning = screen.get((node) => node.type === 'SectionMessage' && node.props.appearance === 'warning', 'expiring soon warning');
    // Claude (waiting to be set up) and Copilot (failed) have no access to expire: only ChatGPT is expiring soon.
    expect(textOf(warning)).toContain('1 grant expiring soon');
    expect(textOf(warning)).toContain('ChatGPT Enterprise (expires tomorrow)');
    expect(screen.row(table, 'Claude').props.isHighlighted).toBe(false);
  });

  it('shows every expiry label the backend computes', async () => {
    const grant = (id: string, expiryLabel: string, expiringSoon: boolean): GrantSummary =>
      ({ id, toolName: `Tool ${id}`, status: 'active', issueKey: `AIR-${id}`, expiryLabel, expiringSoon, expiresAt: 0, activatedAt: 0, deprovision: 'not_needed' }) as unknown as GrantSummary;
    const screen = await mount(GlobalPage, {
      surface: 'globalPage',
      answers: {
        'viewer.context': () => ({ ok: true, data: { accountId: 'acc-x', isAdmin: false, canApprove: false, tabs: ['myAccess'] } }),
        'myAccess.list': () => ({ ok: true, data: { items: [grant('1', 'expired', false), grant('2', 'expires today', true), grant('3', 'expires tomorrow', true), grant('4', '12 days remaining', false)] } }),
      },
    });
    const table = await screen.waitFor(() => screen.maybeTestId('my-access'));
    const lozenges = screen.all((node) => node.type === 'Lozenge' && /expire|remaining/.test(textOf(node)), table);
    expect(lozenges.map((node) => [textOf(node), node.props.appearance])).toEqual([
      ['expired', 'removed'],
      ['expires today', 'moved'],
      ['expires tomorrow', 'moved'],
      ['12 days remaining', 'default'],
    ]);
    expect(screen.rows(table).length).toBe(4);
    expect(screen.all((node) => node.type === 'Row' && node.props.isHighlighted === true, table).length).toBe(3);
    // An ended grant is not "expiring soon": it is said apart.
    expect(textOf(screen.get((node) => node.type === 'SectionMessage' && node.props.appearance === 'warning', 'expiring soon warning'))).toContain('2 grants expiring soon');
    expect(textOf(screen.get((node) => node.type === 'SectionMessage' && node.props.appearance === 'error', 'ended notice'))).toContain('1 grant ended');
  });

  it('has an empty state for someone without access', async () => {
    const { world } = await freshScenario();
    const screen = await mount(GlobalPage, { surface: 'globalPage', world, accountId: PEOPLE.stranger });
    await screen.waitForText('You have no AI tool access yet');
    expect(screen.find((node) => node.type === 'EmptyState')?.props.description).toContain('Approved Tools');
  });

  it("shows the resolver's message and reference when it fails, never a stack trace", async () => {
    const screen = await mount(GlobalPage, {
      surface: 'globalPage',
      answers: {
        'viewer.context': () => ({ ok: true, data: { accountId: 'acc-x', isAdmin: false, canApprove: false, tabs: ['myAccess'] } }),
        'myAccess.list': () => failure('internal_error', 'Something went wrong on our side. Try again; if it keeps happening, give your admin this reference.', { reference: 'ref-42' }),
      },
    });
    await screen.waitForText('Clearway could not load your access');
    expect(screen.text()).toContain('give your admin this reference. (reference ref-42)');
    expect(screen.find((node) => node.type === 'SectionMessage')?.props.appearance).toBe('error');
    expect(screen.button('Try again')).toBeDefined();
  });
});

describe('global page: Approved Tools', () => {
  it('lists what can be requested now with status, default expiry, guidance and fulfillment note', async () => {
    const { world } = await freshScenario();
    // GitHub Copilot's Okta connector starts disabled, which keeps Copilot off the list; enabled, it shows.
    const enabled = await world.app.deps.store.get('connector', 'okta-off');
    if (enabled) await world.app.deps.store.commit([put('connector', { ...enabled, enabled: true })]);
    const screen = await mount(GlobalPage, { surface: 'globalPage', world, accountId: PEOPLE.requester });
    await screen.openTab('Approved Tools');
    const table = await screen.waitFor(() => screen.maybeTestId('approved-tools'));
    expect(screen.rows(table).length).toBe(4);
    const chatgpt = textOf(screen.row(table, 'ChatGPT Enterprise'));
    expect(chatgpt).toContain('approved');
    expect(chatgpt).toContain('30 days (up to 90 days)');
    expect(chatgpt).toContain('Use ChatGPT Enterprise for work.');
    expect(chatgpt).toContain('the service desk sets up your access by hand');
    expect(textOf(screen.row(table, 'GitHub Copilot'))).toContain("Clearway adds you to the tool's group in Okta group");
  });

  it('has an empty state when nothing is approved', async () => {
    const screen = await mount(GlobalPage, {
      surface: 'globalPage',
      answers: {
        'viewer.context': () => ({ ok: true, data: { accountId: 'acc-x', isAdmin: false, canApprove: false, tabs: ['approvedTools'] } }),
        'tools.requestable': () => ({ ok: true, data: { items: [] } }),
      },
    });
    await screen.waitForText('No tools can be requested yet');
  });

  it('shows a loading state, then the error, then the tools after a retry', async () => {
    const first = deferred();
    let calls = 0;
    const screen = await mount(GlobalPage, {
      surface: 'globalPage',
      answers: {
        'viewer.context': () => ({ ok: true, data: { accountId: 'acc-x', isAdmin: false, canApprove: false, tabs: ['approvedTools'] } }),
        'tools.requestable': () => {
          calls += 1;
          return calls === 1 ? first.answer : { ok: true, data: { items: [] } };
        },
      },
    });
    await screen.waitForText('Loading approved tools');
    first.settle(failure('jira_unavailable', 'Jira did not answer. Try again in a moment.'));
    await screen.waitForText('Clearway could not load the approved tools');
    expect(screen.text()).toContain('Jira did not answer. Try again in a moment.');
    await screen.click(screen.button('Try again'));
    await screen.waitForText('No tools can be requested yet');
  });
});

describe('global page: Request History', () => {
  it("lists the viewer's requests with decision lozenges and links to each issue", async () => {
    const { world } = await freshScenario();
    const screen = await mount(GlobalPage, { surface: 'globalPage', world, accountId: PEOPLE.requester });
    await screen.openTab('Request History');
    const table = await screen.waitFor(() => screen.maybeTestId('request-history'));
    expect(screen.rows(table).length).toBe(4);
    const approved = screen.row(table, 'AIR-1');
    expect(screen.get((node) => node.type === 'Lozenge', 'decision', approved).props).toMatchObject({ appearance: 'success' });
    expect(textOf(approved)).toContain('by an approver');
    expect(textOf(approved)).toContain('needed for the job');
    expect(screen.get((node) => node.type === 'Link', 'issue link', approved).props.href).toBe('/browse/AIR-1');
    const waiting = screen.row(table, 'AIR-5');
    expect(screen.get((node) => node.type === 'Lozenge', 'decision', waiting).props).toMatchObject({ appearance: 'inprogress' });
    expect(textOf(waiting)).toContain('Not yet');
  });

  it('pages through the history with the cursor the backend gives', async () => {
    const request = (n: number): RequestSummary => ({ id: `r${n}`, issueKey: `AIR-${n}`, toolName: 'Claude', status: 'denied', createdAt: 0, durationDays: 7, decision: { outcome: 'denied', decidedAt: 0, source: 'bulk', rationale: 'not now', decidedBy: 'a', policyVersion: 1 } }) as unknown as RequestSummary;
    const screen = await mount(GlobalPage, {
      surface: 'globalPage',
      answers: {
        'viewer.context': () => ({ ok: true, data: { accountId: 'acc-x', isAdmin: false, canApprove: false, tabs: ['requestHistory'] } }),
        'requests.mine': (payload) => {
          const { cursor } = payload as { cursor?: string };
          return { ok: true, data: cursor === 'page-2' ? { items: [request(21)] } : { items: Array.from({ length: 20 }, (_, index) => request(index + 1)), nextCursor: 'page-2' } };
        },
      },
    });
    await screen.waitForText('AIR-20');
    expect(screen.text()).toContain('Page 1');
    expect(screen.button('Previous page').props.isDisabled).toBe(true);
    await screen.click(screen.button('Next page'));
    await screen.waitForText('AIR-21');
    expect(screen.text()).toContain('Page 2');
    expect(screen.text()).not.toContain('AIR-20');
    expect(screen.invoked('requests.mine').map((call) => call.payload)).toEqual([{ limit: 20 }, { limit: 20, cursor: 'page-2' }]);
    await screen.click(screen.button('Previous page'));
    await screen.waitForText('AIR-20');
  });

  it('has an empty state for someone who never asked', async () => {
    const { world } = await freshScenario();
    const screen = await mount(GlobalPage, { surface: 'globalPage', world, accountId: PEOPLE.stranger });
    await screen.openTab('Request History');
    await screen.waitForText('You have not requested any AI tools');
  });
});
