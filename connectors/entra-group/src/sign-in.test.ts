/**
 * Sign-in faults that are not a refusal stay retryable: an outage, a throttle or junk at instance
 * discovery, OpenID discovery or the token endpoint, through the real `ClientSecretCredential` and
 * MSAL under it against nocked endpoints. Only a documented refusal — an answer in the OAuth error
 * shape, `{ error, error_description, error_codes }` — is terminal:
 * https://learn.microsoft.com/en-us/entra/identity-platform/reference-error-codes#handling-error-codes-in-your-application
 * https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-client-creds-grant-flow#error-response
 *
 * MSAL asks OpenID discovery only for an authority whose metadata it does not carry (a loopback
 * simulator, as here), and instance discovery (on the public cloud) only for an unknown, non-loopback one.
 */
import { AuthenticationError } from '@azure/identity';
import type { Connector } from '@clearway/connector-sdk';
import { connectorFailure } from '@clearway/connector-sdk/testing';
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { entraGroupProvider } from './provider.js';
import { classifySignInFailure } from './sign-in.js';
import { FakeEntraAuthority, type RawAnswer, type SignInEndpoint } from './test-support/fake-authority.js';
import { FakeGraphTenant } from './test-support/fake-tenant.js';
import { CLIENT_ID, CLIENT_SECRET, TENANT_ID, baseSettings, context, seedDirectory } from './test-support/harness.js';

const SIMULATOR = { graphBaseUrl: 'https://127.0.0.1:8443', authorityHost: 'https://127.0.0.1:8444' };
const UNKNOWN_CLOUD = { graphBaseUrl: 'https://graph.microsoft.com', authorityHost: 'https://login.sovereign-cloud.example' };

function signIn(settings: { graphBaseUrl: string; authorityHost: string }) {
  const tenant = new FakeGraphTenant(settings.graphBaseUrl);
  const directory = seedDirectory(tenant);
  tenant.install();
  const authority = new FakeEntraAuthority(TENANT_ID, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, tenant, settings.authorityHost);
  authority.install();
  const connector: Connector = entraGroupProvider.connect({ config: { ...baseSettings, ...settings }, secrets: { clientSecret: CLIENT_SECRET } });
  const addAda = () => connector.add(context(), { id: directory.group.id }, { id: directory.ada.id });
  return { tenant, authority, connector, addAda };
}

const html = (status: number): RawAnswer => ({ status, body: '<html><body>Service Unavailable</body></html>', headers: { 'content-type': 'text/html' } });
const junk: ReadonlyArray<[string, RawAnswer]> = [
  ['200 HTML', html(200)],
  ['200 {}', { status: 200, body: {} }],
  ['200 []', { status: 200, body: [] }],
  ['200 truncated JSON', { status: 200, body: '{"token_endpoint": "https://127.0.0', headers: { 'content-type': 'application/json' } }],
];
const outages: ReadonlyArray<[string, RawAnswer, string]> = [
  ['503 text', { status: 503, body: 'Service Unavailable', headers: { 'content-type': 'text/plain' } }, 'sign_in_unavailable'],
  ['500 {"error":"server_error"} without AADSTS', { status: 500, body: { error: 'server_error' } }, 'sign_in_unavailable'],
  ['502 HTML', html(502), 'sign_in_unavailable'],
  ['429 without a body, Retry-After 9', { status: 429, body: '', headers: { 'retry-after': '9' } }, 'sign_in_throttled'],
];

