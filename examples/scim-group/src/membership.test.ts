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
  it('reads the members, then PATCHes an add of one member, conditional on the ETag it read', async () => {
    expect(await connectTo(directory.service).add(context(), group(), ada())).toEqual({ outcome: 'applied' });
    const [look, change] = directory.service.requests;
    expect(look).toMatchObject({ method: 'GET', path: `/Groups/${directory.group.id}` });
    expect(look?.query.get('attributes')).toBe('members');
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

  it('sends no If-Match to a service without ETags', async () => {
    use({ etags: false });
    await connectTo(directory.service).add(context(), group(), ada());
    expect(directory.service.requestsTo('PATCH', GROUP_PATH)[0]?.headers['if-match']).toBeUndefined();
  });

  it('uses meta.version as the ETag when the service sends no ETag header', async () => {
    nock.cleanAll();
    const base = 'https://meta.example.com/scim/v2';
    let ifMatch: string | undefined;
    nock('https://meta.example.com')
      .get('/scim/v2/Groups/g1')
      .query({ attributes: 'members' })
      .reply(200, { id: 'g1', displayName: 'G', meta: { version: 'W/"a330bc54f0671c9"' } })
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
        return [200, { id: 'x' }];
      });
    await connectTo(directory.service).check(context(), { id: '../Users/u1?x=' }, { id: 'u' });
    expect(paths).toEqual(['/scim/v2/Groups/..%2FUsers%2Fu1%3Fx%3D?attributes=members']);
    for (const id of ['', '.', '..']) {
      await expect(connectTo(directory.service).check(context(), { id }, { id: 'u' })).rejects.toMatchObject({ kind: 'invalid_request', code: 'invalid_id' });
    }
    expect(paths).toHaveLength(1);
  });
});
