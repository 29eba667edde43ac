#!/usr/bin/env node
// The `clearway` CLI: runs src/cli/main.ts with the simulator's certificate trusted.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { prepareTrustedCertificate, sandboxRoot, tsNodeFlags } from './tls-env.mjs';

const certPath = prepareTrustedCertificate();
const child = spawnSync(process.execPath, [...tsNodeFlags, join(sandboxRoot, 'src', 'cli', 'main.ts'), ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, NODE_EXTRA_CA_CERTS: certPath },
});
process.exit(child.status ?? 1);
