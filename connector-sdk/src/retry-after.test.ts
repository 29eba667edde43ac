import { describe, expect, it } from 'vitest';
import { retryAfterMsFromHeaders } from './retry-after.js';

const date = 'Mon, 23 Nov 2026 10:00:00 GMT';
const dateMs = Date.parse(date);

describe('retryAfterMsFromHeaders', () => {
  it('reads Retry-After in seconds', () => {
    expect(retryAfterMsFromHeaders({ 'Retry-After': '7' })).toBe(7000);
    expect(retryAfterMsFromHeaders(new Headers({ 'retry-after': '0.5' }))).toBe(500);
  });

  it('reads Retry-After as an HTTP date relative to the response Date', () => {
    const headers = { date, 'retry-after': 'Mon, 23 Nov 2026 10:00:30 GMT' };
    // A local clock an hour off changes nothing: the response's own Date is the reference.
    expect(retryAfterMsFromHeaders(headers, dateMs + 3_600_000)).toBe(30_000);
  });

  it('reads X-Rate-Limit-Reset epoch seconds against the response Date, not the local clock', () => {
    const reset = String(dateMs / 1000 + 42);
    expect(retryAfterMsFromHeaders({ Date: date, 'X-Rate-Limit-Reset': reset }, dateMs - 999_999)).toBe(42_000);
  });

  it('falls back to the local clock without a Date header', () => {
    const now = 1_800_000_000_000;
    expect(retryAfterMsFromHeaders({ 'x-rate-limit-reset': String(now / 1000 + 5) }, now)).toBe(5000);
  });

  it('prefers Retry-After, never goes negative, and ignores junk', () => {
    expect(retryAfterMsFromHeaders({ 'retry-after': '3', 'x-rate-limit-reset': String(dateMs / 1000 + 60), date })).toBe(3000);
    expect(retryAfterMsFromHeaders({ date, 'x-rate-limit-reset': String(dateMs / 1000 - 10) })).toBe(0);
    expect(retryAfterMsFromHeaders({ 'retry-after': 'soon' })).toBeUndefined();
    expect(retryAfterMsFromHeaders(undefined)).toBeUndefined();
    expect(retryAfterMsFromHeaders({ 'retry-after': ['4', '9'] })).toBe(4000);
  });
});
