/**
 * The Connectors tab through the fake bridge: the form generated from a provider's config schema
 * (settings, and write-only secrets shown as set / not set), Test connection with the provider's
 * own checks, enable / disable / delete, and identity mappings. Secrets never come back.
 */
import { connectorSecretName } from '@clearway/core';
import { describe, expect, it } from 'vitest';
import { AdminPage } from '../../src/frontend/admin/admin-page-app';
import { makeAppWorld } from '../../src/test-support/app-world';
import { freshScenario, PEOPLE, seedSite, SECRET_CANARY } from '../../src/test-support/scenario';
import { demoProvider, GOOD_TOKEN } from './demo-provider';
import { mount, textOf, type ForgeNode, type Screen } from './harness';

async function openConnectors(screen: Screen): Promise<ForgeNode> {
  await screen.openTab('Connectors');
  return screen.waitFor(() => screen.maybeTestId('connectors'));
}

const settingNames = (screen: Screen) => screen.all((node) => typeof node.props.name === 'string' && node.props.name.startsWith('setting-') && node.type !== 'String').map((node) => node.props.name);

async function startAdding(screen: Screen, providerType: string): Promise<void> {
  await screen.click(screen.button('Add connector'));
  expect(screen.button('Continue').props.isDisabled).toBe(true);
  await screen.choose(screen.field('providerType'), providerType);
  await screen.submit(screen.form('connector-provider'));
  await screen.waitFor(() => screen.maybeTestId('connector-form'));
}

