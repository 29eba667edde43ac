import { table } from '../story.js';

/** Exit codes the CLI promises: scripts can branch on them. */
export const EXIT = { ok: 0, failed: 1, usage: 2, noData: 3 } as const;

/** The error `code` a script reads under `--json` when the thrower names none: one per exit code. */
const DEFAULT_CODES: Readonly<Record<number, string>> = { [EXIT.failed]: 'failed', [EXIT.usage]: 'usage_error', [EXIT.noData]: 'no_sandbox_data' };

export class CliError extends Error {
  readonly code: string;
  constructor(
    message: string,
    readonly exitCode: number,
    code?: string,
  ) {
    super(message);
    this.code = code ?? DEFAULT_CODES[exitCode] ?? 'failed';
  }
}

/**
 * Prints an error for its reader: one line on stderr, as text, or under `--json` as one JSON
 * object `{ "error": { "code", "message", "exitCode" } }`, so stdout only ever carries results.
 */
export function printError(json: boolean, error: { readonly code: string; readonly message: string; readonly exitCode: number }): void {
  console.error(json ? JSON.stringify({ error: { code: error.code, message: error.message, exitCode: error.exitCode } }) : error.message);
}

/** Prints either JSON (for scripts) or a table (for people). */
export function emit(json: boolean, value: unknown, header: readonly string[], rows: () => ReadonlyArray<readonly string[]>): void {
  if (json) {
    console.log(JSON.stringify(value, null, 2));
    return;
  }
  const lines = rows();
  console.log(lines.length === 0 ? '(none)' : table(header, lines));
}

export function isoDay(at: number | undefined): string {
  return at === undefined ? '' : new Date(at).toISOString().slice(0, 16).replace('T', ' ');
}

/** `2026-11-23` or any date `Date.parse` reads, as epoch ms; a clear usage error otherwise. */
export function parseDate(value: string | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  const at = Date.parse(value);
  if (Number.isNaN(at)) throw new CliError(`${option} must be a date such as 2026-11-23, not "${value}".`, EXIT.usage);
  return at;
}
