/**
 * The provider's decisions against the fake org: how a Jira user resolves, how a group is bound,
 * how membership is read through `Link` pages and changed idempotently, and what "Test connection"
 * tells the admin.
 */
import { createOperationContext, type Connector, type GroupRef, type MemberPage } from '@clearway/connector-sdk';
import { connectorFailure } from '@clearway/connector-sdk/testing';
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { CHECK_NAMES } from './connection-test.js';
import { escapeFilterValue, GROUP_QUERY_LIMIT, MEMBER_PAGE_LIMIT } from './okta-directory.js';
import { oktaGroupProvider } from './provider.js';
import { oktaError, OKTA_SUMMARIES, rateLimitHeaders } from './test-support/okta-responses.js';
import { API_TOKEN, connectOptions, createFakeOrg, DELETED_GROUP_ID, ORG_URL, type OrgOptions } from './test-support/okta-fixture.js';

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

/** The connector's listMembers; every okta-group connector has one. */
function lister(connector: Connector): NonNullable<Connector['listMembers']> {
  if (!connector.listMembers) throw new Error('the okta-group connector lists group members');
  return connector.listMembers;
}

describe('listMembers', () => {
  /** Pages through the group the way drift does: the first page without a cursor, then each nextCursor. */
  async function allPages(connector: Connector, group: GroupRef): Promise<MemberPage[]> {
    const pages: MemberPage[] = [];
    let cursor: string | undefined;
    do {
      const page = await lister(connector)(ctx(), group, cursor);
      pages.push(page);
      cursor = page.nextCursor;
    } while (cursor !== undefined && pages.length < 20);
    return pages;
  }

  function groupOf(count: number) {
    const { org, connector } = setup({ memberPageCap: 2 });
    const group = org.addGroup('ai-chatgpt-users');
    const members = Array.from({ length: count }, (_, index) => org.addUser({ login: `member${index}@example.com`, firstName: 'Member', lastName: `No${index}` }));
    for (const member of members) org.addMember(group.id, member.id);
    return { org, connector, group, members };
  }

  it("pages through Okta's next links with only the after cursor, each member as resolveIdentity gives them", async () => {
    const { org, connector, group, members } = groupOf(5);
    const suspended = members[4];
    if (!suspended) throw new Error('fixture');
    suspended.status = 'SUSPENDED';
    const pages = await allPages(connector, group);
    expect(pages.map((page) => page.members.length)).toEqual([2, 2, 1]);
    // The cursor is Okta's after token (the last member id of the page), never a URL.
    expect(pages.map((page) => page.nextCursor)).toEqual([members[1]?.id, members[3]?.id, undefined]);
    expect('nextCursor' in (pages.at(-1) ?? {})).toBe(false);
    const listed = pages.flatMap((page) => page.members);
    expect(listed.map((member) => member.id)).toEqual(members.map((member) => member.id));
    // Drift maps each member id to the identity resolving cached: both must be the same identity.
    const resolved = await connector.resolveIdentity(ctx(), { accountId: 'acc-0', email: 'member0@example.com' });
    expect(resolved).toMatchObject({ outcome: 'resolved' });
    if (resolved.outcome === 'resolved') expect(listed[0]).toEqual(resolved.identity);
    expect(listed[0]).toEqual({ id: members[0]?.id, login: 'member0@example.com', email: 'member0@example.com', displayName: 'Member No0' });
    // A suspended user is still a member: drift must see them (resolving them answers inactive).
    expect(listed.at(-1)).toMatchObject({ id: suspended.id, login: 'member4@example.com' });
    // One request per call, at Okta's recommended page size; the SDK never followed a next link itself.
    expect(org.requests.filter((request) => request.includes('/users?'))).toEqual([
      `GET /api/v1/groups/${group.id}/users?limit=${MEMBER_PAGE_LIMIT}`,
      `GET /api/v1/groups/${group.id}/users?after=${members[1]?.id}&limit=${MEMBER_PAGE_LIMIT}`,
      `GET /api/v1/groups/${group.id}/users?after=${members[3]?.id}&limit=${MEMBER_PAGE_LIMIT}`,
    ]);
  });

  it('answers an empty group with one empty page and no cursor', async () => {
    const { org, connector, group } = groupOf(0);
    expect(await lister(connector)(ctx(), group)).toEqual({ members: [] });
    expect(org.requests).toEqual([`GET /api/v1/groups/${group.id}/users?limit=${MEMBER_PAGE_LIMIT}`]);
  });

  it('fails a deleted group with not_found / group_not_found, never an empty page', async () => {
    const { connector } = groupOf(1);
    const error = await connectorFailure(lister(connector)(ctx(), { id: DELETED_GROUP_ID, name: 'ai-retired-tool-users' }));
    expect(error).toMatchObject({ kind: 'not_found', code: 'group_not_found', providerCode: 'E0000007', retryable: false });
    expect(error.message).toContain(`"ai-retired-tool-users" (${DELETED_GROUP_ID}) no longer exists, so Clearway cannot list its members`);
  });

  it.each([
    ['org-wide', (org: ReturnType<typeof createFakeOrg>) => org.rateLimitNext(30_000)],
    ['concurrent', (org: ReturnType<typeof createFakeOrg>) => org.concurrentRateLimitNext(30_000)],
  ])('turns Okta\'s %s rate limit (429 E0000047 with X-Rate-Limit-* headers) into rate_limited, after one request', async (_shape, limit) => {
    const { org, connector, group } = groupOf(3);
    org.requests.length = 0;
    limit(org);
    const error = await connectorFailure(lister(connector)(ctx(), group));
    expect(error).toMatchObject({ kind: 'rate_limited', code: 'okta_rate_limited', status: 429, providerCode: 'E0000047', retryAfterMs: 30_000, retryable: true });
    expect(error.message).toContain("Listing the Okta group's members failed (HTTP 429)");
    expect(org.requests).toHaveLength(1);
  });

  describe('a next link Okta would not send', () => {
    /** A member list page answered with this Link header, in Okta's documented user shape. */
    function pageWithLink(link: string) {
      const { org, connector, group, members } = groupOf(3);
      const [member] = members;
      if (!member) throw new Error('fixture');
      const body = JSON.stringify([{ id: member.id, status: 'ACTIVE', profile: { login: member.profile.login, email: member.profile.email, firstName: 'Member', lastName: 'No0' } }]);
      org.replyNextMatching('GET', `/api/v1/groups/${group.id}/users`, { status: 200, text: body, headers: { 'content-type': 'application/json', link: link.replaceAll('GROUP', group.id) } });
      return { org, connector, group };
    }

    it.each([
      ['another host', '<https://evil.example/api/v1/groups/GROUP/users?after=00uNEXT&limit=200>; rel="next"', 'another host'],
      ['the org host on another port', `<${ORG_URL}:8443/api/v1/groups/GROUP/users?after=00uNEXT&limit=200>; rel="next"`, 'another host'],
      ['another path on the org', `<${ORG_URL}/api/v1/users?after=00uNEXT&limit=200>; rel="next"`, 'another path'],
      ["another group's members", `<${ORG_URL}/api/v1/groups/00gsomeothergroup0001/users?after=00uNEXT>; rel="next"`, 'another path'],
      ['no after cursor', `<${ORG_URL}/api/v1/groups/GROUP/users?page=2>; rel="next"`, 'without an after cursor'],
    ])('refuses a next link to %s as unexpected_response, handing out no cursor and following nothing', async (_label, link, what) => {
      const { org, connector, group } = pageWithLink(`<${ORG_URL}/api/v1/groups/GROUP/users?limit=200>; rel="self", ${link}`);
      const error = await connectorFailure(lister(connector)(ctx(), group));
      expect(error).toMatchObject({ kind: 'transient', code: 'unexpected_response', retryable: true });
      expect(error.message).toContain("Listing the Okta group's members failed: the answer was not what Okta documents");
      expect(error.message).toContain(what);
      expect(error.message).not.toContain('evil.example');
      // The network guard fails the test on any request to evil.example; the org saw only the one page.
      expect(org.requests).toEqual([`GET /api/v1/groups/${group.id}/users?limit=${MEMBER_PAGE_LIMIT}`]);
    });

    it('refuses a member without the id, status or login Okta always sends', async () => {
      const { org, connector, group } = groupOf(1);
      org.replyNextMatching('GET', `/api/v1/groups/${group.id}/users`, { status: 200, text: '[{"id":" ","status":"ACTIVE","profile":{"login":"x@example.com"}}]', headers: { 'content-type': 'application/json' } });
      expect(await connectorFailure(lister(connector)(ctx(), group))).toMatchObject({ kind: 'transient', code: 'unexpected_response' });
    });
  });
});

