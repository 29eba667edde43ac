// Makes sure the simulator's self-signed certificate exists and is trusted by every Node process
// started afterwards (NODE_EXTRA_CA_CERTS is read once, at process start-up).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const sandboxRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = resolve(sandboxRoot, '../..');
const dataDir = process.env.CLEARWAY_SANDBOX_DATA ?? join(repoRoot, '.sandbox-data');
const certPath = join(dataDir, 'tls', 'simulator.pem');

/**
 * Node flags that run the TypeScript sources of the workspace directly. tsx is resolved from the
 * sandbox package, so commands work from any directory (`pnpm start` runs at the repository root).
 */
const tsNodeFlags = ['--conditions=@clearway/source', '--import', import.meta.resolve('tsx'), '--no-warnings=ExperimentalWarning'];

// tsx applies a tsconfig only to the files it includes: this one covers every package's sources
// (core's decorators need `experimentalDecorators`).
process.env.TSX_TSCONFIG_PATH ??= join(sandboxRoot, 'tsconfig.run.json');

export function prepareTrustedCertificate() {
  execFileSync(process.execPath, [...tsNodeFlags, join(sandboxRoot, 'src', 'tls-setup.ts'), certPath], { cwd: sandboxRoot, stdio: 'inherit', env: process.env });
  if (!existsSync(certPath)) throw new Error(`No simulator certificate at ${certPath}`);
  process.env.NODE_EXTRA_CA_CERTS = certPath;
  return certPath;
}

/** Runs a TypeScript entry point (relative to the sandbox package) with the certificate trusted, then exits with its status. */
export function runTypeScript(entry, args) {
  prepareTrustedCertificate();
  const child = spawnSync(process.execPath, [...tsNodeFlags, resolve(sandboxRoot, entry), ...args], { stdio: 'inherit', env: process.env });
  process.exit(child.status ?? 1);
}
