/**
 * The provider's decisions against the fake org: how a Jira user resolves, how a group is bound,
 * how membership is read through `Link` pages and changed idempotently, and what "Test connection"
 * tells the admin.
 */
import { createOperationContext } from '@clearway/connector-sdk';
import { connectorFailure } from '@clearway/connector-sdk/testing';
import { describe, expect, it } from 'vitest';
import { CHECK_NAMES } from './connection-test.js';
import { escapeFilterValue, GROUP_QUERY_LIMIT } from './okta-directory.js';
import { oktaGroupProvider } from './provider.js';
import { oktaError, OKTA_SUMMARIES } from './test-support/okta-responses.js';
import { connectOptions, createFakeOrg, DELETED_GROUP_ID, type OrgOptions } from './test-support/okta-fixture.js';

const ctx = () => createOperationContext({ timeoutMs: 10_000 });

function setup(options: OrgOptions = {}) {
  const org = createFakeOrg(options);
  return { org, connector: oktaGroupProvider.connect(connectOptions(options.mode)) };
}

describe('resolveIdentity', () => {
  it('uses the explicit mapping first (by id or login), before the email', async () => {
    const { org, connector } = setup();
    const ada = org.addUser({ login: 'ada@example.com' });
    org.addUser({ login: 'other@example.com' });
    for (const mappedExternalId of [ada.id, 'ada@example.com']) {
      const resolved = await connector.resolveIdentity(ctx(), { accountId: 'a', email: 'other@example.com', mappedExternalId });
      expect(resolved).toMatchObject({ outcome: 'resolved', matchedBy: 'mapping', identity: { id: ada.id, login: 'ada@example.com' } });
    }
  });

  it('reports a mapping to a missing user as not_found', async () => {
    const { connector } = setup();
    const resolved = await connector.resolveIdentity(ctx(), { accountId: 'a', mappedExternalId: 'ghost@example.com' });
    expect(resolved).toMatchObject({ outcome: 'unresolved', reason: 'not_found' });
    if (resolved.outcome === 'unresolved') expect(resolved.message).toContain('ghost@example.com');
  });

  it('matches the email as a login, and then by profile.email search', async () => {
    const { org, connector } = setup();
    const ada = org.addUser({ login: 'ada@example.com', firstName: 'Ada', lastName: 'Lovelace' });
    const bob = org.addUser({ login: 'bob.builder@corp.example', email: 'bob@example.com' });
    expect(await connector.resolveIdentity(ctx(), { accountId: 'a', email: 'ada@example.com' })).toEqual({
      outcome: 'resolved',
      matchedBy: 'login',
      identity: { id: ada.id, login: 'ada@example.com', email: 'ada@example.com', displayName: 'Ada Lovelace' },
    });
    expect(await connector.resolveIdentity(ctx(), { accountId: 'b', email: 'bob@example.com' })).toMatchObject({
      outcome: 'resolved',
      matchedBy: 'email',
      identity: { id: bob.id, login: 'bob.builder@corp.example' },
    });
    expect(org.requests.at(-1)).toBe(`GET /api/v1/users?search=${encodeURIComponent('profile.email eq "bob@example.com"')}&limit=20`);
  });

  it('answers not_found when neither login nor email matches, and when the Jira user has no email', async () => {
    const { connector } = setup();
    expect(await connector.resolveIdentity(ctx(), { accountId: 'a', email: 'nobody@example.com' })).toMatchObject({ outcome: 'unresolved', reason: 'not_found' });
    expect(await connector.resolveIdentity(ctx(), { accountId: 'a' })).toMatchObject({ outcome: 'unresolved', reason: 'not_found' });
  });

  it('answers ambiguous when several live users share the email', async () => {
    const { org, connector } = setup();
    org.addUser({ login: 'sam1@corp.example', email: 'sam@example.com' });
    org.addUser({ login: 'sam2@corp.example', email: 'sam@example.com', status: 'SUSPENDED' });
    const resolved = await connector.resolveIdentity(ctx(), { accountId: 'a', email: 'sam@example.com' });
    expect(resolved).toMatchObject({ outcome: 'unresolved', reason: 'ambiguous' });
  });

  it('answers inactive when every user with the email is deactivated', async () => {
    const { org, connector } = setup();
    org.addUser({ login: 'pat.1@corp.example', email: 'pat@example.com', status: 'DEPROVISIONED' });
    org.addUser({ login: 'pat.2@corp.example', email: 'pat@example.com', status: 'DEPROVISIONED' });
    expect(await connector.resolveIdentity(ctx(), { accountId: 'a', email: 'pat@example.com' })).toMatchObject({ outcome: 'unresolved', reason: 'inactive' });
  });

  it('resolves a reused email to the one live account, ignoring deactivated ones', async () => {
    const { org, connector } = setup();
    org.addUser({ login: 'kim.old@corp.example', email: 'kim@example.com', status: 'DEPROVISIONED' });
    const current = org.addUser({ login: 'kim.new@corp.example', email: 'kim@example.com' });
    expect(await connector.resolveIdentity(ctx(), { accountId: 'a', email: 'kim@example.com' })).toMatchObject({
      outcome: 'resolved',
      identity: { id: current.id },
    });
  });

  it.each([
    ['SUSPENDED', 'suspended'],
    ['DEPROVISIONED', 'deactivated'],
  ] as const)('answers inactive for a %s user, whichever way they were found', async (status, word) => {
    const { org, connector } = setup();
    const byLogin = org.addUser({ login: 'lee@example.com', status });
    org.addUser({ login: 'max.m@corp.example', email: 'max@example.com', status });
    for (const subject of [{ accountId: 'a', email: 'lee@example.com' }, { accountId: 'b', email: 'max@example.com' }, { accountId: 'c', mappedExternalId: byLogin.id }]) {
      const resolved = await connector.resolveIdentity(ctx(), subject);
      expect(resolved).toMatchObject({ outcome: 'unresolved', reason: 'inactive' });
      if (resolved.outcome === 'unresolved') expect(resolved.message).toContain(word);
    }
  });

  it('treats staged and locked-out users as resolvable: they get access once they sign in again', async () => {
    const { org, connector } = setup();
    org.addUser({ login: 'new@example.com', status: 'STAGED' });
    org.addUser({ login: 'locked@example.com', status: 'LOCKED_OUT' });
    expect(await connector.resolveIdentity(ctx(), { accountId: 'a', email: 'new@example.com' })).toMatchObject({ outcome: 'resolved' });
    expect(await connector.resolveIdentity(ctx(), { accountId: 'b', email: 'locked@example.com' })).toMatchObject({ outcome: 'resolved' });
  });

  it('escapes quotes and backslashes in the search value', () => {
    expect(escapeFilterValue('a"b\\c@example.com')).toBe('a\\"b\\\\c@example.com');
  });
});

