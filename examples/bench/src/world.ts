import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_GOVERNANCE_RULES, createConnector, decide, initializeClearway, iterateQuery, randomIds, saveTool, submitRequest, updateGovernance, type Actor, type ConnectorRecord, type EngineOptions, type FulfillmentEngine, type Store } from '@clearway/core';
import { SqliteStore } from '@clearway/core/sqlite';
import { IdpSimulator, ensureCertificate, type SimulatorOptions, type SimulatorSeed } from '@clearway/idp-simulator';
import { CollectingLogger, FileSecrets, SandboxJira, VirtualClock, bothDirectoriesSeed, paths, sandboxEngine, simulatorConnectors, withProviders, type SandboxDeps } from '@clearway/sandbox';

const admin: Actor = { accountId: 'bench-admin', isAdmin: true };
const approver: Actor = { accountId: 'bench-approver' };

export function emailOf(index: number): string {
  return `user${String(index).padStart(5, '0')}@example.com`;
}

/** `count` people in both simulated IdPs. */
export function benchSeed(count: number): SimulatorSeed {
  return bothDirectoriesSeed(Array.from({ length: count }, (_, index) => emailOf(index)));
}

/** Active grants (of one tool, when given), counted through every page. */
export async function countActiveGrants(store: Store, toolId?: string): Promise<number> {
  const grants =
    toolId === undefined
      ? iterateQuery(store, 'grant', 'byStatus', { partition: ['active'], limit: 100 })
      : iterateQuery(store, 'grant', 'byTool', { partition: [toolId, 'active'], limit: 100 });
  let count = 0;
  for await (const _grant of grants) count += 1;
  return count;
}

export interface BenchWorld {
  readonly deps: SandboxDeps;
  readonly simulator: IdpSimulator;
  engine(options?: Partial<EngineOptions>): FulfillmentEngine;
  /** Adds a tool bound to a connector of `providerType` with the given limits. */
  tool(id: string, providerType: 'okta-group' | 'entra-group', limits: ConnectorRecord['limits']): Promise<void>;
  /** Submits and approves one request per user for the tool. */
  approve(toolId: string, users: readonly number[]): Promise<void>;
  /** Runs the engine until no job is left, sleeping through retry waits. */
  drain(engine: FulfillmentEngine): Promise<void>;
  close(): Promise<void>;
}

export async function benchWorld(seed: SimulatorSeed, options: Omit<SimulatorOptions, 'seed' | 'tls'> = {}): Promise<BenchWorld> {
  const simulator = await IdpSimulator.start({ ...options, seed, tls: await ensureCertificate(paths.certificate) });
  const dir = mkdtempSync(join(tmpdir(), 'clearway-bench-'));
  const deps: SandboxDeps = { store: new SqliteStore({ path: join(dir, 'bench.db') }), clock: new VirtualClock(), ids: randomIds, secrets: new FileSecrets(join(dir, 'secrets.json')), jira: new SandboxJira(), logger: new CollectingLogger() };
  await initializeClearway(deps);
  await updateGovernance(deps, admin, { rules: { ...DEFAULT_GOVERNANCE_RULES, intake: { projectKey: 'AIR', requestTypeIds: [] }, approvers: { ...DEFAULT_GOVERNANCE_RULES.approvers, default: [approver.accountId] } } });
  const connectors = simulatorConnectors(simulator.url);
  let issue = 0;
  return {
    deps,
    simulator,
    engine: (engineOptions = {}) => sandboxEngine(deps, { workerId: 'bench', concurrency: 16, pageSize: 100, retry: { maxAttempts: 20, baseDelayMs: 250, maxDelayMs: 5_000 }, ...engineOptions }),
    tool: async (id, providerType, limits) => {
      const preset = connectors[providerType];
      await createConnector(withProviders(deps), admin, { id: `${id}-connector`, providerType, name: id, settings: preset.settings, secrets: preset.secrets, ...(limits !== undefined && { limits }) });
      await saveTool(deps, admin, { id, name: id, vendor: 'Bench', status: 'approved', riskLevel: 'low', defaultDurationDays: 30, maxDurationDays: 90, guidance: '', fulfillment: { connectorId: `${id}-connector`, group: { name: `AI - ${id}`, createIfMissing: true } } });
    },
    approve: async (toolId, users) => {
      for (const index of users) {
        issue += 1;
        const { request } = await submitRequest(deps, { accountId: `jira-${index}`, email: emailOf(index) }, { issueKey: `AIR-${issue}`, projectKey: 'AIR', toolId, purpose: 'Benchmark access', durationDays: 30 });
        await decide(deps, approver, { requestId: request.id, outcome: 'approved', rationale: 'benchmark' });
      }
    },
    drain: async (engine) => {
      for (;;) {
        const summary = await engine.runDueJobs({ deadline: deps.clock.now() + 60_000 });
        if (summary.redispatchAfterMs === undefined) return;
        await new Promise((resolve) => setTimeout(resolve, Math.min(Math.max(summary.redispatchAfterMs ?? 0, 10), 2_000)));
      }
    },
    close: async () => {
      await simulator.stop();
      deps.store.close();
    },
  };
}
