import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { manualProvider } from '@clearway/connector-manual';
import { entraGroupProvider } from '@clearway/connector-entra-group';
import { oktaGroupProvider } from '@clearway/connector-okta-group';
import {
  CORE_DEPS,
  ENGINE_OPTIONS,
  createProviderContainer,
  randomIds,
  registerProvider,
  systemClock,
  type CoreDeps,
  type EngineOptions,
} from '@clearway/core';
import type { DependencyContainer } from 'tsyringe';
import { ForgeEventQueue, type EventQueue } from '../adapters/events/event-queue';
import { JiraCallerDirectory, type CallerDirectory } from '../adapters/jira/caller-directory';
import { ForgeJira } from '../adapters/jira/forge-jira';
import { JiraIntakeSource, type IntakeSource } from '../adapters/jira/intake-source';
import { JiraSiteLookup, type SiteLookup } from '../adapters/jira/site-lookup';
import { KvsSecrets } from '../adapters/kvs-secrets/kvs-secrets';
import { KvsStore } from '../adapters/kvs-store/kvs-store';
import { consoleLogger } from '../adapters/logging/console-logger';
import { forgeInvocationBudget, type InvocationBudget } from '../adapters/runtime/invocation-budget';
import { TOKENS } from './tokens';

/** Every port the app runs on (core's and the app's own); a test replaces any of them. */
export interface AppPorts extends CoreDeps {
  readonly directory: CallerDirectory;
  readonly intake: IntakeSource;
  readonly lookup: SiteLookup;
  readonly queue: EventQueue;
  readonly budget: InvocationBudget;
  readonly engine: Partial<EngineOptions>;
}

/** What a Forge resolver may run for before the platform stops it; the fallback when the runtime cannot tell. */
const RESOLVER_TIMEOUT_MS = 25_000;

/**
 * The composition root: Forge adapters for core's ports, the providers, and the engine's
 * options, in one tsyringe container. Adding a provider is one `registerProvider` line (and its
 * package in package.json); nothing else in the app names a provider.
 */
export function createAppContainer(overrides: Partial<AppPorts> = {}): DependencyContainer {
  const container = createProviderContainer();
  registerProvider(container, manualProvider);
  registerProvider(container, oktaGroupProvider);
  registerProvider(container, entraGroupProvider);

  const logger = overrides.logger ?? consoleLogger();
  const deps: CoreDeps = {
    store: overrides.store ?? new KvsStore(),
    clock: overrides.clock ?? systemClock,
    ids: overrides.ids ?? randomIds,
    secrets: overrides.secrets ?? new KvsSecrets(),
    jira: overrides.jira ?? new ForgeJira(),
    logger,
  };
  container.register(CORE_DEPS, { useValue: deps });
  container.register(TOKENS.directory, { useValue: overrides.directory ?? new JiraCallerDirectory(logger) });
  container.register(TOKENS.intake, { useValue: overrides.intake ?? new JiraIntakeSource() });
  container.register(TOKENS.lookup, { useValue: overrides.lookup ?? new JiraSiteLookup() });
  container.register(TOKENS.queue, { useValue: overrides.queue ?? new ForgeEventQueue() });
  container.register(TOKENS.budget, { useValue: overrides.budget ?? forgeInvocationBudget(RESOLVER_TIMEOUT_MS) });
  // A worker id per process: leases name the worker that may settle a job.
  container.register(ENGINE_OPTIONS, { useValue: { workerId: `forge-${randomUUID().slice(0, 8)}`, ...overrides.engine } });
  return container;
}
