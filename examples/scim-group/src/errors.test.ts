/**
 * Every row of the error table, driven through a connector against the fake SCIM service (real
 * fetch, nock underneath), with the error bodies RFC 7644 §3.12 defines.
 */
import { connectorFailure } from '@clearway/connector-sdk/testing';
import nock from 'nock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SCIM_ERROR_RULES, classifyScimError } from './errors.js';
import { scimGroupProvider } from './provider.js';
import { BEARER_TOKEN, connectTo, context, seedDirectory, type Directory } from './test-support/harness.js';

let directory: Directory;
const connector = (settings: Record<string, unknown> = {}) => connectTo(directory.service, settings);
const group = () => ({ id: directory.group.id });
const ada = () => ({ id: directory.ada.id });
const PATCH_GROUP = /^\/Groups\/[^/]+$/;

beforeEach(() => {
  directory = seedDirectory();
  directory.service.install();
});

describe('SCIM error answers', () => {
  it('3xx → invalid_config redirected, and the redirect is not followed', async () => {
    directory.service.failNext({ status: 302, headers: { location: 'https://elsewhere.example/scim/v2/Groups' }, rawBody: '' });
    expect(await connectorFailure(connector().check(context(), group(), ada()))).toMatchObject({ kind: 'invalid_config', code: 'redirected', status: 302 });
    expect(directory.service.requests).toHaveLength(1);
  });

  it('400 noTarget on remove → already_satisfied (the member left between look and change)', async () => {
    // Without ETags nothing guards the window, so the service itself answers noTarget.
    nock.cleanAll();
    directory = seedDirectory({ etags: false });
    directory.service.install();
    directory.group.members.add(directory.ada.id);
    directory.service.beforeNext('PATCH', PATCH_GROUP, () => directory.group.members.delete(directory.ada.id));
    expect(await connector().remove(context(), group(), ada())).toEqual({ outcome: 'already_satisfied' });
    expect(directory.service.requestsTo('PATCH', PATCH_GROUP)).toHaveLength(1);
  });

  it('400 noTarget elsewhere stays an error', async () => {
    directory.service.failNext({ status: 400, scimType: 'noTarget' });
    expect(await connectorFailure(connector().check(context(), group(), ada()))).toMatchObject({ kind: 'invalid_request', code: 'no_target', providerCode: 'noTarget' });
  });

  it('409 uniqueness on add → already_satisfied; on create → the existing group is bound', async () => {
    directory.service.failNextMatching('PATCH', PATCH_GROUP, { status: 409, scimType: 'uniqueness', detail: 'Member already exists.' });
    expect(await connector().add(context(), group(), ada())).toEqual({ outcome: 'already_satisfied' });
    directory.service.beforeNext('POST', /^\/Groups$/, () => directory.service.addGroup('AI - Claude users'));
    const binding = await connector().bindGroup(context(), { name: 'AI - Claude users', createIfMissing: true });
    expect(binding.outcome).toBe('bound');
  });

  it('400 uniqueness is treated like 409 uniqueness (services differ)', async () => {
    directory.service.failNextMatching('PATCH', PATCH_GROUP, { status: 400, scimType: 'uniqueness' });
    expect(await connector().add(context(), group(), ada())).toEqual({ outcome: 'already_satisfied' });
  });

  it('400 invalidFilter → invalid_request invalid_filter (binding by name on a service without filters)', async () => {
    directory.service.failNext({ status: 400, scimType: 'invalidFilter' });
    const error = await connectorFailure(connector().bindGroup(context(), { name: 'AI - ChatGPT Enterprise users' }));
    expect(error).toMatchObject({ kind: 'invalid_request', code: 'invalid_filter', retryable: false });
    expect(error.message).toContain('bind the group by id');
  });

  it('400 mutability → unsupported read_only', async () => {
    directory.service.failNextMatching('PATCH', PATCH_GROUP, { status: 400, scimType: 'mutability', detail: 'members is readOnly' });
    expect(await connectorFailure(connector().add(context(), group(), ada()))).toMatchObject({ kind: 'unsupported', code: 'read_only' });
  });

  it('400 invalidPath → invalid_request invalid_path, naming the removal setting (RFC removal on a value-list service)', async () => {
    nock.cleanAll();
    directory = seedDirectory({ removeForms: ['value_list'] });
    directory.service.install();
    directory.group.members.add(directory.ada.id);
    const error = await connectorFailure(connector().remove(context(), group(), ada()));
    expect(error).toMatchObject({ kind: 'invalid_request', code: 'invalid_path', providerCode: 'invalidPath' });
    expect(error.message).toContain('value_list');
  });

  it.each([
    ['invalidValue', 'invalid_value'],
    ['invalidSyntax', 'invalid_syntax'],
    ['tooMany', 'too_many'],
    ['invalidVers', 'invalid_version'],
    ['sensitive', 'sensitive'],
  ])('400 %s → invalid_request %s', async (scimType, code) => {
    directory.service.failNext({ status: 400, scimType, detail: `detail for ${scimType}` });
    expect(await connectorFailure(connector().check(context(), group(), ada()))).toMatchObject({ kind: 'invalid_request', code, providerCode: scimType, status: 400 });
  });

  it('401 → auth credentials_refused', async () => {
    directory.service.unauthorizedNext();
    expect(await connectorFailure(connector().add(context(), group(), ada()))).toMatchObject({ kind: 'auth', code: 'credentials_refused', retryable: false });
  });

  it('a wrong token → auth (the service itself refuses it)', async () => {
    const wrong = scimGroupProvider.connect({ config: { baseUrl: directory.service.baseUrl }, secrets: { bearerToken: 'not-the-token-0123456789' } });
    expect(await connectorFailure(wrong.check(context(), group(), ada()))).toMatchObject({ kind: 'auth', code: 'credentials_refused' });
  });

  it('403 → permission forbidden', async () => {
    directory.service.forbiddenNext();
    expect(await connectorFailure(connector().remove(context(), group(), ada()))).toMatchObject({ kind: 'permission', code: 'forbidden' });
  });

  it('404 → not_found (a PATCH the service answers 404, e.g. the group deleted after the look)', async () => {
    directory.service.failNextMatching('PATCH', PATCH_GROUP, { status: 404, detail: `Resource ${directory.group.id} not found.` });
    expect(await connectorFailure(connector().add(context(), group(), ada()))).toMatchObject({ kind: 'not_found', code: 'not_found', status: 404 });
  });

  it('410 → not_found as well', async () => {
    directory.service.failNextMatching('PATCH', PATCH_GROUP, { status: 410, detail: 'Gone.' });
    expect(await connectorFailure(connector().add(context(), group(), ada()))).toMatchObject({ kind: 'not_found', code: 'not_found', status: 410 });
  });

  it('404 or 410 on reading the configured group → not_found group_not_found, saying to rebind', async () => {
    const deleted = await connectorFailure(connector().check(context(), { id: 'deleted-group' }, ada()));
    expect(deleted).toMatchObject({ kind: 'not_found', code: 'group_not_found', status: 404 });
    expect(deleted.message).toContain('Rebind the tool');
    directory.service.failNext({ status: 410, detail: 'Gone.' });
    expect(await connectorFailure(connector().check(context(), group(), ada()))).toMatchObject({ kind: 'not_found', code: 'group_not_found', status: 410 });
  });

  it('409 without scimType → invalid_request conflict', async () => {
    directory.service.failNextMatching('PATCH', PATCH_GROUP, { status: 409 });
    expect(await connectorFailure(connector().add(context(), group(), ada()))).toMatchObject({ kind: 'invalid_request', code: 'conflict' });
  });

  it('412 (the group changed between look and change) → transient version_conflict; the retry applies', async () => {
    directory.service.beforeNext('PATCH', PATCH_GROUP, () => directory.service.touch(directory.group.id));
    expect(await connectorFailure(connector().add(context(), group(), ada()))).toMatchObject({ kind: 'transient', code: 'version_conflict', retryable: true, status: 412 });
    expect(directory.service.isMember(directory.group.id, directory.ada.id)).toBe(false);
    expect(await connector().add(context(), group(), ada())).toEqual({ outcome: 'applied' });
  });

  it('413 → invalid_request payload_too_large', async () => {
    directory.service.failNextMatching('PATCH', PATCH_GROUP, { status: 413 });
    expect(await connectorFailure(connector().add(context(), group(), ada()))).toMatchObject({ kind: 'invalid_request', code: 'payload_too_large' });
  });

  it('429 with Retry-After seconds → rate_limited with that wait, at once (no sleeping, no retry)', async () => {
    directory.service.rateLimitNext(120_000);
    const started = Date.now();
    expect(await connectorFailure(connector().add(context(), group(), ada()))).toMatchObject({ kind: 'rate_limited', code: 'throttled', retryAfterMs: 120_000, status: 429 });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(directory.service.requests).toHaveLength(1);
  });

  it('429 with Retry-After as an HTTP date → measured against the response Date header', async () => {
    const date = new Date('2030-01-01T00:00:00Z');
    directory.service.failNext({ status: 429, headers: { date: date.toUTCString(), 'retry-after': new Date(date.getTime() + 45_000).toUTCString() } });
    expect(await connectorFailure(connector().check(context(), group(), ada()))).toMatchObject({ kind: 'rate_limited', retryAfterMs: 45_000 });
  });

  it('501 → unsupported not_implemented', async () => {
    directory.service.failNextMatching('PATCH', PATCH_GROUP, { status: 501 });
    expect(await connectorFailure(connector().add(context(), group(), ada()))).toMatchObject({ kind: 'unsupported', code: 'not_implemented' });
  });

  it.each([500, 502, 503, 504])('%i → transient service_unavailable (503 keeps its Retry-After)', async (status) => {
    directory.service.failNext({ status, headers: status === 503 ? { 'retry-after': '30' } : {} });
    const error = await connectorFailure(connector().remove(context(), group(), ada()));
    expect(error).toMatchObject({ kind: 'transient', code: 'service_unavailable', retryable: true, status });
    expect(error.retryAfterMs).toBe(status === 503 ? 30_000 : undefined);
  });

  it('a non-SCIM error body (an HTML page from a proxy) is classified by its status alone', async () => {
    directory.service.failNext({ status: 502, rawBody: '<html><body>Bad gateway at proxy-7</body></html>' });
    const error = await connectorFailure(connector().check(context(), group(), ada()));
    expect(error).toMatchObject({ kind: 'transient', code: 'service_unavailable' });
    expect(error.message).not.toContain('proxy-7');
  });

  it('never shows the service detail text, and keeps a request id header', async () => {
    directory.service.failNext({ status: 400, scimType: 'invalidValue', detail: `value ${BEARER_TOKEN} of ada@example.com rejected`, headers: { 'x-request-id': 'req-77' } });
    const error = await connectorFailure(connector().check(context(), group(), ada()));
    expect(error.message).not.toContain('ada@example.com');
    expect(JSON.stringify(error.toJSON())).not.toContain(BEARER_TOKEN);
    expect(error.requestId).toBe('req-77');
  });

  it('reads status as a string (RFC) or a number (common), and scimType from either', () => {
    expect(classifyScimError({ status: 400, body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '400', scimType: 'noTarget' } }, 'Removing')).toMatchObject({ code: 'no_target' });
    expect(classifyScimError({ status: 400, body: { status: 400, scimType: 'noTarget' } }, 'Removing')).toMatchObject({ code: 'no_target' });
    expect(classifyScimError({ status: 400, body: 'plain text' }, 'Removing')).toMatchObject({ code: 'invalid_request' });
  });

  it('has a test above for every row of the table', () => {
    expect(SCIM_ERROR_RULES.map((rule) => rule.code)).toEqual([
      'redirected',
      'no_target',
      'uniqueness',
      'invalid_filter',
      'read_only',
      'invalid_path',
      'invalid_value',
      'invalid_syntax',
      'too_many',
      'invalid_version',
      'sensitive',
      'credentials_refused',
      'forbidden',
      'not_found',
      'conflict',
      'version_conflict',
      'payload_too_large',
      'throttled',
      'not_implemented',
      'service_unavailable',
    ]);
  });
});
