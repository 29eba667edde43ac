import { describe, expect, it } from 'vitest';
import { classifyHttpErrorByRules, findHttpErrorRule, type HttpErrorRule } from './error-rules.js';

const RULES: readonly HttpErrorRule[] = [
  { status: 400, providerCode: 'noTarget', code: 'not_a_member', summary: 'Not a member.' },
  { status: 400, message: /already exist/i, code: 'already_member', summary: 'Already a member.' },
  { status: 412, kind: 'transient', code: 'version_conflict', summary: 'Changed meanwhile; retried.' },
  { status: [502, 503], code: 'unavailable', summary: 'Unavailable; retried.' },
  { status: 'server_error', code: 'server_error', summary: 'Server error; retried.' },
  { providerCode: 'sensitive', kind: 'permission', code: 'sensitive', summary: 'Sensitive.' },
];

describe('findHttpErrorRule', () => {
  it('takes the first rule whose status, code (ignoring case) and message all match', () => {
    expect(findHttpErrorRule(RULES, { status: 400, providerCode: 'NOTARGET' })?.code).toBe('not_a_member');
    expect(findHttpErrorRule(RULES, { status: 400, message: 'references already exist' })?.code).toBe('already_member');
    expect(findHttpErrorRule(RULES, { status: 400 })).toBeUndefined();
    expect(findHttpErrorRule(RULES, { status: 503 })?.code).toBe('unavailable');
    expect(findHttpErrorRule(RULES, { status: 500 })?.code).toBe('server_error');
    expect(findHttpErrorRule(RULES, { status: 403, providerCode: 'sensitive' })?.code).toBe('sensitive');
  });
});

describe('classifyHttpErrorByRules', () => {
  it('applies the rule: code, summary and kind override; wait and request id as usual', () => {
    const error = classifyHttpErrorByRules(RULES, { status: 412, headers: { 'retry-after': '3', 'x-request-id': 'r-1' }, action: 'Adding the user' });
    expect(error).toMatchObject({ kind: 'transient', code: 'version_conflict', retryAfterMs: 3_000, requestId: 'r-1', status: 412 });
    expect(error.message).toBe('Adding the user failed (HTTP 412): Changed meanwhile; retried.');
  });

  it('falls back to the status table and never copies the upstream message', () => {
    const error = classifyHttpErrorByRules(RULES, { status: 409, message: 'row 42 of table secret_users conflicts', summary: 'Conflict.' });
    expect(error).toMatchObject({ kind: 'invalid_request', code: 'invalid_request' });
    expect(error.message).toBe('HTTP 409: Conflict.');
    const ruled = classifyHttpErrorByRules(RULES, { status: 400, message: 'members already exist: alice' });
    expect(ruled.message).not.toContain('alice');
  });
});
