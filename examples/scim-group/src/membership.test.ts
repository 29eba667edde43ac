import type { GroupRef } from '@clearway/connector-sdk';
import { connectorFailure } from '@clearway/connector-sdk/testing';
import nock from 'nock';
import { beforeEach, describe, expect, it } from 'vitest';
import { BEARER_TOKEN, connectTo, context, seedDirectory, type Directory } from './test-support/harness.js';

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const GROUP_PATH = /^\/Groups\/[^/]+$/;

let directory: Directory;
const group = () => ({ id: directory.group.id, name: directory.group.displayName });
const ada = () => ({ id: directory.ada.id });
const use = (options: Parameters<typeof seedDirectory>[0] = {}) => {
  nock.cleanAll();
  directory = seedDirectory(options);
  directory.service.install();
};

beforeEach(() => use());

describe('add', () => {
  it('reads the members, then PATCHes an add of one member, conditional on the ETag it read (the service declares ETags)', async () => {
    expect(await connectTo(directory.service).add(context(), group(), ada())).toEqual({ outcome: 'applied' });
    const [look, config, change] = directory.service.requests;
    expect(look).toMatchObject({ method: 'GET', path: `/Groups/${directory.group.id}` });
    expect(look?.query.get('attributes')).toBe('members');
    expect(config).toMatchObject({ method: 'GET', path: '/ServiceProviderConfig' });
    expect(change).toMatchObject({
      method: 'PATCH',
      path: `/Groups/${directory.group.id}`,
      body: { schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'members', value: [{ value: directory.ada.id }] }] },
    });
    expect(change?.headers).toMatchObject({
      authorization: `Bearer ${BEARER_TOKEN}`,
      'content-type': 'application/scim+json',
      accept: 'application/scim+json',
      'if-match': 'W/"1"',
    });
    expect(directory.service.isMember(directory.group.id, directory.ada.id)).toBe(true);
  });

  it('answers already_satisfied without a PATCH when the user is a member', async () => {
    directory.group.members.add(directory.ada.id);
    expect(await connectTo(directory.service).add(context(), group(), ada())).toEqual({ outcome: 'already_satisfied' });
    expect(directory.service.requestsTo('PATCH', GROUP_PATH)).toHaveLength(0);
  });

  it('sends no If-Match, and asks nothing of the configuration, when the group read offers no version', async () => {
    use({ etags: false });
    await connectTo(directory.service).add(context(), group(), ada());
    expect(directory.service.requestsTo('PATCH', GROUP_PATH)[0]?.headers['if-match']).toBeUndefined();
    expect(directory.service.requestsTo('GET', /^\/ServiceProviderConfig$/)).toHaveLength(0);
  });

  it('sends no If-Match to a service that sends ETag headers and meta.version but does not declare ETag support', async () => {
    // RFC 7644 §3.14: versions are for services that support them, which RFC 7643 §5 has them declare
    // (`etag.supported`). An undeclared ETag may be a framework's hash of this partial answer.
    use({ etags: true, etagSupportDeclared: false });
    expect(await connectTo(directory.service).add(context(), group(), ada())).toEqual({ outcome: 'applied' });
    directory.group.members.add(directory.bob.id);
    expect(await connectTo(directory.service).remove(context(), group(), ada())).toEqual({ outcome: 'applied' });
    expect(directory.service.requestsTo('PATCH', GROUP_PATH).map((request) => request.headers['if-match'])).toEqual([undefined, undefined]);
  });

  it('sends no If-Match to a service that does not publish /ServiceProviderConfig (404)', async () => {
    use({ etags: true, serviceProviderConfig: false });
    expect(await connectTo(directory.service).add(context(), group(), ada())).toEqual({ outcome: 'applied' });
    expect(directory.service.requestsTo('PATCH', GROUP_PATH)[0]?.headers['if-match']).toBeUndefined();
  });

  it('asks for the configuration once per connector; a failure that may pass is asked again, not taken as "no ETags"', async () => {
    const connector = connectTo(directory.service);
    directory.service.failNextMatching('GET', /^\/ServiceProviderConfig$/, { status: 503, detail: 'Service unavailable.' });
    expect(await connectorFailure(connector.add(context(), group(), ada()))).toMatchObject({ kind: 'transient', status: 503 });
    expect(directory.service.requestsTo('PATCH', GROUP_PATH)).toHaveLength(0);
    expect(await connector.add(context(), group(), ada())).toEqual({ outcome: 'applied' });
    expect(await connector.remove(context(), group(), ada())).toEqual({ outcome: 'applied' });
    expect(directory.service.requestsTo('GET', /^\/ServiceProviderConfig$/)).toHaveLength(2);
    expect(directory.service.requestsTo('PATCH', GROUP_PATH).map((request) => request.headers['if-match'])).toEqual(['W/"1"', 'W/"2"']);
  });

  it('uses meta.version as the ETag when the service declares ETags but sends no ETag header', async () => {
    nock.cleanAll();
    const base = 'https://meta.example.com/scim/v2';
    let ifMatch: string | undefined;
    nock('https://meta.example.com')
      .get('/scim/v2/Groups/g1')
      .query({ attributes: 'members' })
      .reply(200, { id: 'g1', displayName: 'G', meta: { version: 'W/"a330bc54f0671c9"' } })
      .get('/scim/v2/ServiceProviderConfig')
      .reply(200, { patch: { supported: true }, filter: { supported: true }, etag: { supported: true } })
      .patch('/scim/v2/Groups/g1')
      .reply(function () {
        ifMatch = String(this.req.headers['if-match']);
        return [204];
      });
    const connector = connectTo({ baseUrl: base });
    expect(await connector.add(context(), { id: 'g1' }, { id: 'u1' })).toEqual({ outcome: 'applied' });
    expect(ifMatch).toBe('W/"a330bc54f0671c9"');
  });

  it('accepts a 200 with the group as the PATCH answer', async () => {
    use({ patchStatus: 200 });
    expect(await connectTo(directory.service).add(context(), group(), ada())).toEqual({ outcome: 'applied' });
  });

  it('a group with no members omits `members` (RFC 7643 §2.5): read as empty, not as an error', async () => {
    expect(await connectTo(directory.service).check(context(), group(), ada())).toEqual({ outcome: 'not_member', via: 'direct' });
    expect(directory.service.requests[0]?.path).toBe(`/Groups/${directory.group.id}`);
  });
});

