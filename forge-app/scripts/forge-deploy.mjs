#!/usr/bin/env node
// `pnpm forge:deploy [--environment development|staging|production]`: the one deploy path.
// Builds what Forge's bundler loads (the workspace packages' dist/), then runs the pinned Forge
// CLI's `forge deploy` in forge-app/. Any other arguments go to `forge deploy` as they are.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const appDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const PLACEHOLDER_APP_ID = 'ari:cloud:ecosystem::app/00000000-0000-4000-8000-000000000000';

function run(command, args, cwd) {
  const child = spawnSync(command, args, { cwd, stdio: 'inherit' });
  if (child.status !== 0) process.exit(child.status ?? 1);
}

function fail(message) {
  console.error(`forge:deploy: ${message}`);
  process.exit(2);
}

if (readFileSync(join(appDir, 'manifest.yml'), 'utf8').includes(PLACEHOLDER_APP_ID)) {
  fail('manifest.yml still has the placeholder app id. Run `pnpm forge register "Clearway"` once: it registers your app and writes its id there.');
}
if (!process.env.FORGE_API_TOKEN || !process.env.FORGE_EMAIL) {
  console.warn('forge:deploy: FORGE_EMAIL and FORGE_API_TOKEN are not both set; the CLI falls back to `forge login` credentials in your keychain (README.md, "Deploy to a site").');
}

const args = process.argv.slice(2);
const deployArgs = args.some((arg) => arg === '-e' || arg.startsWith('--environment')) ? args : ['--environment', 'development', ...args];

// Forge's webpack resolves @clearway/* through their package.json exports: dist/, built here.
run('pnpm', ['--filter', '@clearway/forge-app^...', 'build'], appDir);
run('pnpm', ['exec', 'forge', 'deploy', '--non-interactive', ...deployArgs], appDir);
console.log('\nDeployed. First time on a site: pnpm forge install --site <your-site>.atlassian.net --product jira');
console.log('After a change to scopes or egress: pnpm forge install --upgrade --site <your-site>.atlassian.net --product jira');
