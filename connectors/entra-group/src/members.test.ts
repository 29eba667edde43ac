/**
 * `listMembers` through the real Graph client, against the fake tenant (which pages as Graph does)
 * and against Microsoft's documented bodies:
 *
 * - List group members (the `microsoft.graph.user` cast, "The default and maximum page size is 100
 *   and 999", the example responses): https://learn.microsoft.com/en-us/graph/api/group-list-members
 * - Paging ("Use the entire URL in the `@odata.nextLink` property … Don't try to extract the
 *   `$skiptoken`"; "A page of results might contain zero or more results"):
 *   https://learn.microsoft.com/en-us/graph/paging
 * - Throttling (429 with Retry-After, the sample response): https://learn.microsoft.com/en-us/graph/throttling
 * - Error shape and statuses (404, 503 with Retry-After): https://learn.microsoft.com/en-us/graph/errors
 */
import type { Connector, MemberPage } from '@clearway/connector-sdk';
import { connectorFailure } from '@clearway/connector-sdk/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { connectedDirectory, context, type Directory } from './test-support/harness.js';

let directory: Directory;
let connector: Connector;
beforeEach(() => ({ directory, connector } = connectedDirectory()));

const group = () => ({ id: directory.group.id, name: directory.group.displayName });
const listPath = (groupId = directory.group.id) => `/v1.0/groups/${groupId}/members/microsoft.graph.user`;
const listUrl = (query = '$top=999&$skiptoken=RFNwdAIAAQAAAD8') => `https://graph.microsoft.com${listPath()}?${query}`;
const json = (status: number, body: unknown, headers: Record<string, string> = {}) => ({
  status,
  body: JSON.stringify(body),
  headers: { 'content-type': 'application/json', ...headers },
});

function listMembers(cursor?: string): Promise<MemberPage> {
  if (!connector.listMembers) throw new Error('The Entra connector must offer listMembers.');
  return connector.listMembers(context(), group(), cursor);
}

async function allPages(): Promise<MemberPage[]> {
  const pages = [await listMembers()];
  for (let next = pages[0]?.nextCursor; next !== undefined; next = pages.at(-1)?.nextCursor) pages.push(await listMembers(next));
  return pages;
}

