/**
 * The real Azure Identity credentials, end to end against the nocked sign-in endpoint and the fake
 * tenant: what the token request carries, that the certificate path signs a verifiable assertion,
 * and that sign-in is not retried inside the connector.
 */
import { describe, expect, it } from 'vitest';
import { grantedRoles } from './credential.js';
import { entraGroupProvider } from './provider.js';
import { FakeEntraAuthority, fakeAccessToken } from './test-support/fake-authority.js';
import { FakeGraphTenant } from './test-support/fake-tenant.js';
import { CLIENT_ID, CLIENT_SECRET, TENANT_ID, baseSettings, context, seedDirectory } from './test-support/harness.js';
import { createSelfSignedCertificate } from './test-support/self-signed-certificate.js';

describe('client secret (ClientSecretCredential)', () => {
  it('signs in with the client-credentials grant for the Graph .default scope, and Graph receives that token', async () => {
    const { tenant, group, ada } = seedDirectory();
    tenant.install();
    const authority = new FakeEntraAuthority(TENANT_ID, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, tenant);
    authority.install();
    const connector = entraGroupProvider.connect({ config: baseSettings, secrets: { clientSecret: CLIENT_SECRET } });
    expect(await connector.add(context(), { id: group.id }, { id: ada.id })).toEqual({ outcome: 'applied' });
    expect(await connector.check(context(), { id: group.id }, { id: ada.id })).toEqual({ outcome: 'member', via: 'direct' });

    const [form] = authority.tokenRequests;
    expect(Object.fromEntries(['grant_type', 'client_id', 'client_secret', 'scope'].map((field) => [field, form?.get(field)]))).toEqual({
      grant_type: 'client_credentials',
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      scope: 'https://graph.microsoft.com/.default',
    });
    // The token is cached by the credential: one sign-in for both calls.
    expect(authority.tokenRequests).toHaveLength(1);
    expect(tenant.requests.every((request) => String(request.headers.authorization).startsWith('Bearer ey'))).toBe(true);
  });

  it('signs in once when many operations need a token at the same moment', async () => {
    const { tenant, group, ada } = seedDirectory();
    tenant.install();
    const authority = new FakeEntraAuthority(TENANT_ID, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, tenant);
    authority.install();
    const connector = entraGroupProvider.connect({ config: baseSettings, secrets: { clientSecret: CLIENT_SECRET } });
    const checks = await Promise.all(Array.from({ length: 8 }, () => connector.check(context(), { id: group.id }, { id: ada.id })));
    expect(checks.every((check) => check.outcome === 'not_member')).toBe(true);
    expect(authority.tokenRequests).toHaveLength(1);
  });

  it('does not retry a refused sign-in (the engine owns retries)', async () => {
    const { tenant, group, ada } = seedDirectory();
    tenant.install();
    const authority = new FakeEntraAuthority(TENANT_ID, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, tenant);
    authority.install();
    authority.refuseNext({ status: 429, error: 'temporarily_unavailable', aadsts: 50196, description: 'Slow down.' });
    const connector = entraGroupProvider.connect({ config: baseSettings, secrets: { clientSecret: CLIENT_SECRET } });
    await expect(connector.add(context(), { id: group.id }, { id: ada.id })).rejects.toMatchObject({ kind: 'rate_limited' });
    expect(authority.tokenRequests).toHaveLength(1);
  });

  it('signs in to a national cloud with that cloud’s Graph scope', async () => {
    const tenant = new FakeGraphTenant('https://graph.microsoft.us');
    const { group, ada } = seedDirectory(tenant);
    tenant.install();
    const authority = new FakeEntraAuthority(TENANT_ID, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, tenant, 'https://login.microsoftonline.us');
    authority.install();
    const connector = entraGroupProvider.connect({
      config: { ...baseSettings, graphBaseUrl: 'https://graph.microsoft.us', authorityHost: 'https://login.microsoftonline.us' },
      secrets: { clientSecret: CLIENT_SECRET },
    });
    expect(await connector.add(context(), { id: group.id }, { id: ada.id })).toEqual({ outcome: 'applied' });
    expect(authority.tokenRequests[0]?.get('scope')).toBe('https://graph.microsoft.us/.default');
  });

  it('signs in to a loopback https simulator without asking the public cloud to validate it', async () => {
    // Any request to login.microsoftonline.com (instance discovery) would fail the test: nothing answers it.
    const tenant = new FakeGraphTenant('https://127.0.0.1:8443');
    const { group, ada } = seedDirectory(tenant);
    tenant.install();
    new FakeEntraAuthority(TENANT_ID, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, tenant, 'https://127.0.0.1:8444').install();
    const connector = entraGroupProvider.connect({
      config: { ...baseSettings, graphBaseUrl: 'https://127.0.0.1:8443', authorityHost: 'https://127.0.0.1:8444' },
      secrets: { clientSecret: CLIENT_SECRET },
    });
    expect(await connector.add(context(), { id: group.id }, { id: ada.id })).toEqual({ outcome: 'applied' });
    expect(tenant.requests[0]?.headers.authorization).toMatch(/^Bearer /);
  });
});

describe('client certificate (ClientCertificateCredential)', () => {
  it('signs a client assertion with the private key that the sign-in endpoint verifies against the uploaded certificate; no secret is sent', async () => {
    const certificate = createSelfSignedCertificate();
    const { tenant, group, ada } = seedDirectory();
    tenant.install();
    const authority = new FakeEntraAuthority(TENANT_ID, { clientId: CLIENT_ID, certificatePem: certificate.certificatePem }, tenant);
    authority.install();
    const connector = entraGroupProvider.connect({ config: { ...baseSettings, authMode: 'client_certificate' }, secrets: { certificatePem: certificate.pem } });
    expect(await connector.add(context(), { id: group.id }, { id: ada.id })).toEqual({ outcome: 'applied' });

    const [form] = authority.tokenRequests;
    expect(form?.get('client_assertion_type')).toBe('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    expect(form?.get('client_assertion')?.split('.')).toHaveLength(3);
    expect(form?.has('client_secret')).toBe(false);
  });

  it('a certificate that is not the uploaded one is refused as auth', async () => {
    const uploaded = createSelfSignedCertificate();
    const other = createSelfSignedCertificate();
    const { tenant, group, ada } = seedDirectory();
    tenant.install();
    new FakeEntraAuthority(TENANT_ID, { clientId: CLIENT_ID, certificatePem: uploaded.certificatePem }, tenant).install();
    const connector = entraGroupProvider.connect({ config: { ...baseSettings, authMode: 'client_certificate' }, secrets: { certificatePem: other.pem } });
    await expect(connector.add(context(), { id: group.id }, { id: ada.id })).rejects.toMatchObject({ kind: 'auth', code: 'certificate_rejected' });
    expect(tenant.requests).toHaveLength(0);
  });
});

describe('grantedRoles', () => {
  it('reads the roles claim of an app-only token, and nothing from a token that is not a JWT', () => {
    expect(grantedRoles(fakeAccessToken({ roles: ['User.Read.All'] }))).toEqual(['User.Read.All']);
    expect(grantedRoles('opaque-token')).toBeUndefined();
    expect(grantedRoles('a.b.c')).toBeUndefined();
  });
});