describe('admin page: Connectors', () => {
  it('creates a connector from the form its provider schema generates, then tests it', async () => {
    const world = makeAppWorld({ providers: [demoProvider] });
    seedSite(world.forge.jira);
    const screen = await mount(AdminPage, { surface: 'adminPage', world, accountId: PEOPLE.admin });
    await openConnectors(screen);
    await startAdding(screen, 'demo-directory');

    expect(settingNames(screen)).toEqual(['setting-baseUrl', 'setting-authMode', 'setting-timeoutMs', 'setting-createGroups']);
    expect(screen.field('setting-baseUrl').type).toBe('Textfield');
    expect(screen.field('setting-authMode')).toMatchObject({ type: 'Select', props: { options: [{ label: 'token', value: 'token' }, { label: 'certificate', value: 'certificate' }], value: { label: 'token', value: 'token' } } });
    expect(screen.field('setting-timeoutMs').props).toMatchObject({ type: 'number', value: '10000' });
    expect(screen.field('setting-createGroups').type).toBe('Checkbox');
    // Secrets follow the sign-in method: the token now, the certificate only for certificate sign-in.
    expect(screen.field('secret-token').props).toMatchObject({ type: 'password', value: '' });
    expect(screen.find((node) => node.props.name === 'secret-certificate')).toBeUndefined();
    expect(screen.text()).toContain('Open Settings → Tokens in the directory.');
    expect(screen.text()).toContain('groups:write');

    await screen.submit(screen.form('connector-form'));
    await screen.waitForText('Directory URL is required.');
    expect(screen.text()).toContain('API token is required with these settings.');
    expect(screen.invoked('connectors.create')).toEqual([]);

    await screen.choose(screen.field('setting-authMode'), 'certificate');
    await screen.waitFor(() => screen.find((node) => node.props.name === 'secret-certificate' && node.type === 'Textfield'));
    expect(screen.find((node) => node.props.name === 'secret-token')).toBeUndefined();
    await screen.choose(screen.field('setting-authMode'), 'token');

    await screen.type(screen.field('connectorName'), 'Demo directory (prod)');
    // On a host the manifest's egress declares: Test connection refuses any other before the provider runs.
    await screen.type(screen.field('setting-baseUrl'), 'https://directory.okta.com');
    await screen.type(screen.field('setting-timeoutMs'), '500');
    await screen.type(screen.field('secret-token'), GOOD_TOKEN);
    await screen.submit(screen.form('connector-form'));
    await screen.waitForText('Enter a number from 1000 to 60000.');
    await screen.type(screen.field('setting-timeoutMs'), '5000');
    await screen.submit(screen.form('connector-form'));
    await screen.waitForText('Demo directory (prod) added');

    expect(screen.invoked('connectors.create')[0]?.payload).toEqual({
      providerType: 'demo-directory',
      name: 'Demo directory (prod)',
      settings: { baseUrl: 'https://directory.okta.com', authMode: 'token', timeoutMs: 5000, createGroups: false },
      secrets: { token: GOOD_TOKEN },
    });
    const table = await screen.waitFor(() => screen.maybeTestId('connectors') && textOf(screen.byTestId('connectors')).includes('Demo directory (prod)') && screen.byTestId('connectors'));
    const row = screen.row(table, 'Demo directory (prod)');
    expect(textOf(row)).toContain('API token: set, Client certificate: not set');
    const id = String(row.props.rowKey);
    // Write-only: the value went to secret storage and is shown nowhere.
    expect(await world.app.deps.secrets.get(connectorSecretName(id, 'token'))).toBe(GOOD_TOKEN);
    expect(screen.everyString().filter((text) => text.includes(GOOD_TOKEN))).toEqual([]);

    await screen.click(screen.byTestId(`test-${id}`));
    await screen.type(screen.field('testGroupId'), 'grp-42');
    await screen.submit(screen.form('connection-test'));
    await screen.waitForText('The connection works');
    const checks = screen.rows(screen.byTestId('connection-checks')).map((cells) => cells.map(textOf));
    expect(checks).toEqual([
      ['Credentials accepted', 'passed', 'Signed in to https://directory.okta.com.'],
      ['Can manage the group', 'passed', 'Clearway may change the membership of grp-42.'],
    ]);
    expect(screen.invoked('connectors.test')[0]?.payload).toEqual({ connectorId: id, groupId: 'grp-42' });
  });

  it("shows which of the provider's checks failed and what to fix", async () => {
    const world = makeAppWorld({ providers: [demoProvider] });
    seedSite(world.forge.jira);
    const created = await world.invoke('adminPage', 'connectors.create', { id: 'demo', providerType: 'demo-directory', name: 'Demo', settings: { baseUrl: 'https://d.okta.com' }, secrets: { token: 'stale-token' } }, { accountId: PEOPLE.admin });
    expect(created.ok).toBe(true);
    const screen = await mount(AdminPage, { surface: 'adminPage', world, accountId: PEOPLE.admin });
    await openConnectors(screen);
    await screen.click(screen.byTestId('test-demo'));
    await screen.submit(screen.form('connection-test'));
    await screen.waitForText('The connection test failed: 1 check to fix');
    const [check] = screen.rows(screen.byTestId('connection-checks'));
    expect(check?.map(textOf)).toEqual(['Credentials accepted', 'failed', 'The directory did not accept these credentials. Make new ones in Settings, then paste them again.']);
    expect(screen.get((node) => node.type === 'Lozenge' && textOf(node) === 'failed', 'failed lozenge').props.appearance).toBe('removed');
  });

  it('edits a connector without ever showing its secret: keep, replace or clear', async () => {
    const world = makeAppWorld({ providers: [demoProvider] });
    seedSite(world.forge.jira);
    await world.invoke('adminPage', 'connectors.create', { id: 'demo', providerType: 'demo-directory', name: 'Demo', settings: { baseUrl: 'https://d.okta.com' }, secrets: { token: GOOD_TOKEN } }, { accountId: PEOPLE.admin });
    const screen = await mount(AdminPage, { surface: 'adminPage', world, accountId: PEOPLE.admin });
    await openConnectors(screen);
    await screen.click(screen.byTestId('edit-demo'));
    await screen.waitFor(() => screen.maybeTestId('connector-form'));
    expect(screen.field('setting-baseUrl').props.value).toBe('https://d.okta.com');
    expect(screen.field('secret-token').props).toMatchObject({ value: '', placeholder: 'Leave empty to keep the stored value' });
    expect(textOf(screen.byTestId('connector-form'))).toContain('API token (required) set');

    // Clearing a secret the sign-in method needs is refused before anything is sent.
    await screen.check(screen.field('clear-token'), true);
    await screen.submit(screen.form('connector-form'));
    await screen.waitForText('API token is required with these settings.');
    expect(screen.invoked('connectors.update')).toEqual([]);
    await screen.check(screen.field('clear-token'), false);

    await screen.type(screen.field('connectorName'), 'Demo (renamed)');
    await screen.submit(screen.form('connector-form'));
    await screen.waitForText('Demo (renamed) saved');
    expect(screen.invoked('connectors.update')[0]?.payload).toEqual({ connectorId: 'demo', name: 'Demo (renamed)', settings: { baseUrl: 'https://d.okta.com', authMode: 'token', timeoutMs: 10000, createGroups: false } });
    expect(await world.app.deps.secrets.get(connectorSecretName('demo', 'token'))).toBe(GOOD_TOKEN);

    await screen.waitFor(() => screen.maybeTestId('connectors') && textOf(screen.byTestId('connectors')).includes('Demo (renamed)'));
    await screen.click(screen.byTestId('edit-demo'));
    await screen.waitFor(() => screen.maybeTestId('connector-form'));
    await screen.type(screen.field('secret-token'), 'rotated-token');
    await screen.submit(screen.form('connector-form'));
    await screen.waitFor(() => screen.invoked('connectors.update').length === 2 && screen.inFlight === 0);
    expect(screen.invoked('connectors.update')[1]?.payload).toEqual({ connectorId: 'demo', name: 'Demo (renamed)', settings: expect.any(Object), secrets: { token: 'rotated-token' } });
    expect(await world.app.deps.secrets.get(connectorSecretName('demo', 'token'))).toBe('rotated-token');
  });

  it("renders Okta's form from its real schema, with its setup steps and permissions", async () => {
    const { world } = await freshScenario();
    const screen = await mount(AdminPage, { surface: 'adminPage', world, accountId: PEOPLE.admin });
    const table = await openConnectors(screen);
    // The scenario's disabled Okta connector holds a secret: the list says it is set, never what it is.
    expect(textOf(screen.row(table, 'Okta (disabled)'))).toContain('API token: set, Private key: not set');
    expect(screen.everyString().filter((text) => text.includes(SECRET_CANARY))).toEqual([]);

    await startAdding(screen, 'okta-group');
    // The simulator's "plain http on loopback" is a development setting: never on the app's form.
    expect(settingNames(screen)).toEqual(['setting-orgUrl', 'setting-authMode', 'setting-clientId', 'setting-keyId', 'setting-requestTimeoutMs']);
    expect(textOf(screen.byTestId('connector-form'))).toContain('Okta org URL');
    expect(textOf(screen.byTestId('connector-form'))).not.toMatch(/loopback/i);
    expect(screen.field('setting-authMode').props.options).toEqual([
      { label: 'API token (SSWS)', value: 'api_token' },
      { label: 'OAuth 2.0 service app with a private key (recommended)', value: 'private_key' },
    ]);
    expect(screen.text()).toContain('Add an Okta group connector');
    expect(screen.text()).not.toContain('Add a Okta');
    expect(screen.find((node) => node.props.name === 'secret-apiToken' && node.type === 'Textfield')?.props.type).toBe('password');
    expect(screen.find((node) => node.props.name === 'secret-privateKey' && node.type === 'Textfield')).toBeDefined();
    const items = screen.all((node) => node.type === 'ListItem').map(textOf);
    expect(items).toContain('On the Okta API Scopes tab, grant okta.groups.manage and okta.users.read.');
    expect(items).toContain('OAuth scope okta.groups.manage (private key sign-in)');
  });

  it('disables, refuses to delete a connector tools are bound to, and deletes an unused one', async () => {
    const { world } = await freshScenario();
    const screen = await mount(AdminPage, { surface: 'adminPage', world, accountId: PEOPLE.admin });
    await openConnectors(screen);
    expect(screen.maybeTestId('delete-manual')).toBeUndefined();
    await screen.click(screen.byTestId('toggle-desk'));
    await screen.waitForText('No catalog tool is bound to it: nothing is paused.');
    await screen.submit(screen.form('disable-connector'));
    await screen.waitForText('Service desk disabled');
    expect((await world.app.deps.store.get('connector', 'desk'))?.enabled).toBe(false);

    await screen.waitFor(() => screen.maybeTestId('connectors'));
    await screen.click(screen.byTestId('delete-okta-off'));
    await screen.submit(screen.form('delete-connector'));
    await screen.waitForText('Connector okta-off is bound to GitHub Copilot; rebind those tools first.');
    expect(await world.app.deps.store.get('connector', 'okta-off')).toBeDefined();
    await screen.click(screen.button('Cancel', screen.byTestId('delete-connector')));

    await screen.click(screen.byTestId('delete-desk'));
    await screen.submit(screen.form('delete-connector'));
    await screen.waitForText('Service desk deleted');
    expect(await world.app.deps.store.get('connector', 'desk')).toBeUndefined();
  });

  it('says which tools and open grants disabling pauses before it does, and the paused tools are no longer offered', async () => {
    const { world } = await freshScenario();
    const claude = await world.app.deps.store.get('tool', 'claude');
    if (!claude) throw new Error('no Claude');
    // Claude (AIR-4: approved, its manual task waiting) moves to the service desk connector.
    const { id, name, vendor, status, riskLevel, defaultDurationDays, maxDurationDays, guidance } = claude;
    expect(await world.invoke('adminPage', 'catalog.save', { id, name, vendor, status, riskLevel, defaultDurationDays, maxDurationDays, guidance, fulfillment: { connectorId: 'desk', group: {} } }, { accountId: PEOPLE.admin })).toMatchObject({ ok: true });
    const offered = async () => {
      const answer = await world.invoke('globalPage', 'tools.requestable', {}, { accountId: PEOPLE.requester });
      return answer.ok ? answer.data.items.map((tool) => tool.name) : [];
    };
    expect(await offered()).toContain('Claude');

    const screen = await mount(AdminPage, { surface: 'adminPage', world, accountId: PEOPLE.admin });
    await openConnectors(screen);
    await screen.click(screen.byTestId('toggle-desk'));
    await screen.waitForText('1 tool (Claude) and 1 open grant depend on it.');
    expect(screen.invoked('connectors.setEnabled')).toEqual([]);
    await screen.click(screen.button('Cancel', screen.byTestId('disable-connector')));
    expect((await world.app.deps.store.get('connector', 'desk'))?.enabled).toBe(true);

    await screen.click(screen.byTestId('toggle-desk'));
    await screen.waitForText('1 tool (Claude) and 1 open grant depend on it.');
    await screen.submit(screen.form('disable-connector'));
    await screen.waitForText('Service desk disabled');
    expect(await offered()).not.toContain('Claude');
    expect(await offered()).toContain('ChatGPT Enterprise');
    // GitHub Copilot's connector was disabled from the start: it was never offered.
    expect(await offered()).not.toContain('GitHub Copilot');
  });

  it('maps a Jira person to a provider user and removes the mapping', async () => {
    const { world } = await freshScenario();
    const screen = await mount(AdminPage, { surface: 'adminPage', world, accountId: PEOPLE.admin });
    await openConnectors(screen);
    await screen.click(screen.byTestId('identities-desk'));
    await screen.waitForText('No one is mapped or resolved at this connector yet.');
    await screen.click(screen.button('Save mapping'));
    await screen.waitForText('Choose the Jira person to map.');
    await screen.search(screen.field('mapPerson'), 'una');
    await screen.waitFor(() => (screen.field('mapPerson').props.options as unknown[]).length > 0);
    await screen.choose(screen.field('mapPerson'), PEOPLE.requester);
    await screen.type(screen.field('externalId'), 'una.user@corp.example');
    await screen.click(screen.button('Save mapping'));
    await screen.waitForText('Clearway uses una.user@corp.example for this person at Service desk.');
    expect(screen.invoked('connectors.mapIdentity')[0]?.payload).toEqual({ connectorId: 'desk', accountId: PEOPLE.requester, externalId: 'una.user@corp.example' });
    const table = await screen.waitFor(() => screen.maybeTestId('identities'));
    expect(textOf(table)).toContain('Mapped to una.user@corp.example');

    await screen.click(screen.byTestId(`unmap-${PEOPLE.requester}`));
    await screen.waitForText('Mapping removed');
    expect(screen.invoked('connectors.mapIdentity')[1]?.payload).toEqual({ connectorId: 'desk', accountId: PEOPLE.requester, externalId: null });
    await screen.waitForText('No one is mapped or resolved at this connector yet.');
  });
});
