/**
 * Every row of the error-mapping table, driven through the real Graph client over HTTP (nock) and,
 * for sign-in rows, the real `ClientSecretCredential` with MSAL under it, against answers carrying
 * the status, code and message Microsoft documents:
 *
 * - Graph error shape and statuses: https://learn.microsoft.com/en-us/graph/errors
 * - throttling: https://learn.microsoft.com/en-us/graph/throttling
 * - Add members (204; 400 already a member; 404 object missing; the replication-delay note):
 *   https://learn.microsoft.com/en-us/graph/api/group-post-members
 * - Update group (`members@odata.bind`, the same replication-delay note):
 *   https://learn.microsoft.com/en-us/graph/api/group-update
 * - Remove member (204): https://learn.microsoft.com/en-us/graph/api/group-delete-members
 * - AADSTS codes and the OAuth `error` values: https://learn.microsoft.com/en-us/entra/identity-platform/reference-error-codes
 * - the token endpoint's error shape: https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-client-creds-grant-flow#error-response
 */
import { connectorFailure } from '@clearway/connector-sdk/testing';
import nock from 'nock';
import { beforeEach, describe, expect, it } from 'vitest';
import { ENTRA_ERROR_TABLE } from './errors.js';
import { createEntraGroupProvider } from './provider.js';
import { FakeEntraAuthority } from './test-support/fake-authority.js';
import { FakeGraphTenant, graphErrorBody } from './test-support/fake-tenant.js';
import { CLIENT_ID, CLIENT_SECRET, TENANT_ID, baseSettings, connectWithFakeCredential, context, seedDirectory, type Directory } from './test-support/harness.js';
import { createSelfSignedCertificate } from './test-support/self-signed-certificate.js';

/** Graph's replication-delay wording on Add members and Update group (a note on both pages). */
const REPLICATION_DELAY_DOCUMENTED = 'The source resource object or one of the objects being referenced do not exist.';
/** The older wording of the same answer, still sent for `members@odata.bind`. */
const REPLICATION_DELAY_OLDER = "One or more added object references do not exist for the following modified properties: 'members'.";

