// Makes sure the simulator's self-signed certificate exists and is trusted by every Node process
// started afterwards (NODE_EXTRA_CA_CERTS is read once, at process start-up).
import { execFileSync, spawn } from 'node:child_process';
import { constants } from 'node:os';
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const sandboxRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = resolve(sandboxRoot, '../..');
const dataDir = process.env.CLEARWAY_SANDBOX_DATA ?? join(repoRoot, '.sandbox-data');
const certPath = join(dataDir, 'tls', 'simulator.pem');
const keyPath = join(dataDir, 'tls', 'simulator.key');
const DAY_MS = 86_400_000;

/**
 * Node flags that run the TypeScript sources of the workspace directly. tsx is resolved from the
 * sandbox package, so commands work from any directory (`pnpm start` runs at the repository root).
 */
const tsNodeFlags = ['--conditions=@clearway/source', '--import', import.meta.resolve('tsx'), '--no-warnings=ExperimentalWarning'];

// tsx applies a tsconfig only to the files it includes: this one covers every package's sources
// (core's decorators need `experimentalDecorators`).
process.env.TSX_TSCONFIG_PATH ??= join(sandboxRoot, 'tsconfig.run.json');

/**
 * The rule of the simulator's `ensureCertificate`, read here without starting TypeScript: the
 * certificate and its key exist and the certificate is valid for more than a day. The two must
 * agree, or a certificate one of them keeps the other replaces.
 */
function certificateIsCurrent() {
  if (!existsSync(keyPath)) return false;
  try {
    return new Date(new X509Certificate(readFileSync(certPath)).validTo).getTime() > Date.now() + DAY_MS;
  } catch {
    return false;
  }
}

export function prepareTrustedCertificate() {
  // Creating one takes the simulator's TypeScript: only done when it is missing or expiring.
  if (!certificateIsCurrent()) {
    execFileSync(process.execPath, [...tsNodeFlags, join(sandboxRoot, 'src', 'tls-setup.ts'), certPath], { cwd: sandboxRoot, stdio: 'inherit', env: process.env });
  }
  if (!existsSync(certPath)) throw new Error(`No simulator certificate at ${certPath}`);
  process.env.NODE_EXTRA_CA_CERTS = certPath;
  return certPath;
}

const FORWARDED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Runs a JavaScript file on Node (plain unless given `nodeFlags`) with the certificate trusted, then
 * exits with its status. Signals sent to this process are passed on, so stopping it (SIGTERM from a
 * process manager, not only Ctrl-C to the whole group) stops what the child serves too, and this
 * process exits with the child's code (128 + the signal's number when the child died of it).
 */
export function runTrusted(file, args, nodeFlags = []) {
  prepareTrustedCertificate();
  const child = spawn(process.execPath, [...nodeFlags, file, ...args], { stdio: 'inherit', env: process.env });
  const forward = (signal) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  for (const signal of FORWARDED_SIGNALS) process.on(signal, forward);
  child.on('error', (error) => {
    console.error(`clearway: could not start Node: ${error.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    process.exit(code ?? (signal ? 128 + (constants.signals[signal] ?? 0) : 1));
  });
}

/** Runs a TypeScript entry point (relative to the sandbox package) with the certificate trusted, then exits with its status. */
export function runTypeScript(entry, args) {
  runTrusted(resolve(sandboxRoot, entry), args, tsNodeFlags);
}
