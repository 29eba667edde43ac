import { describe, expect, it, vi } from 'vitest';
import { freshScenario, PEOPLE, scenarioRules } from '../../test-support/scenario';

const admin = { accountId: PEOPLE.admin };

// Accounts are checked with Jira's "Bulk get users" (GET /rest/api/3/user/bulk,
// https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-users/#api-rest-api-3-user-bulk-get):
// the fake site answers it as documented, leaving ids it does not know out of the page.
describe('governance and identity mappings name accounts that exist (issue 16, item 13)', () => {
  it('refuses a governance policy naming an account the site does not know, or a deactivated one, saving nothing', async () => {
    const { world } = await freshScenario();
    world.forge.jira.addUser({ accountId: 'acc-gone', displayName: 'Gone', active: false });
    const before = world.forge.kvs.snapshot();
    const base = scenarioRules().approvers;
    const answer = await world.invoke('adminPage', 'governance.update', { rules: scenarioRules({ approvers: { ...base, default: [PEOPLE.approver, '5b10ac8d82e05b22cc7d4ef5'], securityReviewers: ['acc-gone'] } }) }, admin);
    expect(answer).toMatchObject({
      ok: false,
      error: {
        code: 'validation_failed',
        message: expect.stringMatching(/5b10ac8d82e05b22cc7d4ef5 \(no account with this id exists on this Jira site\); acc-gone \(this account is deactivated\)/),
        issues: [
          { path: 'approvers.default.1', message: expect.stringContaining('5b10ac8d82e05b22cc7d4ef5') },
          { path: 'approvers.securityReviewers.0', message: expect.stringContaining('acc-gone') },
        ],
      },
    });
    expect(world.forge.kvs.snapshot()).toBe(before);
    expect(world.forge.jira.requests.filter((request) => request.path.startsWith('/rest/api/3/user/bulk'))).toHaveLength(1);
    expect(await world.invoke('adminPage', 'governance.update', { rules: scenarioRules({ approvers: { ...base, default: [PEOPLE.approver, PEOPLE.stranger] } }) }, admin)).toMatchObject({ ok: true });
  });

  it('answers jira_unavailable, saving nothing, when the directory cannot be asked', async () => {
    const { world } = await freshScenario();
    const before = world.forge.kvs.snapshot();
    const site = world.forge.jira;
    const handle = site.handle.bind(site);
    // Only the user directory is down: the admin check (mypermissions) still answers.
    vi.spyOn(site, 'handle').mockImplementation((target, path, init) =>
      path.startsWith('/rest/api/3/user/bulk') ? new Response(JSON.stringify({ errorMessages: ['Service unavailable'] }), { status: 503 }) : handle(target, path, init),
    );
    for (const [key, payload] of [
      ['governance.update', { rules: scenarioRules() }],
      ['connectors.mapIdentity', { connectorId: 'desk', accountId: PEOPLE.requester, externalId: 'una@corp.example' }],
    ] as const) {
      expect(await world.invoke('adminPage', key, payload, admin)).toMatchObject({ ok: false, error: { code: 'jira_unavailable', message: expect.stringContaining('Looking up Jira accounts') } });
    }
    expect(world.forge.kvs.snapshot()).toBe(before);
  });

  it('maps identities only for accounts the site knows', async () => {
    const { world } = await freshScenario();
    const before = world.forge.kvs.snapshot();
    const refused = await world.invoke('adminPage', 'connectors.mapIdentity', { connectorId: 'desk', accountId: 'acc-made-up', externalId: 'someone@corp.example' }, admin);
    expect(refused).toMatchObject({ ok: false, error: { code: 'validation_failed', issues: [{ path: 'accountId', message: expect.stringContaining('acc-made-up') }] } });
    expect(world.forge.kvs.snapshot()).toBe(before);
    expect(await world.invoke('adminPage', 'connectors.mapIdentity', { connectorId: 'desk', accountId: PEOPLE.customer, externalId: 'carla@corp.example' }, admin)).toMatchObject({ ok: true, data: { mapping: { accountId: PEOPLE.customer } } });
  });
});
