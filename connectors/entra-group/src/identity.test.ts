import type { Connector } from '@clearway/connector-sdk';
import { beforeEach, describe, expect, it } from 'vitest';
import { connectedDirectory, context, type Directory } from './test-support/harness.js';

let directory: Directory;
let connector: Connector;
beforeEach(() => ({ directory, connector } = connectedDirectory()));
const resolve = (subject: { email?: string; mappedExternalId?: string }) => connector.resolveIdentity(context(), { accountId: 'acc-1', ...subject });

describe('resolveIdentity', () => {
  it('uses the explicit mapping (object id) before the email', async () => {
    expect(await resolve({ email: 'ada@contoso.com', mappedExternalId: directory.bob.id })).toMatchObject({
      outcome: 'resolved',
      matchedBy: 'mapping',
      identity: { id: directory.bob.id },
    });
  });

  it('accepts a user principal name as mapping, encoded as one path segment', async () => {
    expect(await resolve({ mappedExternalId: directory.bob.userPrincipalName })).toMatchObject({ outcome: 'resolved', identity: { id: directory.bob.id } });
    expect(directory.tenant.requests[0]?.path).toBe('/v1.0/users/bob_contoso.com%23EXT%23%40contoso.onmicrosoft.com');
  });

  it('does not fall back to the email when the mapping matches nobody', async () => {
    expect(await resolve({ email: 'ada@contoso.com', mappedExternalId: '00000000-0000-4000-8000-000000000001' })).toMatchObject({
      outcome: 'unresolved',
      reason: 'not_found',
    });
    expect(directory.tenant.requests).toHaveLength(1);
  });

  it('refuses a mapping that is neither an object id nor a UPN', async () => {
    expect(await resolve({ mappedExternalId: 'Ada Lovelace' })).toMatchObject({ outcome: 'unresolved', reason: 'not_found' });
    expect(directory.tenant.requests).toHaveLength(0);
  });

  it('finds the email as user principal name first (matchedBy login)', async () => {
    expect(await resolve({ email: 'ada@contoso.com' })).toEqual({
      outcome: 'resolved',
      matchedBy: 'login',
      identity: { id: directory.ada.id, login: 'ada@contoso.com', email: 'ada@contoso.com', displayName: 'Ada Lovelace' },
    });
  });

  it('then by a mail eq filter (matchedBy email), selecting accountEnabled', async () => {
    expect(await resolve({ email: 'bob@contoso.com' })).toMatchObject({ outcome: 'resolved', matchedBy: 'email', identity: { id: directory.bob.id } });
    const search = directory.tenant.requests[1];
    expect(search?.path).toBe('/v1.0/users');
    expect(search?.query.get('$filter')).toBe("mail eq 'bob@contoso.com'");
    expect(search?.query.get('$select')).toContain('accountEnabled');
  });

  it('doubles single quotes inside the filter literal', async () => {
    const user = directory.tenant.addUser({ userPrincipalName: 'obrien@contoso.onmicrosoft.com', mail: "o'brien@contoso.com" });
    expect(await resolve({ email: "o'brien@contoso.com" })).toMatchObject({ outcome: 'resolved', identity: { id: user.id } });
    expect(directory.tenant.requests[1]?.query.get('$filter')).toBe("mail eq 'o''brien@contoso.com'");
  });

  it.each([
    ['an email that is the UPN', () => ({ email: 'dave@contoso.com' })],
    ['an email found by mail', () => ({ email: 'dave.mail@contoso.com' })],
    ['a mapping', () => ({ mappedExternalId: 'dave@contoso.com' })],
  ])('a disabled account (accountEnabled: false) is unresolved "inactive", via %s', async (_how, subject) => {
    directory.tenant.addUser({ userPrincipalName: 'dave@contoso.com', mail: 'dave.mail@contoso.com', accountEnabled: false });
    expect(await resolve(subject())).toMatchObject({ outcome: 'unresolved', reason: 'inactive' });
  });

  it('two users with the same mail are "ambiguous"', async () => {
    directory.tenant.addUser({ userPrincipalName: 'carol2@contoso.onmicrosoft.com', mail: 'carol@contoso.com' });
    expect(await resolve({ email: 'carol@contoso.com' })).toMatchObject({ outcome: 'unresolved', reason: 'ambiguous' });
  });

  it('a subject without email or mapping is not_found, without calling Graph', async () => {
    expect(await resolve({})).toMatchObject({ outcome: 'unresolved', reason: 'not_found' });
    expect(directory.tenant.requests).toHaveLength(0);
  });

  it('a failure other than 404 is thrown, classified', async () => {
    directory.tenant.forbiddenNext();
    await expect(resolve({ email: 'ada@contoso.com' })).rejects.toMatchObject({ kind: 'permission' });
  });
});
