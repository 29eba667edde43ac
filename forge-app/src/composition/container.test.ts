import { CORE_DEPS, FulfillmentEngine, PROVIDER_REGISTRY, type CoreDeps, type ProviderRegistry } from '@clearway/core';
import type { UpstreamSignInConfig } from '@clearway/core/gateway-sign-in';
import { afterEach, describe, expect, it } from 'vitest';
import { ATLASSIAN_REMOTE_MCP_URL } from '../adapters/egress/gateway-egress';
import { JiraGroups } from '../adapters/jira/jira-groups';
import { KvsSignInStore } from '../adapters/kvs-sign-in/kvs-sign-in-store';
import { fakeForge, installForgeRuntime } from '../test-support/fake-forge/index';
import { KvsStore } from '../adapters/kvs-store/kvs-store';
import { KvsSecrets } from '../adapters/kvs-secrets/kvs-secrets';
import { ForgeJira } from '../adapters/jira/forge-jira';
import { JiraWorkIssues } from '../adapters/jira/work-issues';
import { FakeClock } from '../test-support/app-world';
import { createApp } from './app';
import { createAppContainer } from './container';
import { TOKENS } from './tokens';

describe('the composition root', () => {
  it('registers the three providers, once each', () => {
    const registry = createAppContainer().resolve<ProviderRegistry>(PROVIDER_REGISTRY);
    expect(registry.list().map((provider) => provider.type).sort()).toEqual(['entra-group', 'manual', 'okta-group']);
  });

  it('wires core’s ports to the Forge adapters by default, and lets a test replace any of them', () => {
    const deps = createAppContainer().resolve<CoreDeps>(CORE_DEPS);
    expect(deps.store).toBeInstanceOf(KvsStore);
    expect(deps.secrets).toBeInstanceOf(KvsSecrets);
    expect(deps.jira).toBeInstanceOf(ForgeJira);
    const clock = new FakeClock();
    expect(createAppContainer({ clock }).resolve<CoreDeps>(CORE_DEPS).clock).toBe(clock);
  });

  it('gives work-linked access Jira’s issues through the same deps, built without a call, and lets a test replace them', async () => {
    const app = createApp({ clock: new FakeClock() });
    expect(app.deps.issues).toBeInstanceOf(JiraWorkIssues);
    expect(app.workDeps).toBe(app.deps);
    expect(fakeForge().jira.requests).toEqual([]);
    const issues = { read: async () => undefined, search: async () => ({ issues: [] }), projectStatuses: async () => [] };
    expect(createApp({ issues }).workDeps.issues).toBe(issues);
  });

  it('builds one engine per app and prepares the installation once', async () => {
    const app = createApp({ clock: new FakeClock() });
    expect(app.engine).toBeInstanceOf(FulfillmentEngine);
    expect(app.engine.options.workerId).toMatch(/^forge-/);
    await Promise.all([app.ready(), app.ready()]);
    expect(await app.deps.store.get('connector', 'manual')).toMatchObject({ providerType: 'manual', enabled: true });
    expect(app.connectorDeps.providers.get('okta-group')).toBeDefined();
  });
});

describe('the gateway in the composition root', () => {
  let uninstall: (() => void) | undefined;
  afterEach(() => uninstall?.());

  it('wires sign-in to Forge secret storage, the site’s groups to Jira, and the upstream to Atlassian’s remote MCP server', () => {
    const container = createAppContainer();
    expect(container.resolve(TOKENS.signInStore)).toBeInstanceOf(KvsSignInStore);
    expect(container.resolve(TOKENS.gatewayGroups)).toBeInstanceOf(JiraGroups);
    expect(container.resolve<UpstreamSignInConfig>(TOKENS.gatewayUpstream)).toEqual({ mcpUrl: ATLASSIAN_REMOTE_MCP_URL });
    expect(createApp().gateway.groups).toBeInstanceOf(JiraGroups);
  });

  it('asks Forge for the clearway-gateway web trigger URL once per process, and again after a failure', async () => {
    const app = createApp({ clock: new FakeClock() });
    const forge = fakeForge();
    await expect(app.gateway.baseUrl()).rejects.toThrow(/Forge runtime not found/);
    uninstall = installForgeRuntime();
    const [first, second] = await Promise.all([app.gateway.baseUrl(), app.gateway.baseUrl()]);
    expect(first).toMatch(/^https:\/\/[0-9a-f-]+\.hello\.atlassian-dev\.net\/x1\/[\w-]+$/);
    expect(second).toBe(first);
    expect(await app.gateway.baseUrl()).toBe(first);
    expect(first).toBe(forge.webTriggers.urlOf('clearway-gateway'));
    expect(forge.webTriggers.requests).toEqual([{ input: expect.objectContaining({ triggerKey: 'clearway-gateway', appId: expect.any(String), contextId: expect.any(String) }), forceCreate: false }]);
  });

  it('builds one host, under the web trigger URL, that keeps sign-in state in secret storage', async () => {
    uninstall = installForgeRuntime();
    const app = createApp({ clock: new FakeClock() });
    const host = await app.gateway.host();
    expect(await app.gateway.host()).toBe(host);
    const base = await app.gateway.baseUrl();
    const metadata = await host.handle(new Request(`${base}/.well-known/oauth-protected-resource`));
    expect(await metadata.json()).toMatchObject({ resource: `${base}/mcp`, authorization_servers: [base] });
    const registered = await host.handle(
      new Request(`${base}/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ client_name: 'Claude', redirect_uris: ['https://claude.ai/api/mcp/auth_callback'], token_endpoint_auth_method: 'none' }) }),
    );
    expect(registered.status).toBe(201);
    const writes = fakeForge().kvs.calls.filter((call) => call.path.endsWith('/set'));
    // The registration per-minute window and the client, both in secret storage.
    expect(writes.map((call) => call.path)).toEqual(['/api/v1/secret/set', '/api/v1/secret/set']);
    expect(writes.map((call) => (call.body as { key: string }).key)).toEqual(['gateway:gw:window:register', expect.stringMatching(/^gateway:gw:client:/)]);
  });
});
