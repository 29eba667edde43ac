import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { isMainThread } from 'node:worker_threads';
import { DEFAULT_GOVERNANCE_RULES, createConnector, initializeClearway, randomIds, saveTool, updateGovernance, type Actor, type EngineOptions, type Store } from '@clearway/core';
import { SqliteStore } from '@clearway/core/sqlite';
import { IdpSimulator, ensureCertificate, type SimulatorOptions, type SimulatorSeed } from '@clearway/idp-simulator';
import { CollectingLogger, FileSecrets, SandboxJira, VirtualClock } from '../src/adapters.js';
import { paths } from '../src/paths.js';
import { sandboxEngine, withProviders } from '../src/providers.js';
import { bothDirectoriesSeed, simulatorConnectors } from '../src/simulator-seed.js';
import type { SandboxDeps } from '../src/world.js';

export const admin: Actor = { accountId: 'admin', isAdmin: true };
export const approver: Actor = { accountId: 'approver' };

/** `count` people who exist in both the Okta org and the Entra tenant of the simulator. */
export function crowdSeed(count: number): SimulatorSeed {
  return bothDirectoriesSeed(Array.from({ length: count }, (_, index) => `person${String(index).padStart(3, '0')}@example.com`));
}

export interface E2eWorld {
  readonly deps: SandboxDeps;
  readonly simulator: IdpSimulator;
  engine(options?: Partial<EngineOptions>, store?: Store): ReturnType<typeof sandboxEngine>;
  close(): Promise<void>;
}

/**
 * Core, the real Okta and Entra providers, and a TLS simulator on loopback: governance with an
 * intake project, one tool per IdP bound to its connector (groups created on first use).
 */
export async function e2eWorld(seed: SimulatorSeed, options: Omit<SimulatorOptions, 'seed' | 'tls'> = {}): Promise<E2eWorld> {
  const simulator = await IdpSimulator.start({ ...options, seed, tls: await ensureCertificate(paths.certificate) });
  const dir = mkdtempSync(join(tmpdir(), 'clearway-e2e-'));
  const deps: SandboxDeps = { store: new SqliteStore(), clock: new VirtualClock(), ids: randomIds, secrets: new FileSecrets(join(dir, 'secrets.json')), jira: new SandboxJira(undefined, [admin, approver].map(({ accountId }) => ({ accountId, accountType: 'atlassian', active: true }))), logger: new CollectingLogger() };
  await initializeClearway(deps);
  await updateGovernance(deps, admin, { rules: { ...DEFAULT_GOVERNANCE_RULES, intake: { projectKey: 'AIR', requestTypeIds: [] }, approvers: { ...DEFAULT_GOVERNANCE_RULES.approvers, default: [approver.accountId] } } });
  const connectors = simulatorConnectors(simulator.url);
  const connectorDeps = withProviders(deps);
  await createConnector(connectorDeps, admin, { id: 'okta', providerType: 'okta-group', name: 'Okta', settings: connectors['okta-group'].settings, secrets: connectors['okta-group'].secrets, limits: { requestsPerSecond: 200, concurrency: 8 } });
  await createConnector(connectorDeps, admin, { id: 'entra', providerType: 'entra-group', name: 'Entra', settings: connectors['entra-group'].settings, secrets: connectors['entra-group'].secrets, limits: { requestsPerSecond: 200, concurrency: 8 } });
  const tool = { vendor: 'Test', status: 'approved', riskLevel: 'low', defaultDurationDays: 30, maxDurationDays: 90, guidance: '' } as const;
  await saveTool(deps, admin, { ...tool, id: 'okta-tool', name: 'Okta Tool', fulfillment: { connectorId: 'okta', group: { name: 'AI - Okta Tool', createIfMissing: true } } });
  await saveTool(deps, admin, { ...tool, id: 'entra-tool', name: 'Entra Tool', fulfillment: { connectorId: 'entra', group: { name: 'AI - Entra Tool', createIfMissing: true } } });
  return {
    deps,
    simulator,
    engine: (engineOptions = {}, store) => sandboxEngine(store ? { ...deps, store } : deps, { workerId: 'e2e', retry: { maxAttempts: 12, baseDelayMs: 200, maxDelayMs: 2_000 }, ...engineOptions }),
    close: async () => {
      await simulator.stop();
      deps.store.close();
    },
  };
}

const sandboxDir = fileURLToPath(new URL('..', import.meta.url));

/** Runs one of the sandbox's executables as a newcomer would, capturing its output and exit code. */
export function run(bin: 'launch.mjs' | 'clearway.mjs', args: readonly string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(sandboxDir, 'bin', bin), ...args], { cwd: sandboxDir, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 120_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** What the main job printed, and the data folder it left behind for the CLI. */
export interface MainJobRun {
  readonly data: string;
  readonly result: { status: number | null; stdout: string; stderr: string };
}

/**
 * Names this vitest run: test files run in child processes (or threads) of one vitest process,
 * whose pid and start time (Linux's /proc) tell it from an earlier run that had the same pid.
 */
function vitestRunKey(): string {
  const runner = isMainThread ? process.ppid : process.pid;
  let startedAt = '';
  try {
    // Field 22 of /proc/<pid>/stat; the fields after the parenthesised command name start at field 3.
    startedAt = readFileSync(`/proc/${runner}/stat`, 'utf8').split(') ')[1]?.split(' ')[19] ?? '';
  } catch {
    // Not Linux: the pid alone.
  }
  return `${runner}-${startedAt}`;
}

/**
 * The main job (`pnpm start`), run once per vitest run into a data folder the test files that ask
 * share: the first to ask runs it, the others wait for its result, so the suite pays for it once.
 * Treat `data` as read-only (another file may be reading it); copy it with `copySandboxData`
 * before running a command that writes. Watch mode reruns in the same vitest process, so a rerun
 * reuses the first run's data.
 */
export async function mainJobRun(): Promise<MainJobRun> {
  const root = join(tmpdir(), `clearway-main-job-${vitestRunKey()}`);
  const data = join(root, 'data');
  const done = join(root, 'main-job.json');
  let first = true;
  try {
    mkdirSync(root);
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'EEXIST') throw error;
    first = false;
  }
  if (first) {
    const result = run('launch.mjs', ['src/main.ts'], { CLEARWAY_SANDBOX_DATA: data });
    // Written whole, then renamed: a waiting file never reads half of it.
    writeFileSync(`${done}.tmp`, JSON.stringify(result));
    renameSync(`${done}.tmp`, done);
    return { data, result };
  }
  const until = Date.now() + 180_000;
  while (!existsSync(done)) {
    if (Date.now() > until) throw new Error(`The main job started by another test file left no result in ${root} within 3 minutes.`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { data, result: JSON.parse(readFileSync(done, 'utf8')) as MainJobRun['result'] };
}

/** A copy of a sandbox data folder (store, secrets, clock, Jira, certificate, evidence) that a test may change. */
export function copySandboxData(from: string): string {
  const to = mkdtempSync(join(tmpdir(), 'clearway-sandbox-copy-'));
  cpSync(from, to, { recursive: true });
  return to;
}
