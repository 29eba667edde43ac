/**
 * A hostile upstream: answers no Okta endpoint gives with a 2xx (a proxy's page, `{}` where a list
 * belongs, JSON cut short, a 200 where Okta answers 204), each sent through the real SDK over HTTP
 * to the fake org. None may become a fact: each is a transient `unexpected_response`, and a look
 * that was not Okta's answer is never followed by a change.
 *
 * What Okta answers, per its API reference (https://developer.okta.com/docs/api/openapi/okta-management/management/tag/Group/
 * and .../tag/User/): 200 with a JSON object for GET /api/v1/users/{id}, GET /api/v1/groups/{id}
 * and POST /api/v1/groups; 200 with a JSON array for the lists (GET /api/v1/users,
 * /api/v1/groups, /api/v1/users/{id}/groups, /api/v1/groups/{id}/users); 204 No Content for PUT and DELETE of
 * /api/v1/groups/{groupId}/users/{userId}. The SDK's generated response processors encode the same
 * (`isCodeInRange('204', …)` for assignUserToGroup and unassignUserFromGroup).
 */
import { createOperationContext } from '@clearway/connector-sdk';
import { connectorFailure } from '@clearway/connector-sdk/testing';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { jsonAnswerProblem, oktaUserSchema, readOktaAnswer, UnexpectedOktaAnswer } from './okta-answers.js';
import { oktaGroupProvider } from './provider.js';
import type { RawReply } from './test-support/fake-okta.js';
import { connectOptions, createFakeOrg, type OrgOptions } from './test-support/okta-fixture.js';

const ctx = () => createOperationContext({ timeoutMs: 10_000 });

const json = (text: string, status = 200): RawReply => ({ status, text, headers: { 'content-type': 'application/json;charset=UTF-8' } });
/** A page a proxy or load balancer serves; its words must never reach an error message. */
const HTML = '<html><body><h1>Welcome</h1><p>proxy-session-7f3a9c secret-looking-page</p></body></html>';
const GROUP = '{"id":"00gabcdefghijklmnop","type":"OKTA_GROUP","profile":{"name":"ai-chatgpt-users","description":null}}';

/** 2xx answers that are not Okta's where Okta answers with one of its lists. */
const NOT_A_LIST: Record<string, RawReply> = {
  'an empty object': json('{}'),
  'a Graph-style {"value":[{}]}': json('{"value":[{}]}'),
  'an HTML page (text/html)': { status: 200, text: HTML, headers: { 'content-type': 'text/html; charset=utf-8' } },
  'an HTML page labelled JSON': json(HTML),
  'JSON cut short': json(`[${GROUP.slice(0, 40)}`),
  'JSON with no Content-Type': { status: 200, text: `[${GROUP}]` },
  'an empty body': json(''),
  'an empty JSON string': json('""'),
  'null': json('null'),
  'a list holding null': json('[null]'),
  'a list holding an empty object': json('[{}]'),
  'a group with a blank id': json(`[${GROUP.replace('00gabcdefghijklmnop', ' ')}]`),
  '204 No Content': { status: 204, text: '' },
  '201 with a list': json(`[${GROUP}]`, 201),
};

const USER = '{"id":"00uabcdefghijklmnop","status":"ACTIVE","profile":{"login":"ada@example.com","email":"ada@example.com"}}';

/** 2xx answers that are not Okta's where Okta answers with one object. */
const NOT_ONE_OBJECT: Record<string, RawReply> = {
  'an empty object': json('{}'),
  'an empty list': json('[]'),
  'a list holding the object': json(`[${USER}]`),
  'an HTML page (text/html)': { status: 200, text: HTML, headers: { 'content-type': 'text/html' } },
  'JSON cut short': json(USER.slice(0, 30)),
  'JSON with no Content-Type': { status: 200, text: USER },
  'null': json('null'),
  'an object with a blank id': json(USER.replace('00uabcdefghijklmnop', '')),
  '204 No Content': { status: 204, text: '' },
};

function setup(options: OrgOptions = {}) {
  const org = createFakeOrg({ memberPageCap: 2, ...options });
  const connector = oktaGroupProvider.connect(connectOptions(options.mode));
  const user = org.addUser({ login: 'ada@example.com', firstName: 'Ada', lastName: 'Lovelace' });
  const group = org.addGroup('ai-chatgpt-users');
  return { org, connector, group, identity: { id: user.id }, userId: user.id };
}

