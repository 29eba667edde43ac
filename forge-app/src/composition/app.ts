import { CORE_DEPS, FulfillmentEngine, initializeClearway, PROVIDER_REGISTRY, type ConnectorDeps, type CoreDeps, type ProviderRegistry } from '@clearway/core';
import type { DependencyContainer } from 'tsyringe';
import type { EventQueue } from '../adapters/events/event-queue';
import type { CallerDirectory } from '../adapters/jira/caller-directory';
import type { IntakeSource } from '../adapters/jira/intake-source';
import type { SiteLookup } from '../adapters/jira/site-lookup';
import type { InvocationBudget } from '../adapters/runtime/invocation-budget';
import { createAppContainer, type AppPorts } from './container';
import { TOKENS } from './tokens';

/** Everything a handler works with, resolved once from the container. */
export interface ClearwayApp {
  readonly deps: CoreDeps;
  readonly connectorDeps: ConnectorDeps;
  readonly providers: ProviderRegistry;
  readonly directory: CallerDirectory;
  readonly intake: IntakeSource;
  /** The admin pickers' reads of the site (service desks, request types, people, groups). */
  readonly lookup: SiteLookup;
  readonly queue: EventQueue;
  readonly budget: InvocationBudget;
  /** One engine per app: its connector pool and throttles outlive a single run in a warm process. */
  readonly engine: FulfillmentEngine;
  /** Prepares the installation (audit key, built-in manual connector) once per process; idempotent. */
  ready(): Promise<void>;
}

export function appFromContainer(container: DependencyContainer): ClearwayApp {
  const deps = container.resolve<CoreDeps>(CORE_DEPS);
  const providers = container.resolve<ProviderRegistry>(PROVIDER_REGISTRY);
  let initialized: Promise<void> | undefined;
  return {
    deps,
    connectorDeps: { ...deps, providers },
    providers,
    directory: container.resolve<CallerDirectory>(TOKENS.directory),
    intake: container.resolve<IntakeSource>(TOKENS.intake),
    lookup: container.resolve<SiteLookup>(TOKENS.lookup),
    queue: container.resolve<EventQueue>(TOKENS.queue),
    budget: container.resolve<InvocationBudget>(TOKENS.budget),
    engine: container.resolve(FulfillmentEngine),
    ready: () => {
      initialized ??= initializeClearway(deps).then(
        () => undefined,
        (error: unknown) => {
          // A failed start is tried again by the next invocation.
          initialized = undefined;
          throw error;
        },
      );
      return initialized;
    },
  };
}

export function createApp(overrides: Partial<AppPorts> = {}): ClearwayApp {
  return appFromContainer(createAppContainer(overrides));
}

/** The process-wide app the Forge handlers use, built on first use (not at module load). */
export function lazyApp(factory: () => ClearwayApp = () => createApp()): () => ClearwayApp {
  let app: ClearwayApp | undefined;
  return () => (app ??= factory());
}
