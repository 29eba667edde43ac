/**
 * Every row of the error mapping, proved through the real SDK over nock with the answers Okta
 * documents: the HTTP status, `errorCode` and `errorSummary` of its error-code reference
 * (https://developer.okta.com/docs/reference/error-codes/), the OAuth errors of its token endpoint
 * (same page, OAuth 2.0 section), and the rate-limit headers of
 * https://developer.okta.com/docs/reference/rl-best-practices/ (`X-Rate-Limit-Reset` in UTC epoch
 * seconds; on a concurrent-limit 429, `X-Rate-Limit-Limit` and `-Remaining` are 0). The texts live
 * in test-support/okta-responses.ts, copied from the data those pages are built from.
 */
import { createOperationContext, type ConnectorError, type Connector } from '@clearway/connector-sdk';
import { connectorFailure } from '@clearway/connector-sdk/testing';
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { classifyOktaError, OKTA_ERROR_TABLE } from './okta-errors.js';
import { oktaGroupProvider } from './provider.js';
import { OAUTH_DOCUMENTED_ERRORS, oauthError, OKTA_DOCUMENTED_ERRORS, oktaError, OKTA_SUMMARIES, rateLimitHeaders } from './test-support/okta-responses.js';
import { API_TOKEN, connectOptions, createFakeOrg, ORG_URL, type OrgOptions } from './test-support/okta-fixture.js';

const ctx = () => createOperationContext({ timeoutMs: 10_000 });

/** A fake org with one user (a member of one group), and a connector to it. */
function setup(options: OrgOptions = {}, settings: Record<string, unknown> = {}) {
  const org = createFakeOrg(options);
  const user = org.addUser({ login: 'ada@example.com' });
  const group = org.addGroup('ai-chatgpt-users');
  org.addMember(group.id, user.id);
  const connector = oktaGroupProvider.connect(connectOptions(options.mode, settings));
  return { org, connector, group, identity: { id: user.id }, outsider: { id: org.addUser({ login: 'bob@example.com' }).id } };
}

function expectClean(error: ConnectorError): void {
  expect(JSON.stringify(error.toJSON())).not.toContain(API_TOKEN);
  expect(error.message).not.toMatch(/SSWS|Bearer|DPoP ey/);
}

/** Okta's API error codes of the table (the rest are the token endpoint's OAuth errors). */
const API_CODES = Object.keys(OKTA_ERROR_TABLE).filter((code): code is keyof typeof OKTA_DOCUMENTED_ERRORS => code in OKTA_DOCUMENTED_ERRORS);
const OAUTH_CODES = Object.keys(OKTA_ERROR_TABLE).filter((code): code is keyof typeof OAUTH_DOCUMENTED_ERRORS => code in OAUTH_DOCUMENTED_ERRORS);

