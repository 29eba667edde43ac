import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { verifyEvidence, verifyEvidenceCsv, type EvidenceManifest, type EvidenceVerification, type EvidenceVerifyOptions } from '@clearway/core';
import type { Command } from 'commander';
import { EvidenceOutputError, writeEvidencePack } from '../evidence-pack.js';
import { CLI_ADMIN, requireSandbox } from './sandbox-data.js';
import { CliError, EXIT, parseDate } from './output.js';

function lines(path: string): AsyncIterable<string> {
  if (!existsSync(path)) throw new CliError(`No file at ${path}.`, EXIT.usage);
  return createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Number.POSITIVE_INFINITY });
}

/** An anchor as the auditor got it from Jira: the issue property's JSON (its value, or Jira's `{ key, value }` answer). */
function readAnchor(path: string): unknown {
  if (!existsSync(path)) throw new CliError(`No anchor at ${path}.`, EXIT.usage);
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch {
    throw new CliError(`The anchor at ${path} is not JSON: save the Jira issue property as it is.`, EXIT.usage);
  }
}

/** The audit chain key, as the main job saved it (`.sandbox-data/evidence/audit-mac.key`). */
function readKey(path: string): string {
  if (!existsSync(path)) throw new CliError(`No key file at ${path} (--key-file): give the audit chain key the pack was exported with.`, EXIT.usage, 'key_file_missing');
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    throw new CliError(`The key file at ${path} (--key-file) cannot be read.`, EXIT.usage, 'key_file_unreadable');
  }
}

/**
 * The verdict for a person: the first line as before; then, after any pruning note, the anchor
 * check and what the pack was not proven to be, one line each.
 */
function report(result: EvidenceVerification): string {
  if (!result.ok) {
    return `Evidence FAILED verification${result.firstBadSeq !== undefined ? ` at seq ${result.firstBadSeq}` : ''}: ${result.problem ?? 'unknown'} — ${result.detail ?? ''}`;
  }
  const checked = !result.macChecked
    ? 'hash chain checked (no key given: macs and the manifest\'s mac not checked)'
    : result.manifestMacChecked
      ? 'hashes, macs and the manifest\'s mac checked with the key'
      : 'hashes and macs checked with the key (a format 1 manifest carries no mac: its range is as the exporter stated it)';
  const verified = `Evidence verified: ${result.verified} events, seq ${result.firstSeq ?? '—'}–${result.lastSeq ?? '—'}; ${checked}.`;
  const anchored = result.anchorChecked && result.manifest ? [`Anchor matched: this is the pack exported at ${new Date(result.manifest.exportedAt).toISOString()} with the chain head at seq ${result.manifest.chainHead.seq}.`] : [];
  const lines = [verified, ...(result.manifest?.pruned ? [result.manifest.pruned.note] : []), ...anchored, ...result.notProven.map((sentence) => `Not proven: ${sentence}`)];
  return lines.join('\n');
}

/** What an export wrote, and when retention pruned the start of the range, that it starts later than asked and why. */
function describeExport(manifest: EvidenceManifest, files: { readonly jsonl: string; readonly csv?: string }): string {
  const exported = `Exported ${manifest.count} events (seq ${manifest.firstSeq ?? '—'}–${manifest.lastSeq ?? '—'}) to ${files.jsonl}${files.csv ? ` and ${files.csv}` : ''}.`;
  return manifest.pruned ? `${exported}\n${manifest.pruned.note}` : exported;
}

/** `evidence export` and `evidence verify`: what an admin hands over and an auditor checks offline. */
export function registerEvidenceCommands(program: Command, json: () => boolean): void {
  const evidence = program.command('evidence').description('Export an evidence pack from the sandbox, or verify one offline');

  evidence
    .command('export')
    .description('Export audit events of a date range (default: the last 90 days; at most 365) as JSON Lines, and optionally CSV')
    .option('--from <date>', 'first day (inclusive)')
    .option('--to <date>', 'last moment (inclusive; default now)')
    .requiredOption('--out <file>', 'the JSON Lines pack to write (its last line is the manifest)')
    .option('--csv <file>', 'also write CSV (its manifest goes to <file>.manifest.json)')
    .action(async (options: { from?: string; to?: string; out: string; csv?: string }) => {
      const from = parseDate(options.from, '--from');
      const to = parseDate(options.to, '--to');
      const deps = await requireSandbox();
      let manifest: EvidenceManifest;
      try {
        manifest = await writeEvidencePack(deps, CLI_ADMIN, { ...(from !== undefined && { from }), ...(to !== undefined && { to }) }, { jsonl: options.out, ...(options.csv !== undefined && { csv: options.csv }) });
      } catch (error) {
        if ((error as { code?: string }).code === 'range_invalid') throw new CliError((error as Error).message, EXIT.usage, 'range_invalid');
        if (error instanceof EvidenceOutputError) throw new CliError(error.message, EXIT.usage, error.code);
        throw error;
      }
      if (json()) console.log(JSON.stringify(manifest, null, 2));
      else console.log(describeExport(manifest, { jsonl: options.out, ...(options.csv !== undefined && { csv: options.csv }) }));
    });

  evidence
    .command('verify <file>')
    .description('Verify a pack offline: continuity, hashes, and with --key-file the macs, with --anchor the anchor recorded in Jira; exit 1 if tampered')
    .option('--key-file <file>', 'the audit chain key (HMAC); without it only the hash chain is checked')
    .option('--anchor <file>', 'the anchor the app recorded in Jira at export (the issue property, as JSON): proves the pack without the key')
    .option('--manifest <file>', 'for a CSV export: its manifest (default <file>.manifest.json)')
    .action(async (file: string, options: { keyFile?: string; anchor?: string; manifest?: string }) => {
      const key = options.keyFile !== undefined ? readKey(options.keyFile) : undefined;
      const keyOption: EvidenceVerifyOptions = { ...(key !== undefined && { key }), ...(options.anchor !== undefined && { anchor: readAnchor(options.anchor) }) };
      let result: EvidenceVerification;
      if (file.endsWith('.csv')) {
        const manifestPath = options.manifest ?? `${file}.manifest.json`;
        if (!existsSync(manifestPath)) throw new CliError(`A CSV export verifies against its manifest; none at ${manifestPath} (use --manifest).`, EXIT.usage);
        result = await verifyEvidenceCsv(lines(file), JSON.parse(readFileSync(manifestPath, 'utf8')) as unknown, keyOption);
      } else {
        result = await verifyEvidence(lines(file), keyOption);
      }
      if (json()) console.log(JSON.stringify(result, null, 2));
      else console.log(report(result));
      if (!result.ok) process.exitCode = EXIT.failed;
    });
}
