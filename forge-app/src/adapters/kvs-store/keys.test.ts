import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeKey, MAX_KEY_LENGTH } from './keys';

const KVS_KEY = /^(?!\s+$)[a-zA-Z0-9:._\s\-#]+$/;

describe('encodeKey', () => {
  it('keeps safe ids as they are', () => {
    expect(encodeKey('job:provision:grant_1:approval')).toBe('job:provision:grant_1:approval');
  });

  it('turns any id into a valid KVS key, and different ids into different keys', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 300 }), (a, b) => {
        expect(encodeKey(a)).toMatch(KVS_KEY);
        expect(encodeKey(a).length).toBeLessThanOrEqual(MAX_KEY_LENGTH);
        if (a !== b) expect(encodeKey(a)).not.toBe(encodeKey(b));
      }),
      { seed: 7, numRuns: 300 },
    );
  });

  it('escapes the escape character itself, so "#23" and "#" stay apart', () => {
    expect(encodeKey('#')).not.toBe(encodeKey('#23'));
    expect(encodeKey('a b')).toBe('a#0020b');
    // Lone surrogates are code units of their own, not one replacement character.
    expect(encodeKey('\ud800')).not.toBe(encodeKey('\udc00'));
  });
});
