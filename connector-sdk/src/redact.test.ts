import { describe, expect, it } from 'vitest';
import { createRedactor, patternRedactor } from './redact.js';

describe('createRedactor', () => {
  const secret = 's3cr3t/value+with=chars';
  const redactor = createRedactor([secret, undefined, 'abc']);

  it('removes a secret in its plain, URL-encoded and base64 forms', () => {
    const text = `a ${secret} b ${encodeURIComponent(secret)} c ${Buffer.from(secret).toString('base64')}`;
    expect(redactor.redact(text)).toBe('a [REDACTED] b [REDACTED] c [REDACTED]');
  });

  it('removes its hex (either case) and base64url forms, which a byte dump or a token in a URL carries', () => {
    const bytes = Buffer.from(secret);
    const text = `hex ${bytes.toString('hex')} HEX ${bytes.toString('hex').toUpperCase()} url ${bytes.toString('base64url')}.`;
    expect(bytes.toString('base64url')).not.toBe(bytes.toString('base64'));
    expect(redactor.redact(text)).toBe('hex [REDACTED] HEX [REDACTED] url [REDACTED].');
  });

  it('leaves very short values alone so ordinary words survive, in every form', () => {
    expect(redactor.redact('abc is fine')).toBe('abc is fine');
    // The hex of "abc" is six characters: long enough on its own, but the rule is about the secret.
    const short = createRedactor(['abcde']);
    const forms = ['abcde', Buffer.from('abcde').toString('hex'), Buffer.from('abcde').toString('base64'), Buffer.from('abcde').toString('base64url')];
    expect(short.redact(forms.join(' '))).toBe(forms.join(' '));
    expect(redactor.redact('colour 616263')).toBe('colour 616263');
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

  describe('upstreamId', () => {
    const token = 'tok-9f8e7d6c5b4a39281706';
    const withToken = createRedactor([token]);

    it("keeps the vendors' identifiers", () => {
      // Okta's X-Okta-Request-Id, https://developer.okta.com/docs/reference/core-okta-api/#request-debugging
      expect(withToken.upstreamId('XkUpbE6DcV2rtlPXc0LrxgAABbw')).toBe('XkUpbE6DcV2rtlPXc0LrxgAABbw');
      expect(withToken.upstreamId('reqVy8wsvmBQN27h4soUE3ZEnA')).toBe('reqVy8wsvmBQN27h4soUE3ZEnA');
      // Graph's request-id GUID, https://learn.microsoft.com/en-us/graph/errors
      expect(withToken.upstreamId('1a0ffbc0-086f-4e8f-93f9-bf99881c65f6')).toBe('1a0ffbc0-086f-4e8f-93f9-bf99881c65f6');
      expect(withToken.upstreamId(undefined)).toBeUndefined();
    });

    it('drops what is not identifier-shaped', () => {
      for (const value of ['req 9', 'req"9', "req'9", 'a'.repeat(300), 'a'.repeat(129), '', 'id\r\nSet-Cookie: x', '<html>']) {
        expect(withToken.upstreamId(value)).toBeUndefined();
      }
      expect(withToken.upstreamId('a'.repeat(128))).toBe('a'.repeat(128));
    });

    it('drops an identifier carrying any 8 characters of a secret in a form the redactor knows', () => {
      const bytes = Buffer.from(token);
      for (const value of [token, token.slice(0, 10), `req-${token.slice(6, 14)}`, bytes.toString('base64url'), bytes.toString('hex').slice(10, 30)]) {
        expect(withToken.upstreamId(value)).toBeUndefined();
        expect(withToken.containsSecret(value)).toBe(true);
      }
      // Seven characters of it are not enough to tell it from an ordinary id.
      expect(withToken.upstreamId(`req-${token.slice(0, 7)}`)).toBe(`req-${token.slice(0, 7)}`);
    });

    it('drops a credential-shaped identifier even when no secret is known', () => {
      expect(patternRedactor.upstreamId('eyJhbGciOi.eyJzdWIiOiJ4.sig')).toBeUndefined();
    });
  });
});
