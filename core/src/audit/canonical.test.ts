import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalEventFields, canonicalJson } from './canonical.js';

describe('RFC 8785 canonical JSON', () => {
  it('produces exactly the bytes of the reference implementation for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(canonicalJson(value)).toBe(canonicalize(value));
      }),
      { numRuns: 2_000, seed: 8785 },
    );
  });

  it('lays out any audit event exactly as the reference implementation does', () => {
    const event = fc.record({
      seq: fc.nat(),
      at: fc.integer({ min: 0, max: 2 ** 45 }),
      actor: fc.string(),
      type: fc.string(),
      refs: fc.dictionary(fc.string(), fc.string()),
      data: fc.dictionary(fc.string(), fc.jsonValue()),
      policyVersion: fc.nat(),
    });
    fc.assert(
      fc.property(event, (fields) => {
        expect(canonicalEventFields(fields)).toBe(canonicalize(fields));
      }),
      { numRuns: 1_000, seed: 6 },
    );
  });

  it('sorts keys by UTF-16 code units, escapes what JSON escapes, writes numbers as ECMAScript does', () => {
    expect(canonicalJson({ b: 1, a: [1e21, 0.1, -0, 'é', 'say "hi"\n'], '\u20ac': true, '\ud83d\ude00': null, A: { z: undefined, y: 2 } })).toBe(
      '{"A":{"y":2},"a":[1e+21,0.1,0,"é","say \\"hi\\"\\n"],"b":1,"€":true,"😀":null}',
    );
  });

  it('refuses what JSON cannot hold', () => {
    expect(() => canonicalJson(Number.NaN)).toThrow(TypeError);
    expect(() => canonicalJson({ a: Number.POSITIVE_INFINITY })).toThrow(TypeError);
    expect(() => canonicalJson('\ud800')).toThrow(TypeError);
    expect(() => canonicalJson(undefined)).toThrow(TypeError);
  });
});
