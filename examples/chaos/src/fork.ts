import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const packageRoot = fileURLToPath(new URL('..', import.meta.url));

/**
 * Node flags that run a TypeScript entry as the sandbox's launcher runs its own: workspace packages
 * through their `@clearway/source` condition, compiled by tsx (resolved from this package, which is
 * the child's working directory).
 */
const TYPESCRIPT_FLAGS = ['--conditions=@clearway/source', '--import', 'tsx', '--no-warnings=ExperimentalWarning'];

/** Starts `entry` (a TypeScript file of this package) as a child process with an IPC channel; its config travels in `env`. */
export function forkTypeScript(entry: URL, env: Record<string, string>): ChildProcess {
  if (!process.env.TSX_TSCONFIG_PATH) {
    throw new Error('TSX_TSCONFIG_PATH is not set: run the chaos harness through `pnpm chaos` or its vitest project, which set it (with the simulator certificate) for the processes it starts.');
  }
  return fork(fileURLToPath(entry), [], {
    cwd: packageRoot,
    execArgv: TYPESCRIPT_FLAGS,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    serialization: 'json',
  });
}