describe('OKTA_ERROR_TABLE, row by row, as Okta documents each answer', () => {
  it('has a documented answer for every row, so no row is tested against a made-up one', () => {
    expect([...API_CODES, ...OAUTH_CODES].sort()).toEqual(Object.keys(OKTA_ERROR_TABLE).sort());
  });

  it.each(API_CODES)('%s with its documented status, summary and rate-limit headers', async (code) => {
    const { org, connector, group, identity } = setup();
    const documented = OKTA_DOCUMENTED_ERRORS[code];
    const row = OKTA_ERROR_TABLE[code];
    const summary = documented.summary.replace('{0}', 'Resource not found: 00gdocumentedexample1 (UserGroup)');
    // Every Okta answer carries the rate-limit headers; a 429 has none remaining and resets in 30 s.
    org.fail(documented.status, oktaError(code, summary), rateLimitHeaders(Date.now(), 30, documented.status === 429 ? 0 : 599));
    const error = await connectorFailure(connector.check(ctx(), group, identity));
    expect(error).toMatchObject({ kind: row?.kind, code: row?.code, status: documented.status, providerCode: code, retryable: row?.kind === 'rate_limited' || row?.kind === 'transient' });
    expect(error.message).toContain(`Listing the Okta user's groups failed (HTTP ${documented.status})`);
    expect(error.message).toContain(row?.advice);
    expect(error.message).toContain(`Okta said: "${summary}" (${code}, error id oae`);
    expect(error.requestId).toMatch(/^req-/);
    if (row?.kind === 'rate_limited') expect(error.retryAfterMs).toBe(30_000);
    expectClean(error);
  });

  /**
   * How to make the SDK surface each OAuth error: it fetches a new token once after a 401, and
   * answers a first DPoP nonce challenge itself, so those two are answered twice.
   */
  const OAUTH_TIMES: Partial<Record<keyof typeof OAUTH_DOCUMENTED_ERRORS, number>> = { invalid_client: 2, use_dpop_nonce: 2 };

  it.each(OAUTH_CODES)('token endpoint %s with its documented status and description', async (code) => {
    const { org, connector, group, identity } = setup({ mode: 'private_key', requireDpop: code === 'use_dpop_nonce' });
    const documented = OAUTH_DOCUMENTED_ERRORS[code];
    const row = OKTA_ERROR_TABLE[code];
    const description = documented.description.replace('{0}', 'authorization_code');
    const headers: Record<string, string> = code === 'use_dpop_nonce' ? { 'dpop-nonce': 'documented-nonce' } : {};
    for (let time = 0; time < (OAUTH_TIMES[code] ?? 1); time += 1) {
      org.failNextMatching('POST', '/oauth2/v1/token', documented.status, oauthError(code, description), headers);
    }
    const error = await connectorFailure(connector.check(ctx(), group, identity));
    expect(error).toMatchObject({ kind: row?.kind, code: row?.code, status: documented.status, providerCode: code, retryable: false });
    expect(error.message).toContain(row?.advice);
    expect(error.message).toContain(description);
    // Refused at the token endpoint: no API call was made with a token Okta never issued.
    expect(org.requests.filter((request) => request.startsWith('GET'))).toEqual([]);
    expectClean(error);
  });
});

