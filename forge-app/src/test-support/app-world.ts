/**
 * An app wired exactly as in production (KVS store and secrets, Jira adapters, the events queue,
 * the three providers) but running over the fake Forge platform, with a fake clock and budget.
 * Resolvers are called through the real `@forge/resolver` definitions, as Forge calls them.
 */
import type { ProviderDefinition } from '@clearway/connector-sdk';
import { randomIds, registerProvider, type Ids } from '@clearway/core';
import { FakeClock, MemoryLogger } from '@clearway/core/testing';
import { appFromContainer, type ClearwayApp } from '../composition/app';
import { createAppContainer } from '../composition/container';
import type { ResolverKey, ResolverResponse, SurfaceFunction } from '../resolvers/contract';
import { SURFACE_MODULE_TYPES } from '../resolvers/contract';
import { makeSurfaceResolver } from '../resolvers/define';
import { fakeForge, type FakeForge } from './fake-forge/index';

export { FakeClock, MemoryLogger, T0 } from '@clearway/core/testing';

export interface Invocation {
  readonly accountId?: string;
  /** The module type the platform reports; defaults to the surface's own (a portal module for `portal`). */
  readonly moduleType?: string;
  readonly extension?: Record<string, unknown>;
}

export interface AppWorld {
  readonly forge: FakeForge;
  readonly app: ClearwayApp;
  readonly clock: FakeClock;
  readonly logger: MemoryLogger;
  /** What the invocation has left, as the runtime would report it. */
  remainingMs: number;
  /** Calls a resolver as Forge does; the payload is `unknown` because tests send malformed ones too. */
  invoke<K extends ResolverKey>(surface: SurfaceFunction, key: K, payload: unknown, as: Invocation): Promise<ResolverResponse<K>>;
}

type Definitions = (payload: { call: { functionKey: string; payload?: unknown }; context: Record<string, unknown> }, runtime?: Record<string, unknown>) => Promise<unknown>;

export function makeAppWorld(options: { clock?: FakeClock; ids?: Ids; providers?: readonly ProviderDefinition[] } = {}): AppWorld {
  const forge = fakeForge();
  const clock = options.clock ?? new FakeClock();
  const logger = new MemoryLogger();
  const world: AppWorld = {
    forge,
    clock,
    logger,
    remainingMs: 50_000,
    app: undefined as unknown as ClearwayApp,
    async invoke(surface, key, payload, as) {
      const definitions = resolvers[surface] as unknown as Definitions;
      forge.jira.actingUser = as.accountId;
      const moduleType = as.moduleType ?? SURFACE_MODULE_TYPES[surface][0];
      const answer = await definitions(
        { call: { functionKey: key, payload }, context: { extension: { type: moduleType, ...as.extension } } },
        as.accountId === undefined ? {} : { principal: { accountId: as.accountId } },
      );
      return answer as ResolverResponse<typeof key>;
    },
  };
  const container = createAppContainer({
    clock,
    ids: options.ids ?? randomIds,
    logger,
    budget: { remainingMs: () => world.remainingMs },
    // The engine's waits move the fake clock instead of sleeping.
    engine: { sleep: async (ms) => clock.advance(ms) },
  });
  for (const provider of options.providers ?? []) registerProvider(container, provider);
  const app = appFromContainer(container);
  (world as { app: ClearwayApp }).app = app;
  const getApp = () => app;
  const resolvers = { globalPage: makeSurfaceResolver('globalPage', getApp), adminPage: makeSurfaceResolver('adminPage', getApp), portal: makeSurfaceResolver('portal', getApp) };
  return world;
}
