#!/usr/bin/env node
// The `clearway` CLI: runs src/cli/main.ts with the simulator's certificate trusted.
import { runTypeScript } from './tls-env.mjs';

runTypeScript('src/cli/main.ts', process.argv.slice(2));
