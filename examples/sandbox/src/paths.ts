import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(fileURLToPath(new URL('../../..', import.meta.url)));

/** Where the sandbox keeps what it leaves behind for the CLI (gitignored). */
export const dataDir = process.env.CLEARWAY_SANDBOX_DATA ?? join(repoRoot, '.sandbox-data');

export const paths = {
  dataDir,
  store: join(dataDir, 'clearway.db'),
  secrets: join(dataDir, 'secrets.json'),
  jira: join(dataDir, 'jira.json'),
  /** The simulated Jira work site's issues (work-linked access). */
  workSite: join(dataDir, 'work-site.json'),
  clock: join(dataDir, 'clock.json'),
  evidence: join(dataDir, 'evidence'),
  certificate: join(dataDir, 'tls', 'simulator.pem'),
  gatewaySignIn: join(dataDir, 'gateway-sign-in.json'),
};
