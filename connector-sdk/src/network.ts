import { InvalidConfigError, TransientError, isConnectorError, type ConnectorError } from './errors.js';
import type { HeaderSource } from './headers.js';
import { classifyHttpError } from './http.js';

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);

const TIMEOUT_NAMES = new Set(['AbortError', 'TimeoutError', 'FetchError', 'RequestTimeoutError']);

function errorCodeOf(error: unknown): string | undefined {
  let current: unknown = error;
  // Node and undici nest the system error in `cause`: walk a few levels.
  for (let depth = 0; depth < 4 && current !== null && typeof current === 'object'; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * fetch (undici) refuses a Fetch-standard "bad port" before connecting, with
 * `TypeError('fetch failed', { cause: Error('bad port') })` and no error code.
 */
function isBadPortRefusal(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current !== null && typeof current === 'object'; depth += 1) {
    if ((current as { message?: unknown }).message === 'bad port') return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * Network failures (resets, refused connections, DNS failures, timeouts, aborts) as a transient
 * error; undefined when the error is not a network failure. A port fetch refuses is the one
 * exception: retrying can never reach it, so it is the endpoint setting that is wrong.
 */
export function classifyNetworkError(error: unknown, action = 'The request'): ConnectorError | undefined {
  if (isBadPortRefusal(error)) {
    return new InvalidConfigError(
      `${action} failed: fetch refuses to connect to the endpoint's port (a "bad port" of the Fetch standard). Set the endpoint to the port the service documents, usually 443.`,
      { code: 'bad_port' },
    );
  }
  const code = errorCodeOf(error);
  if (code) return new TransientError(`${action} failed: network error (${code}).`, { code: 'network' });
  const name = (error as { name?: unknown } | null)?.name;
  if (typeof name === 'string' && TIMEOUT_NAMES.has(name)) {
    const type = (error as { type?: unknown }).type;
    if (name === 'FetchError' && type !== 'request-timeout' && type !== 'system') return undefined;
    return new TransientError(`${action} did not complete in time (${name}).`, { code: 'timeout' });
  }
  return undefined;
}

/**
 * Last-resort classification of anything a provider let escape: connector errors pass through,
 * network failures become transient, errors carrying an HTTP status use the status table, and
 * anything else is an unexpected transient failure (retried within the attempt budget, then
 * escalated). The original message is not kept: it may carry an upstream body.
 */
export function toConnectorError(error: unknown, action = 'The request'): ConnectorError {
  if (isConnectorError(error)) return error;
  const network = classifyNetworkError(error, action);
  if (network) return network;
  const shape = (error ?? {}) as { status?: unknown; statusCode?: unknown; headers?: unknown };
  const status = typeof shape.status === 'number' ? shape.status : shape.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 600) {
    const headers = typeof shape.headers === 'object' ? (shape.headers as HeaderSource) : undefined;
    return classifyHttpError({ status, headers, action });
  }
  const name = error instanceof Error ? error.name : typeof error;
  return new TransientError(`${action} failed with an unexpected ${name}.`, { code: 'unexpected_error' });
}
