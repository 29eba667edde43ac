import type { Connector, ExternalIdentity } from '@clearway/connector-sdk';
import { beforeEach, describe, expect, it } from 'vitest';
import { connectWithFakeCredential, context, seedDirectory, type Directory } from './test-support/harness.js';

let directory: Directory;
let connector: Connector;
beforeEach(() => {
  directory = seedDirectory();
  directory.tenant.install();
  connector = connectWithFakeCredential(directory.tenant);
});
const group = () => ({ id: directory.group.id });
const identityOf = (id: string): ExternalIdentity => ({ id });
const ada = () => identityOf(directory.ada.id);

describe('add', () => {
  it('POSTs a directoryObjects reference to members/$ref', async () => {
    expect(await connector.add(context(), group(), ada())).toEqual({ outcome: 'applied' });
    const [request] = directory.tenant.requests;
    expect(request).toMatchObject({ method: 'POST', path: `/v1.0/groups/${directory.group.id}/members/$ref` });
    expect(request?.body).toEqual({ '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${directory.ada.id}` });
  });

  it('refuses an id that is not an object id, without calling Graph', async () => {
    await expect(connector.add(context(), group(), { id: '../../users/ada@contoso.com' })).rejects.toMatchObject({ kind: 'invalid_request', code: 'invalid_user_id' });
    await expect(connector.remove(context(), { id: 'AI tools' }, ada())).rejects.toMatchObject({ kind: 'invalid_request', code: 'invalid_group_id' });
    expect(directory.tenant.requests).toHaveLength(0);
  });
});

describe('remove', () => {
  it('always DELETEs the membership reference: the path ends in /$ref, never the bare member path that deletes the user', async () => {
    directory.group.members.add(directory.ada.id);
    expect(await connector.remove(context(), group(), ada())).toEqual({ outcome: 'applied' });
    expect(directory.tenant.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      `DELETE /v1.0/groups/${directory.group.id}/members/${directory.ada.id}/$ref`,
    ]);
    expect(directory.tenant.users.has(directory.ada.id)).toBe(true);
  });

  it('a 404 (not a member) is already_satisfied', async () => {
    expect(await connector.remove(context(), group(), ada())).toEqual({ outcome: 'already_satisfied' });
    expect(directory.tenant.requests[0]?.path).toMatch(/\/\$ref$/);
  });
});

describe('addBatch', () => {
  const twentyUsers = () => Array.from({ length: 20 }, (_, index) => directory.tenant.addUser({ userPrincipalName: `user${index}@contoso.com` }));

  it('adds 20 users with one PATCH of members@odata.bind', async () => {
    const users = twentyUsers();
    const outcomes = await connector.addBatch(context(), group(), users.map((user) => identityOf(user.id)));
    expect(outcomes).toEqual(users.map(() => ({ outcome: 'applied' })));
    expect(directory.tenant.requests).toHaveLength(1);
    const [patch] = directory.tenant.requests;
    expect(patch).toMatchObject({ method: 'PATCH', path: `/v1.0/groups/${directory.group.id}` });
    expect(patch?.body).toEqual({ 'members@odata.bind': users.map((user) => `https://graph.microsoft.com/v1.0/directoryObjects/${user.id}`) });
    expect(users.every((user) => directory.tenant.isMember(directory.group.id, user.id))).toBe(true);
  });

  it('refuses a batch over 20 before calling Graph', async () => {
    const users = [...twentyUsers(), directory.ada];
    await expect(connector.addBatch(context(), group(), users.map((user) => identityOf(user.id)))).rejects.toMatchObject({
      kind: 'invalid_request',
      code: 'batch_too_large',
    });
    expect(directory.tenant.requests).toHaveLength(0);
  });

  it('when the all-or-nothing PATCH is refused because one user is already a member, adds one by one with exact outcomes', async () => {
    const { ada: first, bob, carol } = directory;
    directory.group.members.add(bob.id);
    const outcomes = await connector.addBatch(context(), group(), [first, bob, carol].map((user) => identityOf(user.id)));
    expect(outcomes).toEqual([{ outcome: 'applied' }, { outcome: 'already_satisfied' }, { outcome: 'applied' }]);
    expect(directory.tenant.requests.map((request) => request.method)).toEqual(['PATCH', 'POST', 'POST', 'POST']);
    expect([first, bob, carol].every((user) => directory.tenant.isMember(directory.group.id, user.id))).toBe(true);
  });

  it('after a replication-delay refusal of the PATCH, the single adds apply', async () => {
    directory.tenant.failNext({
      status: 400,
      code: 'Request_BadRequest',
      message: "One or more added object references do not exist for the following modified properties: 'members'.",
    });
    const users = [directory.ada, directory.bob].map((user) => identityOf(user.id));
    expect(await connector.addBatch(context(), group(), users)).toEqual([{ outcome: 'applied' }, { outcome: 'applied' }]);
  });

  it('a user who does not exist fails the batch as not_found after the ones before were added (a rerun is idempotent)', async () => {
    const ghost = identityOf('00000000-0000-4000-8000-0000000000aa');
    await expect(connector.addBatch(context(), group(), [ada(), ghost, identityOf(directory.carol.id)])).rejects.toMatchObject({ kind: 'not_found' });
    expect(directory.tenant.isMember(directory.group.id, directory.ada.id)).toBe(true);
    expect(await connector.addBatch(context(), group(), [ada()])).toEqual([{ outcome: 'already_satisfied' }]);
  });

  it('does not fall back to single adds when the PATCH is throttled: the whole batch waits', async () => {
    directory.tenant.rateLimitNext(10_000);
    const users = [directory.ada, directory.bob].map((user) => identityOf(user.id));
    await expect(connector.addBatch(context(), group(), users)).rejects.toMatchObject({ kind: 'rate_limited', retryAfterMs: 10_000 });
    expect(directory.tenant.requests).toHaveLength(1);
  });

  it('adds a batch that names a user twice one by one', async () => {
    expect(await connector.addBatch(context(), group(), [ada(), ada()])).toEqual([{ outcome: 'applied' }, { outcome: 'already_satisfied' }]);
    expect(directory.tenant.requests.map((request) => request.method)).toEqual(['POST', 'POST']);
  });
});

describe('check', () => {
  it('direct: filters the group members by id with ConsistencyLevel: eventual and $count=true', async () => {
    directory.group.members.add(directory.ada.id);
    expect(await connector.check(context(), group(), ada())).toEqual({ outcome: 'member', via: 'direct' });
    const [request] = directory.tenant.requests;
    expect(request).toMatchObject({ method: 'GET', path: `/v1.0/groups/${directory.group.id}/members` });
    expect(request?.headers.consistencylevel).toBe('eventual');
    expect(request?.query.get('$count')).toBe('true');
    expect(request?.query.get('$filter')).toBe(`id eq '${directory.ada.id}'`);
  });

  it('direct: membership through a nested group does not count', async () => {
    const nested = directory.tenant.addGroup({ displayName: 'Data science', members: [directory.ada.id] });
    directory.group.members.add(nested.id);
    expect(await connector.check(context(), group(), ada())).toEqual({ outcome: 'not_member', via: 'direct' });
  });

  it('transitive: asks checkMemberGroups, so nested membership counts', async () => {
    const nested = directory.tenant.addGroup({ displayName: 'Data science', members: [directory.ada.id] });
    directory.group.members.add(nested.id);
    const transitive = connectWithFakeCredential(directory.tenant, { membershipCheck: 'transitive' });
    expect(await transitive.check(context(), group(), ada())).toEqual({ outcome: 'member', via: 'transitive' });
    expect(await transitive.check(context(), group(), identityOf(directory.bob.id))).toEqual({ outcome: 'not_member', via: 'transitive' });
    expect(directory.tenant.requests[0]).toMatchObject({ method: 'POST', path: `/v1.0/users/${directory.ada.id}/checkMemberGroups`, body: { groupIds: [directory.group.id] } });
  });
});
