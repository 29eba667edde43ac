import type { Connector, OperationContext } from '../contract.js';
import { createOperationContext, type OperationContextOptions } from '../context.js';
import type { Logger } from '../logger.js';

/** Everything a connector emitted during one check: log lines, returned values, thrown errors. */
export class EmissionRecorder {
  readonly emissions: string[] = [];

  readonly logger: Logger = {
    debug: (message, fields) => this.record('log', { message, fields }),
    info: (message, fields) => this.record('log', { message, fields }),
    warn: (message, fields) => this.record('log', { message, fields }),
    error: (message, fields) => this.record('log', { message, fields }),
  };

  record(channel: string, value: unknown): void {
    this.emissions.push(`${channel}: ${describe(value)}`);
  }

  context(options: OperationContextOptions = {}): OperationContext {
    return createOperationContext({ timeoutMs: 30_000, ...options, logger: this.logger });
  }

  /** The connector with every result and error recorded before it reaches the check. */
  watch(connector: Connector): Connector {
    const watched = { ...connector } as Record<string, unknown>;
    // `listMembers` only where the connector has it: its absence is part of what a check sees.
    const names = ['test', 'resolveIdentity', 'bindGroup', 'add', 'addBatch', 'remove', 'check', ...(connector.listMembers ? (['listMembers'] as const) : [])] as const;
    for (const name of names) {
      const operation = connector[name] as (...args: unknown[]) => Promise<unknown>;
      watched[name] = async (...args: unknown[]) => {
        try {
          const result = await operation(...args);
          this.record(`${name} result`, result);
          return result;
        } catch (error) {
          this.record(`${name} error`, error);
          throw error;
        }
      };
    }
    return watched as unknown as Connector;
  }
}

function describe(value: unknown): string {
  if (value instanceof Error) {
    const own = Object.fromEntries(Object.entries(value));
    return `${String(value)} ${safeJson(own)} ${safeJson(value)} ${value.stack ?? ''}`;
  }
  return safeJson(value);
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Shortest run of a secret that counts as leaked when it appears on its own. */
const LEAK_WINDOW = 12;

/** Every 12-character run of a long text: a part of a secret (a token prefix "for debugging") is a leak too. */
function windowsOf(text: string): string[] {
  if (text.length < LEAK_WINDOW + 4) return [];
  return Array.from({ length: text.length - LEAK_WINDOW + 1 }, (_, start) => text.slice(start, start + LEAK_WINDOW));
}

/**
 * The ways a secret shows up in text: as is, JSON-escaped, URL-encoded, base64 and base64url,
 * hex in either case (a logged buffer), and reversed (a "masked" echo), plus every 12-character
 * part of the plain and the reversed text.
 */
function leakForms(secret: string): string[] {
  const escaped = JSON.stringify(secret).slice(1, -1);
  const reversed = JSON.stringify([...secret].reverse().join('')).slice(1, -1);
  const bytes = Buffer.from(secret, 'utf8');
  const hex = bytes.toString('hex');
  return [
    ...new Set([
      secret,
      escaped,
      encodeURIComponent(secret),
      bytes.toString('base64'),
      bytes.toString('base64url'),
      hex,
      hex.toUpperCase(),
      reversed,
      ...windowsOf(escaped),
      ...windowsOf(reversed),
    ]),
  ];
}

/** Names the secrets (never their values) that appear in any emission, with where they appeared. */
export function findSecretLeaks(secrets: Readonly<Record<string, string | undefined>>, emissions: readonly string[]): string[] {
  const leaks: string[] = [];
  for (const [name, value] of Object.entries(secrets)) {
    if (!value) continue;
    const forms = leakForms(value);
    const where = emissions.find((emission) => forms.some((form) => emission.includes(form)));
    if (where !== undefined) leaks.push(`secret "${name}" appeared in ${where.split(':', 1)[0]}`);
  }
  return leaks;
}
