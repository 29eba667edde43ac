import { defineProvider, type ProviderDefinition } from '@clearway/connector-sdk';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { saveTool } from '../catalog/catalog-service.js';
import { admin, approver, chatgpt, makeDeps, snapshot } from '../test-support/harness.js';
import { createConnector, deleteConnector, setConnectorEnabled, setIdentityMapping, testConnector, updateConnector } from './connector-service.js';

const TOKEN = 'tok-1234567890abcdef';

const demo = defineProvider({
  type: 'demo-group',
  displayName: 'Demo',
  description: 'test provider',
  configSchema: z.object({ baseUrl: z.url(), timeoutMs: z.number().int().default(5_000) }),
  secrets: { apiToken: { label: 'API token', sentTo: ['baseUrl'] } },
  capabilities: { createGroups: true, maxBatchSize: 1, membershipCheck: 'direct', manual: false },
  setup: { steps: 'none', permissions: [] },
  create: ({ secrets }) => ({
    test: async () => ({ ok: secrets.apiToken === TOKEN, checks: [{ name: 'Token', passed: secrets.apiToken === TOKEN, message: secrets.apiToken === TOKEN ? 'accepted' : `refused ${secrets.apiToken}` }] }),
    resolveIdentity: async () => ({ outcome: 'unresolved', reason: 'not_found', message: 'none' }),
    bindGroup: async () => ({ group: { id: 'g' }, outcome: 'bound' }),
    add: async () => ({ outcome: 'applied' }),
    remove: async () => ({ outcome: 'applied' }),
    check: async () => ({ outcome: 'member', via: 'direct' }),
  }),
});

const registry = (providers: ProviderDefinition[]) => ({ get: (type: string) => providers.find((provider) => provider.type === type), list: () => providers });

async function world() {
  return { ...(await makeDeps()), providers: registry([demo]) };
}

