/**
 * How the Graph client is put together: where the bearer token goes (and where it never goes), no
 * retries or redirects inside the client, timeouts and aborts, no token or secret in anything the
 * connector emits, and no answer believed before it is checked against what Graph documents:
 * reads answer 200 with the resource (https://learn.microsoft.com/en-us/graph/api/user-get,
 * https://learn.microsoft.com/en-us/graph/api/group-get, https://learn.microsoft.com/en-us/graph/api/group-list),
 * a create 201 (https://learn.microsoft.com/en-us/graph/api/group-post-groups), membership writes
 * `204 No Content` (https://learn.microsoft.com/en-us/graph/api/group-post-members,
 * https://learn.microsoft.com/en-us/graph/api/group-delete-members,
 * https://learn.microsoft.com/en-us/graph/api/group-update), errors Graph's error body
 * (https://learn.microsoft.com/en-us/graph/errors).
 */
import type { Connector, Logger } from '@clearway/connector-sdk';
import { connectorFailure } from '@clearway/connector-sdk/testing';
import nock from 'nock';
import { beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { GraphGateway } from './graph-client.js';
import { FakeGraphTenant } from './test-support/fake-tenant.js';
import { CLIENT_SECRET, connectedDirectory, connectWithFakeCredential, context, fakeCredential, seedDirectory, type Directory } from './test-support/harness.js';

describe('the bearer token', () => {
  it('goes to the configured Graph host, with the .default scope of that host', async () => {
    const directory = seedDirectory();
    directory.tenant.install();
    const credential = fakeCredential(directory.tenant);
    const scopes: unknown[] = [];
    const connector = connectWithFakeCredential(directory.tenant, {}, {
      getToken: async (scope, options) => (scopes.push(scope), credential.getToken(scope, options)),
    });
    directory.group.members.add(directory.ada.id);
    await connector.check(context(), { id: directory.group.id }, { id: directory.ada.id });
    expect(directory.tenant.requests[0]?.headers.authorization).toBe(`Bearer ${credential.token}`);
    expect(scopes).toEqual([['https://graph.microsoft.com/.default']]);
  });

  it('goes to a non-default https host (national cloud or simulator) because that host is a custom host', async () => {
    const tenant = new FakeGraphTenant('https://127.0.0.1:8443');
    const { group, ada } = seedDirectory(tenant);
    tenant.install();
    const connector = connectWithFakeCredential(tenant, { graphBaseUrl: 'https://127.0.0.1:8443' });
    expect(await connector.check(context(), { id: group.id }, { id: ada.id })).toEqual({ outcome: 'not_member', via: 'direct' });
    expect(tenant.requests[0]?.headers.authorization).toMatch(/^Bearer /);
  });

  it('never goes to a host that is neither a Graph host nor the configured one', async () => {
    const tenant = new FakeGraphTenant();
    const credential = fakeCredential(tenant);
    const gateway = new GraphGateway({ baseUrl: 'https://graph.microsoft.com', credential, scope: 'https://graph.microsoft.com/.default', requestTimeoutMs: 5_000 });
    let seen: Record<string, unknown> = {};
    nock('https://elsewhere.example')
      .get('/v1.0/users')
      .query(true)
      .reply(function () {
        seen = { ...this.req.headers };
        return [200, { value: [] }];
      });
    // An absolute URL (as an @odata.nextLink could be) to another host.
    await gateway.get(context(), { action: 'Listing users', path: 'https://elsewhere.example/v1.0/users' }, z.unknown());
    expect(seen.authorization).toBeUndefined();
    expect(credential.calls).toBe(0);
  });

  it('is neither requested nor sent over plain http, even to a loopback simulator allowed by the opt-in', async () => {
    const tenant = new FakeGraphTenant('http://127.0.0.1:8080');
    const { group, ada } = seedDirectory(tenant);
    tenant.install();
    const credential = fakeCredential(tenant);
    const connector = connectWithFakeCredential(tenant, { graphBaseUrl: 'http://127.0.0.1:8080', allowInsecureLoopback: true }, credential);
    // The fake tenant answers 401 without a token, which is what the simulator must not do on http.
    await expect(connector.check(context(), { id: group.id }, { id: ada.id })).rejects.toMatchObject({ kind: 'auth' });
    expect(tenant.requests[0]?.headers.authorization).toBeUndefined();
    expect(credential.calls).toBe(0);
  });
});

describe('the client', () => {
  let directory: Directory;
  let connector: Connector;
  beforeEach(() => {
    directory = seedDirectory();
    directory.tenant.install();
    connector = connectWithFakeCredential(directory.tenant, { requestTimeoutMs: 1_000 });
  });
  const group = () => ({ id: directory.group.id });
  const ada = () => ({ id: directory.ada.id });

  it('does not retry a 429, 503 or 504 itself: one request each, the wait goes to the engine', async () => {
    directory.tenant.rateLimitNext(3_000);
    await expect(connector.add(context(), group(), ada())).rejects.toMatchObject({ kind: 'rate_limited', retryAfterMs: 3_000 });
    directory.tenant.unavailableNext();
    await expect(connector.add(context(), group(), ada())).rejects.toMatchObject({ kind: 'transient' });
    directory.tenant.failNext({ status: 504, code: 'UnknownError', message: 'Gateway timeout.' });
    await expect(connector.add(context(), group(), ada())).rejects.toMatchObject({ kind: 'transient' });
    expect(directory.tenant.requests).toHaveLength(3);
  });

  it('gives up on a request after the request timeout (transient timeout)', async () => {
    directory.tenant.delayNext(3_000);
    const started = Date.now();
    await expect(connector.check(context(), group(), ada())).rejects.toMatchObject({ kind: 'transient', code: 'timeout' });
    expect(Date.now() - started).toBeLessThan(2_500);
  });

  it("stops a request in flight when the operation's signal aborts", async () => {
    directory.tenant.delayNext(3_000);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    await expect(connector.check(context({ signal: controller.signal }), group(), ada())).rejects.toMatchObject({ kind: 'transient' });
  });

  it('stops waiting for a token when the operation times out', async () => {
    const hanging = connectWithFakeCredential(directory.tenant, {}, { getToken: () => new Promise(() => {}) });
    const started = Date.now();
    await expect(hanging.check(context({ timeoutMs: 300 }), group(), ada())).rejects.toMatchObject({ kind: 'transient', code: 'timeout' });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('does not follow a redirect (so the token cannot be carried elsewhere)', async () => {
    nock.cleanAll();
    nock('https://graph.microsoft.com').get(/members/).query(true).reply(302, '', { location: 'https://elsewhere.example/steal' });
    await expect(connector.check(context(), group(), ada())).rejects.toMatchObject({ kind: 'invalid_request', status: 302 });
  });

  it('sends no query text unencoded: a filter value cannot add parameters', async () => {
    await connector.resolveIdentity(context(), { accountId: 'a', email: "o'brien&$top=999#x@contoso.com" });
    const search = directory.tenant.requests.find((request) => request.query.has('$filter'));
    expect(search?.query.get('$filter')).toBe("mail eq 'o''brien&$top=999#x@contoso.com'");
    expect(search?.query.get('$top')).toBe('2');
  });
});

describe('nothing the connector emits holds the bearer token or the client secret', () => {
  it('across failures of every kind, in errors and log lines', async () => {
    const directory = seedDirectory();
    directory.tenant.install();
    const credential = fakeCredential(directory.tenant);
    const lines: string[] = [];
    const record = (message: string, fields?: unknown) => lines.push(`${message} ${JSON.stringify(fields)}`);
    const logger: Logger = { debug: record, info: record, warn: record, error: record };
    const connector = connectWithFakeCredential(directory.tenant, {}, credential);
    const group = { id: directory.group.id };
    const ada = { id: directory.ada.id };
    const emitted: string[] = [];
    const faults = [
      () => directory.tenant.unauthorizedNext(),
      () => directory.tenant.forbiddenNext(),
      () => directory.tenant.rateLimitNext(5_000),
      () => directory.tenant.unavailableNext(),
      () => directory.tenant.resetNext(),
      () => directory.tenant.failNext({ status: 400, code: 'Request_BadRequest', message: `token ${credential.token}` }),
    ];
    for (const fault of faults) {
      fault();
      try {
        await connector.add(context({ logger }), group, ada);
      } catch (error) {
        emitted.push(String(error), JSON.stringify(error), (error as Error).stack ?? '');
      }
    }
    emitted.push(JSON.stringify(await connector.test(context({ logger }), { group })));
    const everything = [...emitted, ...lines].join('\n');
    expect(everything).toContain('Adding the user to the group');
    expect(everything).not.toContain(credential.token);
    expect(everything).not.toContain(credential.token.split('.')[1]);
    expect(everything).not.toContain(CLIENT_SECRET);
  });
});

describe('answers that are not in the shape Graph documents are unexpected_response, never a fact', () => {
  let directory: Directory;
  let connector: Connector;
  beforeEach(() => ({ directory, connector } = connectedDirectory()));
  const group = () => ({ id: directory.group.id });
  const ada = () => ({ id: directory.ada.id });
  const json = (status: number, body: unknown) => ({ status, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  const junk = [
    ['200 {}', json(200, {})],
    ['200 []', json(200, [])],
    ['200 {"value":[{}]}', json(200, { value: [{}] })],
    ['200 HTML', { status: 200, body: '<html><body>Sign in to continue</body></html>', headers: { 'content-type': 'text/html' } }],
    ['200 truncated JSON', { status: 200, body: '{"value":[{"id":"3f6b', headers: { 'content-type': 'application/json' } }],
    ['200 with a blank id', json(200, { id: ' ', value: [{ id: '' }] })],
  ] as const;

  const reads: ReadonlyArray<[string, () => Promise<unknown>, number]> = [
    ['resolveIdentity (user by UPN)', () => connector.resolveIdentity(context(), { accountId: 'a', email: 'ada@contoso.com' }), 0],
    ['resolveIdentity (users by mail)', () => connector.resolveIdentity(context(), { accountId: 'b', email: 'bob@contoso.com' }), 1],
    ['bindGroup by id', () => connector.bindGroup(context(), { groupId: directory.group.id }), 0],
    ['bindGroup by name', () => connector.bindGroup(context(), { name: 'AI - ChatGPT Enterprise users' }), 0],
    ['bindGroup creating the group', () => connector.bindGroup(context(), { name: 'AI - Claude users', createIfMissing: true }), 1],
    ['check (direct)', () => connector.check(context(), group(), ada()), 0],
    ['check (transitive)', () => connectWithFakeCredential(directory.tenant, { membershipCheck: 'transitive' }).check(context(), group(), ada()), 0],
  ];

  describe.each(reads)('%s', (_operation, run, answeredNormally) => {
    it.each(junk)('%s', async (_what, answer) => {
      for (let request = 0; request < answeredNormally; request += 1) directory.tenant.delayNext(0);
      directory.tenant.answerNext(answer);
      expect(await connectorFailure(run())).toMatchObject({ kind: 'transient', code: 'unexpected_response', retryable: true });
    });
  });

  it('a read by key that answers with another object is not believed (check, user lookup, group read)', async () => {
    directory.tenant.answerNext(json(200, { id: directory.bob.id }));
    expect(await connectorFailure(connector.check(context(), group(), ada()))).toMatchObject({ code: 'unexpected_response' });
    directory.tenant.answerNext(json(200, { id: directory.bob.id, accountEnabled: true }));
    expect(await connectorFailure(connector.resolveIdentity(context(), { accountId: 'a', mappedExternalId: directory.ada.id }))).toMatchObject({ code: 'unexpected_response' });
    directory.tenant.answerNext(json(200, { id: directory.ada.id, securityEnabled: true }));
    expect(await connectorFailure(connector.bindGroup(context(), { groupId: directory.group.id }))).toMatchObject({ code: 'unexpected_response' });
    directory.tenant.answerNext(json(200, { value: ['00000000-0000-4000-8000-000000000009'] }));
    const transitive = connectWithFakeCredential(directory.tenant, { membershipCheck: 'transitive' });
    expect(await connectorFailure(transitive.check(context(), group(), ada()))).toMatchObject({ code: 'unexpected_response' });
  });

  const writes: ReadonlyArray<[string, () => Promise<unknown>]> = [
    ['add (POST members/$ref)', () => connector.add(context(), group(), ada())],
    ['remove (DELETE members/{id}/$ref)', () => connector.remove(context(), group(), ada())],
    ['addBatch (PATCH members@odata.bind)', () => connector.addBatch(context(), group(), [ada(), { id: directory.bob.id }])],
  ];
  const notNoContent = [
    ['200 {}', json(200, {})],
    ['200 with an empty body', { status: 200, body: '' }],
    ['201 with the object', json(201, { id: '00000000-0000-4000-8000-000000000009' })],
    ['200 HTML', { status: 200, body: '<html></html>', headers: { 'content-type': 'text/html' } }],
  ] as const;

  describe.each(writes)('%s, documented to answer 204 No Content', (_operation, run) => {
    it.each(notNoContent)('%s', async (_what, answer) => {
      directory.tenant.answerNext(answer);
      expect(await connectorFailure(run())).toMatchObject({ kind: 'transient', code: 'unexpected_response' });
    });
  });

  it.each([
    ['404 HTML from a proxy', { status: 404, body: '<html>Not Found</html>', headers: { 'content-type': 'text/html' } }],
    ['404 {}', json(404, {})],
    ['400 without a body', { status: 400, body: '' }],
    ['403 HTML', { status: 403, body: '<html>Forbidden</html>', headers: { 'content-type': 'text/html' } }],
  ])('an error status without Graph\'s error body (%s) is unexpected_response: not "not a member", "not found" or "refused"', async (_what, answer) => {
    directory.tenant.answerNext(answer);
    expect(await connectorFailure(connector.remove(context(), group(), ada()))).toMatchObject({ code: 'unexpected_response', retryable: true });
    directory.tenant.answerNext(answer);
    expect(await connectorFailure(connector.check(context(), group(), ada()))).toMatchObject({ code: 'unexpected_response' });
    directory.tenant.answerNext(answer);
    expect(await connectorFailure(connector.resolveIdentity(context(), { accountId: 'a', email: 'ada@contoso.com' }))).toMatchObject({ code: 'unexpected_response' });
    expect(directory.group.members.has(directory.ada.id)).toBe(false);
  });
});