describe('paging through the direct user members', () => {
  it("asks for the users among the direct members, 999 a page, and follows Graph's @odata.nextLink whole", async () => {
    const extra = directory.tenant.addUser({ userPrincipalName: 'erin@contoso.com', mail: null, displayName: 'Erin' });
    const nested = directory.tenant.addGroup({ displayName: 'Nested', members: [directory.carol.id] });
    for (const id of [directory.ada.id, directory.bob.id, directory.carol.id, directory.dora.id, extra.id, nested.id]) directory.group.members.add(id);
    directory.tenant.memberPageLimit = 2;

    const pages = await allPages();

    expect(pages.map((page) => page.members.length)).toEqual([2, 2, 1]);
    expect(pages.flatMap((page) => page.members.map((member) => member.id)).sort()).toEqual(
      [directory.ada.id, directory.bob.id, directory.carol.id, directory.dora.id, extra.id].sort(),
    );
    const [first, ...rest] = directory.tenant.requests;
    expect(first).toMatchObject({ method: 'GET', path: listPath() });
    expect(Object.fromEntries(first?.query ?? [])).toEqual({ $select: 'id,userPrincipalName,mail,displayName', $top: '999' });
    // A basic query: the directory answers, not the advanced-query index that lags writes.
    expect(first?.headers.consistencylevel).toBeUndefined();
    // Each next page is exactly the link Graph sent: same path, every parameter as it came.
    rest.forEach((request, index) => {
      const link = new URL(pages[index]?.nextCursor ?? '');
      expect(link.origin + link.pathname).toBe(`https://graph.microsoft.com${listPath()}`);
      expect(request.path).toBe(link.pathname);
      expect(request.query.toString()).toBe(link.searchParams.toString());
      expect(request.query.get('$skiptoken')).toBeTruthy();
    });
    expect(pages.at(-1)?.nextCursor).toBeUndefined();
  });

  it('gives each member the identity resolveIdentity gives that user: object ID, UPN as login, mail, display name', async () => {
    const erin = directory.tenant.addUser({ userPrincipalName: 'erin@contoso.com', mail: null, displayName: 'Erin' });
    for (const id of [directory.ada.id, directory.bob.id, erin.id]) directory.group.members.add(id);
    const { members } = await listMembers();
    for (const [user, subject] of [
      [directory.ada, { accountId: 'a', email: 'ada@contoso.com' }],
      [directory.bob, { accountId: 'b', email: 'bob@contoso.com' }],
      [erin, { accountId: 'e', mappedExternalId: erin.id }],
    ] as const) {
      const resolved = await connector.resolveIdentity(context(), subject);
      if (resolved.outcome !== 'resolved') throw new Error(`${user.userPrincipalName} must resolve`);
      expect(members.find((member) => member.id === user.id)).toEqual(resolved.identity);
    }
    expect(members.find((member) => member.id === directory.bob.id)).toEqual({
      id: directory.bob.id,
      login: 'bob_contoso.com#EXT#@contoso.onmicrosoft.com',
      email: 'bob@contoso.com',
      displayName: 'Bob',
    });
  });

  it('reads the directory, not the lagging index: a user removed a moment ago is not listed, one added is', async () => {
    directory.group.members.add(directory.bob.id);
    directory.tenant.syncIndex();
    directory.group.members.delete(directory.bob.id);
    directory.group.members.add(directory.ada.id);
    expect((await listMembers()).members.map((member) => member.id)).toEqual([directory.ada.id]);
  });

  it('an empty group is one page without members or cursor', async () => {
    expect(await listMembers()).toEqual({ members: [] });
    expect(directory.tenant.requests).toHaveLength(1);
  });

  it('a page with no members but a next link is not the end ("A page of results might contain zero or more results")', async () => {
    const next = listUrl(`$select=id,userPrincipalName,mail,displayName&$top=999&$skiptoken=RFNwdAIAAQAAAD8`);
    directory.tenant.answerNext(json(200, { value: [], '@odata.nextLink': next }));
    expect(await listMembers()).toEqual({ members: [], nextCursor: next });
  });

  it('without User.Read.All Graph returns members with their id only ("limited information"): still listed by id', async () => {
    directory.tenant.grantedRoles = new Set(['GroupMember.ReadWrite.All']);
    directory.group.members.add(directory.ada.id);
    expect(await listMembers()).toEqual({ members: [{ id: directory.ada.id }] });
  });
});