describe('bindGroup', () => {
  it('binds an Okta group by id', async () => {
    const { org, connector } = setup();
    const group = org.addGroup('ai-chatgpt-users');
    expect(await connector.bindGroup(ctx(), { groupId: group.id })).toEqual({ group, outcome: 'bound' });
  });

  it.each(['APP_GROUP', 'BUILT_IN'] as const)('refuses an %s with unsupported: Okta does not let its membership change', async (type) => {
    const { org, connector } = setup();
    const group = org.addGroup(type === 'BUILT_IN' ? 'Everyone' : 'AD: engineering', { type });
    const error = await connectorFailure(connector.bindGroup(ctx(), { groupId: group.id }));
    expect(error).toMatchObject({ kind: 'unsupported', code: 'group_not_manageable' });
    expect(error.message).toContain(type);
    expect(await connectorFailure(connector.bindGroup(ctx(), { name: group.name, createIfMissing: true }))).toMatchObject({ kind: 'unsupported' });
    expect(org.groupCount()).toBe(1);
  });

  it('answers not_found for an unknown id', async () => {
    const { connector } = setup();
    expect(await connectorFailure(connector.bindGroup(ctx(), { groupId: '00gmissing00000000001' }))).toMatchObject({ kind: 'not_found' });
  });

  it('picks the exact name among prefix matches, and the Okta group over an imported one of the same name', async () => {
    const { org, connector } = setup();
    org.addGroup('ai-users-admins');
    org.addGroup('ai-users', { type: 'APP_GROUP' });
    const wanted = org.addGroup('ai-users');
    org.addGroup('ai-users-2');
    expect(await connector.bindGroup(ctx(), { name: 'ai-users', createIfMissing: true })).toEqual({ group: wanted, outcome: 'bound' });
    expect(org.requests).toEqual(['GET /api/v1/groups?q=ai-users&limit=200']);
  });

  it('creates an Okta group once and keeps its id while the name search lags behind', async () => {
    const { org, connector } = setup({ groupSearchLag: 5 });
    const created = await connector.bindGroup(ctx(), { name: 'ai-claude-users', description: 'Managed by Clearway', createIfMissing: true });
    expect(created).toMatchObject({ outcome: 'created', group: { name: 'ai-claude-users' } });
    expect(org.groupNamed('ai-claude-users')).toMatchObject({ id: created.group.id, type: 'OKTA_GROUP' });
    const again = await connector.bindGroup(ctx(), { name: 'ai-claude-users', createIfMissing: true });
    expect(again).toEqual({ group: created.group, outcome: 'bound' });
    expect(org.groupCount()).toBe(1);
  });

  it('treats "name already exists" for a group the search cannot see yet as transient, so a retry binds it', async () => {
    const { org } = setup({ groupSearchLag: 1 });
    const first = oktaGroupProvider.connect(connectOptions());
    await first.bindGroup(ctx(), { name: 'ai-claude-users', createIfMissing: true });
    // Another connector instance (another invocation) has no memory of the creation.
    const second = oktaGroupProvider.connect(connectOptions());
    expect(await connectorFailure(second.bindGroup(ctx(), { name: 'ai-claude-users', createIfMissing: true }))).toMatchObject({
      kind: 'transient',
      code: 'group_not_yet_searchable',
    });
    expect(await second.bindGroup(ctx(), { name: 'ai-claude-users', createIfMissing: true })).toMatchObject({ outcome: 'bound' });
    expect(org.groupCount()).toBe(1);
  });

  it('refuses to create a group whose name differs from an existing one only in case', async () => {
    const { org, connector } = setup();
    org.addGroup('AI-Claude-Users');
    expect(await connectorFailure(connector.bindGroup(ctx(), { name: 'ai-claude-users', createIfMissing: true }))).toMatchObject({
      kind: 'invalid_request',
      code: 'group_name_taken',
    });
  });

  it('answers not_found for a missing name unless asked to create it', async () => {
    const { org, connector } = setup();
    expect(await connectorFailure(connector.bindGroup(ctx(), { name: 'ai-missing' }))).toMatchObject({ kind: 'not_found', code: 'group_not_found' });
    expect(org.groupCount()).toBe(0);
  });

  it('does not create a group when the prefix search came back full (the name may be beyond the page)', async () => {
    const { org, connector } = setup();
    for (let index = 0; index < GROUP_QUERY_LIMIT; index += 1) org.addGroup(`ai-team-${index}`);
    expect(await connectorFailure(connector.bindGroup(ctx(), { name: 'ai-team', createIfMissing: true }))).toMatchObject({
      kind: 'invalid_request',
      code: 'group_search_truncated',
    });
    expect(org.groupCount()).toBe(GROUP_QUERY_LIMIT);
  });
});

