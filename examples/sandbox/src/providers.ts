import 'reflect-metadata';
import { entraGroupProvider } from '@clearway/connector-entra-group';
import { manualProvider } from '@clearway/connector-manual';
import { oktaGroupProvider } from '@clearway/connector-okta-group';
import { scimGroupProvider } from '@clearway/connector-scim-group';
import { CORE_DEPS, ENGINE_OPTIONS, FulfillmentEngine, PROVIDER_REGISTRY, createProviderContainer, registerProvider, type ConnectorDeps, type CoreDeps, type EngineOptions, type ProviderRegistry } from '@clearway/core';
import type { DependencyContainer } from 'tsyringe';

/** The sandbox's composition root: adding a provider is one `registerProvider` line. */
export function sandboxContainer(): DependencyContainer {
  const container = createProviderContainer();
  registerProvider(container, manualProvider);
  registerProvider(container, oktaGroupProvider);
  registerProvider(container, entraGroupProvider);
  registerProvider(container, scimGroupProvider);
  return container;
}

export function sandboxProviders(container: DependencyContainer = sandboxContainer()): ProviderRegistry {
  return container.resolve<ProviderRegistry>(PROVIDER_REGISTRY);
}

export function sandboxEngine(deps: CoreDeps, options: Partial<EngineOptions>, container: DependencyContainer = sandboxContainer()): FulfillmentEngine {
  container.register(CORE_DEPS, { useValue: deps });
  container.register(ENGINE_OPTIONS, { useValue: options });
  return container.resolve(FulfillmentEngine);
}

export function withProviders(deps: CoreDeps, container: DependencyContainer = sandboxContainer()): ConnectorDeps {
  return { ...deps, providers: sandboxProviders(container) };
}
