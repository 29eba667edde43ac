#!/usr/bin/env node
// The `clearway` CLI: its compiled bundle (built first when missing or older than a source of
// src/cli/main.ts), run in this process; commands that talk HTTPS to the simulator run it in one
// plain Node child that trusts the simulator's certificate.
import { pathToFileURL } from 'node:url';
import { ensureCliBundle } from './cli-bundle.mjs';
import { runTrusted } from './tls-env.mjs';

let bundle;
try {
  bundle = await ensureCliBundle();
} catch (error) {
  // esbuild has printed its own errors (file, line, what is wrong); anything else is said here.
  if (!Array.isArray(error?.errors)) console.error(`clearway: the CLI could not be compiled: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
const args = process.argv.slice(2);
// NODE_EXTRA_CA_CERTS is read only at start-up, so only the commands that need the certificate pay
// for a second Node start: the rest (store, audit, evidence, help) read local files.
const command = args.find((arg) => !arg.startsWith('-'));
// `gateway serve` starts the simulator's Atlassian site and calls it over TLS.
const gatewayServe = command === 'gateway' && args.filter((arg) => !arg.startsWith('-'))[1] === 'serve';
if (command === 'connector' || command === 'simulator' || gatewayServe) runTrusted(bundle, args);
else await import(pathToFileURL(bundle).href);