describe('Okta error mapping (one row per documented answer)', () => {
  it('429 E0000047 → rate_limited, waiting until X-Rate-Limit-Reset measured against the response Date, not our clock', async () => {
    const { org, connector, group, identity } = setup();
    // Okta's clock (Date header) is an hour behind ours: the wait must still be reset − Date = 42 s.
    const oktaNow = Date.now() - 3_600_000;
    org.fail(429, oktaError('E0000047', OKTA_SUMMARIES.E0000047), rateLimitHeaders(oktaNow, 42, 0));
    const error = await connectorFailure(connector.check(ctx(), group, identity));
    expect(error).toMatchObject({ kind: 'rate_limited', retryable: true, status: 429, providerCode: 'E0000047', code: 'okta_rate_limited' });
    expect(error.retryAfterMs).toBe(42_000);
    expect(error.requestId).toMatch(/^req-/);
    expect(error.message).toContain("Listing the Okta user's groups failed (HTTP 429)");
    // The SDK did not sleep and retry on its own: one request, one failure.
    expect(org.requests).toHaveLength(1);
    expectClean(error);
  });

  it('429 E0000047 from the concurrent limit (X-Rate-Limit-Limit and -Remaining both 0) → rate_limited until the estimated reset', async () => {
    const { org, connector, group, identity } = setup();
    org.concurrentRateLimitNext(4_000);
    const error = await connectorFailure(connector.add(ctx(), group, identity));
    expect(error).toMatchObject({ kind: 'rate_limited', status: 429, providerCode: 'E0000047', retryAfterMs: 4_000 });
    expect(org.requests).toHaveLength(1);
  });

  it.each([
    [500, 'E0000009', OKTA_SUMMARIES.E0000009, 'okta_server_error'],
    [503, 'E0000010', OKTA_SUMMARIES.E0000010, 'okta_read_only'],
  ])('%i %s → transient', async (status, code, summary, expectedCode) => {
    const { org, connector, group, identity } = setup();
    org.fail(status, oktaError(code, summary));
    const error = await connectorFailure(connector.add(ctx(), group, identity));
    expect(error).toMatchObject({ kind: 'transient', retryable: true, status, providerCode: code, code: expectedCode });
  });

  it.each([502, 504])('%i with a non-JSON body (a proxy page) → transient, without echoing the body', async (status) => {
    const { org, connector, group, identity } = setup();
    org.fail(status, '<html><body>Bad gateway: upstream secret-looking-page</body></html>', { 'content-type': 'text/html' });
    const error = await connectorFailure(connector.add(ctx(), group, identity));
    expect(error).toMatchObject({ kind: 'transient', status });
    expect(error.message).not.toContain('upstream');
  });

  it('a reset connection → transient (network)', async () => {
    const { org, connector, group, identity } = setup();
    org.resetNext();
    expect(await connectorFailure(connector.add(ctx(), group, identity))).toMatchObject({ kind: 'transient', code: 'network' });
  });

  it('a request slower than requestTimeoutMs → transient (timeout)', async () => {
    const { org, connector, group, identity } = setup({}, { requestTimeoutMs: 1_000 });
    org.close();
    nock(ORG_URL).get(/.*/).delay(1_500).reply(200, []);
    const error = await connectorFailure(connector.check(ctx(), group, identity));
    expect(error).toMatchObject({ kind: 'transient', code: 'timeout' });
  });

  it('401 E0000011 → auth (terminal)', async () => {
    const { org, connector, group, identity } = setup();
    org.fail(401, oktaError('E0000011', OKTA_SUMMARIES.E0000011));
    const error = await connectorFailure(connector.remove(ctx(), group, identity));
    expect(error).toMatchObject({ kind: 'auth', retryable: false, status: 401, providerCode: 'E0000011', code: 'okta_credential_refused' });
    expect(error.message).toContain('Create a new API token');
    expect(error.message).toContain('Invalid token provided');
    expectClean(error);
  });

  it('403 E0000006 → permission (terminal), naming the scopes and role to grant', async () => {
    const { org, connector, group, outsider } = setup();
    org.failNextMatching('PUT', `/api/v1/groups/${group.id}/users/`, 403, oktaError('E0000006', OKTA_SUMMARIES.E0000006));
    const error = await connectorFailure(connector.add(ctx(), group, outsider));
    expect(error).toMatchObject({ kind: 'permission', retryable: false, status: 403, providerCode: 'E0000006' });
    expect(error.message).toContain('Adding the user to the Okta group failed (HTTP 403)');
    expect(error.message).toContain('okta.groups.manage');
  });

  it('404 E0000007 → not_found (terminal), for example adding to a deleted group', async () => {
    const { connector, identity } = setup();
    const error = await connectorFailure(connector.add(ctx(), { id: '00gdeletedgroup000001' }, identity));
    expect(error).toMatchObject({ kind: 'not_found', retryable: false, status: 404, providerCode: 'E0000007' });
    expect(error.message).toContain('Not found: Resource not found: 00gdeletedgroup000001 (UserGroup)');
  });

  it('404 E0000007 on remove → already_satisfied (the user is not in the group any more)', async () => {
    const { org, connector, group, identity } = setup();
    // Listed as a member, then gone by the time the DELETE arrives.
    org.failNextMatching('DELETE', `/api/v1/groups/${group.id}/users/`, 404, oktaError('E0000007', OKTA_SUMMARIES.E0000007.replace('{0}', identity.id)));
    expect(await connector.remove(ctx(), group, identity)).toEqual({ outcome: 'already_satisfied' });
  });

  it('404 E0000008 (not an Okta API path) stays an error instead of meaning "no such user"', async () => {
    const { org, connector } = setup();
    org.fail(404, oktaError('E0000008', OKTA_SUMMARIES.E0000008));
    const error = await connectorFailure(connector.resolveIdentity(ctx(), { accountId: 'a', email: 'nobody@example.com' }));
    expect(error).toMatchObject({ kind: 'not_found', providerCode: 'E0000008', code: 'okta_path_not_found' });
    expect(error.message).toContain('org URL');
  });

  it('400 E0000001 → invalid_request (terminal), with the field Okta named', async () => {
    const { org, connector } = setup();
    org.failNextMatching('POST', '/api/v1/groups', 400, oktaError('E0000001', 'Api validation failed: profile', ['name: size must be between 1 and 255']));
    const error = await connectorFailure(connector.bindGroup(ctx(), { name: 'x'.repeat(300), createIfMissing: true }));
    expect(error).toMatchObject({ kind: 'invalid_request', retryable: false, status: 400, providerCode: 'E0000001', code: 'okta_validation_failed' });
    expect(error.message).toContain('name: size must be between 1 and 255');
  });

  it('an unknown Okta code falls back to the status table', async () => {
    const { org, connector, group, identity } = setup();
    org.fail(409, oktaError('E0000999', 'Something new'));
    expect(await connectorFailure(connector.check(ctx(), group, identity))).toMatchObject({ kind: 'invalid_request', status: 409, providerCode: 'E0000999' });
  });
});

