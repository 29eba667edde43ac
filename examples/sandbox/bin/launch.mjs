#!/usr/bin/env node
// Runs a sandbox entry point (TypeScript) with the simulator's certificate trusted:
//   node bin/launch.mjs src/main.ts [args...]
import { runTypeScript } from './tls-env.mjs';

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error('usage: launch.mjs <entry.ts> [args...]');
  process.exit(2);
}
runTypeScript(entry, args);
