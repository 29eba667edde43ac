import { patternRedactor, redactingLogger, type Logger, type LogFields } from '@clearway/connector-sdk';

type Sink = Pick<Console, 'debug' | 'info' | 'warn' | 'error'>;

/**
 * Forge collects what a function writes to the console (`forge logs`). Every line passes the
 * SDK's credential patterns first (tokens, JWTs, `client_secret=…`, keys), so a secret that
 * slipped into an error message never reaches the log.
 */
export function consoleLogger(sink: Sink = console): Logger {
  const line = (level: keyof Sink) => (message: string, fields?: LogFields) => {
    sink[level](JSON.stringify({ level, message, ...(fields !== undefined && { fields }) }));
  };
  return redactingLogger({ debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') }, patternRedactor);
}
