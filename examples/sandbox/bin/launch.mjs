#!/usr/bin/env node
// Runs a sandbox entry point (TypeScript) with the simulator's certificate trusted:
//   node bin/launch.mjs src/main.ts [args...]
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { prepareTrustedCertificate, sandboxRoot, tsNodeFlags } from './tls-env.mjs';

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error('usage: launch.mjs <entry.ts> [args...]');
  process.exit(2);
}
const certPath = prepareTrustedCertificate();
const child = spawnSync(process.execPath, [...tsNodeFlags, resolve(sandboxRoot, entry), ...args], {
  stdio: 'inherit',
  env: { ...process.env, NODE_EXTRA_CA_CERTS: certPath },
});
process.exit(child.status ?? 1);