describe('OpenID discovery (a loopback authority: MSAL fetches its metadata)', () => {
  it.each(outages)('%s → retryable, nothing sent to Graph', async (_what, answer, code) => {
    const { authority, tenant, addAda } = signIn(SIMULATOR);
    authority.answerNext('OpenID configuration', answer);
    const error = await connectorFailure(addAda());
    expect(error).toMatchObject({ code, retryable: true, status: answer.status });
    expect(tenant.requests).toHaveLength(0);
  });

  it('429 with Retry-After → rate_limited with that wait', async () => {
    const { authority, addAda } = signIn(SIMULATOR);
    authority.answerNext('OpenID configuration', { status: 429, body: '', headers: { 'retry-after': '42' } });
    expect(await connectorFailure(addAda())).toMatchObject({ kind: 'rate_limited', code: 'sign_in_throttled', retryAfterMs: 42_000 });
  });

  it.each(junk)('%s → transient unexpected_response, not credentials', async (_what, answer) => {
    const { authority, addAda } = signIn(SIMULATOR);
    authority.answerNext('OpenID configuration', answer);
    expect(await connectorFailure(addAda())).toMatchObject({ kind: 'transient', code: 'unexpected_response' });
  });

  it('400 AADSTS90002 (unknown tenant, the documented refusal) → auth tenant_not_found', async () => {
    const { authority, addAda } = signIn(SIMULATOR);
    authority.answerNext('OpenID configuration', {
      status: 400,
      body: { error: 'invalid_tenant', error_description: "AADSTS90002: Tenant 'x' not found.", error_codes: [90002] },
    });
    expect(await connectorFailure(addAda())).toMatchObject({ kind: 'auth', code: 'tenant_not_found', providerCode: 'AADSTS90002' });
  });

  it('the retry after an outage signs in and applies', async () => {
    const { authority, addAda } = signIn(SIMULATOR);
    authority.answerNext('OpenID configuration', { status: 503, body: '' });
    await connectorFailure(addAda());
    expect(await addAda()).toEqual({ outcome: 'applied' });
  });
});

describe('instance discovery (an authority MSAL does not know asks the public cloud)', () => {
  it('200 {} → transient unexpected_response', async () => {
    const { authority, addAda } = signIn(UNKNOWN_CLOUD);
    authority.answerNext('instance discovery', { status: 200, body: {} });
    expect(await connectorFailure(addAda())).toMatchObject({ kind: 'transient', code: 'unexpected_response' });
    expect(authority.received['instance discovery']).toBe(1);
  });

  it('400 AADSTS50049 invalid_instance (the documented refusal) → auth', async () => {
    const { authority, addAda } = signIn(UNKNOWN_CLOUD);
    authority.answerNext('instance discovery', {
      status: 400,
      body: { error: 'invalid_instance', error_description: 'AADSTS50049: Unknown or invalid instance.', error_codes: [50049] },
    });
    expect(await connectorFailure(addAda())).toMatchObject({ kind: 'auth', code: 'credentials_refused', providerCode: 'AADSTS50049' });
  });

  it('a 503 there is tolerated by MSAL: the sign-in goes on and the add applies', async () => {
    const { authority, addAda } = signIn(UNKNOWN_CLOUD);
    authority.answerNext('instance discovery', { status: 503, body: '' });
    expect(await addAda()).toEqual({ outcome: 'applied' });
  });
});

