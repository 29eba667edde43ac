import type { Redactor } from './redact.js';

export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  readonly debug: (message: string, fields?: LogFields) => void;
  readonly info: (message: string, fields?: LogFields) => void;
  readonly warn: (message: string, fields?: LogFields) => void;
  readonly error: (message: string, fields?: LogFields) => void;
}

type Level = 'debug' | 'info' | 'warn' | 'error';

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** A logger whose every message and field passes through the redactor before reaching `inner`. */
export function redactingLogger(inner: Logger, redactor: Redactor): Logger {
  const wrap =
    (level: Level) =>
    (message: string, fields?: LogFields): void => {
      inner[level](redactor.redact(message), fields === undefined ? undefined : redactor.redactValue({ ...fields }));
    };
  return { debug: wrap('debug'), info: wrap('info'), warn: wrap('warn'), error: wrap('error') };
}