describe('membership', () => {
  function groupWithMembers(options: OrgOptions, count: number) {
    const { org, connector } = setup({ memberPageCap: 2, ...options });
    const group = org.addGroup('ai-chatgpt-users');
    const members = Array.from({ length: count }, (_, index) => org.addUser({ login: `member${index}@example.com` }));
    for (const member of members) org.addMember(group.id, member.id);
    return { org, connector, group, members };
  }

  function userInGroups(count: number) {
    const { org, connector } = setup({ memberPageCap: 2 });
    const user = org.addUser({ login: 'busy@example.com' });
    const groups = Array.from({ length: count }, (_, index) => org.addGroup(`team-${index}`));
    for (const group of groups) org.addMember(group.id, user.id);
    return { org, connector, user, groups };
  }

  it("check reads the user's groups, not the group's members, paging through Link headers and stopping at the group", async () => {
    const { org, connector, user, groups } = userInGroups(6);
    // Pages of two: Everyone and team-0, then team-1 and team-2.
    const onPageTwo = groups[2];
    if (!onPageTwo) throw new Error('fixture');
    expect(await connector.check(ctx(), onPageTwo, { id: user.id })).toEqual({ outcome: 'member', via: 'direct' });
    expect(org.requests).toEqual([`GET /api/v1/users/${user.id}/groups`, `GET /api/v1/users/${user.id}/groups?after=${groups[0]?.id}`]);
  });

  it("check reads all of the user's groups before answering not_member, however many members the group has", async () => {
    const { org, connector, user } = userInGroups(5);
    const crowded = org.addGroup('ai-chatgpt-users');
    for (let index = 0; index < 50; index += 1) org.addMember(crowded.id, org.addUser({ login: `member${index}@example.com` }).id);
    expect(await connector.check(ctx(), crowded, { id: user.id })).toEqual({ outcome: 'not_member', via: 'direct' });
    expect(org.requests).toHaveLength(3);
  });

  describe.each([404, 204] as const)('when Okta answers %i to removing a non-member', (nonMemberDelete) => {
    it('add and remove are idempotent, and never send a change that is already true', async () => {
      const { org, connector, group } = groupWithMembers({ nonMemberDelete }, 3);
      const user = org.addUser({ login: 'new@example.com' });
      const identity = { id: user.id };
      const changes = () => org.requests.filter((request) => /^(PUT|DELETE) /.test(request));
      expect(await connector.add(ctx(), group, identity)).toEqual({ outcome: 'applied' });
      expect(await connector.add(ctx(), group, identity)).toEqual({ outcome: 'already_satisfied' });
      expect(org.isMember(group.id, user.id)).toBe(true);
      expect(await connector.remove(ctx(), group, identity)).toEqual({ outcome: 'applied' });
      expect(await connector.remove(ctx(), group, identity)).toEqual({ outcome: 'already_satisfied' });
      expect(org.isMember(group.id, user.id)).toBe(false);
      expect(changes()).toEqual([`PUT /api/v1/groups/${group.id}/users/${user.id}`, `DELETE /api/v1/groups/${group.id}/users/${user.id}`]);
    });
  });

  it('remove from a group deleted in Okta is not_found (group_not_found), never already_satisfied', async () => {
    const { org, connector, group } = groupWithMembers({}, 1);
    const outsider = org.addUser({ login: 'new@example.com' });
    const deleted = { id: DELETED_GROUP_ID, name: 'ai-retired-tool-users' };
    const error = await connectorFailure(connector.remove(ctx(), deleted, { id: outsider.id }));
    expect(error).toMatchObject({ kind: 'not_found', code: 'group_not_found', providerCode: 'E0000007', retryable: false });
    expect(error.message).toContain(`"ai-retired-tool-users" (${DELETED_GROUP_ID}) no longer exists`);
    // For a group that exists, the same look answers already_satisfied, after one read of the group.
    org.requests.length = 0;
    expect(await connector.remove(ctx(), group, { id: outsider.id })).toEqual({ outcome: 'already_satisfied' });
    expect(org.requests).toEqual([`GET /api/v1/users/${outsider.id}/groups`, `GET /api/v1/groups/${group.id}`]);
  });

  it('remove of a member costs no extra call: the look, then the DELETE', async () => {
    const { org, connector, group, members } = groupWithMembers({}, 1);
    const [member] = members;
    if (!member) throw new Error('fixture');
    expect(await connector.remove(ctx(), group, { id: member.id })).toEqual({ outcome: 'applied' });
    expect(org.requests).toEqual([`GET /api/v1/users/${member.id}/groups`, `DELETE /api/v1/groups/${group.id}/users/${member.id}`]);
  });

  it('remove reports already_satisfied when the user left between the look and the DELETE (Okta 404)', async () => {
    const { org, connector, group, members } = groupWithMembers({ nonMemberDelete: 404 }, 1);
    const [member] = members;
    if (!member) throw new Error('fixture');
    org.failNextMatching('DELETE', '/api/v1/groups/', 404, oktaError('E0000007', OKTA_SUMMARIES.E0000007.replace('{0}', member.id)));
    expect(await connector.remove(ctx(), group, { id: member.id })).toEqual({ outcome: 'already_satisfied' });
  });
});

