import { describe, expect, it } from 'vitest';
import { canResolveSubject, resolvesByAccountId } from './capabilities.js';
import type { ProviderCapabilities } from './contract.js';

const directory: ProviderCapabilities = { createGroups: true, maxBatchSize: 1, membershipCheck: 'direct', manual: false };
const manual: ProviderCapabilities = { createGroups: false, maxBatchSize: 1, membershipCheck: 'manual', manual: true };

describe('what a provider can find a person by', () => {
  it('takes the declaration, else lets manual providers and not directories work from the account id', () => {
    expect(resolvesByAccountId(directory)).toBe(false);
    expect(resolvesByAccountId(manual)).toBe(true);
    expect(resolvesByAccountId({ ...directory, resolvesByAccountId: true })).toBe(true);
    expect(resolvesByAccountId({ ...manual, resolvesByAccountId: false })).toBe(false);
  });

  it('needs a mapping or an email from a directory, and nothing more than the account from the others', () => {
    expect(canResolveSubject(directory, { accountId: 'a' })).toBe(false);
    expect(canResolveSubject(directory, { accountId: 'a', email: '  ' })).toBe(false);
    expect(canResolveSubject(directory, { accountId: 'a', email: 'a@example.com' })).toBe(true);
    expect(canResolveSubject(directory, { accountId: 'a', mappedExternalId: 'u-1' })).toBe(true);
    expect(canResolveSubject(manual, { accountId: 'a' })).toBe(true);
  });
});
