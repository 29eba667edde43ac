import { describe, expect, it } from 'vitest';
import { GraphTenant } from './graph.js';
import type { SimRequest } from './http.js';
import { IdpSimulator } from './server.js';

const ORIGIN = 'https://127.0.0.1:8443';

function tenant() {
  const graph = new GraphTenant(
    {
      tenantId: '3f6b1c2a-8d4e-4f10-9a7b-5c2d1e0f9a11',
      clientId: '9b2e7c41-6a3d-4e58-b1f0-2c7d8e9a0b12',
      clientSecret: 'secret',
      users: [{ userPrincipalName: 'u1@example.com' }, { userPrincipalName: 'u2@example.com' }],
      groups: [{ displayName: 'AI users', members: ['u1@example.com'] }],
    },
    () => ORIGIN,
  );
  graph.issuedTokens.add('token');
  const get = (path: string): SimRequest => ({ method: 'GET', url: new URL(path, ORIGIN), headers: { authorization: 'Bearer token' }, body: undefined, rawBody: '' });
  return { graph, get, group: graph.findGroupByName('AI users')!, u1: graph.findUser('u1@example.com')!, u2: graph.findUser('u2@example.com')! };
}

describe('GET /groups/{g}/members/{u}/microsoft.graph.user (the entra-group direct membership check)', () => {
  it('answers the user, with only the selected properties, when a direct member', () => {
    const { graph, get, group, u1 } = tenant();
    const response = graph.handleGraph(get(`/v1.0/groups/${group.id}/members/${u1.id}/microsoft.graph.user?$select=id`));
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ '@odata.context': `${ORIGIN}/v1.0/$metadata#users/$entity`, id: u1.id });
  });

  it("answers Graph's 404 naming the member for a user who is not a member, and naming the group for a missing group", () => {
    const { graph, get, group, u2 } = tenant();
    const notMember = graph.handleGraph(get(`/v1.0/groups/${group.id}/members/${u2.id}/microsoft.graph.user?$select=id`));
    expect(notMember).toMatchObject({ status: 404, body: { error: { code: 'Request_ResourceNotFound', message: expect.stringContaining(u2.id) } } });
    const missingGroup = graph.handleGraph(get(`/v1.0/groups/00000000-0000-4000-8000-000000000000/members/${u2.id}/microsoft.graph.user`));
    expect(missingGroup).toMatchObject({ status: 404, body: { error: { code: 'Request_ResourceNotFound', message: expect.stringContaining('00000000-0000-4000-8000-000000000000') } } });
  });
});

/**
 * The member list as Graph documents it (https://learn.microsoft.com/en-us/graph/api/group-list-members:
 * the `microsoft.graph.user` cast, "The default and maximum page size is 100 and 999") and pages it
 * (https://learn.microsoft.com/en-us/graph/paging: an absolute `@odata.nextLink` carrying the
 * request's parameters and a `$skiptoken`, used whole).
 */