describe('abort and deadline between the look and the change', () => {
  function outsiderAndMember() {
    const { org, connector } = setup();
    const group = org.addGroup('ai-chatgpt-users');
    const outsider = org.addUser({ login: 'new@example.com' });
    const member = org.addUser({ login: 'old@example.com' });
    org.addMember(group.id, member.id);
    return { org, connector, group, outsider, member };
  }
  const changes = (requests: readonly string[]) => requests.filter((request) => /^(PUT|DELETE) /.test(request));

  it.each(['add', 'remove'] as const)('%s sends no change once the deadline passed during the look', async (operation) => {
    const { org, connector, group, outsider, member } = outsiderAndMember();
    const start = Date.now();
    // The operation's clock passes its deadline as soon as Okta has received the look; the abort
    // signal's own timer is still far off, so only a check of the deadline before the change stops it.
    const operationCtx = createOperationContext({ deadline: start + 10_000, now: () => (org.requests.length > 0 ? start + 10_001 : start) });
    const identity = { id: operation === 'add' ? outsider.id : member.id };
    const error = await connectorFailure(connector[operation](operationCtx, group, identity));
    expect(error).toMatchObject({ kind: 'transient', code: 'deadline_exceeded' });
    expect(changes(org.requests)).toEqual([]);
    expect(org.isMember(group.id, outsider.id)).toBe(false);
    expect(org.isMember(group.id, member.id)).toBe(true);
  });

  it.each(['add', 'remove'] as const)('%s aborted while Okta holds the look sends nothing after it', async (operation) => {
    const { org, connector, group, outsider, member } = outsiderAndMember();
    const controller = new AbortController();
    org.hangNext(() => controller.abort());
    const identity = { id: operation === 'add' ? outsider.id : member.id };
    const error = await connectorFailure(connector[operation](createOperationContext({ timeoutMs: 10_000, signal: controller.signal }), group, identity));
    expect(error).toMatchObject({ kind: 'transient' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(org.requestsReceived()).toBe(1);
  });
});

describe('test()', () => {
  function healthy(options: OrgOptions = {}) {
    const { org, connector } = setup(options);
    org.addUser({ login: 'ada@example.com' });
    return { org, connector, group: org.addGroup('ai-chatgpt-users') };
  }

  const names = (result: { checks: readonly { name: string; passed: boolean }[] }) => result.checks.map((check) => `${check.passed ? '✓' : '✗'} ${check.name}`);

  it('proves sign-in, user reads, the group type and access to its members', async () => {
    const { org, connector, group } = healthy();
    const result = await connector.test(ctx(), { group });
    expect(result.ok).toBe(true);
    expect(names(result)).toEqual([`✓ ${CHECK_NAMES.credentials}`, `✓ ${CHECK_NAMES.users}`, `✓ ${CHECK_NAMES.groupType}`, `✓ ${CHECK_NAMES.members}`]);
    expect(org.requests).toEqual(['GET /api/v1/users?limit=1', `GET /api/v1/groups/${group.id}`, `GET /api/v1/groups/${group.id}/users?limit=1`]);
  });

  it('checks that groups can be read when no group is bound yet', async () => {
    const { connector } = healthy();
    const result = await connector.test(ctx(), {});
    expect(names(result)).toEqual([`✓ ${CHECK_NAMES.credentials}`, `✓ ${CHECK_NAMES.users}`, `✓ ${CHECK_NAMES.groups}`]);
  });

  it('names a refused credential', async () => {
    const { org, connector, group } = healthy();
    org.unauthorizedNext();
    const result = await connector.test(ctx(), { group });
    expect(result.ok).toBe(false);
    expect(names(result)).toEqual([`✗ ${CHECK_NAMES.credentials}`]);
    expect(result.checks[0]?.message).toContain('Create a new API token');
  });

  it('shows an accepted credential that cannot read users', async () => {
    const { connector, group } = healthy({ denied: ['users.read'] });
    const result = await connector.test(ctx(), { group });
    expect(names(result)).toEqual([`✓ ${CHECK_NAMES.credentials}`, `✗ ${CHECK_NAMES.users}`]);
    expect(result.checks[1]?.message).toContain('okta.users.read');
  });

  it('reports a service app without the group scope', async () => {
    const { connector, group } = healthy({ mode: 'private_key', grantedScopes: ['okta.users.read'] });
    const result = await connector.test(ctx(), { group });
    expect(names(result)).toEqual([`✓ ${CHECK_NAMES.credentials}`, `✗ ${CHECK_NAMES.users}`]);
    expect(result.checks[1]?.message).toContain('Okta API Scopes');
  });

  it('refuses an imported group and a missing one', async () => {
    const { org, connector } = healthy();
    const imported = org.addGroup('AD: engineering', { type: 'APP_GROUP' });
    const importedResult = await connector.test(ctx(), { group: imported });
    expect(names(importedResult).at(-1)).toBe(`✗ ${CHECK_NAMES.groupType}`);
    expect(importedResult.checks.at(-1)?.message).toContain('APP_GROUP');
    const missing = await connector.test(ctx(), { group: { id: '00gmissing00000000001' } });
    expect(names(missing).at(-1)).toBe(`✗ ${CHECK_NAMES.groupType}`);
    expect(missing.checks.at(-1)?.message).toContain('HTTP 404');
  });

  it('shows a role that does not cover the group', async () => {
    const { org, connector, group } = healthy();
    org.failNextMatching('GET', `/api/v1/groups/${group.id}/users`, 403, oktaError('E0000006', OKTA_SUMMARIES.E0000006));
    const result = await connector.test(ctx(), { group });
    expect(names(result).at(-1)).toBe(`✗ ${CHECK_NAMES.members}`);
  });

  it('says Okta was not reachable on an outage', async () => {
    const { org, connector, group } = healthy();
    org.unavailableNext();
    const result = await connector.test(ctx(), { group });
    expect(names(result)).toEqual([`✗ ${CHECK_NAMES.reachable}`]);
  });
});