describe('the token endpoint', () => {
  it.each(outages)('%s → retryable', async (_what, answer, code) => {
    const { authority, addAda } = signIn(UNKNOWN_CLOUD);
    authority.answerNext('token endpoint', answer);
    expect(await connectorFailure(addAda())).toMatchObject({ code, retryable: true, status: answer.status });
  });

  it.each([...junk, ['400 HTML', html(400)] as [string, RawAnswer]])('%s → transient unexpected_response', async (_what, answer) => {
    const { authority, addAda } = signIn(UNKNOWN_CLOUD);
    authority.answerNext('token endpoint', answer);
    expect(await connectorFailure(addAda())).toMatchObject({ kind: 'transient', code: 'unexpected_response' });
  });

  it('a 200 with an empty access_token → unexpected_response', async () => {
    const { authority, addAda } = signIn(UNKNOWN_CLOUD);
    authority.answerNext('token endpoint', { status: 200, body: { token_type: 'Bearer', expires_in: 3599, access_token: '' } });
    expect(await connectorFailure(addAda())).toMatchObject({ kind: 'transient', code: 'unexpected_response' });
  });

  it('a 5xx without Retry-After is transient, and the next attempt asks the endpoint again (MSAL\'s own minute of refusals is not kept)', async () => {
    const { authority, addAda } = signIn(UNKNOWN_CLOUD);
    authority.answerNext('token endpoint', { status: 503, body: '' });
    const error = await connectorFailure(addAda());
    expect(error).toMatchObject({ kind: 'transient', code: 'sign_in_unavailable' });
    expect(error.retryAfterMs).toBeUndefined();
    expect((await addAda()).outcome).toBe('applied');
    expect(authority.received['token endpoint']).toBe(2);
  });

  it('a throttled sign-in reports the wait the endpoint asked for; the engine decides when to ask again, and then it does ask', async () => {
    const { authority, addAda } = signIn(UNKNOWN_CLOUD);
    authority.answerNext('token endpoint', { status: 429, body: '', headers: { 'retry-after': '3600' } });
    expect(await connectorFailure(addAda())).toMatchObject({ kind: 'rate_limited', code: 'sign_in_throttled', retryAfterMs: 3_600_000 });
    // MSAL would replay that 429 for an hour without a request; a retry sent earlier (the engine caps long waits) reaches the endpoint.
    expect((await addAda()).outcome).toBe('applied');
    expect(authority.received['token endpoint']).toBe(2);
  });

  it('a reset connection → transient', async () => {
    const { authority, addAda } = signIn(UNKNOWN_CLOUD);
    nock.cleanAll();
    authority.tenant.install();
    nock('https://login.microsoftonline.com').get('/common/discovery/instance').query(true).reply(200, {
      tenant_discovery_endpoint: `${UNKNOWN_CLOUD.authorityHost}/${TENANT_ID}/v2.0/.well-known/openid-configuration`,
      metadata: [],
    });
    nock(UNKNOWN_CLOUD.authorityHost)
      .get(`/${TENANT_ID}/v2.0/.well-known/openid-configuration`)
      .reply(200, {
        token_endpoint: `${UNKNOWN_CLOUD.authorityHost}/${TENANT_ID}/oauth2/v2.0/token`,
        authorization_endpoint: `${UNKNOWN_CLOUD.authorityHost}/${TENANT_ID}/oauth2/v2.0/authorize`,
        issuer: `${UNKNOWN_CLOUD.authorityHost}/${TENANT_ID}/v2.0`,
        jwks_uri: `${UNKNOWN_CLOUD.authorityHost}/${TENANT_ID}/discovery/v2.0/keys`,
      })
      .post(`/${TENANT_ID}/oauth2/v2.0/token`)
      .query(true)
      .replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    expect(await connectorFailure(addAda())).toMatchObject({ kind: 'transient', retryable: true });
  });
});

describe('under the fault run’s mix (5xx and 429, with and without bodies, on every sign-in endpoint)', () => {
  const endpoints: readonly SignInEndpoint[] = ['OpenID configuration', 'token endpoint'];
  const faults: readonly RawAnswer[] = [...outages.map(([, answer]) => answer), { status: 504, body: { error: 'server_error', error_codes: [90033] } }];
  it('no sign-in fault ends terminal, and "Test connection" says it will be retried', async () => {
    for (const endpoint of endpoints) {
      for (const fault of faults) {
        nock.cleanAll();
        const { authority, addAda, connector } = signIn(SIMULATOR);
        authority.answerNext(endpoint, fault);
        const error = await connectorFailure(addAda());
        expect(error.retryable, `${endpoint} ${fault.status}: ${error.code}`).toBe(true);
        authority.answerNext(endpoint, fault);
        // A fresh connector, so MSAL's cache does not answer for the endpoint.
        const fresh = entraGroupProvider.connect({ config: { ...baseSettings, ...SIMULATOR }, secrets: { clientSecret: CLIENT_SECRET } });
        const result = await fresh.test(context(), {});
        expect(result.checks[0]).toMatchObject({ name: 'Credentials accepted', passed: false, message: expect.stringMatching(/retried/) });
        expect(connector).toBeDefined();
      }
    }
  });
});

