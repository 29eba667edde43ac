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
  type GroupDirectory,
  type UserGroups,
} from '@clearway/core';
import type { SignInStore, UpstreamSignInConfig } from '@clearway/core/gateway-sign-in';
import type { DependencyContainer } from 'tsyringe';
import { ATLASSIAN_REMOTE_MCP_URL } from '../adapters/egress/gateway-egress';
import { ForgeEventQueue, type EventQueue } from '../adapters/events/event-queue';
import { JiraCallerDirectory, type CallerDirectory } from '../adapters/jira/caller-directory';
import { ForgeJira } from '../adapters/jira/forge-jira';
import { JiraGroups } from '../adapters/jira/jira-groups';
import { JiraIntakeSource, type IntakeSource } from '../adapters/jira/intake-source';
import { JiraSiteLookup, type SiteLookup } from '../adapters/jira/site-lookup';
import { JiraWorkIssues } from '../adapters/jira/work-issues';
import { KvsSecrets } from '../adapters/kvs-secrets/kvs-secrets';
import { KvsSignInStore } from '../adapters/kvs-sign-in/kvs-sign-in-store';
import { KvsStore } from '../adapters/kvs-store/kvs-store';
import { consoleLogger } from '../adapters/logging/console-logger';
import { forgeInvocationBudget, type InvocationBudget } from '../adapters/runtime/invocation-budget';
import { GATEWAY_WEB_TRIGGER_KEY, webTriggerUrl } from '../adapters/runtime/web-trigger-url';
import { TOKENS } from './tokens';

/** Every port the app runs on (core's and the app's own); a test replaces any of them. */
export interface AppPorts extends CoreDeps {
  readonly directory: CallerDirectory;
  readonly intake: IntakeSource;
  readonly lookup: SiteLookup;
  readonly queue: EventQueue;
  readonly budget: InvocationBudget;
  readonly engine: Partial<EngineOptions>;
  /** The site's groups for agent-policy rules: whether a named group exists, and a user's groups. */
  readonly gatewayGroups: GroupDirectory & UserGroups;
  readonly signInStore: SignInStore;
  /** The URL everything the gateway serves is under: the `clearway-gateway` web trigger's. */
  readonly gatewayBaseUrl: () => Promise<string>;
  /** The MCP server users sign in to and the gateway calls as them. */
  readonly gatewayUpstream: UpstreamSignInConfig;
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
    // Work-linked access reads issues as they are now; constructing it calls nothing.
    issues: overrides.issues ?? new JiraWorkIssues(),
  };
  container.register(CORE_DEPS, { useValue: deps });
  container.register(TOKENS.directory, { useValue: overrides.directory ?? new JiraCallerDirectory(logger) });
  container.register(TOKENS.intake, { useValue: overrides.intake ?? new JiraIntakeSource() });
  container.register(TOKENS.lookup, { useValue: overrides.lookup ?? new JiraSiteLookup() });
  container.register(TOKENS.queue, { useValue: overrides.queue ?? new ForgeEventQueue() });
  container.register(TOKENS.budget, { useValue: overrides.budget ?? forgeInvocationBudget(RESOLVER_TIMEOUT_MS) });
  container.register(TOKENS.gatewayGroups, { useValue: overrides.gatewayGroups ?? new JiraGroups() });
  container.register(TOKENS.signInStore, { useValue: overrides.signInStore ?? new KvsSignInStore() });
  container.register(TOKENS.gatewayBaseUrl, { useValue: overrides.gatewayBaseUrl ?? webTriggerUrl(GATEWAY_WEB_TRIGGER_KEY) });
  container.register(TOKENS.gatewayUpstream, { useValue: overrides.gatewayUpstream ?? { mcpUrl: ATLASSIAN_REMOTE_MCP_URL } });
  // A worker id per process: leases name the worker that may settle a job.
  container.register(ENGINE_OPTIONS, { useValue: { workerId: `forge-${randomUUID().slice(0, 8)}`, ...overrides.engine } });
  return container;
}
