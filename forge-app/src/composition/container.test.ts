import { CORE_DEPS, FulfillmentEngine, PROVIDER_REGISTRY, type CoreDeps, type ProviderRegistry } from '@clearway/core';
import { describe, expect, it } from 'vitest';
import { KvsStore } from '../adapters/kvs-store/kvs-store';
import { KvsSecrets } from '../adapters/kvs-secrets/kvs-secrets';
import { ForgeJira } from '../adapters/jira/forge-jira';
import { FakeClock } from '../test-support/app-world';
import { createApp } from './app';
import { createAppContainer } from './container';

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

  it('builds one engine per app and prepares the installation once', async () => {
    const app = createApp({ clock: new FakeClock() });
    expect(app.engine).toBeInstanceOf(FulfillmentEngine);
    expect(app.engine.options.workerId).toMatch(/^forge-/);
    await Promise.all([app.ready(), app.ready()]);
    expect(await app.deps.store.get('connector', 'manual')).toMatchObject({ providerType: 'manual', enabled: true });
    expect(app.connectorDeps.providers.get('okta-group')).toBeDefined();
  });
});
