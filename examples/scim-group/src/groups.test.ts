import nock from 'nock';
import { beforeEach, describe, expect, it } from 'vitest';
import { connectTo, context, seedDirectory, type Directory } from './test-support/harness.js';

let directory: Directory;
const bind = (spec: { groupId?: string; name?: string; description?: string; createIfMissing?: boolean }) => connectTo(directory.service).bindGroup(context(), spec);

beforeEach(() => {
  directory = seedDirectory();
  directory.service.install();
});

describe('bindGroup', () => {
  it('binds by id, reading the group without its members', async () => {
    expect(await bind({ groupId: directory.group.id })).toEqual({ group: { id: directory.group.id, name: 'AI - ChatGPT Enterprise users' }, outcome: 'bound' });
    expect(directory.service.requests[0]?.query.get('excludedAttributes')).toBe('members');
  });

  it('refuses an id the service does not know', async () => {
    await expect(bind({ groupId: 'no-such-group' })).rejects.toMatchObject({ kind: 'not_found' });
  });

  it('binds by exact name, never to a group whose name merely starts with it', async () => {
    expect(await bind({ name: 'AI - ChatGPT Enterprise users' })).toMatchObject({ group: { id: directory.group.id }, outcome: 'bound' });
    const [search] = directory.service.requests;
    expect(search?.query.get('filter')).toBe('displayName eq "AI - ChatGPT Enterprise users"');
    expect(search?.query.get('excludedAttributes')).toBe('members');
  });

  it('binds a name that differs only in case (SCIM names are case-insensitive) when it is the only one', async () => {
    expect(await bind({ name: 'ai - chatgpt enterprise users' })).toMatchObject({ group: { id: directory.group.id }, outcome: 'bound' });
  });

  it('prefers the exact name over a case variant, and refuses two groups of the same name', async () => {
    const variant = directory.service.addGroup('AI - CHATGPT ENTERPRISE USERS');
    expect(await bind({ name: 'AI - CHATGPT ENTERPRISE USERS' })).toMatchObject({ group: { id: variant.id } });
    directory.service.addGroup('AI - ChatGPT Enterprise users');
    await expect(bind({ name: 'AI - ChatGPT Enterprise users' })).rejects.toMatchObject({ kind: 'invalid_request', code: 'ambiguous_group_name' });
  });

  it('refuses a missing name unless asked to create it', async () => {
    await expect(bind({ name: 'AI - Claude users' })).rejects.toMatchObject({ kind: 'not_found', code: 'group_not_found' });
    expect(directory.service.requestsTo('POST', /^\/Groups$/)).toHaveLength(0);
  });

  it('creates a missing group with the SCIM Group schema and its name only', async () => {
    const binding = await bind({ name: 'AI - Claude users', description: 'ignored: SCIM groups have no description', createIfMissing: true });
    expect(binding.outcome).toBe('created');
    expect(directory.service.requestsTo('POST', /^\/Groups$/)[0]?.body).toEqual({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'AI - Claude users' });
    expect(directory.service.groups.get(binding.group.id)?.displayName).toBe('AI - Claude users');
  });

  it('binds the group another client created between the search and the create (409 uniqueness)', async () => {
    let raced = '';
    directory.service.beforeNext('POST', /^\/Groups$/, () => {
      raced = directory.service.addGroup('AI - Claude users').id;
    });
    expect(await bind({ name: 'AI - Claude users', createIfMissing: true })).toEqual({ group: { id: raced, name: 'AI - Claude users' }, outcome: 'bound' });
    expect([...directory.service.groups.values()].filter((group) => group.displayName === 'AI - Claude users')).toHaveLength(1);
  });

  it('round-trips names with quotes and backslashes', async () => {
    const odd = directory.service.addGroup('Team "A" \\ tools');
    expect(await bind({ name: 'Team "A" \\ tools' })).toMatchObject({ group: { id: odd.id } });
  });

  it('never binds a group the filter did not match (a service that ignores filters)', async () => {
    nock.cleanAll();
    nock('https://scim.example.com')
      .get('/scim/v2/Groups')
      .query(true)
      .reply(200, { totalResults: 1, Resources: [{ id: 'g-other', displayName: 'Everyone' }] });
    await expect(bind({ name: 'AI - Claude users' })).rejects.toMatchObject({ code: 'group_not_found' });
  });
});

describe('answers that are not SCIM\'s bind nothing', () => {
  it('a read by id answered with another group is unexpected_response', async () => {
    directory.service.failNextMatching('GET', /^\/Groups\/[^/]+$/, { status: 200, rawBody: JSON.stringify({ id: 'someone-elses-group', displayName: 'Everyone' }) });
    await expect(bind({ groupId: directory.group.id })).rejects.toMatchObject({ kind: 'transient', code: 'unexpected_response' });
  });

  it('a name search answered with {} creates nothing: it is unexpected_response, not "no such group"', async () => {
    directory.service.failNextMatching('GET', /^\/Groups$/, { status: 200, rawBody: '{}' });
    await expect(bind({ name: 'AI - Claude users', createIfMissing: true })).rejects.toMatchObject({ kind: 'transient', code: 'unexpected_response' });
    expect(directory.service.requestsTo('POST', /^\/Groups$/)).toHaveLength(0);
  });

  // RFC 7644 §3.3: a created resource is answered 201 with its representation, `id` included
  // (https://www.rfc-editor.org/rfc/rfc7644#section-3.3).
  it.each([
    ['201 without an id', 201, JSON.stringify({ displayName: 'AI - Claude users' })],
    ['200 with an empty object', 200, '{}'],
    ['200 with a group, where the RFC says 201', 200, JSON.stringify({ id: 'g-new', displayName: 'AI - Claude users' })],
  ])('a create answered %s is unexpected_response; no id is returned to the engine', async (_name, status, rawBody) => {
    directory.service.failNextMatching('POST', /^\/Groups$/, { status, rawBody });
    await expect(bind({ name: 'AI - Claude users', createIfMissing: true })).rejects.toMatchObject({ kind: 'transient', code: 'unexpected_response', status });
  });
});