describe('connectors', () => {
  it('creates a connector: settings validated and normalised, secrets stored apart, only their names audited', async () => {
    const deps = await world();
    const connector = await createConnector(deps, admin, { id: 'demo-main', providerType: 'demo-group', name: 'Demo', settings: { baseUrl: 'https://demo.example' }, secrets: { apiToken: TOKEN } });
    expect(connector).toMatchObject({ id: 'demo-main', settings: { baseUrl: 'https://demo.example', timeoutMs: 5_000 }, secretsSet: ['apiToken'], enabled: true });
    expect(deps.secrets.values.get('connector:demo-main:apiToken')).toBe(TOKEN);
    expect(JSON.stringify(await deps.store.get('connector', 'demo-main'))).not.toContain(TOKEN);
    const events = (await deps.store.query('audit', 'bySeq', { partition: [], limit: 100 })).items;
    expect(JSON.stringify(events)).not.toContain(TOKEN);
    expect(events.at(-1)).toMatchObject({ type: 'connector.created', data: { secretsSet: ['apiToken'] } });
  });

  it('refuses unknown providers, invalid settings, missing secrets and non-admins, changing nothing', async () => {
    const deps = await world();
    const before = snapshot(deps.store);
    await expect(createConnector(deps, admin, { providerType: 'nope', name: 'x', settings: {} })).rejects.toMatchObject({ code: 'validation_failed', message: /no provider "nope"/ });
    await expect(createConnector(deps, admin, { providerType: 'demo-group', name: 'x', settings: { baseUrl: 'not a url' }, secrets: { apiToken: TOKEN } })).rejects.toMatchObject({ code: 'validation_failed', message: /baseUrl/ });
    await expect(createConnector(deps, admin, { providerType: 'demo-group', name: 'x', settings: { baseUrl: 'https://d.example' } })).rejects.toMatchObject({ code: 'validation_failed', message: /missing its API token/ });
    await expect(createConnector(deps, approver, { providerType: 'demo-group', name: 'x', settings: { baseUrl: 'https://d.example' }, secrets: { apiToken: TOKEN } })).rejects.toMatchObject({ code: 'forbidden' });
    expect(snapshot(deps.store)).toBe(before);
    expect(deps.secrets.values.size).toBe(1);
  });

  it('updates settings and rotates secrets; tests the connection without leaking the secret', async () => {
    const deps = await world();
    await createConnector(deps, admin, { id: 'demo-main', providerType: 'demo-group', name: 'Demo', settings: { baseUrl: 'https://demo.example' }, secrets: { apiToken: TOKEN } });
    expect(await testConnector(deps, admin, 'demo-main')).toMatchObject({ ok: true });
    const rotated = await updateConnector(deps, admin, 'demo-main', { secrets: { apiToken: 'wrong-token-000000000' } });
    expect(rotated.secretsSet).toEqual(['apiToken']);
    const result = await testConnector(deps, admin, 'demo-main');
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).not.toContain('wrong-token-000000000');
    await expect(updateConnector(deps, admin, 'demo-main', { secrets: { apiToken: null } })).rejects.toMatchObject({ code: 'validation_failed', message: /missing its API token/ });
    await expect(updateConnector(deps, admin, 'demo-main', { secrets: { other: 'x' } })).rejects.toMatchObject({ code: 'validation_failed' });
  });

  it('refuses secret names that are not the provider\'s own (prototype names included), storing nothing', async () => {
    const deps = await world();
    for (const field of ['constructor', 'toString', 'valueOf', '__proto__', 'hasOwnProperty']) {
      const secrets = Object.fromEntries([['apiToken', TOKEN], [field, 'planted-value-123']]);
      await expect(createConnector(deps, admin, { id: 'demo-x', providerType: 'demo-group', name: 'Demo', settings: { baseUrl: 'https://demo.example' }, secrets })).rejects.toMatchObject({ code: 'validation_failed', message: expect.stringContaining(`no secret "${field}"`) });
    }
    const connectorSecrets = () => [...deps.secrets.values.entries()].filter(([name]) => name.startsWith('connector:'));
    expect(connectorSecrets()).toEqual([]);
    await createConnector(deps, admin, { id: 'demo-main', providerType: 'demo-group', name: 'Demo', settings: { baseUrl: 'https://demo.example' }, secrets: { apiToken: TOKEN } });
    await expect(updateConnector(deps, admin, 'demo-main', { secrets: { constructor: 'planted-value-123' } })).rejects.toMatchObject({ code: 'validation_failed' });
    expect(connectorSecrets().map(([name]) => name)).toEqual(['connector:demo-main:apiToken']);
  });

  it('puts the secrets back when the record does not commit: a failed update keeps the old token, a failed create leaves none', async () => {
    const deps = await world();
    await createConnector(deps, admin, { id: 'demo-main', providerType: 'demo-group', name: 'Demo', settings: { baseUrl: 'https://demo.example' }, secrets: { apiToken: TOKEN } });
    const commit = deps.store.commit.bind(deps.store);
    deps.store.commit = async () => {
      throw new Error('the store refused the change');
    };
    await expect(updateConnector(deps, admin, 'demo-main', { secrets: { apiToken: 'new-token-000000000000' } })).rejects.toThrow('the store refused');
    await expect(createConnector(deps, admin, { id: 'demo-two', providerType: 'demo-group', name: 'Two', settings: { baseUrl: 'https://demo.example' }, secrets: { apiToken: 'other-token-00000000' } })).rejects.toThrow('the store refused');
    deps.store.commit = commit;
    expect([...deps.secrets.values.entries()].filter(([name]) => name.startsWith('connector:'))).toEqual([['connector:demo-main:apiToken', TOKEN]]);
    expect(await testConnector(deps, admin, 'demo-main')).toMatchObject({ ok: true });
  });

  it('refuses moving where a stored secret is sent unless it is entered again (issue 16, item 4)', async () => {
    const deps = await world();
    await createConnector(deps, admin, { id: 'demo-main', providerType: 'demo-group', name: 'Demo', settings: { baseUrl: 'https://demo.example' }, secrets: { apiToken: TOKEN } });
    const before = snapshot(deps.store);
    await expect(updateConnector(deps, admin, 'demo-main', { settings: { baseUrl: 'https://attacker.example' } })).rejects.toMatchObject({
      code: 'validation_failed',
      message: expect.stringContaining('changing baseUrl sends the API token somewhere new: enter it again'),
    });
    expect(snapshot(deps.store)).toBe(before);
    expect(deps.secrets.values.get('connector:demo-main:apiToken')).toBe(TOKEN);
    // Other settings change freely; the endpoint changes with the secret entered again.
    await expect(updateConnector(deps, admin, 'demo-main', { settings: { baseUrl: 'https://demo.example', timeoutMs: 9_000 } })).resolves.toMatchObject({ settings: { timeoutMs: 9_000 } });
    await expect(updateConnector(deps, admin, 'demo-main', { settings: { baseUrl: 'https://new.example' }, secrets: { apiToken: 'new-token-000000000000' } })).resolves.toMatchObject({ settings: { baseUrl: 'https://new.example' } });
  });

  it('tests a connector with the host services a job gets (manual confirmations included)', async () => {
    const recordsConfirmations = defineProvider({
      type: 'desk-check',
      displayName: 'Desk',
      description: 'reports whether confirmations can be read',
      configSchema: z.object({}),
      secrets: {},
      capabilities: { createGroups: false, maxBatchSize: 1, membershipCheck: 'manual', manual: true },
      setup: { steps: 'none', permissions: [] },
      create: ({ host }) => ({
        test: async () => ({ ok: host.manualConfirmation !== undefined, checks: [{ name: 'Confirmations', passed: host.manualConfirmation !== undefined, message: 'readable' }] }),
        resolveIdentity: async () => ({ outcome: 'unresolved', reason: 'not_found', message: 'none' }),
        bindGroup: async () => ({ group: { id: 'g' }, outcome: 'bound' }),
        add: async () => ({ outcome: 'pending_manual', task: { action: 'provision', summary: 'x' } }),
        remove: async () => ({ outcome: 'pending_manual', task: { action: 'deprovision', summary: 'x' } }),
        check: async () => ({ outcome: 'pending_manual', task: { action: 'verify', summary: 'x' } }),
      }),
    });
    const deps = { ...(await makeDeps()), providers: registry([recordsConfirmations]) };
    await createConnector(deps, admin, { id: 'desk', providerType: 'desk-check', name: 'Desk', settings: {} });
    expect(await testConnector(deps, admin, 'desk')).toMatchObject({ ok: true });
  });

  it('disables and enables, and deletes only connectors no tool is bound to', async () => {
    const deps = await world();
    await createConnector(deps, admin, { id: 'demo-main', providerType: 'demo-group', name: 'Demo', settings: { baseUrl: 'https://demo.example' }, secrets: { apiToken: TOKEN } });
    expect((await setConnectorEnabled(deps, admin, 'demo-main', false)).enabled).toBe(false);
    await saveTool(deps, admin, { ...chatgpt, fulfillment: { connectorId: 'demo-main', group: { name: 'g' } } });
    await expect(deleteConnector(deps, admin, 'demo-main')).rejects.toMatchObject({ code: 'conflict', message: /bound to ChatGPT Enterprise/ });
    await expect(deleteConnector(deps, admin, 'manual')).rejects.toMatchObject({ code: 'conflict' });
    await saveTool(deps, admin, chatgpt);
    await deleteConnector(deps, admin, 'demo-main');
    expect(await deps.store.get('connector', 'demo-main')).toBeUndefined();
    expect(deps.secrets.values.has('connector:demo-main:apiToken')).toBe(false);
  });

  it('maps a Jira user to a provider user, and removes the mapping', async () => {
    const deps = await world();
    const mapping = await setIdentityMapping(deps, admin, { connectorId: 'manual', accountId: 'user-1', externalId: 'una.user' });
    expect(mapping).toMatchObject({ id: 'manual:user-1', source: 'mapping', mappedExternalId: 'una.user' });
    expect(mapping?.externalId).toBeUndefined();
    await setIdentityMapping(deps, admin, { connectorId: 'manual', accountId: 'user-1', externalId: null });
    expect(await deps.store.get('identity', 'manual:user-1')).toBeUndefined();
    await expect(setIdentityMapping(deps, admin, { connectorId: 'missing', accountId: 'user-1', externalId: 'x' })).rejects.toMatchObject({ code: 'not_found' });
  });

  it('maps only accounts the Jira site knows (issue 16, item 13), yet clears a mapping whose account is gone', async () => {
    const deps = await world();
    await setIdentityMapping(deps, admin, { connectorId: 'manual', accountId: 'user-1', externalId: 'una.user' });
    deps.jira.directory.set('made-up-1', undefined);
    deps.jira.directory.set('bot-1', { accountType: 'app', active: true });
    deps.jira.directory.set('carla-1', { accountType: 'customer', active: true });
    const before = snapshot(deps.store);
    await expect(setIdentityMapping(deps, admin, { connectorId: 'manual', accountId: 'made-up-1', externalId: 'x' })).rejects.toMatchObject({
      code: 'validation_failed',
      message: /made-up-1 \(no account with this id exists on this Jira site\)/,
      details: { issues: [{ path: 'accountId' }] },
    });
    await expect(setIdentityMapping(deps, admin, { connectorId: 'manual', accountId: 'bot-1', externalId: 'x' })).rejects.toMatchObject({ code: 'validation_failed', message: /an app, not a person/ });
    deps.jira.failing = true;
    await expect(setIdentityMapping(deps, admin, { connectorId: 'manual', accountId: 'carla-1', externalId: 'carla' })).rejects.toThrow('Jira is unavailable');
    expect(snapshot(deps.store)).toBe(before);
    deps.jira.failing = false;
    // A portal customer asks for access too: their mapping is allowed.
    await expect(setIdentityMapping(deps, admin, { connectorId: 'manual', accountId: 'carla-1', externalId: 'carla' })).resolves.toMatchObject({ accountId: 'carla-1' });
    deps.jira.directory.set('user-1', undefined);
    deps.jira.failing = true;
    await setIdentityMapping(deps, admin, { connectorId: 'manual', accountId: 'user-1', externalId: null });
    expect(await deps.store.get('identity', 'manual:user-1')).toBeUndefined();
  });
});
