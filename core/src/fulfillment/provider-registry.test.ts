import { describe, expect, it } from 'vitest';
import { HOUR_MS } from '../ports/clock.js';
import { makeEngineWorld } from '../test-support/engine-world.js';
import { ScriptedDirectory, scriptedProvider } from '../test-support/scripted-provider.js';
import { FulfillmentEngine } from './engine.js';
import { CORE_DEPS, ENGINE_OPTIONS, PROVIDER_REGISTRY, createProviderContainer, registerProvider } from './provider-registry.js';
import type { ProviderRegistry } from '../connectors/provider-registry.js';

describe('provider registry by injection', () => {
  it('collects every registered provider by type and builds the engine from the container', async () => {
    const world = await makeEngineWorld();
    const container = createProviderContainer();
    for (const provider of world.providers.list()) registerProvider(container, provider);
    container.register(CORE_DEPS, { useValue: world });
    const sleep = (ms: number) => world.sleep(ms);
    container.register(ENGINE_OPTIONS, { useValue: { sleep, workerId: 'di' } });
    const registry = container.resolve<ProviderRegistry>(PROVIDER_REGISTRY);
    expect(registry.list().map((provider) => provider.type)).toEqual(['scripted-group', 'scripted-desk']);
    const engine = container.resolve(FulfillmentEngine);
    expect(engine.options.workerId).toBe('di');
    world.directory.addUser('una@example.com');
    const grantId = await world.approve('una@example.com');
    await engine.runDueJobs({ deadline: world.clock.now() + HOUR_MS });
    expect((await world.store.get('grant', grantId))?.status).toBe('active');
  });

  it('refuses two providers of the same type', () => {
    const container = createProviderContainer();
    registerProvider(container, scriptedProvider(new ScriptedDirectory()));
    registerProvider(container, scriptedProvider(new ScriptedDirectory()));
    expect(() => container.resolve(PROVIDER_REGISTRY)).toThrow(/Two providers are registered as "scripted-group"/);
  });
});
