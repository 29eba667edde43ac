import 'reflect-metadata';
import type { ProviderDefinition } from '@clearway/connector-sdk';
import { container as rootContainer, inject, injectable, injectAll, type DependencyContainer } from 'tsyringe';
import type { ProviderRegistry } from '../connectors/provider-registry.js';

/** Every provider is registered under this one token; the registry collects them all. */
export const PROVIDER = Symbol.for('clearway.provider');
/** The core ports (`CoreDeps`) the engine and services run against. */
export const CORE_DEPS = Symbol.for('clearway.core-deps');
export const ENGINE_OPTIONS = Symbol.for('clearway.engine-options');
export const PROVIDER_REGISTRY = Symbol.for('clearway.provider-registry');

/** The one line a composition root writes per provider: `registerProvider(container, oktaGroupProvider)`. */
export function registerProvider(container: DependencyContainer, provider: ProviderDefinition): void {
  container.register(PROVIDER, { useValue: provider });
}

/** Providers by type, from every registration of `PROVIDER` in the container. */
@injectable()
export class ContainerProviderRegistry implements ProviderRegistry {
  private readonly byType: ReadonlyMap<string, ProviderDefinition>;

  constructor(@injectAll(PROVIDER) providers: ProviderDefinition[]) {
    const byType = new Map<string, ProviderDefinition>();
    for (const provider of providers) {
      if (byType.has(provider.type)) throw new Error(`Two providers are registered as "${provider.type}".`);
      byType.set(provider.type, provider);
    }
    this.byType = byType;
  }

  get(type: string): ProviderDefinition | undefined {
    return this.byType.get(type);
  }

  list(): readonly ProviderDefinition[] {
    return [...this.byType.values()];
  }
}

/** A child container with the registry bound, for composition roots and tests. */
export function createProviderContainer(parent: DependencyContainer = rootContainer): DependencyContainer {
  const child = parent.createChildContainer();
  child.register(PROVIDER_REGISTRY, { useClass: ContainerProviderRegistry });
  return child;
}

export { inject, injectable };
