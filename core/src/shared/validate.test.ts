import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { extendGrant } from '../grants/grant-service.js';
import { submitRequest } from '../requests/submit-request.js';
import { approver, makeDeps, requestInput, snapshot } from '../test-support/harness.js';
import { assertWellFormed, parseInput } from './validate.js';

describe('text that is not well-formed Unicode is refused at the edge', () => {
  it('names where a lone surrogate is, high or low, in a value or a key, at any depth', () => {
    expect(() => assertWellFormed({ a: { b: ['ok', 'x\uD800y'] } }, 'thing')).toThrow(/a\.b\.1: contains characters that are not valid Unicode/);
    expect(() => assertWellFormed({ note: '\uDC00' }, 'thing')).toThrow(/note:/);
    expect(() => assertWellFormed({ ['k\uD800']: 'v' }, 'thing')).toThrow(/k/);
    expect(() => assertWellFormed('\uD83D', 'thing')).toThrow(/\(input\)/);
    // A surrogate pair is one character (an emoji): fine.
    expect(() => assertWellFormed({ note: 'ship it 🚀', 'キー': '値' }, 'thing')).not.toThrow();
    expect(() => parseInput(z.object({ note: z.string() }), { note: 'a\uD800' }, 'note')).toThrow(expect.objectContaining({ code: 'validation_failed' }));
  });

  it('refuses a portal purpose or an extension reason with a lone surrogate, changing nothing', async () => {
    const deps = await makeDeps();
    const before = snapshot(deps.store);
    await expect(submitRequest(deps, { accountId: 'acc-una' }, requestInput({ purpose: 'Needed for \uD800 work' }))).rejects.toMatchObject({ code: 'validation_failed' });
    await expect(extendGrant(deps, approver, { grantId: 'g-1', days: 3, rationale: 'more \uDFFF time' })).rejects.toMatchObject({ code: 'validation_failed' });
    expect(snapshot(deps.store)).toBe(before);
  });
});