describe("Microsoft's documented answers", () => {
  it('List group members, example 4 (users through the OData cast) → those members', async () => {
    directory.tenant.answerNext(
      json(200, {
        '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#users(displayName,id)',
        '@odata.count': 7,
        value: [
          { displayName: 'Joseph Price', id: '11111111-2222-3333-4444-555555555555' },
          { displayName: 'Preston Morales', id: '66666666-7777-8888-9999-000000000000' },
        ],
      }),
    );
    expect(await listMembers()).toEqual({
      members: [
        { id: '11111111-2222-3333-4444-555555555555', displayName: 'Joseph Price' },
        { id: '66666666-7777-8888-9999-000000000000', displayName: 'Preston Morales' },
      ],
    });
  });

  it('List group members, example 1, with the paging doc\'s next link on this group\'s list → the member and that link as the cursor', async () => {
    const next = listUrl('$top=999&$skiptoken=RFNwdAIAAQAAAD8...AAAAAAAA');
    directory.tenant.answerNext(
      json(200, {
        '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#directoryObjects',
        '@odata.nextLink': next,
        value: [{ id: '11111111-2222-3333-4444-555555555555', mail: 'user1@contoso.com' }],
      }),
    );
    expect(await listMembers()).toEqual({ members: [{ id: '11111111-2222-3333-4444-555555555555', email: 'user1@contoso.com' }], nextCursor: next });
  });

  it('a deleted group: 404 Request_ResourceNotFound → not_found group_not_found, for the admin to rebind', async () => {
    directory.tenant.groups.delete(directory.group.id);
    const error = await connectorFailure(listMembers());
    expect(error).toMatchObject({ kind: 'not_found', code: 'group_not_found', retryable: false, status: 404, providerCode: 'Request_ResourceNotFound' });
    expect(error.message).toMatch(/"AI - ChatGPT Enterprise users" .* no longer exists.*Bind the tool to an existing group/);
    // The path names no member, so the 404 is about the group: no second read.
    expect(directory.tenant.requests).toHaveLength(1);
  });

  it("throttling's sample 429 (Retry-After: 2.128) → rate_limited throttled with that wait; the same cursor then gives the page", async () => {
    for (const id of [directory.ada.id, directory.bob.id]) directory.group.members.add(id);
    directory.tenant.memberPageLimit = 1;
    const first = await listMembers();
    directory.tenant.answerNext(
      json(
        429,
        {
          error: {
            code: 'TooManyRequests',
            innerError: { code: '429', date: '2020-08-18T12:51:51', message: 'Please retry after', 'request-id': '94fb3b52-452a-4535-a601-69e0a90e3aa2', status: '429' },
            message: 'Please retry again later.',
          },
        },
        { 'retry-after': '2.128' },
      ),
    );
    const error = await connectorFailure(listMembers(first.nextCursor));
    expect(error).toMatchObject({ kind: 'rate_limited', code: 'throttled', retryAfterMs: 2_128, status: 429, providerCode: 'TooManyRequests' });
    const second = await listMembers(first.nextCursor);
    expect([...first.members, ...second.members].map((member) => member.id).sort()).toEqual([directory.ada.id, directory.bob.id].sort());
    expect(second.nextCursor).toBeUndefined();
  });

  it('503 with Retry-After ("repeat the request after a delay") → rate_limited graph_busy; without it → transient graph_unavailable', async () => {
    directory.tenant.busyNext(503, 30_000);
    expect(await connectorFailure(listMembers())).toMatchObject({ kind: 'rate_limited', code: 'graph_busy', retryAfterMs: 30_000 });
    directory.tenant.unavailableNext();
    expect(await connectorFailure(listMembers())).toMatchObject({ kind: 'transient', code: 'graph_unavailable', retryable: true });
    expect(await listMembers()).toEqual({ members: [] });
  });
});