describe('remove', () => {
  beforeEach(() => directory.group.members.add(directory.ada.id));

  it('PATCHes a remove with the RFC path filter, conditional on the ETag', async () => {
    expect(await connectTo(directory.service).remove(context(), group(), ada())).toEqual({ outcome: 'applied' });
    const [change] = directory.service.requestsTo('PATCH', GROUP_PATH);
    expect(change?.body).toEqual({ schemas: [PATCH_OP], Operations: [{ op: 'remove', path: `members[value eq "${directory.ada.id}"]` }] });
    expect(change?.headers['if-match']).toBe('W/"1"');
    expect(directory.service.isMember(directory.group.id, directory.ada.id)).toBe(false);
  });

  it('PATCHes a value-list remove when the connector says so', async () => {
    use({ removeForms: ['value_list'] });
    directory.group.members.add(directory.ada.id);
    expect(await connectTo(directory.service, { memberRemoval: 'value_list' }).remove(context(), group(), ada())).toEqual({ outcome: 'applied' });
    expect(directory.service.requestsTo('PATCH', GROUP_PATH)[0]?.body).toEqual({
      schemas: [PATCH_OP],
      Operations: [{ op: 'remove', path: 'members', value: [{ value: directory.ada.id }] }],
    });
  });

  it('answers already_satisfied without a PATCH when the user is not a member', async () => {
    directory.group.members.clear();
    expect(await connectTo(directory.service).remove(context(), group(), ada())).toEqual({ outcome: 'already_satisfied' });
    expect(directory.service.requestsTo('PATCH', GROUP_PATH)).toHaveLength(0);
  });

  it('leaves the other members alone', async () => {
    directory.group.members.add(directory.bob.id);
    await connectTo(directory.service).remove(context(), group(), ada());
    expect([...directory.group.members]).toEqual([directory.bob.id]);
  });
});

