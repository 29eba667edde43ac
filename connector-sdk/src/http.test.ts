import { describe, expect, it } from 'vitest';
import { classifyHttpError, errorKindForStatus } from './http.js';

describe('errorKindForStatus', () => {
  it.each([
    [429, 'rate_limited'],
    [500, 'transient'],
    [502, 'transient'],
    [503, 'transient'],
    [504, 'transient'],
    [408, 'transient'],
    [401, 'auth'],
    [403, 'permission'],
    [404, 'not_found'],
    [410, 'not_found'],
    [400, 'invalid_request'],
    [409, 'invalid_request'],
    [422, 'invalid_request'],
    [501, 'unsupported'],
  ] as const)('%i → %s', (status, kind) => {
    expect(errorKindForStatus(status)).toBe(kind);
  });
});

describe('classifyHttpError', () => {
  it('gives a 429 its wait and the request id', () => {
    const error = classifyHttpError({
      status: 429,
      headers: { 'Retry-After': '12', 'X-Okta-Request-Id': 'req-9' },
      providerCode: 'E0000047',
      action: 'Adding the user',
    });
    expect(error.kind).toBe('rate_limited');
    expect(error.retryAfterMs).toBe(12_000);
    expect(error.requestId).toBe('req-9');
    expect(error.providerCode).toBe('E0000047');
    expect(error.message).toMatch(/^Adding the user failed \(HTTP 429\)/);
  });

  it('takes a request id the provider found in the body over any header', () => {
    expect(classifyHttpError({ status: 404, headers: { 'x-request-id': 'from-header' }, requestId: 'from-body' }).requestId).toBe('from-body');
    expect(classifyHttpError({ status: 404, headers: { 'x-request-id': 'from-header' } }).requestId).toBe('from-header');
  });

  it('keeps a 503 wait hint but none for terminal kinds', () => {
    expect(classifyHttpError({ status: 503, headers: { 'retry-after': '2' } }).retryAfterMs).toBe(2000);
    expect(classifyHttpError({ status: 401, headers: { 'retry-after': '2' } }).retryAfterMs).toBeUndefined();
  });

  it('lets a provider code override the status', () => {
    const error = classifyHttpError({ status: 400, kind: 'transient', code: 'replication_delay', summary: 'Not replicated yet.' });
    expect(error.kind).toBe('transient');
    expect(error.code).toBe('replication_delay');
    expect(error.message).toContain('Not replicated yet.');
  });

  it("keeps Okta's and Graph's request ids and drops a header value that is not an identifier", () => {
    // https://developer.okta.com/docs/reference/core-okta-api/#request-debugging (X-Okta-Request-Id)
    expect(classifyHttpError({ status: 500, headers: { 'X-Okta-Request-Id': 'XkUpbE6DcV2rtlPXc0LrxgAABbw' } }).requestId).toBe('XkUpbE6DcV2rtlPXc0LrxgAABbw');
    // https://learn.microsoft.com/en-us/graph/errors (request-id, a GUID)
    const graph = new Headers({ 'request-id': '1a0ffbc0-086f-4e8f-93f9-bf99881c65f6' });
    expect(classifyHttpError({ status: 404, headers: graph }).requestId).toBe('1a0ffbc0-086f-4e8f-93f9-bf99881c65f6');
    for (const hostile of ['req 9', '"req-9"', 'x'.repeat(300)]) {
      const error = classifyHttpError({ status: 500, headers: { 'x-okta-request-id': hostile } });
      expect(error.requestId).toBeUndefined();
      expect(JSON.stringify(error.toJSON())).not.toContain(hostile);
    }
  });

  it('falls back to the next request-id header when the preferred one is not an identifier', () => {
    expect(classifyHttpError({ status: 500, headers: { 'x-okta-request-id': 'a b', 'x-request-id': 'req-2' } }).requestId).toBe('req-2');
    expect(classifyHttpError({ status: 500, requestId: 'a "b"', headers: { 'x-request-id': 'req-3' } }).requestId).toBe('req-3');
  });
});
