import { afterEach, describe, expect, it } from 'vitest';
import { IdpSimulator } from '../src/server.js';
import type { SimulatorSeed } from '../src/seed.js';

const seed: SimulatorSeed = {
  okta: {
    apiToken: 'okta-token-123456789',
    users: [1, 2, 3, 4, 5].map((n) => ({ login: `u${n}@example.com`, email: `u${n}@example.com` })),
    groups: [{ name: 'AI users', members: ['u1@example.com', 'u2@example.com', 'u3@example.com'] }, { name: 'Everyone', type: 'BUILT_IN' }],
  },
  entra: {
    tenantId: '11111111-2222-3333-4444-555555555555',
    clientId: '66666666-7777-8888-9999-000000000000',
    clientSecret: 'entra-secret-123456',
    users: [{ userPrincipalName: 'u1@example.com', mail: 'u1@example.com' }],
    groups: [{ displayName: 'AI users' }],
  },
};

let simulator: IdpSimulator | undefined;
afterEach(async () => {
  await simulator?.stop();
  simulator = undefined;
});

const okta = (path: string, init: RequestInit = {}) =>
  fetch(`${simulator!.url}${path}`, { ...init, headers: { authorization: 'SSWS okta-token-123456789', 'content-type': 'application/json', ...init.headers } });

async function graphToken(): Promise<string> {
  const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: seed.entra!.clientId, client_secret: seed.entra!.clientSecret, scope: 'https://graph.microsoft.com/.default' });
  const response = await fetch(`${simulator!.url}/${seed.entra!.tenantId}/oauth2/v2.0/token`, { method: 'POST', body: form });
  return ((await response.json()) as { access_token: string }).access_token;
}