describe('member lookup by filter', () => {
  beforeEach(() => use({ membersInGroupRead: false }));
  const connector = () => connectTo(directory.service, { memberLookup: 'filter' });

  it('asks /Groups with an id-and-member filter, excluding the member list', async () => {
    directory.group.members.add(directory.ada.id);
    expect(await connector().check(context(), group(), ada())).toEqual({ outcome: 'member', via: 'direct' });
    const [look] = directory.service.requests;
    expect(look?.path).toBe('/Groups');
    expect(look?.query.get('filter')).toBe(`id eq "${directory.group.id}" and members[value eq "${directory.ada.id}"]`);
    expect(look?.query.get('excludedAttributes')).toBe('members');
  });

  it('sees the truth where a group read would not (the service omits members)', async () => {
    directory.group.members.add(directory.ada.id);
    expect(await connectTo(directory.service).check(context(), group(), ada())).toMatchObject({ outcome: 'not_member' });
    expect(await connector().check(context(), group(), ada())).toMatchObject({ outcome: 'member' });
  });

  it('counts only the bound group among the answers, so a service that ignores the filter cannot say "member"', async () => {
    nock.cleanAll();
    nock('https://scim.example.com')
      .get('/scim/v2/Groups')
      .query(true)
      .reply(200, { totalResults: 1, Resources: [{ id: 'some-other-group', displayName: 'Other' }] });
    expect(await connector().check(context(), group(), ada())).toMatchObject({ outcome: 'not_member' });
  });

  it('adds and removes without If-Match (no version was read)', async () => {
    expect(await connector().add(context(), group(), ada())).toEqual({ outcome: 'applied' });
    expect(await connector().remove(context(), group(), ada())).toEqual({ outcome: 'applied' });
    expect(directory.service.requestsTo('PATCH', GROUP_PATH).map((request) => request.headers['if-match'])).toEqual([undefined, undefined]);
  });
});

describe('ids in paths and filters', () => {
  it('encodes ids in the path and quotes them in filters, so no id can reshape a request', async () => {
    nock.cleanAll();
    const seen: string[] = [];
    nock('https://scim.example.com')
      .get(() => true)
      .query(true)
      .reply(function (uri) {
        seen.push(uri);
        return [200, { totalResults: 0 }];
      });
    await connectTo(directory.service, { memberLookup: 'filter' }).check(context(), { id: 'g"1' }, { id: 'u/../x\\"' });
    expect(seen).toHaveLength(1);
    const filter = new URL(seen[0] ?? '', 'https://x').searchParams.get('filter');
    expect(filter).toBe('id eq "g\\"1" and members[value eq "u/../x\\\\\\""]');
    nock.cleanAll();
    const paths: string[] = [];
    nock('https://scim.example.com')
      .get(() => true)
      .query(true)
      .reply(function (uri) {
        paths.push(uri);
        return [200, { id: '../Users/u1?x=' }];
      });
    await connectTo(directory.service).check(context(), { id: '../Users/u1?x=' }, { id: 'u' });
    expect(paths).toEqual(['/scim/v2/Groups/..%2FUsers%2Fu1%3Fx%3D?attributes=members']);
    for (const id of ['', '.', '..']) {
      await expect(connectTo(directory.service).check(context(), { id }, { id: 'u' })).rejects.toMatchObject({ kind: 'invalid_request', code: 'invalid_id' });
    }
    expect(paths).toHaveLength(1);
  });
});

/**
 * Answers that are not SCIM's (a proxy's `{}` or HTML page, a truncated body, another group) must
 * decide nothing: RFC 7644 §3.4.2 (a ListResponse has `totalResults`, and `Resources` when it is
 * not zero), RFC 7643 §3.1 and §4.2 (a resource has its `id`; a member's `value` is its id),
 * RFC 7644 §3.5.2 (a PATCH answers 200 with the resource or 204).
 * https://www.rfc-editor.org/rfc/rfc7644#section-3.4.2 · https://www.rfc-editor.org/rfc/rfc7644#section-3.5.2
 */