describe('Microsoft Graph answers', () => {
  let directory: Directory;
  beforeEach(() => {
    directory = seedDirectory(new FakeGraphTenant());
    directory.tenant.install();
  });
  const connector = () => connectWithFakeCredential(directory.tenant);
  const group = () => ({ id: directory.group.id });
  const ada = () => ({ id: directory.ada.id });
  const bob = () => ({ id: directory.bob.id });

  it('400 "added object references already exist" on add → already_satisfied (Add members: 400 when already a member)', async () => {
    directory.group.members.add(directory.ada.id);
    expect(await connector().add(context(), group(), ada())).toEqual({ outcome: 'already_satisfied' });
  });

  it('400 "removed object references do not exist" on remove → already_satisfied', async () => {
    // The wording Graph sends for a non-member on some tenants (not on the Remove member page).
    directory.tenant.failNext({
      status: 400,
      code: 'Request_BadRequest',
      message: "One or more removed object references do not exist for the following modified properties: 'members'.",
    });
    expect(await connector().remove(context(), group(), ada())).toEqual({ outcome: 'already_satisfied' });
  });

  describe('400 replication delay right after a group is created → transient, and the retry applies', () => {
    it.each([
      ['documented wording', REPLICATION_DELAY_DOCUMENTED],
      ['older wording', REPLICATION_DELAY_OLDER],
    ])('add, %s', async (_wording, message) => {
      directory.tenant.failNext({ status: 400, code: 'Request_BadRequest', message });
      const error = await connectorFailure(connector().add(context(), group(), ada()));
      expect(error).toMatchObject({ kind: 'transient', code: 'replication_delay', retryable: true, status: 400, providerCode: 'Request_BadRequest' });
      expect(await connector().add(context(), group(), ada())).toEqual({ outcome: 'applied' });
    });

    it.each([
      ['documented wording', REPLICATION_DELAY_DOCUMENTED],
      ['older wording', REPLICATION_DELAY_OLDER],
    ])('batch PATCH refused, then each single add too, %s: every user gets the retryable error', async (_wording, message) => {
      for (let request = 0; request < 3; request += 1) directory.tenant.failNext({ status: 400, code: 'Request_BadRequest', message });
      const results = await connector().addBatch(context(), group(), [ada(), bob()]);
      expect(results).toMatchObject([
        { outcome: 'failed', error: { kind: 'transient', code: 'replication_delay' } },
        { outcome: 'failed', error: { kind: 'transient', code: 'replication_delay' } },
      ]);
    });
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

  it('429 without a body → still rate_limited with the wait (the status and Retry-After are what Graph documents)', async () => {
    directory.tenant.answerNext({ status: 429, body: '', headers: { 'retry-after': '7' } });
    expect(await connectorFailure(connector().check(context(), group(), ada()))).toMatchObject({ kind: 'rate_limited', code: 'throttled', retryAfterMs: 7_000 });
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

  it.each([503, 504] as const)('%i with Retry-After ("repeat the request after a delay") → rate_limited graph_busy with the wait, not retried by the client', async (status) => {
    directory.tenant.busyNext(status, 30_000);
    const error = await connectorFailure(connector().remove(context(), group(), ada()));
    expect(error).toMatchObject({ kind: 'rate_limited', code: 'graph_busy', retryable: true, retryAfterMs: 30_000, status });
    expect(directory.tenant.requests).toHaveLength(1);
  });

  it.each([
    [503, 'serviceNotAvailable', 'The service is temporarily unavailable. Please try again later.'],
    [504, 'UnknownError', ''],
  ])('%i without Retry-After → transient graph_unavailable', async (status, code, message) => {
    directory.tenant.failNext({ status, code, message });
    expect(await connectorFailure(connector().remove(context(), group(), ada()))).toMatchObject({ kind: 'transient', code: 'graph_unavailable', status });
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

  it('403 with another documented code (accessDenied: "The caller doesn\'t have permission to perform the action.") → permission', async () => {
    directory.tenant.failNext({ status: 403, code: 'accessDenied', message: "The caller doesn't have permission to perform the action." });
    expect(await connectorFailure(connector().add(context(), group(), ada()))).toMatchObject({ kind: 'permission', code: 'forbidden' });
  });

  it('404 Request_ResourceNotFound → not_found (the user a mapping names was deleted, on add: "404 when the object being added doesn\'t exist")', async () => {
    const error = await connectorFailure(connector().add(context(), group(), { id: '00000000-0000-4000-8000-000000000000' }));
    expect(error).toMatchObject({ kind: 'not_found', code: 'not_found', status: 404, providerCode: 'Request_ResourceNotFound' });
  });

  it('other 400 → invalid_request, with the Graph code and request id but not the upstream message', async () => {
    directory.tenant.failNext({ status: 400, code: 'Request_BadRequest', message: "Invalid object identifier 'secret-looking-detail'." });
    const error = await connectorFailure(connector().add(context(), group(), ada()));
    expect(error).toMatchObject({ kind: 'invalid_request', code: 'bad_request', providerCode: 'Request_BadRequest' });
    expect(error.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(error.message).not.toContain('secret-looking-detail');
  });

  it('a status the table does not name falls back to the SDK status table (500 generalException → transient)', async () => {
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
      'graph_busy',
      'graph_unavailable',
      'token_rejected',
      'permission_denied',
      'forbidden',
      'not_found',
      'bad_request',
    ]);
  });
});

describe('Microsoft Entra sign-in answers (real ClientSecretCredential / ClientCertificateCredential, MSAL under them)', () => {
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

  it('429 (AADSTS50196 LoopDetected, OAuth temporarily_unavailable) → rate_limited sign_in_throttled, with the Retry-After wait', async () => {
    authority.refuseNext({ status: 429, error: 'temporarily_unavailable', aadsts: 50196, description: 'LoopDetected - A client loop has been detected.', headers: { 'retry-after': '20' } });
    expect(await addAda()).toMatchObject({ kind: 'rate_limited', code: 'sign_in_throttled', providerCode: 'AADSTS50196', retryAfterMs: 20_000 });
  });

  it('503 (AADSTS90033 MsodsServiceUnavailable) → transient sign_in_unavailable', async () => {
    authority.refuseNext({ status: 503, error: 'temporarily_unavailable', aadsts: 90033, description: "MsodsServiceUnavailable - The Microsoft Online Directory Service (MSODS) isn't available." });
    expect(await addAda()).toMatchObject({ kind: 'transient', code: 'sign_in_unavailable', providerCode: 'AADSTS90033', retryable: true });
  });

  it('AADSTS7000215 (wrong secret) → auth, and neither the secret nor the upstream text is in the error', async () => {
    const error = await addAda({}, { clientSecret: 'not-the-registered-secret-value' });
    expect(error).toMatchObject({ kind: 'auth', code: 'client_secret_invalid', providerCode: 'AADSTS7000215', status: 401 });
    expect(JSON.stringify(error.toJSON()) + error.message).not.toMatch(/not-the-registered-secret-value|Trace ID/);
    expect(directory.tenant.requests).toHaveLength(0);
  });

  it.each([
    [7000222, 401, 'invalid_client', 'InvalidClientSecretExpiredKeysProvided - The provided client secret keys are expired.', 'client_secret_expired'],
    [700016, 400, 'unauthorized_client', "UnauthorizedClient_DoesNotMatchRequest - The application wasn't found in the directory/tenant.", 'application_not_found'],
    [90002, 400, 'invalid_request', "InvalidTenantName - The tenant name wasn't found in the data store.", 'tenant_not_found'],
    [7000112, 401, 'unauthorized_client', 'UnauthorizedClientApplicationDisabled - The application is disabled.', 'application_disabled'],
    [70011, 400, 'invalid_scope', "InvalidScope - The scope requested by the app is invalid.", 'credentials_refused'],
  ])('AADSTS%i (HTTP %i %s) → auth', async (aadsts, status, error, description, code) => {
    authority.refuseNext({ status, error, aadsts, description });
    expect(await addAda()).toMatchObject({ kind: 'auth', code, providerCode: `AADSTS${aadsts}`, retryable: false });
  });

  it('400 OAuth temporarily_unavailable ("Retry the request") → transient, whatever the status', async () => {
    authority.answerNext('token endpoint', { status: 400, body: { error: 'temporarily_unavailable', error_description: 'The server is temporarily too busy to handle the request.' } });
    expect(await addAda()).toMatchObject({ kind: 'transient', code: 'sign_in_unavailable' });
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

  it('has a test above for every sign-in row of the table', () => {
    const signInCodes = ENTRA_ERROR_TABLE.filter((row) => row.source === 'sign-in').map((row) => row.code);
    expect(signInCodes).toEqual([
      'sign_in_throttled',
      'sign_in_unavailable',
      'client_secret_invalid',
      'client_secret_expired',
      'certificate_rejected',
      'application_not_found',
      'tenant_not_found',
      'application_disabled',
      'sign_in_unavailable',
      'credentials_refused',
    ]);
  });
});