describe('token endpoint errors (private key sign-in)', () => {
  const privateKey = (options: OrgOptions = {}) => setup({ mode: 'private_key', requireDpop: false, ...options });

  async function firstCallError(connector: Connector, group: { id: string }, identity: { id: string }) {
    return connectorFailure(connector.check(ctx(), group, identity));
  }

  it('401 invalid_client → auth, not a cached "Bearer undefined"', async () => {
    const { org, connector, group, identity } = privateKey();
    org.failNextMatching('POST', '/oauth2/v1/token', 401, oauthError('invalid_client', 'The client_assertion signature is invalid.'));
    org.failNextMatching('POST', '/oauth2/v1/token', 401, oauthError('invalid_client', 'The client_assertion signature is invalid.'));
    const error = await firstCallError(connector, group, identity);
    expect(error).toMatchObject({ kind: 'auth', status: 401, providerCode: 'invalid_client', code: 'okta_client_refused' });
    expect(error.message).toContain('The client_assertion signature is invalid.');
    expect(org.requests.filter((request) => request.startsWith('GET'))).toEqual([]);
  });

  it('400 invalid_scope → permission, naming the scopes to grant', async () => {
    const { connector, group, identity } = privateKey({ grantedScopes: ['okta.users.read'] });
    const error = await firstCallError(connector, group, identity);
    expect(error).toMatchObject({ kind: 'permission', status: 400, providerCode: 'invalid_scope' });
    expect(error.message).toContain('grant okta.groups.manage and okta.users.read');
  });

  it('429 E0000047 from the token endpoint → rate_limited with the wait (not auth)', async () => {
    const { org, connector, group, identity } = privateKey();
    org.failNextMatching('POST', '/oauth2/v1/token', 429, oktaError('E0000047', OKTA_SUMMARIES.E0000047), rateLimitHeaders(Date.now(), 9, 0));
    const error = await firstCallError(connector, group, identity);
    expect(error).toMatchObject({ kind: 'rate_limited', status: 429, retryAfterMs: 9_000 });
  });

  it('503 with a large HTML page from the token endpoint → transient, promptly', async () => {
    const { org, connector, group, identity } = privateKey();
    org.failNextMatching('POST', '/oauth2/v1/token', 503, `<html>${'maintenance '.repeat(20_000)}</html>`, { 'content-type': 'text/html' });
    expect(await firstCallError(connector, group, identity)).toMatchObject({ kind: 'transient', status: 503 });
  });

  it('a DPoP nonce challenge repeated after it was answered → auth, instead of the SDK asking forever', async () => {
    const { org, connector, group, identity } = privateKey({ requireDpop: true });
    const challenge = () =>
      org.failNextMatching('POST', '/oauth2/v1/token', 400, oauthError('use_dpop_nonce', 'Authorization server requires nonce in DPoP proof.'), {
        'dpop-nonce': 'nonce-that-never-works',
      });
    challenge();
    challenge();
    const error = await firstCallError(connector, group, identity);
    expect(error).toMatchObject({ kind: 'auth', providerCode: 'use_dpop_nonce', code: 'okta_dpop_nonce_refused' });
    expect(org.auth.tokenRequests).toBe(0);
  });
});

describe('classifyOktaError', () => {
  it('passes connector errors through and classifies anything else as transient without its message', () => {
    const known = classifyOktaError(new Error('x'), 'Doing', 0);
    expect(classifyOktaError(known, 'Other', 0)).toBe(known);
    expect(known).toMatchObject({ kind: 'transient', code: 'unexpected_error' });
    expect(classifyOktaError({ status: 200 }, 'Doing', 0)).toMatchObject({ kind: 'transient', code: 'unexpected_error' });
  });

  it('knows a kind for every code in its table', () => {
    for (const [code, row] of Object.entries(OKTA_ERROR_TABLE)) {
      expect(classifyOktaError({ status: 400, errorCode: code }, 'Doing', 0).kind, code).toBe(row.kind);
    }
  });
});
