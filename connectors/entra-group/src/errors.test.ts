/**
 * Every row of the error-mapping table, driven through the real Graph client and Azure Identity
 * credentials against nocked responses shaped like the vendors' documented ones.
 */
import { AuthenticationError } from '@azure/identity';
import { connectorFailure } from '@clearway/connector-sdk/testing';
import nock from 'nock';
import { beforeEach, describe, expect, it } from 'vitest';
import { ENTRA_ERROR_TABLE, classifySignInError } from './errors.js';
import { createEntraGroupProvider } from './provider.js';
import { FakeEntraAuthority } from './test-support/fake-authority.js';
import { FakeGraphTenant, graphErrorBody } from './test-support/fake-tenant.js';
import { CLIENT_ID, CLIENT_SECRET, TENANT_ID, baseSettings, connectWithFakeCredential, context, seedDirectory, type Directory } from './test-support/harness.js';
import { createSelfSignedCertificate } from './test-support/self-signed-certificate.js';

describe('Microsoft Graph responses', () => {
  let directory: Directory;
  beforeEach(() => {
    directory = seedDirectory(new FakeGraphTenant());
    directory.tenant.install();
  });
  const connector = () => connectWithFakeCredential(directory.tenant);
  const group = () => ({ id: directory.group.id });
  const ada = () => ({ id: directory.ada.id });

  it('400 "added object references already exist" on add → already_satisfied', async () => {
    directory.group.members.add(directory.ada.id);
    expect(await connector().add(context(), group(), ada())).toEqual({ outcome: 'already_satisfied' });
  });

  it('400 "removed object references do not exist" on remove → already_satisfied', async () => {
    directory.tenant.failNext({
      status: 400,
      code: 'Request_BadRequest',
      message: "One or more removed object references do not exist for the following modified properties: 'members'.",
    });
    expect(await connector().remove(context(), group(), ada())).toEqual({ outcome: 'already_satisfied' });
  });

  it('400 "added object references do not exist" (replication delay after a create) → transient, then the retry applies', async () => {
    directory.tenant.failNext({
      status: 400,
      code: 'Request_BadRequest',
      message: "One or more added object references do not exist for the following modified properties: 'members'.",
    });
    const error = await connectorFailure(connector().add(context(), group(), ada()));
    expect(error).toMatchObject({ kind: 'transient', code: 'replication_delay', retryable: true, status: 400, providerCode: 'Request_BadRequest' });
    expect(await connector().add(context(), group(), ada())).toEqual({ outcome: 'applied' });
  });

  it('400 "Cannot Update a mail-enabled security groups and or distribution list." → unsupported', async () => {
    const list = directory.tenant.addGroup({ displayName: 'All staff', mailEnabled: true, securityEnabled: false });
    const error = await connectorFailure(connector().add(context(), { id: list.id }, ada()));
    expect(error).toMatchObject({ kind: 'unsupported', code: 'mail_enabled_group', retryable: false });
  });

  it('429 with Retry-After in seconds → rate_limited with that wait, at once (the client does not sleep)', async () => {
    directory.tenant.rateLimitNext(120_000);
    const started = Date.now();
    const error = await connectorFailure(connector().add(context(), group(), ada()));
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(error).toMatchObject({ kind: 'rate_limited', code: 'throttled', retryAfterMs: 120_000, status: 429, providerCode: 'TooManyRequests' });
    expect(directory.tenant.requests).toHaveLength(1);
  });

  it('429 with Retry-After as an HTTP date → measured against the response Date header', async () => {
    const date = new Date('2030-01-01T00:00:00Z');
    directory.tenant.failNext({
      status: 429,
      code: 'TooManyRequests',
      message: 'Please retry again later.',
      headers: { date: date.toUTCString(), 'retry-after': new Date(date.getTime() + 45_000).toUTCString() },
    });
    expect(await connectorFailure(connector().check(context(), group(), ada()))).toMatchObject({ kind: 'rate_limited', retryAfterMs: 45_000 });
  });

  it.each([
    [503, 'serviceNotAvailable', 'The service is temporarily unavailable. Please try again later.'],
    [504, 'UnknownError', 'The gateway did not receive a timely response.'],
  ])('%i with Retry-After → transient with the wait, not retried by the client', async (status, code, message) => {
    directory.tenant.failNext({ status, code, message, headers: { 'retry-after': '30' } });
    const error = await connectorFailure(connector().remove(context(), group(), ada()));
    expect(error).toMatchObject({ kind: 'transient', code: 'graph_unavailable', retryable: true, retryAfterMs: 30_000, status });
    expect(directory.tenant.requests).toHaveLength(1);
  });

  it('401 InvalidAuthenticationToken → auth', async () => {
    directory.tenant.unauthorizedNext();
    expect(await connectorFailure(connector().check(context(), group(), ada()))).toMatchObject({
      kind: 'auth',
      code: 'token_rejected',
      retryable: false,
      providerCode: 'InvalidAuthenticationToken',
    });
  });

  it('403 Authorization_RequestDenied → permission, naming the permissions to grant', async () => {
    directory.tenant.forbiddenNext();
    const error = await connectorFailure(connector().add(context(), group(), ada()));
    expect(error).toMatchObject({ kind: 'permission', code: 'permission_denied', providerCode: 'Authorization_RequestDenied' });
    expect(error.message).toContain('GroupMember.ReadWrite.All');
  });

  it('403 with another code → permission', async () => {
    directory.tenant.failNext({ status: 403, code: 'Forbidden', message: 'Forbidden' });
    expect(await connectorFailure(connector().add(context(), group(), ada()))).toMatchObject({ kind: 'permission', code: 'forbidden' });
  });

  it('404 Request_ResourceNotFound → not_found (a group that no longer exists, on check)', async () => {
    const error = await connectorFailure(connector().check(context(), { id: '00000000-0000-4000-8000-000000000000' }, ada()));
    expect(error).toMatchObject({ kind: 'not_found', code: 'not_found', status: 404, providerCode: 'Request_ResourceNotFound' });
  });

  it('other 400 → invalid_request, with the Graph code and request id but not the upstream message', async () => {
    directory.tenant.failNext({ status: 400, code: 'Request_BadRequest', message: "Invalid object identifier 'secret-looking-detail'." });
    const error = await connectorFailure(connector().add(context(), group(), ada()));
    expect(error).toMatchObject({ kind: 'invalid_request', code: 'bad_request', providerCode: 'Request_BadRequest' });
    expect(error.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(error.message).not.toContain('secret-looking-detail');
  });

  it('a status the table does not name falls back to the SDK status table (500 → transient)', async () => {
    directory.tenant.failNext({ status: 500, code: 'generalException', message: 'An unspecified error has occurred.' });
    expect(await connectorFailure(connector().add(context(), group(), ada()))).toMatchObject({ kind: 'transient', status: 500 });
  });

  it('takes the request id from the error body when the header is missing', async () => {
    nock.cleanAll();
    nock('https://graph.microsoft.com')
      .post(/members/)
      .reply(404, graphErrorBody('Request_ResourceNotFound', "Resource 'x' does not exist.", 'body-request-id-1'), { 'content-type': 'application/json' });
    expect(await connectorFailure(connector().add(context(), group(), ada()))).toMatchObject({ kind: 'not_found', requestId: 'body-request-id-1' });
  });

  it('a connection reset → transient network error', async () => {
    directory.tenant.resetNext();
    expect(await connectorFailure(connector().add(context(), group(), ada()))).toMatchObject({ kind: 'transient', code: 'network' });
  });

  it('has a test above for every Graph row of the table', () => {
    const graphCodes = ENTRA_ERROR_TABLE.filter((row) => row.source === 'graph').map((row) => row.code);
    expect(graphCodes).toEqual([
      'already_member',
      'not_a_member',
      'replication_delay',
      'mail_enabled_group',
      'throttled',
      'graph_unavailable',
      'token_rejected',
      'permission_denied',
      'forbidden',
      'not_found',
      'bad_request',
    ]);
  });
});

describe('Microsoft Entra sign-in responses (real ClientSecretCredential / ClientCertificateCredential)', () => {
  let directory: Directory;
  let authority: FakeEntraAuthority;
  const provider = createEntraGroupProvider();
  beforeEach(() => {
    directory = seedDirectory(new FakeGraphTenant());
    directory.tenant.install();
    authority = new FakeEntraAuthority(TENANT_ID, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, directory.tenant);
    authority.install();
  });
  const addAda = (config: Record<string, unknown> = {}, secrets: Record<string, string> = { clientSecret: CLIENT_SECRET }) =>
    connectorFailure(provider.connect({ config: { ...baseSettings, ...config }, secrets }).add(context(), { id: directory.group.id }, { id: directory.ada.id }));

  it('AADSTS7000215 (wrong secret) → auth, and neither the secret nor the upstream text is in the error', async () => {
    const error = await addAda({}, { clientSecret: 'not-the-registered-secret-value' });
    expect(error).toMatchObject({ kind: 'auth', code: 'client_secret_invalid', providerCode: 'AADSTS7000215', status: 401 });
    expect(JSON.stringify(error.toJSON()) + error.message).not.toMatch(/not-the-registered-secret-value|Trace ID/);
    expect(directory.tenant.requests).toHaveLength(0);
  });

  it.each([
    [7000222, 401, 'invalid_client', 'auth', 'client_secret_expired'],
    [700016, 400, 'unauthorized_client', 'auth', 'application_not_found'],
    [90002, 400, 'invalid_request', 'auth', 'tenant_not_found'],
    [7000112, 401, 'unauthorized_client', 'auth', 'application_disabled'],
    [50034, 400, 'invalid_request', 'auth', 'credentials_refused'],
    [50196, 429, 'temporarily_unavailable', 'rate_limited', 'sign_in_throttled'],
  ])('AADSTS%i (HTTP %i %s) → %s / %s', async (aadsts, status, code, kind, expected) => {
    authority.refuseNext({ status, error: code, aadsts, description: 'Refused by the fake sign-in endpoint.' });
    expect(await addAda()).toMatchObject({ kind, code: expected, providerCode: `AADSTS${aadsts}` });
  });

  it('a 5xx from the sign-in endpoint → transient (MSAL reports it as a network error)', async () => {
    nock.cleanAll();
    directory.tenant.install();
    nock('https://login.microsoftonline.com').post(`/${TENANT_ID}/oauth2/v2.0/token`).query(true).reply(503, 'Service Unavailable');
    nock('https://login.microsoftonline.com').get(/openid-configuration|discovery/).query(true).optionally().times(2).reply(404);
    expect(await addAda()).toMatchObject({ kind: 'transient', retryable: true });
  });

  it('a reset connection to the sign-in endpoint → transient', async () => {
    nock.cleanAll();
    directory.tenant.install();
    nock('https://login.microsoftonline.com').post(`/${TENANT_ID}/oauth2/v2.0/token`).query(true).replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    expect(await addAda()).toMatchObject({ kind: 'transient', retryable: true });
  });

  it('AADSTS700027 (expired certificate) → auth, saying when it expired', async () => {
    const expired = createSelfSignedCertificate({ notBefore: new Date('2021-01-01T00:00:00Z'), notAfter: new Date('2022-01-01T00:00:00Z') });
    nock.cleanAll();
    directory.tenant.install();
    new FakeEntraAuthority(TENANT_ID, { clientId: CLIENT_ID, certificatePem: expired.certificatePem }, directory.tenant).install();
    const error = await addAda({ authMode: 'client_certificate' }, { certificatePem: expired.pem });
    expect(error).toMatchObject({ kind: 'auth', code: 'certificate_rejected', providerCode: 'AADSTS700027' });
    expect(error.message).toContain('expired on 2022-01-01');
  });

  it("Azure Identity's own AuthenticationError shape (statusCode + errorResponse) is classified the same way", () => {
    const error = new AuthenticationError(401, { error: 'invalid_client', error_description: 'AADSTS7000222: The provided client secret keys are expired.', error_codes: [7000222] });
    expect(classifySignInError(error)).toMatchObject({ kind: 'auth', code: 'client_secret_expired', providerCode: 'AADSTS7000222' });
    const outage = new AuthenticationError(503, { error: 'temporarily_unavailable', error_description: 'AADSTS90033: A transient error has occurred.' });
    expect(classifySignInError(outage)).toMatchObject({ kind: 'transient', code: 'sign_in_unavailable', providerCode: 'AADSTS90033' });
  });

  it('has a test above for every sign-in row of the table', () => {
    const signInCodes = ENTRA_ERROR_TABLE.filter((row) => row.source === 'sign-in').map((row) => row.code);
    expect(signInCodes).toEqual([
      'client_secret_invalid',
      'client_secret_expired',
      'certificate_rejected',
      'application_not_found',
      'tenant_not_found',
      'application_disabled',
      'sign_in_throttled',
      'sign_in_unavailable',
      'credentials_refused',
    ]);
  });
});
