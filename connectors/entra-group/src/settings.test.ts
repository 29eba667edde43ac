import { describeConnectorForm, type ConnectorError } from '@clearway/connector-sdk';
import { describe, expect, it } from 'vitest';
import { entraGroupProvider } from './provider.js';
import { CLIENT_SECRET, baseSettings } from './test-support/harness.js';
import { createSelfSignedCertificate } from './test-support/self-signed-certificate.js';

const connect = (config: Record<string, unknown>, secrets: Record<string, string | undefined> = { clientSecret: CLIENT_SECRET }) => () =>
  entraGroupProvider.connect({ config: { ...baseSettings, ...config }, secrets });

function thrown(attempt: () => unknown): ConnectorError {
  try {
    attempt();
  } catch (error) {
    return error as ConnectorError;
  }
  throw new Error('expected connect() to throw');
}

describe('settings', () => {
  it('fills the defaults', () => {
    expect(entraGroupProvider.configSchema.parse(baseSettings)).toEqual({
      ...baseSettings,
      authMode: 'client_secret',
      membershipCheck: 'direct',
      requestTimeoutMs: 10_000,
      graphBaseUrl: 'https://graph.microsoft.com',
      authorityHost: 'https://login.microsoftonline.com',
      allowInsecureLoopback: false,
    });
  });

  it.each([
    [{ tenantId: 'common' }, 'tenantId'],
    [{ tenantId: 'organizations' }, 'tenantId'],
    [{ clientId: 'clearway' }, 'clientId'],
    [{ authMode: 'password' }, 'authMode'],
    [{ requestTimeoutMs: 120_000 }, 'requestTimeoutMs'],
    [{ graphBaseUrl: 'http://graph.microsoft.com' }, 'graphBaseUrl'],
    [{ graphBaseUrl: 'https://graph.microsoft.com/v1.0' }, 'graphBaseUrl'],
    [{ graphBaseUrl: 'https://user:pass@graph.microsoft.com' }, 'graphBaseUrl'],
    [{ graphBaseUrl: 'http://127.0.0.1:8080' }, 'graphBaseUrl'],
    [{ graphBaseUrl: 'http://graph.example', allowInsecureLoopback: true }, 'graphBaseUrl'],
    [{ authorityHost: 'http://127.0.0.1:8081', allowInsecureLoopback: true }, 'authorityHost'],
  ])('refuses %j, naming %s', (config, field) => {
    const error = thrown(connect(config));
    expect(error).toMatchObject({ kind: 'invalid_config', code: 'invalid_settings' });
    expect(error.message).toContain(field);
  });

  it.each([
    { tenantId: 'contoso.onmicrosoft.com' },
    { graphBaseUrl: 'https://graph.microsoft.us', authorityHost: 'https://login.microsoftonline.us' },
    { graphBaseUrl: 'https://127.0.0.1:8443', authorityHost: 'https://localhost:8444' },
    { graphBaseUrl: 'http://127.0.0.1:8080', allowInsecureLoopback: true },
    { graphBaseUrl: 'http://localhost:8080', allowInsecureLoopback: true },
  ])('accepts %j', (config) => {
    expect(connect(config)).not.toThrow();
  });
});

describe('secrets, checked against the auth mode', () => {
  const certificate = createSelfSignedCertificate();

  it('a client secret connector without its secret names the Client secret', () => {
    expect(thrown(connect({}, {}))).toMatchObject({ kind: 'invalid_config', code: 'missing_secret', message: expect.stringContaining('Client secret') });
  });

  it('a certificate connector without its PEM names the certificate field, even when a secret is set', () => {
    const error = thrown(connect({ authMode: 'client_certificate' }, { clientSecret: CLIENT_SECRET }));
    expect(error).toMatchObject({ kind: 'invalid_config', code: 'missing_secret' });
    expect(error.message).toContain('Certificate with private key (PEM)');
  });

  it('accepts the certificate and its key in either order', () => {
    expect(connect({ authMode: 'client_certificate' }, { certificatePem: certificate.pem })).not.toThrow();
    expect(connect({ authMode: 'client_certificate' }, { certificatePem: certificate.privateKeyPem + certificate.certificatePem })).not.toThrow();
  });

  const other = createSelfSignedCertificate();
  it.each([
    ['only a private key', () => certificate.privateKeyPem, /has no certificate/],
    ['only a certificate', () => certificate.certificatePem, /has no private key/],
    ['a key of another certificate', () => certificate.certificatePem + other.privateKeyPem, /does not belong/],
    ['an encrypted key', () => `${certificate.certificatePem}-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n`, /encrypted/],
    ['a damaged certificate', () => `-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n${certificate.privateKeyPem}`, /cannot be read/],
  ])('refuses a PEM with %s, without echoing it', (_what, pem, problem) => {
    const error = thrown(connect({ authMode: 'client_certificate' }, { certificatePem: pem() }));
    expect(error).toMatchObject({ kind: 'invalid_config', code: 'invalid_certificate' });
    expect(error.message).toMatch(problem);
    expect(error.message).not.toMatch(/BEGIN|MII/);
  });
});

describe('the admin form', () => {
  it('describes every setting with a title, both secrets as optional, and the exact permissions', () => {
    const form = describeConnectorForm(entraGroupProvider);
    const properties = form.settings.properties as Record<string, { title?: string; description?: string }>;
    expect(Object.keys(properties)).toEqual([
      'tenantId',
      'clientId',
      'authMode',
      'membershipCheck',
      'requestTimeoutMs',
      'graphBaseUrl',
      'authorityHost',
      'allowInsecureLoopback',
    ]);
    for (const property of Object.values(properties)) expect(property.title && property.description).toBeTruthy();
    expect(form.secrets.map(({ name, optional }) => ({ name, optional }))).toEqual([
      { name: 'clientSecret', optional: true },
      { name: 'certificatePem', optional: true },
    ]);
    expect(form.setup.permissions).toEqual(['GroupMember.ReadWrite.All', 'User.Read.All', 'Group.Create (only if Clearway creates groups)']);
    expect(form.setup.steps).toMatch(/Grant admin consent/);
  });

  it('declares its capabilities', () => {
    expect(entraGroupProvider.capabilities).toEqual({ createGroups: true, maxBatchSize: 20, membershipCheck: 'direct', manual: false, defaultLimits: { requestsPerSecond: 10, concurrency: 4 } });
  });
});
