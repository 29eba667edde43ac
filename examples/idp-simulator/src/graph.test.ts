import { describe, expect, it } from 'vitest';
import { GraphTenant } from './graph.js';
import type { SimRequest } from './http.js';

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