describe('a credential that carries the answer in its error (no recorded answers: another TokenCredential)', () => {
  it("reads Azure Identity's AuthenticationError (status + OAuth error body) the same way", () => {
    const expired = new AuthenticationError(401, { error: 'invalid_client', error_description: 'AADSTS7000222: The provided client secret keys are expired.', error_codes: [7000222] });
    expect(classifySignInFailure(expired)).toMatchObject({ kind: 'auth', code: 'client_secret_expired', providerCode: 'AADSTS7000222' });
    const outage = new AuthenticationError(503, { error: 'temporarily_unavailable', error_description: 'AADSTS90033: A transient error has occurred.', error_codes: [90033] });
    expect(classifySignInFailure(outage)).toMatchObject({ kind: 'transient', code: 'sign_in_unavailable', providerCode: 'AADSTS90033' });
  });

  it('an error code Azure Identity invents for an unreadable body is not a refusal', () => {
    const unreadable = Object.assign(new Error('client_error: A client error occured.'), { name: 'ServerError', errorCode: 'client_error', status: 400 });
    expect(classifySignInFailure(unreadable)).toMatchObject({ kind: 'transient', code: 'unexpected_response' });
  });

  it('anything else that says nothing is transient, never "credentials unusable"', () => {
    expect(classifySignInFailure(new Error('endpoints_resolution_error'))).toMatchObject({ kind: 'transient', code: 'sign_in_failed' });
  });
});

describe('a hostile authority or Graph that echoes the client secret', () => {
  const bytes = Buffer.from(CLIENT_SECRET);
  /** Every 8-character run of the secret in each form the SDK knows: none may survive into the error. */
  const fragments = [CLIENT_SECRET, encodeURIComponent(CLIENT_SECRET), bytes.toString('base64'), bytes.toString('base64url'), bytes.toString('hex')].flatMap((form) =>
    Array.from({ length: form.length - 7 }, (_, start) => form.slice(start, start + 8)),
  );
  const expectNoFragment = (text: string) => {
    expect(fragments.filter((fragment) => text.includes(fragment))).toEqual([]);
  };

  it('a refusal at the token endpoint whose description, trace id and correlation header carry parts of the secret', async () => {
    const { authority, addAda } = signIn(SIMULATOR);
    // The OAuth error shape of https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-client-creds-grant-flow#error-response
    authority.answerNext('token endpoint', {
      status: 401,
      body: {
        error: 'invalid_client',
        error_description: `AADSTS7000215: Invalid client secret provided: ${CLIENT_SECRET.slice(0, 10)}… (b64 ${bytes.toString('base64').slice(2, 22)}, hex ${bytes.toString('hex').slice(4, 36)}, whole ${CLIENT_SECRET})`,
        error_codes: [7000215],
        trace_id: `${CLIENT_SECRET.slice(5, 17)}`,
        correlation_id: bytes.toString('base64url'),
      },
      headers: { 'x-ms-request-id': CLIENT_SECRET.slice(0, 16), 'client-request-id': encodeURIComponent(CLIENT_SECRET) },
    });
    const error = await connectorFailure(addAda());
    expect(error).toMatchObject({ kind: 'auth', providerCode: 'AADSTS7000215' });
    expectNoFragment(JSON.stringify(error.toJSON()));
    expectNoFragment(`${error.message} ${error.requestId ?? ''} ${String(error.cause)}`);
  });

  it('a Graph error whose message and request-id header carry parts of the secret', async () => {
    const { tenant, addAda } = signIn(SIMULATOR);
    // Graph's error resource, https://learn.microsoft.com/en-us/graph/errors
    tenant.failNext({ status: 403, code: 'Authorization_RequestDenied', message: `Insufficient privileges for app secret ${CLIENT_SECRET.slice(3, 15)} (${bytes.toString('hex').slice(0, 24)})`, headers: { 'request-id': CLIENT_SECRET.slice(2, 20) } });
    const error = await connectorFailure(addAda());
    expect(error).toMatchObject({ kind: 'permission' });
    expect(error.requestId).toBeUndefined();
    expectNoFragment(JSON.stringify(error.toJSON()));
  });
});
