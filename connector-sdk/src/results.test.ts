import { describe, expect, it } from 'vitest';
import { memberPageSchema, memberPageSchemaFor, validResult } from './results.js';

describe('member pages', () => {
  it('accept identities and an optional non-empty cursor', () => {
    expect(memberPageSchema.safeParse({ members: [] }).success).toBe(true);
    expect(memberPageSchema.safeParse({ members: [{ id: 'u1', login: 'ada', email: 'a@b.c', displayName: 'Ada' }], nextCursor: 'x' }).success).toBe(true);
    expect(memberPageSchema.safeParse({ members: [{ id: '' }] }).success).toBe(false);
    expect(memberPageSchema.safeParse({ members: [], nextCursor: '' }).success).toBe(false);
  });

  it('for a request made with a cursor, refuse a page that answers the same cursor', () => {
    expect(memberPageSchemaFor('c1').safeParse({ members: [], nextCursor: 'c1' }).success).toBe(false);
    expect(memberPageSchemaFor('c1').safeParse({ members: [], nextCursor: 'c2' }).success).toBe(true);
    expect(memberPageSchemaFor('c1').safeParse({ members: [] }).success).toBe(true);
    expect(memberPageSchemaFor(undefined)).toBe(memberPageSchema);
  });
});

describe('validResult', () => {
  it('names where the answer is wrong and our refinements\' reasons, never a value from it', () => {
    const attempt = () => validResult(memberPageSchema, { members: [{ id: '   ' }, { id: 'secret-looking-value', email: 7 }] }, 'Listing');
    expect(attempt).toThrow(expect.objectContaining({ kind: 'transient', code: 'unexpected_response' }));
    expect(attempt).toThrow(/^Listing failed: the provider's answer was not understood \(members\.0\.id: must not be blank, members\.1\.email\); the action will be retried\.$/);
    expect(attempt).not.toThrow(/secret-looking-value|\b7\b/);
  });
});
