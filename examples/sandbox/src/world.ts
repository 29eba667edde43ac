import { mkdirSync, rmSync } from 'node:fs';
import { randomIds, type CoreDeps } from '@clearway/core';
import { SqliteStore } from '@clearway/core/sqlite';
import type { IdpSimulator } from '@clearway/idp-simulator';
import { CollectingLogger, FileSecrets, SandboxJira, VirtualClock } from './adapters.js';
import { paths } from './paths.js';
import { SITE_ACCOUNTS, SITE_PEOPLE, sandboxSeed } from './simulator-seed.js';
import { SimulatedWorkSite } from './work/site.js';

export interface SandboxDeps extends CoreDeps {
  readonly store: SqliteStore;
  readonly clock: VirtualClock;
  readonly jira: SandboxJira;
  readonly logger: CollectingLogger;
  /** Jira's issues for work-linked access: the simulated site, whose notes go to `jira`. */
  readonly issues?: SimulatedWorkSite;
}

/** The sandbox as the main job and the CLI open it: with the simulated work site. */
export type SandboxWorkDeps = SandboxDeps & { readonly issues: SimulatedWorkSite };

/** Opens the sandbox's store, secrets, Jira and clock from the data folder (as the CLI does). */
export function openSandbox(): SandboxWorkDeps {
  const clock = new VirtualClock(paths.clock);
  const jira = new SandboxJira(paths.jira, SITE_ACCOUNTS);
  return {
    store: new SqliteStore({ path: paths.store }),
    clock,
    ids: randomIds,
    secrets: new FileSecrets(paths.secrets),
    jira,
    logger: new CollectingLogger(),
    issues: new SimulatedWorkSite({ path: paths.workSite, clock, registry: jira, people: SITE_PEOPLE }),
  };
}

/** A fresh data folder (the certificate kept) and a running simulator, for the main job. */
export async function freshSandbox(): Promise<{ deps: SandboxWorkDeps; simulator: IdpSimulator }> {
  for (const path of [paths.store, `${paths.store}-wal`, `${paths.store}-shm`, paths.secrets, paths.jira, paths.workSite, paths.clock, paths.evidence, paths.gatewaySignIn]) rmSync(path, { recursive: true, force: true });
  mkdirSync(paths.dataDir, { recursive: true });
  // Loaded here, not at the top: CLI commands that only read the store never pay for the simulator.
  const { IdpSimulator, ensureCertificate } = await import('@clearway/idp-simulator');
  const simulator = await IdpSimulator.start({ seed: sandboxSeed(), tls: await ensureCertificate(paths.certificate), randomSeed: 7 });
  return { deps: openSandbox(), simulator };
}
