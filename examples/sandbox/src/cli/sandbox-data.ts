import { existsSync } from 'node:fs';
import { paths } from '../paths.js';
import type { SandboxDeps } from '../world.js';
import { CliError, EXIT } from './output.js';

/** The sandbox the main job left on disk; a clear message when there is none yet. */
export async function requireSandbox(): Promise<SandboxDeps> {
  if (!existsSync(paths.store)) {
    throw new CliError(`No sandbox data at ${paths.dataDir}. Run the main job first: pnpm start`, EXIT.noData);
  }
  // Loaded by the commands that read the store, not at start-up: opening it brings the SQLite
  // driver and the simulator's world (see src/world.ts).
  const { openSandbox } = await import('../world.js');
  return openSandbox();
}

export const CLI_ADMIN = { accountId: 'clearway-cli', isAdmin: true, displayName: 'CLI admin' } as const;
