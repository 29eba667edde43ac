import { existsSync } from 'node:fs';
import { paths } from '../paths.js';
import { openSandbox, type SandboxDeps } from '../world.js';
import { CliError, EXIT } from './output.js';

/** The sandbox the main job left on disk; a clear message when there is none yet. */
export function requireSandbox(): SandboxDeps {
  if (!existsSync(paths.store)) {
    throw new CliError(`No sandbox data at ${paths.dataDir}. Run the main job first: pnpm start`, EXIT.noData);
  }
  return openSandbox();
}

export const CLI_ADMIN = { accountId: 'clearway-cli', isAdmin: true, displayName: 'CLI admin' } as const;
