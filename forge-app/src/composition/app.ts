import {
  CORE_DEPS,
  createGatewayPolicy,
  FulfillmentEngine,
  hasWorkIssues,
  initializeClearway,
  PROVIDER_REGISTRY,
  signInEvents,
  type ConnectorDeps,
  type CoreDeps,
  type GroupDirectory,
  type ProviderRegistry,
  type UserGroups,
  type WorkDeps,
} from '@clearway/core';
import { createGatewayHost, type GatewayHost, type SignInStore, type UpstreamSignInConfig } from '@clearway/core/gateway-sign-in';
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
  /** The same ports, with Jira's issues for work-linked access (product events, the sweep, the admin's policies and preview). */
  readonly workDeps: WorkDeps;
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
  readonly gateway: {
    /** The web trigger's URL (webTrigger.getUrl('clearway-gateway') from @forge/api), cached; MCP is at `${url}/mcp`, the Rovo callback at `${url}/callback`. */
    baseUrl(): Promise<string>;
    /** The site's groups (Jira /rest/api/3/group/bulk): saveAgentPolicy's `groups`. */
    readonly groups: GroupDirectory;
    /** Connections and the test call (built lazily). */
    host(): Promise<GatewayHost>;
  };
}

/** Asks once per process; a failure is asked again by the next caller. */
function once<T>(ask: () => Promise<T>): () => Promise<T> {
  let answer: Promise<T> | undefined;
  return () =>
    (answer ??= ask().catch((error: unknown) => {
      answer = undefined;
      throw error;
    }));
}

/**
 * The AI-agent gateway over the app's ports: core's policy and audit chain, sign-in state in Forge
 * secret storage, the site's groups from Jira. The host is built on first use, so a resolver that
 * only reads the URL or the groups never builds it.
 */
function gatewayFrom(container: DependencyContainer, deps: CoreDeps): ClearwayApp['gateway'] {
  const groups = container.resolve<GroupDirectory & UserGroups>(TOKENS.gatewayGroups);
  const baseUrl = once(container.resolve<() => Promise<string>>(TOKENS.gatewayBaseUrl));
  let host: GatewayHost | undefined;
  return {
    baseUrl,
    groups,
    host: async () =>
      (host ??= createGatewayHost({
        baseUrl,
        store: container.resolve<SignInStore>(TOKENS.signInStore),
        upstream: container.resolve<UpstreamSignInConfig>(TOKENS.gatewayUpstream),
        groups,
        policy: createGatewayPolicy(deps),
        events: signInEvents(deps),
        clock: deps.clock,
        logger: deps.logger,
      })),
  };
}

function workDepsOf(deps: CoreDeps): WorkDeps {
  // The container always provides `issues`; a composition without it is a wiring bug.
  if (!hasWorkIssues(deps)) throw new TypeError('The app was composed without Jira issues (the WorkIssues port) for work-linked access.');
  return deps;
}

export function appFromContainer(container: DependencyContainer): ClearwayApp {
  const deps = container.resolve<CoreDeps>(CORE_DEPS);
  const providers = container.resolve<ProviderRegistry>(PROVIDER_REGISTRY);
  let initialized: Promise<void> | undefined;
  return {
    deps,
    workDeps: workDepsOf(deps),
    connectorDeps: { ...deps, providers },
    providers,
    directory: container.resolve<CallerDirectory>(TOKENS.directory),
    intake: container.resolve<IntakeSource>(TOKENS.intake),
    lookup: container.resolve<SiteLookup>(TOKENS.lookup),
    queue: container.resolve<EventQueue>(TOKENS.queue),
    budget: container.resolve<InvocationBudget>(TOKENS.budget),
    engine: container.resolve(FulfillmentEngine),
    gateway: gatewayFrom(container, deps),
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
