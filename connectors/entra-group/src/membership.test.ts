import type { Connector, ExternalIdentity } from '@clearway/connector-sdk';
import { connectorFailure } from '@clearway/connector-sdk/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { connectedDirectory, connectWithFakeCredential, context, type Directory } from './test-support/harness.js';

let directory: Directory;
let connector: Connector;
beforeEach(() => ({ directory, connector } = connectedDirectory()));
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

  it('a 404 for a user who is not a member is already_satisfied, after one read that finds the group', async () => {
    expect(await connector.remove(context(), group(), ada())).toEqual({ outcome: 'already_satisfied' });
    expect(directory.tenant.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      `DELETE /v1.0/groups/${directory.group.id}/members/${directory.ada.id}/$ref`,
      `GET /v1.0/groups/${directory.group.id}`,
    ]);
  });

  it('a group that was deleted is reported (not_found group_not_found), not taken for "not a member"', async () => {
    directory.tenant.groups.delete(directory.group.id);
    const error = await connectorFailure(connector.remove(context(), { id: directory.group.id, name: 'AI - ChatGPT Enterprise users' }, ada()));
    expect(error).toMatchObject({ kind: 'not_found', code: 'group_not_found', retryable: false, status: 404, providerCode: 'Request_ResourceNotFound' });
    expect(error.message).toMatch(/"AI - ChatGPT Enterprise users" .* no longer exists.*Bind the tool to an existing group/);
  });

  it('when the read of the group itself fails, that failure is the answer (never already_satisfied)', async () => {
    directory.tenant.failNext({ status: 404, code: 'Request_ResourceNotFound', message: `Resource '${directory.ada.id}' does not exist or one of its queried reference-property objects are not present.` });
    directory.tenant.unavailableNext();
    expect(await connectorFailure(connector.remove(context(), group(), ada()))).toMatchObject({ kind: 'transient', code: 'graph_unavailable' });
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

  it('a user who does not exist gets their own not_found; the others are added (a rerun is idempotent)', async () => {
    const ghost = identityOf('00000000-0000-4000-8000-0000000000aa');
    const results = await connector.addBatch(context(), group(), [ada(), ghost, identityOf(directory.carol.id)]);
    expect(results).toMatchObject([{ outcome: 'applied' }, { outcome: 'failed', error: { kind: 'not_found', code: 'not_found' } }, { outcome: 'applied' }]);
    expect(directory.tenant.isMember(directory.group.id, directory.carol.id)).toBe(true);
    expect(await connector.addBatch(context(), group(), [ada()])).toEqual([{ outcome: 'already_satisfied' }]);
  });

  it('an id that is not an object id fails that user only; the others go in one PATCH', async () => {
    const results = await connector.addBatch(context(), group(), [ada(), identityOf('../../users/x'), identityOf(directory.bob.id)]);
    expect(results).toMatchObject([{ outcome: 'applied' }, { outcome: 'failed', error: { kind: 'invalid_request', code: 'invalid_user_id' } }, { outcome: 'applied' }]);
    expect(directory.tenant.requests.map((request) => request.method)).toEqual(['PATCH']);
  });

  it('in the one-by-one fallback, a 429 for one user stops the rest with that same error instead of collecting more 429s', async () => {
    directory.tenant.failNext({ status: 400, code: 'Request_BadRequest', message: 'The source resource object or one of the objects being referenced do not exist.' });
    directory.tenant.delayNext(0); // ada's single add is answered normally
    directory.tenant.rateLimitNext(15_000); // bob's is throttled
    const results = await connector.addBatch(context(), group(), [ada(), identityOf(directory.bob.id), identityOf(directory.carol.id)]);
    expect(results[0]).toEqual({ outcome: 'applied' });
    expect(results[1]).toMatchObject({ outcome: 'failed', error: { kind: 'rate_limited', retryAfterMs: 15_000 } });
    expect(results[2]).toEqual(results[1]);
    expect(directory.tenant.requests.map((request) => request.method)).toEqual(['PATCH', 'POST', 'POST']);
    expect(directory.tenant.isMember(directory.group.id, directory.carol.id)).toBe(false);
  });

  it('in the one-by-one fallback, a terminal error for one user does not stop the others', async () => {
    directory.tenant.failNext({ status: 400, code: 'Request_BadRequest', message: 'The source resource object or one of the objects being referenced do not exist.' });
    directory.tenant.forbiddenNext(); // ada's single add
    const results = await connector.addBatch(context(), group(), [ada(), identityOf(directory.bob.id)]);
    expect(results).toMatchObject([{ outcome: 'failed', error: { kind: 'permission', code: 'permission_denied' } }, { outcome: 'applied' }]);
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
  it('direct: reads the user by key on the members navigation, with no advanced query (no $filter, no ConsistencyLevel)', async () => {
    directory.group.members.add(directory.ada.id);
    expect(await connector.check(context(), group(), ada())).toEqual({ outcome: 'member', via: 'direct' });
    const [request] = directory.tenant.requests;
    expect(request).toMatchObject({ method: 'GET', path: `/v1.0/groups/${directory.group.id}/members/${directory.ada.id}/microsoft.graph.user` });
    expect(request?.headers.consistencylevel).toBeUndefined();
    expect(request?.query.has('$filter')).toBe(false);
    expect(request?.query.get('$select')).toBe('id');
  });

  it('direct: right after an add, while the advanced-query index still lags, the check says member', async () => {
    expect(await connector.add(context(), group(), ada())).toEqual({ outcome: 'applied' });
    // The index Graph serves `$filter` + `ConsistencyLevel: eventual` from has not caught up yet.
    expect(await connector.check(context(), group(), ada())).toEqual({ outcome: 'member', via: 'direct' });
    expect(await connector.remove(context(), group(), ada())).toEqual({ outcome: 'applied' });
    expect(await connector.check(context(), group(), ada())).toEqual({ outcome: 'not_member', via: 'direct' });
  });

  it('direct: a 404 for a non-member is not_member after one read that finds the group', async () => {
    expect(await connector.check(context(), group(), ada())).toEqual({ outcome: 'not_member', via: 'direct' });
    expect(directory.tenant.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      `GET /v1.0/groups/${directory.group.id}/members/${directory.ada.id}/microsoft.graph.user`,
      `GET /v1.0/groups/${directory.group.id}`,
    ]);
  });

  it('direct: a deleted group is group_not_found, not "not a member"', async () => {
    directory.tenant.groups.delete(directory.group.id);
    expect(await connectorFailure(connector.check(context(), group(), ada()))).toMatchObject({ kind: 'not_found', code: 'group_not_found' });
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
