import { readHeader, type HeaderSource } from './headers.js';

/**
 * Turns a provider's rate-limit headers into a wait in milliseconds.
 *
 * - `Retry-After`: delay-seconds or an HTTP date (RFC 9110 §10.2.3).
 * - `X-Rate-Limit-Reset` (Okta): epoch seconds at which the window resets. It is measured against
 *   the response's own `Date` header, not our clock, so a skewed local clock cannot shorten or
 *   stretch the wait. Without a `Date` header, `now` is used.
 *
 * `Retry-After` wins when both are present. Returns undefined when neither says anything usable.
 */
export function retryAfterMsFromHeaders(headers: HeaderSource, now: number = Date.now()): number | undefined {
  const responseDate = parseHttpDate(readHeader(headers, 'date'));
  const reference = responseDate ?? now;

  const retryAfter = readHeader(headers, 'retry-after')?.trim();
  if (retryAfter) {
    if (/^\d+(\.\d+)?$/.test(retryAfter)) return Math.ceil(Number(retryAfter) * 1000);
    const at = parseHttpDate(retryAfter);
    if (at !== undefined) return Math.max(0, at - reference);
  }

  const reset = readHeader(headers, 'x-rate-limit-reset')?.trim();
  if (reset && /^\d+$/.test(reset)) return Math.max(0, Number(reset) * 1000 - reference);

  return undefined;
}

function parseHttpDate(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : at;
}