describe('answers that are not SCIM\'s decide nothing', () => {
  const unexpected = { kind: 'transient', code: 'unexpected_response', status: 200 };

  it.each([
    ['an empty object', '{}'],
    ['an array', '[]'],
    ['an HTML page', '<html><body>Service temporarily unavailable</body></html>'],
    ['truncated JSON', '{"id":"'],
    ['another group', JSON.stringify({ id: 'another-group', displayName: 'Other' })],
    ['a member without a value', 'MEMBER_WITHOUT_VALUE'],
    ['a blank id', JSON.stringify({ id: ' ' })],
  ])('a group read answered with %s: check, add and remove fail as unexpected_response and PATCH nothing', async (_name, body) => {
    const rawBody = body === 'MEMBER_WITHOUT_VALUE' ? JSON.stringify({ id: directory.group.id, members: [{}] }) : body;
    const connector = connectTo(directory.service);
    for (const operation of [() => connector.check(context(), group(), ada()), () => connector.add(context(), group(), ada()), () => connector.remove(context(), group(), ada())]) {
      directory.service.failNextMatching('GET', GROUP_PATH, { status: 200, rawBody });
      expect(await connectorFailure(operation())).toMatchObject(unexpected);
    }
    expect(directory.service.requestsTo('PATCH', GROUP_PATH)).toHaveLength(0);
  });

  it.each([
    ['an empty object', '{}'],
    ['a list without totalResults', JSON.stringify({ Resources: [] })],
    ['a count without resources', JSON.stringify({ totalResults: 1 })],
    ['a resource without an id', JSON.stringify({ totalResults: 1, Resources: [{}] })],
  ])('a member filter answered with %s is unexpected_response, never "not a member"', async (_name, rawBody) => {
    use({ membersInGroupRead: false });
    directory.group.members.add(directory.ada.id);
    const connector = connectTo(directory.service, { memberLookup: 'filter' });
    directory.service.failNextMatching('GET', /^\/Groups$/, { status: 200, rawBody });
    expect(await connectorFailure(connector.remove(context(), group(), ada()))).toMatchObject(unexpected);
    expect(directory.service.isMember(directory.group.id, directory.ada.id)).toBe(true);
  });

  it.each([
    ['200 with an empty object', 200, '{}'],
    ['200 with an HTML page', 200, '<html>ok</html>'],
    ['200 with another group', 200, JSON.stringify({ id: 'another-group' })],
    ['202 Accepted', 202, ''],
  ])('a PATCH answered %s is unexpected_response, not applied', async (_name, status, rawBody) => {
    directory.service.failNextMatching('PATCH', GROUP_PATH, { status, rawBody });
    expect(await connectorFailure(connectTo(directory.service).add(context(), group(), ada()))).toMatchObject({ ...unexpected, status });
  });

  it('a /ServiceProviderConfig that is not one (an HTML page) is retried, not taken as "no ETags"', async () => {
    directory.service.failNextMatching('GET', /^\/ServiceProviderConfig$/, { status: 200, rawBody: '<html>login</html>' });
    expect(await connectorFailure(connectTo(directory.service).add(context(), group(), ada()))).toMatchObject(unexpected);
    expect(directory.service.requestsTo('PATCH', GROUP_PATH)).toHaveLength(0);
  });
});

describe('a group that no longer exists', () => {
  const missing = { id: 'deleted-group', name: 'Deleted' };

  it('remove reads it and fails as group_not_found, never already_satisfied (group lookup)', async () => {
    const error = await connectorFailure(connectTo(directory.service).remove(context(), missing, ada()));
    expect(error).toMatchObject({ kind: 'not_found', code: 'group_not_found', status: 404 });
    expect(directory.service.requestsTo('PATCH', GROUP_PATH)).toHaveLength(0);
  });

  it('remove with the member filter, which matches nothing for a deleted group, reads the group before answering', async () => {
    use({ membersInGroupRead: false });
    const connector = connectTo(directory.service, { memberLookup: 'filter' });
    expect(await connectorFailure(connector.remove(context(), missing, ada()))).toMatchObject({ kind: 'not_found', code: 'group_not_found' });
    expect(directory.service.requests.map((request) => `${request.method} ${request.path}`)).toEqual(['GET /Groups', 'GET /Groups/deleted-group']);
    // For a group that exists, the same empty answer is already_satisfied, after the same read.
    expect(await connector.remove(context(), group(), ada())).toEqual({ outcome: 'already_satisfied' });
  });
});

/**
 * listMembers: a Group's `members` is a multi-valued attribute whose `value` is the member's `id`
 * and whose `type` is "User" or "Group" (a nested group), with an optional `display` (RFC 7643
 * §4.2, https://www.rfc-editor.org/rfc/rfc7643#section-4.2; example in §8.4). It is read with
 * `GET /Groups/{id}?attributes=members` (RFC 7644 §3.4.1 and §3.9,
 * https://www.rfc-editor.org/rfc/rfc7644#section-3.9). RFC 7644 pages list answers only
 * (§3.4.2.4, https://www.rfc-editor.org/rfc/rfc7644#section-3.4.2.4), never the values inside one
 * attribute, so the listing is one page. A resource that does not exist is 404 (§3.12).
 */