const changes = (requests: readonly string[]) => requests.filter((request) => /^(PUT|DELETE|POST) \/api\//.test(request));

async function expectUnexpected(attempt: Promise<unknown>, action: string) {
  const error = await connectorFailure(attempt);
  expect(error).toMatchObject({ kind: 'transient', code: 'unexpected_response', retryable: true });
  expect(error.message).toContain(action);
  expect(error.message).not.toMatch(/proxy-session|secret-looking|Welcome/);
  return error;
}

describe.each(Object.entries(NOT_A_LIST))('a list Okta answers with %s', (_label, reply) => {
  it('check answers neither member nor not_member', async () => {
    const { org, connector, group, identity, userId } = setup();
    org.replyNextMatching('GET', `/api/v1/users/${userId}/groups`, reply);
    await expectUnexpected(connector.check(ctx(), group, identity), "Listing the Okta user's groups");
  });

  it('add sends no PUT after the look, and remove neither a DELETE nor already_satisfied', async () => {
    const { org, connector, group, identity, userId } = setup();
    org.replyNextMatching('GET', `/api/v1/users/${userId}/groups`, reply);
    await expectUnexpected(connector.add(ctx(), group, identity), "Listing the Okta user's groups");
    org.replyNextMatching('GET', `/api/v1/users/${userId}/groups`, reply);
    await expectUnexpected(connector.remove(ctx(), group, identity), "Listing the Okta user's groups");
    expect(changes(org.requests)).toEqual([]);
  });

  it('a later page of the list is held to the same rule: no member found on page one makes no "not a member"', async () => {
    const { org, connector, identity, userId } = setup();
    const groups = ['team-1', 'team-2', 'team-3'].map((name) => org.addGroup(name));
    for (const group of groups) org.addMember(group.id, userId);
    org.replyNextMatching('GET', `/api/v1/users/${userId}/groups?after=`, reply);
    const elsewhere = org.addGroup('ai-claude-users');
    await expectUnexpected(connector.check(ctx(), elsewhere, identity), "Listing the Okta user's groups");
    expect(org.requests).toHaveLength(2);
  });

  it("the group's member list becomes neither a page of members nor an empty group", async () => {
    const { org, connector, group } = setup();
    org.replyNextMatching('GET', `/api/v1/groups/${group.id}/users`, reply);
    await expectUnexpected(connector.listMembers?.(ctx(), group) ?? Promise.reject(new Error('no listMembers')), "Listing the Okta group's members");
  });

  it('the email search does not conclude that nobody has the email', async () => {
    const { org, connector } = setup();
    org.replyNextMatching('GET', '/api/v1/users?search=', reply);
    await expectUnexpected(connector.resolveIdentity(ctx(), { accountId: 'a', email: 'sam@example.com' }), 'Searching Okta users by email');
  });

  it('the name search does not lead to creating the group again', async () => {
    const { org, connector } = setup();
    org.replyNextMatching('GET', '/api/v1/groups?q=', reply);
    await expectUnexpected(connector.bindGroup(ctx(), { name: 'ai-chatgpt-users', createIfMissing: true }), 'Searching Okta groups by name');
    expect(changes(org.requests)).toEqual([]);
    expect(org.groupCount()).toBe(1);
  });
});

/**
 * Lists in Okta's shape that Okta never gives for a user's groups: every user belongs to the
 * built-in Everyone group ("Every user in Okta is automatically a member of the Everyone group":
 * https://support.okta.com/help/s/article/The-Everyone-Group-in-Okta), so the list always holds it.
 */
const NO_EVERYONE: Record<string, RawReply> = {
  'an empty list': json('[]'),
  'a list of another group only': json(`[${GROUP}]`),
};

describe.each(Object.entries(NO_EVERYONE))("a user's groups answered with %s (no Everyone group)", (_label, reply) => {
  it('remove of a member neither answers already_satisfied nor leaves them in; the retry removes them', async () => {
    const { org, connector, group, identity, userId } = setup();
    org.addMember(group.id, userId);
    org.replyNextMatching('GET', `/api/v1/users/${userId}/groups`, reply);
    await expectUnexpected(connector.remove(ctx(), group, identity), "Listing the Okta user's groups");
    expect(org.isMember(group.id, userId)).toBe(true);
    expect(await connector.remove(ctx(), group, identity)).toEqual({ outcome: 'applied' });
    expect(org.isMember(group.id, userId)).toBe(false);
  });

  it('check of a member answers neither member nor not_member', async () => {
    const { org, connector, group, identity, userId } = setup();
    org.addMember(group.id, userId);
    org.replyNextMatching('GET', `/api/v1/users/${userId}/groups`, reply);
    await expectUnexpected(connector.check(ctx(), group, identity), "Listing the Okta user's groups");
  });
});

describe.each(Object.entries(NOT_ONE_OBJECT))('one object Okta answers with %s', (_label, reply) => {
  it('a user looked up by mapping or login is neither found nor "not found"', async () => {
    const { org, connector, userId } = setup();
    org.replyNextMatching('GET', `/api/v1/users/${userId}`, reply);
    await expectUnexpected(connector.resolveIdentity(ctx(), { accountId: 'a', mappedExternalId: userId }), 'Looking up the Okta user');
    org.replyNextMatching('GET', '/api/v1/users/ada', reply);
    await expectUnexpected(connector.resolveIdentity(ctx(), { accountId: 'a', email: 'ada@example.com' }), 'Looking up the Okta user');
  });

  it('a group bound by id is neither bound nor refused as unmanageable', async () => {
    const { org, connector, group } = setup();
    org.replyNextMatching('GET', `/api/v1/groups/${group.id}`, reply);
    await expectUnexpected(connector.bindGroup(ctx(), { groupId: group.id }), 'Reading the Okta group');
  });

  it('a created group whose answer is lost is never bound under a made-up id; the retry binds the real one', async () => {
    const { org, connector } = setup({ groupSearchLag: 1 });
    org.replyNextMatching('POST', '/api/v1/groups', reply, { forward: true });
    await expectUnexpected(connector.bindGroup(ctx(), { name: 'ai-claude-users', createIfMissing: true }), 'Creating the Okta group');
    const created = org.groupNamed('ai-claude-users');
    // The group exists in Okta but its name search lags: Okta refuses a second one, and a later retry binds it.
    await expect(connector.bindGroup(ctx(), { name: 'ai-claude-users', createIfMissing: true })).rejects.toMatchObject({ code: 'group_not_yet_searchable' });
    expect(await connector.bindGroup(ctx(), { name: 'ai-claude-users', createIfMissing: true })).toEqual({ group: { id: created?.id, name: 'ai-claude-users' }, outcome: 'bound' });
    expect(org.groupCount()).toBe(2);
  });
});

describe('membership changes: Okta answers 204 No Content, and nothing else is success', () => {
  it.each([
    ['200 with a body a proxy substituted', json('{"status":"ok"}')],
    ['200 with an HTML page', { status: 200, text: HTML, headers: { 'content-type': 'text/html' } }],
    ['200 with an empty body', json('')],
    ['201 Created', json('{}', 201)],
    ['202 Accepted', { status: 202, text: '' }],
  ] as const)('an add answered %s is unexpected_response, and the retry finds the truth', async (_label, reply) => {
    const { org, connector, group, identity, userId } = setup();
    org.replyNextMatching('PUT', `/api/v1/groups/${group.id}/users/${userId}`, reply, { forward: true });
    const error = await expectUnexpected(connector.add(ctx(), group, identity), 'Adding the user to the Okta group');
    // The request id of the answer, for the admin to quote to Okta support (or to find a proxy in the way).
    expect(error.requestId).toMatch(/^req-/);
    expect(org.isMember(group.id, userId)).toBe(true);
    expect(await connector.add(ctx(), group, identity)).toEqual({ outcome: 'already_satisfied' });
  });

  it.each([
    ['200 with a body a proxy substituted', json('{"deleted":true}')],
    ['200 with an empty body', json('')],
  ] as const)('a remove answered %s, without reaching Okta, is unexpected_response, and the retry removes', async (_label, reply) => {
    const { org, connector, group, identity, userId } = setup();
    org.addMember(group.id, userId);
    org.replyNextMatching('DELETE', `/api/v1/groups/${group.id}/users/${userId}`, reply);
    await expectUnexpected(connector.remove(ctx(), group, identity), 'Removing the user from the Okta group');
    expect(org.isMember(group.id, userId)).toBe(true);
    expect(await connector.remove(ctx(), group, identity)).toEqual({ outcome: 'applied' });
    expect(org.isMember(group.id, userId)).toBe(false);
  });
});

describe("the token endpoint's success answer (private key sign-in)", () => {
  it.each([
    ['an empty object', json('{}')],
    ['a token answer without access_token', json('{"token_type":"Bearer","expires_in":3600}')],
    ['an HTML page', { status: 200, text: HTML, headers: { 'content-type': 'text/html' } }],
  ] as const)('%s is unexpected_response, not a token the SDK caches', async (_label, reply) => {
    const { org, connector, group, identity } = setup({ mode: 'private_key', requireDpop: false });
    org.replyNextMatching('POST', '/oauth2/v1/token', reply);
    await expectUnexpected(connector.check(ctx(), group, identity), "Listing the Okta user's groups");
    expect(org.requests.filter((request) => request.startsWith('GET'))).toEqual([]);
    expect(await connector.check(ctx(), group, identity)).toEqual({ outcome: 'not_member', via: 'direct' });
  });
});

describe('what the SDK (8.1.0) makes of such answers on its own: why the envelope is checked before it parses', () => {
  const require = createRequire(import.meta.url);
  const { ObjectSerializer } = require('@okta/okta-sdk-nodejs/src/generated/models/ObjectSerializer.js') as {
    ObjectSerializer: { parse(text: string, mediaType: string | undefined): unknown; deserialize(data: unknown, type: string, format: string): unknown };
  };
  const asGroups = (text: string, mediaType: string | undefined) => ObjectSerializer.deserialize(ObjectSerializer.parse(text, mediaType), 'Array<Group>', '') as Array<{ id?: string }>;

  it('turns a text/html page into one empty group per character, and an empty text body into an empty list', () => {
    const groups = asGroups('<html>', 'text/html');
    expect(groups).toHaveLength(6);
    expect(groups.every((group) => group.id === undefined)).toBe(true);
    expect(asGroups('', 'text/plain')).toEqual([]);
    expect(asGroups('""', 'application/json')).toEqual([]);
  });

  it('throws a plain error (not an Okta one) for JSON cut short, an object where a list belongs, and a missing Content-Type', () => {
    expect(() => asGroups('[{"id":', 'application/json')).toThrow(SyntaxError);
    expect(() => asGroups('{}', 'application/json')).toThrow(TypeError);
    expect(() => asGroups('[]', undefined)).toThrow('No Content-Type defined');
  });

  it('makes an empty model of an object without the fields, and passes null through', () => {
    expect(ObjectSerializer.deserialize({}, 'Group', '')).toMatchObject({ id: undefined, profile: undefined });
    expect(asGroups('[null]', 'application/json')).toEqual([null]);
  });
});

describe('jsonAnswerProblem and readOktaAnswer', () => {
  it('accept what Okta sends: one object, or a list of objects, as application/json with a charset', () => {
    expect(jsonAnswerProblem('application/json;charset=UTF-8', USER, false)).toBeUndefined();
    expect(jsonAnswerProblem('application/json', `[${GROUP}]`, true)).toBeUndefined();
    expect(jsonAnswerProblem('application/json', '[]', true)).toBeUndefined();
  });

  it('name the problem without quoting the body', () => {
    expect(jsonAnswerProblem('text/html; charset=utf-8', HTML, true)).toBe('a body that is not JSON, Content-Type text/html');
    expect(jsonAnswerProblem('application/json', '{}', true)).toBe('an object where Okta answers a list');
    expect(jsonAnswerProblem('application/json', '[]', false)).toBe('a list where Okta answers one object');
  });

  it('read the fields a user must have, and name the missing ones only', () => {
    expect(readOktaAnswer(oktaUserSchema, JSON.parse(USER), 'an Okta user')).toMatchObject({ id: '00uabcdefghijklmnop', profile: { login: 'ada@example.com' } });
    const thrown = (() => {
      try {
        readOktaAnswer(oktaUserSchema, { id: '00usecretlookingvalue', profile: {} }, 'an Okta user');
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(thrown).toBeInstanceOf(UnexpectedOktaAnswer);
    expect((thrown as UnexpectedOktaAnswer).what).toBe('an Okta user with a missing or invalid status, profile.login');
    expect((thrown as Error).message).not.toContain('00usecretlookingvalue');
  });
});
