/**
 * The simulator's Okta member list against what Okta documents for "List all member users",
 * GET /api/v1/groups/{groupId}/users: `limit` (default 1000, "the recommended page limit is now
 * `limit=200`") and the `after` cursor, answered with an array of users and a `Link` header with
 * `rel="self"` and, while more remain, `rel="next"`, whose URL is to be followed as given; a group
 * that does not exist is 404 E0000007
 * (https://developer.okta.com/docs/api/openapi/okta-management/management/tag/Group/#tag/Group/operation/listGroupUsers,
 * https://developer.okta.com/docs/api/#pagination, https://developer.okta.com/docs/api/#link-header).
 */
import { describe, expect, it } from 'vitest';
import type { SimRequest, SimResponse } from './http.js';
import { OktaOrg } from './okta.js';

const ORIGIN = 'https://127.0.0.1:8443';
const TOKEN = 'okta-token-123456789';

function org(memberCount: number) {
  const logins = Array.from({ length: memberCount }, (_, index) => `member${index}@example.com`);
  const okta = new OktaOrg(
    {
      apiToken: TOKEN,
      users: logins.map((login) => ({ login, email: login })),
      groups: [{ name: 'AI users', members: logins }, { name: 'Empty' }],
    },
    () => ORIGIN,
  );
  const get = (pathAndQuery: string): SimResponse => okta.handle({ method: 'GET', url: new URL(pathAndQuery, ORIGIN), headers: { authorization: `SSWS ${TOKEN}` }, body: undefined, rawBody: '' } satisfies SimRequest);
  const group = okta.findGroupByName('AI users');
  if (!group) throw new Error('fixture');
  return { okta, get, group, memberIds: [...group.members].sort() };
}

const ids = (response: SimResponse) => (response.body as Array<{ id: string }>).map((user) => user.id);

/** The `Link` header as `{ rel: url }`. */
function links(response: SimResponse): Record<string, string> {
  const header = response.headers?.link ?? '';
  return Object.fromEntries([...header.matchAll(/<([^>]*)>;\s*rel="([^"]+)"/g)].map(([, url = '', rel = '']) => [rel, url]));
}

describe('GET /api/v1/groups/{id}/users (List all member users)', () => {
  it('pages by limit, with self and next links whose after cursor reads the next page, and no next on the last', () => {
    const { get, group, memberIds } = org(5);
    const first = get(`/api/v1/groups/${group.id}/users?limit=2`);
    expect(first.status).toBe(200);
    expect(ids(first)).toEqual(memberIds.slice(0, 2));
    expect(links(first)).toEqual({
      self: `${ORIGIN}/api/v1/groups/${group.id}/users?limit=2`,
      next: `${ORIGIN}/api/v1/groups/${group.id}/users?limit=2&after=${memberIds[1]}`,
    });
    const next = new URL(links(first).next ?? '');
    expect(next.origin).toBe(ORIGIN);
    const second = get(`${next.pathname}${next.search}`);
    expect(ids(second)).toEqual(memberIds.slice(2, 4));
    const third = get(`/api/v1/groups/${group.id}/users?limit=2&after=${memberIds[3]}`);
    expect(ids(third)).toEqual(memberIds.slice(4));
    expect(Object.keys(links(third))).toEqual(['self']);
  });

  it("serves Okta's default of 1000 members a page when no limit is given", () => {
    const { get, group, memberIds } = org(1_001);
    const first = get(`/api/v1/groups/${group.id}/users`);
    expect(ids(first)).toHaveLength(1_000);
    expect(links(first).next).toBe(`${ORIGIN}/api/v1/groups/${group.id}/users?limit=1000&after=${memberIds[999]}`);
    expect(links(first).self).toBe(`${ORIGIN}/api/v1/groups/${group.id}/users`);
    expect(ids(get(`/api/v1/groups/${group.id}/users?after=${memberIds[999]}`))).toEqual([memberIds[1_000]]);
  });

  it('keeps its place when the member the cursor names leaves the group between pages: no restart, no repeat', () => {
    const { okta, get, group, memberIds } = org(4);
    const first = get(`/api/v1/groups/${group.id}/users?limit=2`);
    const cursor = new URL(links(first).next ?? '').searchParams.get('after') ?? '';
    expect(cursor).toBe(memberIds[1]);
    expect(okta.removeMemberOutOfBand(group.id, cursor)).toBe(true);
    expect(ids(get(`/api/v1/groups/${group.id}/users?limit=2&after=${cursor}`))).toEqual(memberIds.slice(2, 4));
  });

  it('answers an empty group with an empty array and only a self link', () => {
    const { okta, get } = org(2);
    const empty = okta.findGroupByName('Empty');
    const response = get(`/api/v1/groups/${empty?.id}/users?limit=200`);
    expect(response).toMatchObject({ status: 200, body: [] });
    expect(links(response)).toEqual({ self: `${ORIGIN}/api/v1/groups/${empty?.id}/users?limit=200` });
  });

  it('answers 404 E0000007 naming the group for a group that does not exist', () => {
    const { get } = org(1);
    const response = get('/api/v1/groups/00gdeletedgroup000001/users?limit=200');
    expect(response).toMatchObject({ status: 404, body: { errorCode: 'E0000007', errorSummary: 'Not found: Resource not found: 00gdeletedgroup000001 (UserGroup)' } });
  });
});
