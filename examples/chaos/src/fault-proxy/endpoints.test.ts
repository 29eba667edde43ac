import { describe, expect, it } from 'vitest';
import { classifyRequest } from './endpoints.js';

const TENANT = '6f1c2a4e-9b7d-4c3e-8a21-5d0f7e6b9c11';
const ref = (id: string) => `https://graph.microsoft.com/v1.0/directoryObjects/${id}`;

describe('classifyRequest', () => {
  // Okta management API paths as documented for the Users and Groups APIs:
  // https://developer.okta.com/docs/api/openapi/okta-management/management/tag/Group/ and …/tag/User/
  it.each([
    ['GET', '/api/v1/users/00u1', '', { vendor: 'okta', endpoint: 'user_lookup', userIds: [] }],
    ['GET', '/api/v1/users?search=profile.email%20eq%20%22a%40b.c%22', '', { vendor: 'okta', endpoint: 'user_lookup', userIds: [] }],
    ['GET', '/api/v1/users/00u1/groups', '', { vendor: 'okta', endpoint: 'membership_check', userIds: ['00u1'] }],
    ['GET', '/api/v1/groups?q=AI%20-%20Tool&limit=200', '', { vendor: 'okta', endpoint: 'group_search', userIds: [] }],
    ['GET', '/api/v1/groups/00g1', '', { vendor: 'okta', endpoint: 'group_search', groupId: '00g1', userIds: [] }],
    ['POST', '/api/v1/groups', '{"profile":{"name":"AI - Tool"}}', { vendor: 'okta', endpoint: 'group_create', userIds: [] }],
    ['PUT', '/api/v1/groups/00g1/users/00u1', '', { vendor: 'okta', endpoint: 'membership_add', groupId: '00g1', userIds: ['00u1'] }],
    ['DELETE', '/api/v1/groups/00g1/users/00u1', '', { vendor: 'okta', endpoint: 'membership_remove', groupId: '00g1', userIds: ['00u1'] }],
    ['GET', '/api/v1/groups/00g1/users?limit=1', '', { vendor: 'okta', endpoint: 'membership_check', groupId: '00g1', userIds: [] }],
  ])('Okta %s %s', (method, path, body, expected) => {
    expect(classifyRequest(method, path, body)).toEqual(expected);
  });

  // Microsoft Graph v1.0 as documented: https://learn.microsoft.com/graph/api/group-post-members,
  // …/group-update (members@odata.bind), …/group-delete-members, …/directoryobject-checkmembergroups
  it.each([
    ['GET', '/v1.0/users/u-1?$select=id,accountEnabled', '', { vendor: 'graph', endpoint: 'user_lookup', userIds: [] }],
    ['GET', "/v1.0/users?$filter=mail%20eq%20'a@b.c'", '', { vendor: 'graph', endpoint: 'user_lookup', userIds: [] }],
    ['POST', '/v1.0/users/u-1/checkMemberGroups', '{"groupIds":["g-1"]}', { vendor: 'graph', endpoint: 'membership_check', userIds: ['u-1'] }],
    ['GET', "/v1.0/groups?$filter=displayName%20eq%20'AI'", '', { vendor: 'graph', endpoint: 'group_search', userIds: [] }],
    ['GET', '/v1.0/groups/g-1?$select=id', '', { vendor: 'graph', endpoint: 'group_search', groupId: 'g-1', userIds: [] }],
    ['POST', '/v1.0/groups', '{"displayName":"AI"}', { vendor: 'graph', endpoint: 'group_create', userIds: [] }],
    ['POST', '/v1.0/groups/g-1/members/$ref', JSON.stringify({ '@odata.id': ref('u-1') }), { vendor: 'graph', endpoint: 'membership_add', groupId: 'g-1', userIds: ['u-1'] }],
    ['PATCH', '/v1.0/groups/g-1', JSON.stringify({ 'members@odata.bind': [ref('u-1'), ref('u-2')] }), { vendor: 'graph', endpoint: 'membership_add', groupId: 'g-1', userIds: ['u-1', 'u-2'] }],
    ['DELETE', '/v1.0/groups/g-1/members/u-1/$ref', '', { vendor: 'graph', endpoint: 'membership_remove', groupId: 'g-1', userIds: ['u-1'] }],
    ['GET', "/v1.0/groups/g-1/members?$filter=id%20eq%20'u-1'&$count=true", '', { vendor: 'graph', endpoint: 'membership_check', groupId: 'g-1', userIds: [] }],
    ['GET', '/v1.0/groups/g-1/members/u-1/microsoft.graph.user?$select=id', '', { vendor: 'graph', endpoint: 'membership_check', groupId: 'g-1', userIds: ['u-1'] }],
  ])('Graph %s %s', (method, path, body, expected) => {
    expect(classifyRequest(method, path, body)).toEqual(expected);
  });

  // The Microsoft identity platform's endpoints as MSAL calls them:
  // https://learn.microsoft.com/entra/identity-platform/v2-protocols-oidc (discovery) and …/v2-oauth2-client-creds-grant-flow (token)
  it.each([
    ['POST', `/${TENANT}/oauth2/v2.0/token`, { vendor: 'entra', endpoint: 'sign_in', userIds: [] }],
    ['GET', `/${TENANT}/v2.0/.well-known/openid-configuration`, { vendor: 'entra', endpoint: 'discovery', userIds: [] }],
    ['GET', '/common/discovery/instance?api-version=1.1', { vendor: 'entra', endpoint: 'discovery', userIds: [] }],
    ['POST', '/oauth2/v1/token', { vendor: 'okta', endpoint: 'sign_in', userIds: [] }],
  ])('sign-in %s %s', (method, path, expected) => {
    expect(classifyRequest(method, path)).toEqual(expected);
  });

  it('leaves what it does not know as other, for no fault to touch', () => {
    expect(classifyRequest('GET', '/_sim/state')).toEqual({ vendor: 'unknown', endpoint: 'other', userIds: [] });
    expect(classifyRequest('DELETE', '/v1.0/groups/g-1/members/u-1')).toMatchObject({ vendor: 'graph', endpoint: 'other' });
  });
});
