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

  describe('fragments of a secret in free text', () => {
    const token = '00aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789';
    const withToken = createRedactor([token]);

    it('removes any run of 8 or more characters of it: a prefix, a middle, a suffix, inside a longer word', () => {
      expect(withToken.redact(`Invalid token ${token.slice(0, 10)}...`)).toBe('Invalid token [REDACTED]...');
      // Okta's errorId shape with 12 characters of the token inside it.
      expect(withToken.redact(`errorId oae${token.slice(3, 15)}Q2 (E0000011)`)).toBe('errorId oae[REDACTED]Q2 (E0000011)');
      expect(withToken.redact(`tail ${token.slice(-9)}`)).toBe('tail [REDACTED]');
      expect(withToken.redact(`${token.slice(0, 8)} and ${token.slice(20, 30)}`)).toBe('[REDACTED] and [REDACTED]');
    });

    it('removes fragments of its encodings: base64, base64url, hex and URL-encoded', () => {
      const bytes = Buffer.from(`${token}/+`);
      const encoded = createRedactor([`${token}/+`]);
      for (const form of [bytes.toString('base64').slice(4, 20), bytes.toString('base64url').slice(-12), bytes.toString('hex').slice(6, 26), encodeURIComponent(`${token}/+`).slice(-11)]) {
        expect(encoded.redact(`seen: ${form}.`)).toBe('seen: [REDACTED].');
      }
    });

    it('leaves 7 characters of it, and ordinary text, alone', () => {
      expect(withToken.redact(`id ${token.slice(0, 7)} ok`)).toBe(`id ${token.slice(0, 7)} ok`);
      expect(withToken.redact('The request was refused: user not assigned (E0000007).')).toBe('The request was refused: user not assigned (E0000007).');
    });

    const pemBody = ['MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj', 'MZR4gWTbG6KtXYtn7Fvz2JXplbkt0EZjTDOk3ti1mYfV5e+7KLB9u4h2cOvGqMx0', 'ZWNmfZQd8Bz9ELqS2E6jt0c4yUgUHiS1gHX2Cw2hXkCRpeMT8sS0Cz4Sx5Vzbj9n'];
    const pem = ['-----BEGIN PRIVATE KEY-----', ...pemBody, '-----END PRIVATE KEY-----', ''].join('\n');
    const withKey = createRedactor([pem]);

    it('removes a PEM body line by line: the first 40 characters of it, a line quoted JSON-escaped, a line from the middle', () => {
      expect(withKey.redact(`bad key ${pemBody[0]?.slice(0, 40)}`)).toBe('bad key [REDACTED]');
      expect(withKey.redact(JSON.stringify({ detail: `${pemBody[1]}\n${pemBody[2]}` }))).toBe('{"detail":"[REDACTED]\\n[REDACTED]"}');
      expect(withKey.redact(`key ${pemBody[2]?.slice(20, 30)}`)).toBe('key [REDACTED]');
    });

    it('keeps the PEM armor readable: it is the same for every key', () => {
      expect(withKey.redact('expected -----BEGIN CERTIFICATE-----')).toBe('expected -----BEGIN CERTIFICATE-----');
    });

    it('removes a private key cut short, with no END line, even when the key is not configured', () => {
      expect(patternRedactor.redact(`parse error at -----BEGIN RSA PRIVATE KEY-----\n${pemBody[0]?.slice(0, 40)}`)).toBe('parse error at [REDACTED]');
    });
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