/**
 * listMembers against Okta's own documented answers, without the fake org: "List all member users",
 * GET /api/v1/groups/{groupId}/users with `limit` and `after`, answering 200 with an array of users
 * in the shape of its `ListUsersResponse` example, or 404 E0000007
 * (https://developer.okta.com/docs/api/openapi/okta-management/management/tag/Group/#tag/Group/operation/listGroupUsers;
 * the same call as "List Group members" of https://developer.okta.com/docs/reference/api/groups/).
 * Paging is Okta's `Link` header, one header line per relation, `self` always and `next` while more
 * remain (https://developer.okta.com/docs/api/#link-header); every answer carries the
 * X-Rate-Limit-* headers (https://developer.okta.com/docs/reference/rl-best-practices/).
 */
describe("listMembers against Okta's documented answers", () => {
  const GROUP_ID = '00g1fanEFIQHMQQJMHZP';
  const MEMBERS = `/api/v1/groups/${GROUP_ID}/users`;

  /** A user as the documented example shows one (values are this test's own). */
  const documentedUser = (id: string, firstName: string, lastName: string, login: string) => ({
    id,
    status: 'ACTIVE',
    created: '2022-04-04T15:56:05.000Z',
    activated: null,
    statusChanged: null,
    lastLogin: '2022-05-04T19:50:52.000Z',
    lastUpdated: '2022-05-05T18:15:44.000Z',
    passwordChanged: '2022-04-04T16:00:22.000Z',
    type: { id: 'oty1162QAr8hJjTaq0g4' },
    profile: { firstName, lastName, mobilePhone: null, secondEmail: null, login, email: login },
    credentials: { password: {}, provider: { type: 'OKTA', name: 'OKTA' } },
    _links: { self: { href: `${ORG_URL}/api/v1/users/${id}` } },
  });

  /** Okta's headers for a page: JSON, rate-limit headers, and one `link` line per relation. */
  const pageHeaders = (self: string, next?: string): string[] => [
    'content-type',
    'application/json',
    ...Object.entries(rateLimitHeaders(Date.now(), 60, 598)).flat(),
    'x-okta-request-id',
    'reqVy8wsvmBQN27h4soUE3ZEnA',
    'link',
    `<${ORG_URL}${MEMBERS}?${self}>; rel="self"`,
    ...(next === undefined ? [] : ['link', `<${ORG_URL}${MEMBERS}?${next}>; rel="next"`]),
  ];

  const connect = () => oktaGroupProvider.connect(connectOptions('api_token'));
  const api = () => nock(ORG_URL).matchHeader('authorization', `SSWS ${API_TOKEN}`);

  it('reads two pages, the next one by the after cursor of the next link', async () => {
    const first = [documentedUser('00u1f96ECLNVOKVMUSEA', 'Alice', 'Smith', 'alice.smith@example.com'), documentedUser('00u1f9cMYQZFMPVXIDIZ', 'Ben', 'Richler', 'ben.richler@example.com')];
    const second = [documentedUser('00u2a7dNKMOFRBTIKLOP', 'Cara', 'Diaz', 'cara.diaz@example.com')];
    const firstPage = api().get(MEMBERS).query({ limit: '200' }).reply(200, first, pageHeaders('limit=200', 'limit=200&after=00u1f9cMYQZFMPVXIDIZ'));
    const secondPage = api()
      .get(MEMBERS)
      .query({ after: '00u1f9cMYQZFMPVXIDIZ', limit: '200' })
      .reply(200, second, pageHeaders('limit=200&after=00u1f9cMYQZFMPVXIDIZ'));
    const connector = connect();
    const group = { id: GROUP_ID };
    const page1 = await lister(connector)(ctx(), group);
    expect(page1).toEqual({
      members: [
        { id: '00u1f96ECLNVOKVMUSEA', login: 'alice.smith@example.com', email: 'alice.smith@example.com', displayName: 'Alice Smith' },
        { id: '00u1f9cMYQZFMPVXIDIZ', login: 'ben.richler@example.com', email: 'ben.richler@example.com', displayName: 'Ben Richler' },
      ],
      nextCursor: '00u1f9cMYQZFMPVXIDIZ',
    });
    const page2 = await lister(connector)(ctx(), group, page1.nextCursor);
    expect(page2).toEqual({ members: [{ id: '00u2a7dNKMOFRBTIKLOP', login: 'cara.diaz@example.com', email: 'cara.diaz@example.com', displayName: 'Cara Diaz' }] });
    expect(firstPage.isDone() && secondPage.isDone()).toBe(true);
  });

  it('answers an empty group (an empty array and only a self link) with an empty last page', async () => {
    const scope = api().get(MEMBERS).query({ limit: '200' }).reply(200, [], pageHeaders('limit=200'));
    expect(await lister(connect())(ctx(), { id: GROUP_ID })).toEqual({ members: [] });
    expect(scope.isDone()).toBe(true);
  });

  it('turns 404 E0000007 for the group into group_not_found', async () => {
    const notFound = { ...oktaError('E0000007', OKTA_SUMMARIES.E0000007.replace('{0}', `Resource not found: ${GROUP_ID} (UserGroup)`)), errorId: 'sampleMlLvGUj_YD5v16vkYWY' };
    api().get(MEMBERS).query({ limit: '200' }).reply(404, notFound, { 'content-type': 'application/json', ...rateLimitHeaders(Date.now(), 60, 598) });
    const error = await connectorFailure(lister(connect())(ctx(), { id: GROUP_ID }));
    expect(error).toMatchObject({ kind: 'not_found', code: 'group_not_found', providerCode: 'E0000007' });
  });

  it('turns 429 E0000047 into rate_limited until X-Rate-Limit-Reset, measured against the response Date', async () => {
    const oktaNow = Date.now() - 120_000;
    const tooMany = { ...oktaError('E0000047', OKTA_SUMMARIES.E0000047), errorId: 'sampleQPivGUj_ND5v78vbYWW' };
    api().get(MEMBERS).query({ limit: '200' }).reply(429, tooMany, { 'content-type': 'application/json', ...rateLimitHeaders(oktaNow, 17, 0) });
    const error = await connectorFailure(lister(connect())(ctx(), { id: GROUP_ID }));
    expect(error).toMatchObject({ kind: 'rate_limited', status: 429, providerCode: 'E0000047', retryAfterMs: 17_000 });
  });
});
