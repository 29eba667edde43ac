import { createConnector, initializeClearway, randomIds, saveTool, saveWorkPolicy, type Actor, type Clock, type CoreDeps, type FulfillmentEngine, type Store, type WorkLinkedPolicy, type WorkPerson } from '@clearway/core';
import { SqliteStore } from '@clearway/core/sqlite';
import type { IdpSimulator } from '@clearway/idp-simulator';
import { CollectingLogger, SandboxJira } from '../adapters.js';
import { sandboxEngine, withProviders } from '../providers.js';
import { simulatorConnectors } from '../simulator-seed.js';
import { SimulatedWorkSite } from './site.js';

const admin: Actor = { accountId: 'work-admin', isAdmin: true };

export interface WorkWorldOptions {
  /** A running simulator whose Okta org has the people below (by email). */
  readonly simulator: IdpSimulator;
  /** The site's people by account id: their email is how Okta finds them. */
  readonly people: Readonly<Record<string, WorkPerson>>;
  readonly clock: Clock & { advance(ms: number): void };
  /** The store to run on (a counting wrapper, say); its own in-memory SQLite store otherwise. */
  readonly store?: (sqlite: SqliteStore) => Store;
  /** The Okta group the tool is bound to (created on the first add). */
  readonly groupName: string;
  readonly maxDurationHours?: number;
  /** The site's search page size (small pages exercise the sweep's paging). */
  readonly maxPageSize?: number;
}

export interface WorkWorld {
  readonly deps: CoreDeps & { readonly issues: SimulatedWorkSite };
  readonly site: SimulatedWorkSite;
  readonly policy: WorkLinkedPolicy;
  readonly engine: FulfillmentEngine;
  /** Runs the engine until a round claims nothing; answers the jobs that succeeded. */
  drain(): Promise<number>;
  /** Emails of the people in the tool's Okta group now (none before its first add). */
  members(): Set<string>;
  close(): void;
}

/**
 * One install for work-linked access, for tests and the bench: core on an embedded store, the
 * real Okta provider at the simulator, a tool bound to a group there, the simulated work site, and
 * the incident policy — In Progress and Investigating live, the assignee gets the tool, automatically.
 */
export async function workWorld(options: WorkWorldOptions): Promise<WorkWorld> {
  const sqlite = new SqliteStore();
  const store = options.store ? options.store(sqlite) : sqlite;
  const jira = new SandboxJira();
  const site = new SimulatedWorkSite({ clock: options.clock, registry: jira, people: options.people, ...(options.maxPageSize !== undefined && { maxPageSize: options.maxPageSize }) });
  const memory = new Map<string, string>();
  const secrets = { get: async (name: string) => memory.get(name), set: async (name: string, value: string) => void memory.set(name, value), delete: async (name: string) => void memory.delete(name) };
  const deps = { store, clock: options.clock, ids: randomIds, secrets, jira, logger: new CollectingLogger(), issues: site };
  await initializeClearway(deps);
  const preset = simulatorConnectors(options.simulator.url)['okta-group'];
  await createConnector(withProviders(deps), admin, { id: 'okta', providerType: 'okta-group', name: 'Okta', settings: preset.settings, secrets: preset.secrets, limits: { requestsPerSecond: 1_000, lookupsPerSecond: 1_000, concurrency: 8 } });
  await saveTool(deps, admin, { id: 'chatgpt', name: 'ChatGPT Enterprise', vendor: 'OpenAI', status: 'approved', riskLevel: 'medium', defaultDurationDays: 30, maxDurationDays: 90, guidance: '', fulfillment: { connectorId: 'okta', group: { name: options.groupName, createIfMissing: true } } });
  const live = ['In Progress', 'Investigating'].map((name) => site.status('INC', name));
  const policy = await saveWorkPolicy(deps, admin, {
    name: 'On-call incidents get ChatGPT',
    projectKey: 'INC',
    statusIds: live.map((status) => status.id),
    statusNames: Object.fromEntries(live.map((status) => [status.id, status.name])),
    subject: { kind: 'assignee' },
    toolId: 'chatgpt',
    maxDurationHours: options.maxDurationHours ?? 12,
    approval: 'automatic',
  });
  const engine = sandboxEngine(deps, { workerId: 'work', retry: { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1_000 } });
  return {
    deps,
    site,
    policy,
    engine,
    drain: async () => {
      let succeeded = 0;
      for (let round = 0; round < 50; round += 1) {
        const summary = await engine.runDueJobs({ deadline: options.clock.now() + 60_000 });
        succeeded += summary.succeeded;
        if (summary.claimed === 0) return succeeded;
      }
      throw new Error('the engine kept finding work after 50 rounds');
    },
    members: () => {
      const group = options.simulator.okta!.findGroupByName(options.groupName);
      return new Set([...(group?.members ?? [])].map((id) => options.simulator.okta!.findUser(id)?.profile.email ?? id));
    },
    close: () => sqlite.close(),
  };
}
