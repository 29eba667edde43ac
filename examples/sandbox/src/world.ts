import { mkdirSync, rmSync } from 'node:fs';
import { randomIds, type CoreDeps } from '@clearway/core';
import { SqliteStore } from '@clearway/core/sqlite';
import type { IdpSimulator } from '@clearway/idp-simulator';
import { CollectingLogger, FileSecrets, SandboxJira, VirtualClock } from './adapters.js';
import { paths } from './paths.js';
import { SITE_ACCOUNTS, sandboxSeed } from './simulator-seed.js';

export interface SandboxDeps extends CoreDeps {
  readonly store: SqliteStore;
  readonly clock: VirtualClock;
  readonly jira: SandboxJira;
  readonly logger: CollectingLogger;
}

/** Opens the sandbox's store, secrets, Jira and clock from the data folder (as the CLI does). */
export function openSandbox(): SandboxDeps {
  return {
    store: new SqliteStore({ path: paths.store }),
    clock: new VirtualClock(paths.clock),
    ids: randomIds,
    secrets: new FileSecrets(paths.secrets),
    jira: new SandboxJira(paths.jira, SITE_ACCOUNTS),
    logger: new CollectingLogger(),
  };
}

/** A fresh data folder (the certificate kept) and a running simulator, for the main job. */
export async function freshSandbox(): Promise<{ deps: SandboxDeps; simulator: IdpSimulator }> {
  for (const path of [paths.store, `${paths.store}-wal`, `${paths.store}-shm`, paths.secrets, paths.jira, paths.clock, paths.evidence, paths.gatewaySignIn]) rmSync(path, { recursive: true, force: true });
  mkdirSync(paths.dataDir, { recursive: true });
  // Loaded here, not at the top: CLI commands that only read the store never pay for the simulator.
  const { IdpSimulator, ensureCertificate } = await import('@clearway/idp-simulator');
  const simulator = await IdpSimulator.start({ seed: sandboxSeed(), tls: await ensureCertificate(paths.certificate), randomSeed: 7 });
  return { deps: openSandbox(), simulator };
}