describe('listMembers', () => {
  const list = (target: GroupRef = group(), cursor?: string) => {
    const { listMembers } = connectTo(directory.service);
    if (!listMembers) throw new Error('a connector reading members from the group lists them');
    return listMembers(context(), target, cursor);
  };

  it('reads the group once and lists each member by its value, the id resolveIdentity returns, in one page', async () => {
    const connector = connectTo(directory.service);
    const resolved = await connector.resolveIdentity(context(), { accountId: 'acc-ada', email: 'ada@example.com' });
    if (resolved.outcome !== 'resolved') throw new Error('Ada must resolve');
    directory.group.members.add(resolved.identity.id).add(directory.bob.id);
    const before = directory.service.requests.length;
    expect(await connector.listMembers?.(context(), group())).toEqual({
      members: [
        { id: resolved.identity.id, displayName: 'Ada Lovelace' },
        { id: directory.bob.id, displayName: 'Bob' },
      ],
    });
    const reads = directory.service.requests.slice(before);
    expect(reads.map((request) => `${request.method} ${request.path}${request.rawQuery}`)).toEqual([`GET /Groups/${directory.group.id}?attributes=members`]);
  });

  it('reads the RFC 7643 §8.4 example group as its two members, by value, with display as the name', async () => {
    nock.cleanAll();
    const id = 'e9e30dba-f08f-4109-8486-d5c6a331660a';
    nock('https://scim.example.com')
      .get(`/scim/v2/Groups/${id}`)
      .query({ attributes: 'members' })
      .reply(200, {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
        id,
        displayName: 'Tour Guides',
        members: [
          { value: '2819c223-7f76-453a-919d-413861904646', $ref: 'https://example.com/v2/Users/2819c223-7f76-453a-919d-413861904646', display: 'Babs Jensen' },
          { value: '902c246b-6245-4190-8e05-00816be7344a', $ref: 'https://example.com/v2/Users/902c246b-6245-4190-8e05-00816be7344a', display: 'Mandy Pepperidge' },
        ],
        meta: { resourceType: 'Group', created: '2010-01-23T04:56:22Z', lastModified: '2011-05-13T04:42:34Z', version: 'W/"3694e05e9dff592"', location: `https://example.com/v2/Groups/${id}` },
      });
    expect(await list({ id })).toEqual({
      members: [
        { id: '2819c223-7f76-453a-919d-413861904646', displayName: 'Babs Jensen' },
        { id: '902c246b-6245-4190-8e05-00816be7344a', displayName: 'Mandy Pepperidge' },
      ],
    });
  });

  it('lists a group without `members` (RFC 7643 §2.5: an empty attribute is omitted) as empty', async () => {
    expect(await list()).toEqual({ members: [] });
  });

  it('lists users only, each once: a nested group (type "Group") is no person, a member without a type is a user', async () => {
    const admins = directory.service.addGroup('AI admins');
    directory.group.members.add(directory.ada.id).add(admins.id);
    expect(await list()).toEqual({ members: [{ id: directory.ada.id, displayName: 'Ada Lovelace' }] });
    nock.cleanAll();
    nock('https://scim.example.com')
      .get(`/scim/v2/Groups/${directory.group.id}`)
      .query(true)
      .reply(200, { id: directory.group.id, members: [{ value: 'u1', type: 'User' }, { value: 'g2', type: 'Group', display: 'Admins' }, { value: 'u2' }, { value: 'u1', type: 'user' }] });
    expect(await list()).toEqual({ members: [{ id: 'u1' }, { id: 'u2' }] });
  });

  it('fails for a group that no longer exists as group_not_found, never an empty list', async () => {
    expect(await connectorFailure(list({ id: 'deleted-group' }))).toMatchObject({ kind: 'not_found', code: 'group_not_found', status: 404 });
  });

  it.each([
    ['an empty object', '{}'],
    ['an HTML page', '<html><body>Service temporarily unavailable</body></html>'],
    ['truncated JSON', '{"id":"'],
    ['another group', JSON.stringify({ id: 'another-group', members: [{ value: 'u1' }] })],
    ['a member without a value', 'MEMBER_WITHOUT_VALUE'],
    ['a member with a blank value', 'MEMBER_WITH_BLANK_VALUE'],
  ])('a group read answered with %s is unexpected_response, never a listing', async (_name, body) => {
    const rawBody =
      body === 'MEMBER_WITHOUT_VALUE'
        ? JSON.stringify({ id: directory.group.id, members: [{ display: 'Ada' }] })
        : body === 'MEMBER_WITH_BLANK_VALUE'
          ? JSON.stringify({ id: directory.group.id, members: [{ value: ' ' }] })
          : body;
    directory.service.failNextMatching('GET', GROUP_PATH, { status: 200, rawBody });
    expect(await connectorFailure(list())).toMatchObject({ kind: 'transient', code: 'unexpected_response', status: 200 });
  });

  it('refuses a cursor, which it never gives, without a request', async () => {
    expect(await connectorFailure(list(group(), 'page-2'))).toMatchObject({ kind: 'invalid_request', code: 'invalid_cursor' });
    expect(directory.service.requests).toHaveLength(0);
  });

  it('is offered only where group reads carry the members: not with memberLookup filter', () => {
    expect('listMembers' in connectTo(directory.service, { memberLookup: 'filter' })).toBe(false);
    expect(typeof connectTo(directory.service, { memberRemoval: 'value_list' }).listMembers).toBe('function');
  });
});
