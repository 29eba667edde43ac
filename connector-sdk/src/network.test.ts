import { describe, expect, it } from 'vitest';
import { AuthError } from './errors.js';
import { classifyNetworkError, toConnectorError } from './network.js';

describe('classifyNetworkError', () => {
  it.each(['ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'ECONNREFUSED', 'EAI_AGAIN'])('%s is transient', (code) => {
    const error = classifyNetworkError(Object.assign(new Error('boom'), { code }));
    expect(error?.kind).toBe('transient');
    expect(error?.code).toBe('network');
    expect(error?.message).toContain(code);
  });

  it('finds the system error inside undici’s `cause`', () => {
    const error = Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('x'), { code: 'ECONNRESET' }) });
    expect(classifyNetworkError(error)?.code).toBe('network');
  });

  it('treats aborts and timeouts as transient', () => {
    expect(classifyNetworkError(Object.assign(new Error('aborted'), { name: 'AbortError' }))?.code).toBe('timeout');
    expect(classifyNetworkError(new DOMException('t', 'TimeoutError'))?.code).toBe('timeout');
  });

  it('classifies undici\'s "bad port" refusal as invalid_config, not a transient fault retried forever', async () => {
    // Node's fetch refuses the Fetch standard's bad ports (https://fetch.spec.whatwg.org/#port-blocking)
    // before connecting: TypeError('fetch failed') caused by Error('bad port'), with no error code.
    const refusal = await fetch('http://127.0.0.1:6000/scim/v2/Users').then(
      () => undefined,
      (error: unknown) => error,
    );
    const error = classifyNetworkError(refusal, 'Searching users');
    expect(error).toMatchObject({ kind: 'invalid_config', code: 'bad_port', retryable: false });
    expect(error?.message).toMatch(/^Searching users failed: fetch refuses to connect to the endpoint's port/);
    expect(toConnectorError(refusal).kind).toBe('invalid_config');
  });

  it('leaves other errors alone', () => {
    expect(classifyNetworkError(new Error('bad json'))).toBeUndefined();
    expect(classifyNetworkError(Object.assign(new Error('x'), { name: 'FetchError', type: 'invalid-json' }))).toBeUndefined();
  });
});

describe('toConnectorError', () => {
  it('passes connector errors through', () => {
    const error = new AuthError('no');
    expect(toConnectorError(error)).toBe(error);
  });

  it('classifies errors that carry an HTTP status, with their headers', () => {
    const error = toConnectorError({ status: 429, headers: { 'retry-after': '3' } });
    expect(error.kind).toBe('rate_limited');
    expect(error.retryAfterMs).toBe(3000);
    expect(toConnectorError({ statusCode: 403 }).kind).toBe('permission');
  });

  it('drops an unknown error’s message, which may hold an upstream body', () => {
    const error = toConnectorError(new SyntaxError('Unexpected token < in <html>secret page</html>'), 'Reading users');
    expect(error.kind).toBe('transient');
    expect(error.code).toBe('unexpected_error');
    expect(error.message).toBe('Reading users failed with an unexpected SyntaxError.');
  });
});