describe('GET /groups/{g}/members/microsoft.graph.user (the entra-group member list, paged)', () => {
  const SELECT = '$select=id,userPrincipalName,mail,displayName';

  function tenantWithMembers(count: number) {
    const setup = tenant();
    const { graph, group } = setup;
    for (let index = 0; index < count; index += 1) {
      const id = `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`;
      graph.users.set(id, { id, userPrincipalName: `m${index}@example.com`, mail: `m${index}@example.com`, displayName: `Member ${index}`, accountEnabled: true });
      group.members.add(id);
    }
    return setup;
  }

  type Page = { value: Array<Record<string, unknown>>; '@odata.nextLink'?: string };
  const body = (response: { body?: unknown }) => response.body as Page;

  function readAll(graph: GraphTenant, get: (path: string) => SimRequest, firstPath: string): Page[] {
    const pages = [body(graph.handleGraph(get(firstPath)))];
    for (let next = pages[0]?.['@odata.nextLink']; next !== undefined; next = pages.at(-1)?.['@odata.nextLink']) {
      pages.push(body(graph.handleGraph(get(next))));
    }
    return pages;
  }

  it('pages with $top and an absolute @odata.nextLink that repeats the query and adds a $skiptoken; following it whole gives every user once', () => {
    const { graph, get, group, u1 } = tenantWithMembers(5);
    const path = `/v1.0/groups/${group.id}/members/microsoft.graph.user`;
    const pages = readAll(graph, get, `${path}?${SELECT}&$top=2`);
    expect(pages.map((page) => page.value.length)).toEqual([2, 2, 2]);
    const first = new URL(pages[0]?.['@odata.nextLink'] ?? '');
    expect(first.origin + first.pathname).toBe(`${ORIGIN}${path}`);
    expect(first.searchParams.get('$select')).toBe('id,userPrincipalName,mail,displayName');
    expect(first.searchParams.get('$top')).toBe('2');
    expect(first.searchParams.get('$skiptoken')).toMatch(/^RFNwdA/);
    const ids = pages.flatMap((page) => page.value.map((member) => member.id));
    expect(new Set(ids).size).toBe(6);
    expect(ids).toContain(u1.id);
    expect(pages.at(-1)?.['@odata.nextLink']).toBeUndefined();
    // Only the selected properties: never accountEnabled unless asked for.
    expect(Object.keys(pages[0]?.value[0] ?? {}).sort()).toEqual(['displayName', 'id', 'mail', 'userPrincipalName']);
  });

  it('answers 100 a page by default and up to 999 when asked; a $top outside 1–999 is refused', () => {
    const { graph, get, group } = tenantWithMembers(1_050);
    const path = `/v1.0/groups/${group.id}/members/microsoft.graph.user`;
    expect(readAll(graph, get, path).map((page) => page.value.length)).toEqual([...Array<number>(10).fill(100), 51]);
    expect(readAll(graph, get, `${path}?$top=999`).map((page) => page.value.length)).toEqual([999, 52]);
    for (const top of ['1000', '0', 'ten']) {
      expect(graph.handleGraph(get(`${path}?$top=${top}`))).toMatchObject({ status: 400, body: { error: { code: 'Request_UnsupportedQuery' } } });
    }
  });

  it('lists only users under the cast; the plain list names a nested group as a group', () => {
    const { graph, get, group, u1 } = tenant();
    const nested = '00000000-0000-4000-8000-00000000000a';
    group.members.add(nested);
    const users = body(graph.handleGraph(get(`/v1.0/groups/${group.id}/members/microsoft.graph.user?$select=id`)));
    expect(users.value).toEqual([{ id: u1.id }]);
    const all = body(graph.handleGraph(get(`/v1.0/groups/${group.id}/members?$select=id`)));
    expect(all.value).toContainEqual({ '@odata.type': '#microsoft.graph.group', id: nested });
    expect(all.value).toContainEqual({ '@odata.type': '#microsoft.graph.user', id: u1.id });
  });

  it('a member removed or added between pages neither repeats nor pushes another off a page', () => {
    const { graph, get, group } = tenantWithMembers(4);
    const path = `/v1.0/groups/${group.id}/members/microsoft.graph.user?$select=id&$top=2`;
    const first = body(graph.handleGraph(get(path)));
    // Sorted m0, m1, m2, m3, u1: the first page is m0 and m1; then m0 leaves and a user sorting last joins.
    group.members.delete(String(first.value[0]?.id));
    const late = 'ffffffff-ffff-4fff-bfff-ffffffffffff';
    graph.users.set(late, { id: late, userPrincipalName: 'late@example.com', mail: null, displayName: 'Late', accountEnabled: true });
    group.members.add(late);
    const rest = readAll(graph, get, first['@odata.nextLink'] ?? '');
    const ids = [...first.value, ...rest.flatMap((page) => page.value)].map((member) => member.id);
    expect(new Set(ids).size).toBe(ids.length);
    // An offset would now skip m2, which moved onto the first page after it was read.
    for (let index = 1; index < 4; index += 1) expect(ids).toContain(`00000000-0000-4000-8000-${String(index).padStart(12, '0')}`);
    expect(ids).toContain(late);
  });

  it('answers an empty group with one empty page, an unknown group with 404 Request_ResourceNotFound, a foreign $skiptoken with 400', () => {
    const { graph, get, group } = tenant();
    group.members.clear();
    expect(body(graph.handleGraph(get(`/v1.0/groups/${group.id}/members/microsoft.graph.user`)))).toEqual({
      '@odata.context': `${ORIGIN}/v1.0/$metadata#users`,
      value: [],
    });
    expect(graph.handleGraph(get('/v1.0/groups/00000000-0000-4000-8000-000000000000/members/microsoft.graph.user'))).toMatchObject({
      status: 404,
      body: { error: { code: 'Request_ResourceNotFound' } },
    });
    expect(graph.handleGraph(get(`/v1.0/groups/${group.id}/members/microsoft.graph.user?$skiptoken=X%27abc%27`))).toMatchObject({
      status: 400,
      body: { error: { code: '', message: 'Invalid Skip Token' } },
    });
  });

  it('over HTTP, the next link points at the running simulator and fetching it returns the next page', async () => {
    const simulator = await IdpSimulator.start({
      seed: {
        entra: {
          tenantId: '3f6b1c2a-8d4e-4f10-9a7b-5c2d1e0f9a11',
          clientId: '9b2e7c41-6a3d-4e58-b1f0-2c7d8e9a0b12',
          clientSecret: 'secret',
          users: [1, 2, 3].map((n) => ({ userPrincipalName: `u${n}@example.com` })),
          groups: [{ displayName: 'AI users', members: ['u1@example.com', 'u2@example.com', 'u3@example.com'] }],
        },
      },
    });
    try {
      const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: '9b2e7c41-6a3d-4e58-b1f0-2c7d8e9a0b12', client_secret: 'secret', scope: 'x/.default' });
      const token = ((await (await fetch(`${simulator.url}/3f6b1c2a-8d4e-4f10-9a7b-5c2d1e0f9a11/oauth2/v2.0/token`, { method: 'POST', body: form })).json()) as { access_token: string }).access_token;
      const read = async (url: string) => (await (await fetch(url, { headers: { authorization: `Bearer ${token}` } })).json()) as Page;
      const group = simulator.graph!.findGroupByName('AI users')!;
      const first = await read(`${simulator.url}/v1.0/groups/${group.id}/members/microsoft.graph.user?${SELECT}&$top=2`);
      expect(first['@odata.nextLink']?.startsWith(`${simulator.url}/v1.0/groups/${group.id}/members/microsoft.graph.user?`)).toBe(true);
      const second = await read(first['@odata.nextLink'] ?? '');
      expect([...first.value, ...second.value].map((member) => member.userPrincipalName).sort()).toEqual(['u1@example.com', 'u2@example.com', 'u3@example.com']);
      expect(second['@odata.nextLink']).toBeUndefined();
    } finally {
      await simulator.stop();
    }
  });
});
