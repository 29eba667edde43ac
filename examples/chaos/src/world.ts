import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_GOVERNANCE_RULES, createConnector, decide, initializeClearway, randomIds, saveTool, silentLogger, submitRequest, updateGovernance } from '@clearway/core';
import { SqliteStore } from '@clearway/core/sqlite';
import { IdpSimulator, ensureCertificate } from '@clearway/idp-simulator';
import { FileSecrets, SandboxJira, VirtualClock, bothDirectoriesSeed, paths, simulatorConnectors, withProviders, type Random } from '@clearway/sandbox';
import { admin, approver } from './actors.js';
import { FaultProxy } from './fault-proxy/proxy.js';
import type { FaultPlan, PlanFilter } from './fault-proxy/faults.js';

/** A tool of the run: its connector's vendor as the proxy names it, and its configured group. */
export interface ChaosTool {
  readonly id: string;
  readonly connectorId: string;
  readonly vendor: 'okta' | 'graph';
  readonly groupName: string;
}

export const TOOLS: readonly ChaosTool[] = [
  { id: 'okta-tool', connectorId: 'okta', vendor: 'okta', groupName: 'AI - Chaos Okta Tool' },
  { id: 'entra-tool', connectorId: 'entra', vendor: 'graph', groupName: 'AI - Chaos Entra Tool' },
];

/** One grant the run made: whose, for which tool, and how long it was asked for. */
export interface PlannedGrant {
  readonly grantId: string;
  readonly email: string;
  readonly tool: ChaosTool;
  readonly durationDays: number;
}

export interface WorldOptions {
  /** Where the store file and the secrets live (the workers open them too). */
  readonly dir: string;
  readonly users: number;
  readonly seed: number;
  readonly plan: FaultPlan;
  readonly filter?: PlanFilter;
  /** How long the proxy holds a slow answer. */
  readonly holdMs: number;
  /** The providers' own per-request timeout. */
  readonly requestTimeoutMs: number;
}

export interface ChaosWorld {
  readonly simulator: IdpSimulator;
  readonly proxy: FaultProxy;
  readonly deps: { store: SqliteStore; clock: VirtualClock; ids: typeof randomIds; secrets: FileSecrets; jira: SandboxJira; logger: typeof silentLogger };
  readonly storePath: string;
  readonly secretsPath: string;
  readonly emails: readonly string[];
  close(): Promise<void>;
}

export function emailOf(index: number): string {
  return `chaos${String(index).padStart(4, '0')}@example.com`;
}

/**
 * A fresh Clearway on a store file, the simulator with `users` people in both directories, and the
 * fault proxy in front of it; the real Okta and Entra connectors point at the proxy (org URL, Graph
 * endpoint and sign-in authority), with short request timeouts, and each has a tool whose group is
 * created on first use.
 */
export async function chaosWorld(options: WorldOptions): Promise<ChaosWorld> {
  mkdirSync(options.dir, { recursive: true });
  const emails = Array.from({ length: options.users }, (_, index) => emailOf(index));
  const tls = await ensureCertificate(paths.certificate);
  const simulator = await IdpSimulator.start({ seed: bothDirectoriesSeed(emails), tls, randomSeed: options.seed });
  const proxy = await FaultProxy.start({ upstream: simulator.url, tls, seed: options.seed, plan: options.plan, holdMs: options.holdMs, ...(options.filter && { filter: options.filter }) });
  const storePath = join(options.dir, 'clearway.db');
  const secretsPath = join(options.dir, 'secrets.json');
  const deps = { store: new SqliteStore({ path: storePath }), clock: new VirtualClock(), ids: randomIds, secrets: new FileSecrets(secretsPath), jira: new SandboxJira(), logger: silentLogger };

  await initializeClearway(deps);
  await updateGovernance(deps, admin, { rules: { ...DEFAULT_GOVERNANCE_RULES, intake: { projectKey: 'AIR', requestTypeIds: [] }, approvers: { ...DEFAULT_GOVERNANCE_RULES.approvers, default: [approver.accountId] } } });
  const connectors = simulatorConnectors(proxy.url);
  const connectorDeps = withProviders(deps);
  const limits = { requestsPerSecond: 200, concurrency: 8 };
  await createConnector(connectorDeps, admin, { id: 'okta', providerType: 'okta-group', name: 'Okta', settings: { ...connectors['okta-group'].settings, requestTimeoutMs: options.requestTimeoutMs }, secrets: connectors['okta-group'].secrets, limits });
  await createConnector(connectorDeps, admin, { id: 'entra', providerType: 'entra-group', name: 'Entra', settings: { ...connectors['entra-group'].settings, requestTimeoutMs: options.requestTimeoutMs }, secrets: connectors['entra-group'].secrets, limits });
  for (const tool of TOOLS) {
    await saveTool(deps, admin, {
      id: tool.id,
      name: tool.groupName.replace(/^AI - /, ''),
      vendor: 'Chaos',
      status: 'approved',
      riskLevel: 'low',
      defaultDurationDays: 30,
      maxDurationDays: 90,
      guidance: '',
      fulfillment: { connectorId: tool.connectorId, group: { name: tool.groupName, createIfMissing: true } },
    });
  }
  return {
    simulator,
    proxy,
    deps,
    storePath,
    secretsPath,
    emails,
    close: async () => {
      await proxy.stop();
      await simulator.stop();
      deps.store.close();
    },
  };
}

/**
 * One request per person × tool, each approved: every (person, tool) pair has exactly one grant.
 * A `oneDayShare` of them ask for one day, so moving the clock a day ahead expires them.
 */
export async function approveEveryone(world: ChaosWorld, random: Random, oneDayShare: number): Promise<PlannedGrant[]> {
  const planned: PlannedGrant[] = [];
  let issue = 0;
  for (const [index, email] of world.emails.entries()) {
    for (const tool of TOOLS) {
      issue += 1;
      const durationDays = random.chance(oneDayShare) ? 1 : 30;
      const { request } = await submitRequest(world.deps, { accountId: `jira-${index}`, email }, { issueKey: `AIR-${issue}`, projectKey: 'AIR', toolId: tool.id, purpose: 'Chaos harness access, one per person and tool', durationDays });
      const { grant } = await decide(world.deps, approver, { requestId: request.id, outcome: 'approved', rationale: 'approved by the chaos harness' });
      if (!grant) throw new Error(`Approving ${request.id} made no grant`);
      planned.push({ grantId: grant.id, email, tool, durationDays });
    }
  }
  return planned;
}
