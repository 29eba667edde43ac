/**
 * My Access's "Connected AI clients" through the fake bridge, answered by the real resolvers over
 * the scenario installation: the viewer sees only their own connections (the backend reads the
 * account from the platform) and disconnects one after confirming. The gateway's host is the
 * stand-in of `test-support/gateway-world.ts`.
 */
import { describe, expect, it } from 'vitest';
import { formatDateTime } from '../../src/frontend/components/format';
import { GlobalPage } from '../../src/frontend/global/global-page-app';
import { installGatewayDouble, UNA_CLAUDE } from '../../src/test-support/gateway-world';
import { freshScenario, PEOPLE } from '../../src/test-support/scenario';
import { failure, mount, textOf } from './harness';

describe('My Access: connected AI clients', () => {
  it('lists the viewer’s own AI clients and disconnects one after asking', async () => {
    const { world } = await freshScenario();
    const gateway = installGatewayDouble(world);
    const screen = await mount(GlobalPage, { surface: 'globalPage', world, accountId: PEOPLE.requester });
    const table = await screen.waitFor(() => screen.maybeTestId('connected-clients'));
    expect(screen.rows(table).map((cells) => cells.map(textOf))).toEqual([['claude', formatDateTime(UNA_CLAUDE.connectedAt), formatDateTime(UNA_CLAUDE.lastUsedAt ?? 0), 'Disconnect']]);
    // The grants are still there, above.
    expect(screen.maybeTestId('my-access')).toBeDefined();

    await screen.click(screen.byTestId(`disconnect-${UNA_CLAUDE.id}`));
    expect(textOf(screen.byTestId('disconnect-client'))).toContain('claude will stop acting in Jira and Confluence for you');
    expect(gateway.connections.byId.has(UNA_CLAUDE.id)).toBe(true);
    await screen.submit(screen.form('disconnect-client'));
    await screen.waitForText('claude disconnected');
    await screen.waitForText('No AI assistant is connected to Jira through Clearway for you.');
    expect(screen.invoked('myClients.disconnect').map((call) => call.payload)).toEqual([{ connectionId: UNA_CLAUDE.id }]);
    expect(screen.invoked('myClients.list').map((call) => call.payload)).toEqual([{}, {}]);
    expect(gateway.connections.events).toEqual([{ type: 'gateway.disconnected', connection: UNA_CLAUDE, by: { accountId: PEOPLE.requester, role: 'user' }, upstreamRevoked: true }]);
  });

  it('shows someone else none of the requester’s connections', async () => {
    const { world } = await freshScenario();
    installGatewayDouble(world);
    const screen = await mount(GlobalPage, { surface: 'globalPage', world, accountId: PEOPLE.approver });
    await screen.waitForText('No AI assistant is connected to Jira through Clearway for you.');
    expect(screen.maybeTestId('connected-clients')).toBeUndefined();
  });

  it('keeps the dialog open with the reason when the disconnect is refused', async () => {
    const screen = await mount(GlobalPage, {
      surface: 'globalPage',
      accountId: PEOPLE.requester,
      answers: {
        'viewer.context': () => ({ ok: true, data: { accountId: PEOPLE.requester, isAdmin: false, canApprove: false, canReviewExceptions: false, tabs: ['myAccess'] } }),
        'myAccess.list': () => ({ ok: true, data: { items: [] } }),
        'myClients.list': () => ({ ok: true, data: [UNA_CLAUDE] }),
        'myClients.disconnect': () => failure('not_found', `Connected AI client ${UNA_CLAUDE.id} does not exist.`),
      },
    });
    await screen.click(await screen.waitFor(() => screen.maybeTestId(`disconnect-${UNA_CLAUDE.id}`)));
    await screen.submit(screen.form('disconnect-client'));
    await screen.waitForText('Nothing was disconnected');
    expect(textOf(screen.byTestId('disconnect-client'))).toContain(`Connected AI client ${UNA_CLAUDE.id} does not exist.`);
    // The grants' empty state and the clients list render side by side.
    expect(screen.text()).toContain('You have no AI tool access yet');
  });
});
