import nock from 'nock';
import { beforeEach, describe, expect, it } from 'vitest';
import { connectTo, context, seedDirectory, type Directory } from './test-support/harness.js';

let directory: Directory;
const use = (options: Parameters<typeof seedDirectory>[0] = {}) => {
  nock.cleanAll();
  directory = seedDirectory(options);
  directory.service.install();
};
const resolve = (subject: { email?: string; mappedExternalId?: string }) => connectTo(directory.service).resolveIdentity(context(), { accountId: 'acc-1', ...subject });
const filtersSent = () => directory.service.requests.filter((request) => request.path === '/Users').map((request) => request.query.get('filter'));

beforeEach(() => use());

describe('explicit mapping', () => {
  it('reads the mapped SCIM id', async () => {
    expect(await resolve({ mappedExternalId: directory.bob.id, email: 'ada@example.com' })).toEqual({
      outcome: 'resolved',
      identity: { id: directory.bob.id, login: 'bob.k', email: 'Bob@Example.com', displayName: 'Bob' },
      matchedBy: 'mapping',
    });
    expect(directory.service.requests.map((request) => request.path)).toEqual([`/Users/${directory.bob.id}`]);
  });

  it('takes a mapping that is a userName when no id matches', async () => {
    expect(await resolve({ mappedExternalId: 'bob.k' })).toMatchObject({ outcome: 'resolved', identity: { id: directory.bob.id }, matchedBy: 'mapping' });
    expect(filtersSent()).toEqual(['userName eq "bob.k"']);
  });

  it('does not fall back to the email when the mapping matches nobody', async () => {
    expect(await resolve({ mappedExternalId: 'gone-user', email: 'ada@example.com' })).toMatchObject({ outcome: 'unresolved', reason: 'not_found' });
    expect(filtersSent()).toEqual(['userName eq "gone-user"']);
  });

  it('reports a deactivated mapped user as inactive', async () => {
    expect(await resolve({ mappedExternalId: directory.carol.id })).toMatchObject({ outcome: 'unresolved', reason: 'inactive' });
  });
});

describe('by email', () => {
  it('finds the email as userName first (case-insensitive), matchedBy login', async () => {
    expect(await resolve({ email: 'ADA@example.com' })).toMatchObject({ outcome: 'resolved', identity: { id: directory.ada.id, login: 'ada@example.com' }, matchedBy: 'login' });
    expect(filtersSent()).toEqual(['userName eq "ADA@example.com"']);
    expect(directory.service.requests[0]?.query.get('count')).toBe('2');
  });

  it('then as one of the user\'s emails (value path), matchedBy email', async () => {
    expect(await resolve({ email: 'bob@example.com' })).toMatchObject({ outcome: 'resolved', identity: { id: directory.bob.id, email: 'bob@example.com' }, matchedBy: 'email' });
    expect(filtersSent()).toEqual(['userName eq "bob@example.com"', 'emails[value eq "bob@example.com"]']);
  });

  it('falls back to emails.value when the service refuses value paths', async () => {
    use({ emailFilters: ['sub_attribute'] });
    expect(await resolve({ email: 'bob@example.com' })).toMatchObject({ outcome: 'resolved', identity: { id: directory.bob.id } });
    expect(filtersSent()).toEqual(['userName eq "bob@example.com"', 'emails[value eq "bob@example.com"]', 'emails.value eq "bob@example.com"']);
  });

  it('says plainly when the service cannot search by email at all', async () => {
    use({ emailFilters: [] });
    expect(await resolve({ email: 'bob@example.com' })).toEqual({
      outcome: 'unresolved',
      reason: 'not_found',
      message: 'No SCIM user has this email as userName, and the service cannot search by email; map the user explicitly.',
    });
  });

  it('reports a deactivated user as inactive, also when the service sends active as a string', async () => {
    expect(await resolve({ email: 'carol@example.com' })).toMatchObject({ outcome: 'unresolved', reason: 'inactive' });
    nock.cleanAll();
    nock('https://scim.example.com')
      .get('/scim/v2/Users')
      .query(true)
      .reply(200, { totalResults: 1, Resources: [{ id: 'u9', userName: 'dan@example.com', active: 'false' }] });
    expect(await resolve({ email: 'dan@example.com' })).toMatchObject({ outcome: 'unresolved', reason: 'inactive' });
  });

  it('reports two users with the same email as ambiguous', async () => {
    directory.service.addUser({ userName: 'bob.other', emails: [{ value: 'bob@example.com' }] });
    expect(await resolve({ email: 'bob@example.com' })).toMatchObject({ outcome: 'unresolved', reason: 'ambiguous' });
  });

  it('answers not_found for an unknown email, and for a subject without one (no request)', async () => {
    expect(await resolve({ email: 'nobody@example.com' })).toMatchObject({ outcome: 'unresolved', reason: 'not_found' });
    const before = directory.service.requests.length;
    expect(await resolve({})).toMatchObject({ outcome: 'unresolved', reason: 'not_found', message: expect.stringContaining('no email address') });
    expect(directory.service.requests).toHaveLength(before);
  });

  it('quotes the email as a JSON string, so quotes and backslashes cannot change the filter', async () => {
    const odd = directory.service.addUser({ userName: 'o"brien\\x@example.com' });
    expect(await resolve({ email: 'o"brien\\x@example.com' })).toMatchObject({ outcome: 'resolved', identity: { id: odd.id } });
    expect(filtersSent()).toEqual(['userName eq "o\\"brien\\\\x@example.com"']);
  });

  it('never takes a user the filter did not match (a service that ignores filters and lists everyone)', async () => {
    nock.cleanAll();
    nock('https://scim.example.com')
      .get('/scim/v2/Users')
      .query(true)
      .times(3)
      .reply(200, { totalResults: 2, Resources: [{ id: 'u1', userName: 'someone@example.com', emails: [{ value: 'someone@example.com' }] }] });
    expect(await resolve({ email: 'ada@example.com' })).toMatchObject({ outcome: 'unresolved', reason: 'not_found' });
  });
});

describe('answers that are not a SCIM ListResponse', () => {
  // RFC 7644 §3.4.2: `totalResults` is REQUIRED, `Resources` REQUIRED when it is non-zero
  // (https://www.rfc-editor.org/rfc/rfc7644#section-3.4.2). Anything else says nothing about who exists.
  it.each([
    ['an empty object', '{}'],
    ['an array', '[]'],
    ['an HTML page', '<html><body>Sign in</body></html>'],
    ['a count without resources', JSON.stringify({ totalResults: 1 })],
    ['a user without an id', JSON.stringify({ totalResults: 1, Resources: [{ userName: 'ada@example.com' }] })],
    ['a user with a blank id', JSON.stringify({ totalResults: 1, Resources: [{ id: '  ', userName: 'ada@example.com' }] })],
  ])('a user search answered with %s is unexpected_response, never "not found"', async (_name, rawBody) => {
    directory.service.failNextMatching('GET', /^\/Users$/, { status: 200, rawBody });
    await expect(resolve({ email: 'ada@example.com' })).rejects.toMatchObject({ kind: 'transient', code: 'unexpected_response', status: 200 });
  });
});
