import { describe, expect, it } from 'vitest';
import {
  AuthError,
  ConnectorError,
  ERROR_KINDS,
  RateLimitedError,
  TransientError,
  connectorError,
  isRetryableKind,
} from './errors.js';

describe('ConnectorError', () => {
  it('computes retryable from the kind: only rate_limited and transient retry', () => {
    const retryable = ERROR_KINDS.filter((kind) => connectorError(kind, 'x').retryable);
    expect(retryable).toEqual(['rate_limited', 'transient']);
    expect(ERROR_KINDS.filter(isRetryableKind)).toEqual(['rate_limited', 'transient']);
  });

  it('builds the subclass that matches each kind', () => {
    expect(connectorError('rate_limited', 'slow down')).toBeInstanceOf(RateLimitedError);
    expect(connectorError('auth', 'no')).toBeInstanceOf(AuthError);
    for (const kind of ERROR_KINDS) {
      const error = connectorError(kind, 'm');
      expect(error).toBeInstanceOf(ConnectorError);
      expect(error.kind).toBe(kind);
      expect(error.code).toBe(kind);
    }
  });

  it('strips credentials from messages and caps their length', () => {
    const error = new AuthError(`Call failed: Authorization: SSWS 00abcdefghijklmnop ${'x'.repeat(900)}`);
    expect(error.message).not.toContain('00abcdefghijklmnop');
    expect(error.message).toContain('SSWS [REDACTED]');
    expect(error.message.length).toBeLessThanOrEqual(500);
  });

  it('serializes to plain data without a cause or stack', () => {
    const error = new RateLimitedError('wait', { retryAfterMs: 1500.2, status: 429, providerCode: 'E0000047', requestId: 'r-1' });
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      name: 'RateLimitedError',
      kind: 'rate_limited',
      code: 'rate_limited',
      retryable: true,
      message: 'wait',
      retryAfterMs: 1501,
      status: 429,
      providerCode: 'E0000047',
      requestId: 'r-1',
    });
  });

  it('keeps class and details when the message is replaced', () => {
    const error = new TransientError('secret-ish', { code: 'network', status: 503 }).withMessage('clean');
    expect(error).toBeInstanceOf(TransientError);
    expect(error.message).toBe('clean');
    expect(error.code).toBe('network');
    expect(error.status).toBe(503);
  });
});
