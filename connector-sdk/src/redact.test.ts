import { describe, expect, it } from 'vitest';
import { createRedactor, patternRedactor } from './redact.js';

describe('createRedactor', () => {
  const secret = 's3cr3t/value+with=chars';
  const redactor = createRedactor([secret, undefined, 'abc']);

  it('removes a secret in its plain, URL-encoded and base64 forms', () => {
    const text = `a ${secret} b ${encodeURIComponent(secret)} c ${Buffer.from(secret).toString('base64')}`;
    expect(redactor.redact(text)).toBe('a [REDACTED] b [REDACTED] c [REDACTED]');
  });

  it('leaves very short values alone so ordinary words survive', () => {
    expect(redactor.redact('abc is fine')).toBe('abc is fine');
  });

  it('removes credential-shaped text it was not told about', () => {
    expect(patternRedactor.redact('Authorization: Bearer eyJhbGciOi.eyJzdWIiOiJ4.sig')).toBe('Authorization: Bearer [REDACTED]');
    expect(patternRedactor.redact('token eyJhbGciOiJSUzI1.eyJzdWIiOiJ4In0.abc here')).toBe('token [REDACTED] here');
    expect(patternRedactor.redact('client_secret=abcd1234&x=1')).toBe('client_secret=[REDACTED]&x=1');
    expect(patternRedactor.redact('{"apiToken": "zzzz9999"}')).toBe('{"apiToken": "[REDACTED]"}');
    expect(patternRedactor.redact('-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----')).toBe('[REDACTED]');
  });

  it('redacts deeply inside plain objects and arrays', () => {
    expect(redactor.redactValue({ a: [secret, 1], b: { c: `x${secret}` } })).toEqual({ a: ['[REDACTED]', 1], b: { c: 'x[REDACTED]' } });
  });
});