describe('IdP simulator: Okta', () => {
  it('puts every user in the built-in Everyone group, as Okta does, creating the group when the seed has none', async () => {
    simulator = await IdpSimulator.start({ seed: { okta: { apiToken: 'okta-token-123456789', users: [{ login: 'solo@example.com', email: 'solo@example.com' }] } } });
    const user = simulator.okta!.findUser('solo@example.com')!;
    const groups = (await (await okta(`/api/v1/users/${user.id}/groups`)).json()) as Array<{ type: string; profile: { name: string } }>;
    expect(groups.map((group) => [group.type, group.profile.name])).toEqual([['BUILT_IN', 'Everyone']]);
  });

  it('pages group members with Link headers, as Okta does', async () => {
    simulator = await IdpSimulator.start({ seed });
    const group = simulator.okta!.findGroupByName('AI users')!;
    const first = await okta(`/api/v1/groups/${group.id}/users?limit=2`);
    expect(((await first.json()) as unknown[]).length).toBe(2);
    const next = /<([^>]+)>; rel="next"/.exec(first.headers.get('link') ?? '')?.[1];
    expect(next).toBeDefined();
    const second = await fetch(next!, { headers: { authorization: 'SSWS okta-token-123456789' } });
    expect(((await second.json()) as unknown[]).length).toBe(1);
    expect(second.headers.get('link')).not.toMatch(/rel="next"/);
  });

  it('answers errors in Okta shape and refuses a bad token and built-in groups', async () => {
    simulator = await IdpSimulator.start({ seed });
    const unauthorized = await fetch(`${simulator.url}/api/v1/users`, { headers: { authorization: 'SSWS wrong' } });
    expect(unauthorized.status).toBe(401);
    expect(await unauthorized.json()).toMatchObject({ errorCode: 'E0000011', errorSummary: 'Invalid token provided' });
    expect(await (await okta('/api/v1/users/nobody@example.com')).json()).toMatchObject({ errorCode: 'E0000007' });
    const everyone = simulator.okta!.findGroupByName('Everyone')!;
    const user = simulator.okta!.findUser('u4@example.com')!;
    expect((await okta(`/api/v1/groups/${everyone.id}/users/${user.id}`, { method: 'PUT' })).status).toBe(400);
  });

  it('records a membership effect only when membership changed', async () => {
    simulator = await IdpSimulator.start({ seed });
    const group = simulator.okta!.findGroupByName('AI users')!;
    const user = simulator.okta!.findUser('u4@example.com')!;
    expect((await okta(`/api/v1/groups/${group.id}/users/${user.id}`, { method: 'PUT' })).status).toBe(204);
    expect((await okta(`/api/v1/groups/${group.id}/users/${user.id}`, { method: 'PUT' })).status).toBe(204);
    expect(simulator.effects('member_added', user.id)).toHaveLength(1);
    expect((await okta(`/api/v1/groups/${group.id}/users/${user.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await okta(`/api/v1/groups/${group.id}/users/${user.id}`, { method: 'DELETE' })).status).toBe(404);
    expect(simulator.effects('member_removed', user.id)).toHaveLength(1);
  });

  it('rate limits per bucket with X-Rate-Limit headers and E0000047', async () => {
    simulator = await IdpSimulator.start({ seed, rateLimits: [{ vendor: 'okta', bucket: 'users', limit: 2, windowMs: 60_000 }] });
    const first = await okta('/api/v1/users?limit=1');
    expect(first.headers.get('x-rate-limit-limit')).toBe('2');
    expect(first.headers.get('x-rate-limit-remaining')).toBe('1');
    await okta('/api/v1/users?limit=1');
    const limited = await okta('/api/v1/users?limit=1');
    expect(limited.status).toBe(429);
    expect(await limited.json()).toMatchObject({ errorCode: 'E0000047' });
    const reset = Number(limited.headers.get('x-rate-limit-reset'));
    expect(reset * 1000).toBeGreaterThan(Date.parse(limited.headers.get('date')!));
    expect((await okta('/api/v1/groups?limit=1')).status).toBe(200);
  });
});

describe('IdP simulator: Entra and Graph', () => {
  it('issues tokens for the registered app only, and Graph accepts only issued tokens', async () => {
    simulator = await IdpSimulator.start({ seed });
    const refused = await fetch(`${simulator.url}/${seed.entra!.tenantId}/oauth2/v2.0/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'client_credentials', client_id: seed.entra!.clientId, client_secret: 'wrong' }) });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ error: 'invalid_client', error_codes: [7000215] });
    expect((await fetch(`${simulator.url}/v1.0/users`, { headers: { authorization: 'Bearer forged' } })).status).toBe(401);
    const token = await graphToken();
    expect((await fetch(`${simulator.url}/v1.0/users`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
  });

  it('answers "already exist" for a second add, and deletes the user when /$ref is missing', async () => {
    simulator = await IdpSimulator.start({ seed });
    const token = await graphToken();
    const group = simulator.graph!.findGroupByName('AI users')!;
    const user = simulator.graph!.findUser('u1@example.com')!;
    const add = () => fetch(`${simulator!.url}/v1.0/groups/${group.id}/members/$ref`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ '@odata.id': `${simulator!.url}/v1.0/directoryObjects/${user.id}` }) });
    expect((await add()).status).toBe(204);
    const again = await add();
    expect(again.status).toBe(400);
    expect(await again.json()).toMatchObject({ error: { code: 'Request_BadRequest', message: expect.stringMatching(/already exist/) } });
    expect((await fetch(`${simulator.url}/v1.0/groups/${group.id}/members/${user.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } })).status).toBe(204);
    expect(simulator.graph!.findUser('u1@example.com')).toBeUndefined();
    expect(simulator.effects('user_deleted')).toHaveLength(1);
  });
});

describe('IdP simulator: SCIM', () => {
  const scimSeed: SimulatorSeed = { scim: { bearerToken: 'scim-token-123456', users: [{ userName: 'u1@example.com', email: 'u1@example.com' }] } };
  const scim = (path: string, init: RequestInit = {}) =>
    fetch(`${simulator!.url}/scim/v2${path}`, { ...init, headers: { authorization: 'Bearer scim-token-123456', 'content-type': 'application/scim+json', ...init.headers } });

  it('creates a group once, patches membership under its ETag, and answers noTarget for a non-member', async () => {
    simulator = await IdpSimulator.start({ seed: scimSeed });
    const created = await scim('/Groups', { method: 'POST', body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'AI users' }) });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    expect((await scim('/Groups', { method: 'POST', body: JSON.stringify({ displayName: 'ai users' }) })).status).toBe(409);
    const user = simulator.scim!.findUser('u1@example.com')!;
    const etag = (await scim(`/Groups/${id}`)).headers.get('etag')!;
    const add = JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'add', path: 'members', value: [{ value: user.id }] }] });
    expect((await scim(`/Groups/${id}`, { method: 'PATCH', body: add, headers: { 'if-match': etag } })).status).toBe(204);
    expect((await scim(`/Groups/${id}`, { method: 'PATCH', body: add, headers: { 'if-match': etag } })).status).toBe(412);
    const remove = JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'remove', path: `members[value eq "${user.id}"]` }] });
    expect((await scim(`/Groups/${id}`, { method: 'PATCH', body: remove })).status).toBe(204);
    const again = await scim(`/Groups/${id}`, { method: 'PATCH', body: remove });
    expect(again.status).toBe(400);
    expect(await again.json()).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '400', scimType: 'noTarget' });
    expect(simulator.effects().map((effect) => effect.kind)).toEqual(['group_created', 'member_added', 'member_removed']);
  });

  it('finds users by userName or email, and refuses filters it does not know', async () => {
    simulator = await IdpSimulator.start({ seed: scimSeed });
    const byName = (await (await scim('/Users?filter=userName%20eq%20%22U1@example.com%22')).json()) as { totalResults: number };
    expect(byName.totalResults).toBe(1);
    const byEmail = (await (await scim('/Users?filter=emails%5Bvalue%20eq%20%22u1@example.com%22%5D')).json()) as { totalResults: number };
    expect(byEmail.totalResults).toBe(1);
    expect(await (await scim('/Users?filter=title%20sw%20%22x%22')).json()).toMatchObject({ scimType: 'invalidFilter' });
    expect((await fetch(`${simulator.url}/scim/v2/Users`)).status).toBe(401);
  });
});

describe('IdP simulator: faults', () => {
  it('injects one-shot faults for exactly one matching call, and resets connections', async () => {
    simulator = await IdpSimulator.start({ seed });
    simulator.failNext({ vendor: 'okta', status: 503 });
    simulator.failNext({ vendor: 'okta', reset: true });
    expect((await okta('/api/v1/users?limit=1')).status).toBe(503);
    await expect(okta('/api/v1/users?limit=1')).rejects.toThrow();
    expect((await okta('/api/v1/users?limit=1')).status).toBe(200);
    expect(simulator.calls.map((call) => call.outcome)).toEqual(['fault', 'reset', 'ok']);
  });

  it('repeats a seeded random fault plan exactly', async () => {
    const outcomes = async () => {
      simulator = await IdpSimulator.start({ seed, randomSeed: 9, faults: [{ vendor: 'okta', serverErrorRate: 0.3, rateLimitRate: 0.2 }] });
      for (let index = 0; index < 30; index += 1) await okta('/api/v1/users?limit=1');
      const statuses = simulator.calls.map((call) => call.status);
      await simulator.stop();
      simulator = undefined;
      return statuses;
    };
    const first = await outcomes();
    expect(first).toEqual(await outcomes());
    expect(first.filter((status) => status === 503).length).toBeGreaterThan(3);
    expect(first.filter((status) => status === 429).length).toBeGreaterThan(1);
  });

  it('applies a change and loses its response when asked to', async () => {
    simulator = await IdpSimulator.start({ seed, faults: [{ vendor: 'okta', lostResponseRate: 1 }] });
    const group = simulator.okta!.findGroupByName('AI users')!;
    const user = simulator.okta!.findUser('u5@example.com')!;
    expect((await okta(`/api/v1/groups/${group.id}/users/${user.id}`, { method: 'PUT' })).status).toBe(504);
    expect(group.members.has(user.id)).toBe(true);
    expect(simulator.calls[0]).toMatchObject({ outcome: 'lost_response', effects: [{ kind: 'member_added' }] });
  });
});