describe('the cursor never sends the token anywhere but the configured Graph endpoint', () => {
  /** Each builds a link from this group's list path (`/v1.0/groups/{id}/members/microsoft.graph.user`). */
  const hostileLinks: ReadonlyArray<[string, (path: string) => string]> = [
    ['another host', (path) => `https://evil.example${path}?$skiptoken=RFNwdA`],
    ['a host that only starts like Graph', (path) => `https://graph.microsoft.com.evil.example${path}?$skiptoken=RFNwdA`],
    ['credentials before the host', (path) => `https://graph.microsoft.com@evil.example${path}?$skiptoken=RFNwdA`],
    ['credentials for Graph', (path) => `https://user:secret@graph.microsoft.com${path}?$skiptoken=RFNwdA`],
    ['plain http', (path) => `http://graph.microsoft.com${path}?$skiptoken=RFNwdA`],
    ['another port', (path) => `https://graph.microsoft.com:8443${path}?$skiptoken=RFNwdA`],
    ["another group's members", () => `https://graph.microsoft.com/v1.0/groups/00000000-0000-4000-8000-000000000001/members/microsoft.graph.user?$skiptoken=RFNwdA`],
    ['another resource on Graph', () => 'https://graph.microsoft.com/v1.0/users?$skiptoken=RFNwdA'],
    ['a path that climbs out', (path) => `https://graph.microsoft.com${path}/../../../../users?$skiptoken=RFNwdA`],
    ['the beta endpoint', (path) => `https://graph.microsoft.com${path.replace('/v1.0/', '/beta/')}?$skiptoken=RFNwdA`],
    ['no $skiptoken or $skip', (path) => `https://graph.microsoft.com${path}?$top=999`],
    ['a fragment', (path) => `https://graph.microsoft.com${path}?$skiptoken=RFNwdA#x`],
    ['a relative link', (path) => `${path}?$skiptoken=RFNwdA`],
    ['not a URL', () => 'RFNwdAIAAQAAAD8'],
  ];

  it.each(hostileLinks)('a next link Graph answers with to %s is unexpected_response, and is not followed', async (_what, linkTo) => {
    directory.group.members.add(directory.ada.id);
    directory.tenant.answerNext(json(200, { value: [{ id: directory.ada.id }], '@odata.nextLink': linkTo(listPath()) }));
    expect(await connectorFailure(listMembers())).toMatchObject({ kind: 'transient', code: 'unexpected_response', retryable: true });
    // The network guard fails the test on any request to a host nock does not answer.
    expect(directory.tenant.requests).toHaveLength(1);
  });

  it.each(hostileLinks)('a cursor handed back that points to %s is refused (invalid_cursor) before any request', async (_what, linkTo) => {
    expect(await connectorFailure(listMembers(linkTo(listPath())))).toMatchObject({ kind: 'invalid_request', code: 'invalid_cursor', retryable: false });
    expect(directory.tenant.requests).toHaveLength(0);
  });

  it('a next link that leads back to the page just read (the engine would page forever) is unexpected_response', async () => {
    const cursor = listUrl();
    directory.tenant.answerNext(json(200, { value: [], '@odata.nextLink': cursor }));
    expect(await connectorFailure(listMembers(cursor))).toMatchObject({ code: 'unexpected_response' });
  });

  it("a next link is accepted with the group id in another case and the query names percent-encoded, as Graph's own", async () => {
    const link = `https://graph.microsoft.com${listPath().toUpperCase().replace('/V1.0/GROUPS/', '/v1.0/groups/').replace('/MEMBERS/MICROSOFT.GRAPH.USER', '/members/microsoft.graph.user')}?%24top=999&%24skiptoken=RFNwdA`;
    directory.tenant.answerNext(json(200, { value: [], '@odata.nextLink': link }));
    expect((await listMembers()).nextCursor).toBe(link);
    directory.tenant.answerNext(json(200, { value: [] }));
    await listMembers(link);
    expect(directory.tenant.requests.at(-1)).toMatchObject({ path: listPath() });
    expect(directory.tenant.requests.at(-1)?.query.get('$skiptoken')).toBe('RFNwdA');
  });
});

describe('a page not in the shape Graph documents is unexpected_response, never a list of members', () => {
  it.each([
    ['a member without an id', json(200, { value: [{ userPrincipalName: 'ada@contoso.com', displayName: 'Ada' }] })],
    ['a member with a blank id', json(200, { value: [{ id: '' }] })],
    ['a member whose id is not an object ID', json(200, { value: [{ id: 'ada@contoso.com' }] })],
    ['a member that is not a user', json(200, { value: [{ '@odata.type': '#microsoft.graph.group', id: '00000000-0000-4000-8000-000000000002' }] })],
    ['no value', json(200, { '@odata.nextLink': 'https://graph.microsoft.com/v1.0/groups' })],
    ['{}', json(200, {})],
    ['[]', json(200, [])],
    ['{"value":[{}]}', json(200, { value: [{}] })],
    ['HTML', { status: 200, body: '<html><body>Sign in to continue</body></html>', headers: { 'content-type': 'text/html' } }],
    ['truncated JSON', { status: 200, body: '{"value":[{"id":"3f6b', headers: { 'content-type': 'application/json' } }],
    ['a next link that is not a string', json(200, { value: [], '@odata.nextLink': 42 })],
    ['a 404 without Graph\'s error body', { status: 404, body: '<html>Not Found</html>', headers: { 'content-type': 'text/html' } }],
  ])('%s', async (_what, answer) => {
    directory.tenant.answerNext(answer);
    expect(await connectorFailure(listMembers())).toMatchObject({ kind: 'transient', code: 'unexpected_response', retryable: true });
  });
});
