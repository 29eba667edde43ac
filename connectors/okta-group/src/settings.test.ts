/**
 * Settings and secrets as an admin enters them: the org URL rules, the secret each sign-in method
 * needs, the private key checks, and the form the Connectors page renders.
 */
import { describeConnectorForm, isConnectorError, type ConnectorError } from '@clearway/connector-sdk';
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkOrgUrl } from './org-url.js';
import { oktaGroupProvider } from './provider.js';
import { DEFAULT_REQUEST_TIMEOUT_MS, OKTA_SCOPES, oktaSettingsSchema } from './settings.js';
import { API_TOKEN, CLIENT_ID, PRIVATE_KEY_PEM } from './test-support/okta-fixture.js';

function connectError(config: unknown, secrets: Record<string, string | undefined>): ConnectorError {
  try {
    oktaGroupProvider.connect({ config, secrets });
  } catch (error) {
    if (isConnectorError(error)) return error;
    throw error;
  }
  throw new Error('expected connect() to refuse');
}

describe('org URL', () => {
  it.each([
    ['https://acme.okta.com', 'https://acme.okta.com'],
    ['https://acme.okta.com/', 'https://acme.okta.com'],
    ['  https://ACME.oktapreview.com  ', 'https://acme.oktapreview.com'],
    ['https://login.acme.example:8443', 'https://login.acme.example:8443'],
  ])('accepts %j as the origin %s', (orgUrl, origin) => {
    expect(oktaSettingsSchema.parse({ orgUrl }).orgUrl).toBe(origin);
  });

  it.each([
    ['http://acme.okta.com', false, 'must use https://'],
    ['http://acme.okta.com', true, 'only allowed for a loopback host'],
    ['http://localhost:8080', false, 'must use https://'],
    ['http://localhost.evil.example', true, 'only allowed for a loopback host'],
    ['http://127.0.0.1.nip.io', true, 'only allowed for a loopback host'],
    ['http://10.0.0.1', true, 'only allowed for a loopback host'],
    ['https://acme-admin.okta.com', false, 'Admin Console'],
    ['https://acme.okta.com/api/v1', false, 'without a path'],
    ['https://acme.okta.com/?x=1', false, 'without a path'],
    ['https://admin:pw@acme.okta.com', false, 'user name or password'],
    ['ftp://acme.okta.com', false, 'must start with https://'],
    ['acme.okta.com', false, 'full org URL'],
  ])('refuses %s (loopback opt-in %s)', (orgUrl, allowInsecureLoopback, problem) => {
    expect(checkOrgUrl(orgUrl, allowInsecureLoopback)).toContain(problem);
    const error = connectError({ orgUrl, allowInsecureLoopback }, { apiToken: API_TOKEN });
    expect(error).toMatchObject({ kind: 'invalid_config', code: 'invalid_settings' });
    expect(error.message).toContain('orgUrl');
  });

  it.each(['http://localhost:8080', 'http://127.0.0.1:9000', 'http://127.10.0.1', 'http://[::1]:8080'])(
    'accepts plain http to the loopback simulator %s only with the opt-in',
    (orgUrl) => {
      expect(checkOrgUrl(orgUrl, true)).toBeUndefined();
      expect(checkOrgUrl(orgUrl, false)).toBeDefined();
      expect(() => oktaGroupProvider.connect({ config: { orgUrl, allowInsecureLoopback: true }, secrets: { apiToken: API_TOKEN } })).not.toThrow();
    },
  );
});

describe('sign-in method and secrets', () => {
  const ORG = 'https://acme.okta.com';

  it('defaults to an API token, a 10 s timeout and no insecure loopback', () => {
    expect(oktaSettingsSchema.parse({ orgUrl: ORG })).toEqual({
      orgUrl: ORG,
      authMode: 'api_token',
      requestTimeoutMs: DEFAULT_REQUEST_TIMEOUT_MS,
      allowInsecureLoopback: false,
    });
  });

  it('names the missing secret for each sign-in method', () => {
    expect(connectError({ orgUrl: ORG }, { privateKey: PRIVATE_KEY_PEM })).toMatchObject({ kind: 'invalid_config', message: expect.stringContaining('API token') });
    expect(connectError({ orgUrl: ORG, authMode: 'private_key', clientId: CLIENT_ID }, { apiToken: API_TOKEN })).toMatchObject({
      kind: 'invalid_config',
      message: expect.stringContaining('Private key'),
    });
  });

  it('requires the client id for private key sign-in', () => {
    const error = connectError({ orgUrl: ORG, authMode: 'private_key' }, { privateKey: PRIVATE_KEY_PEM });
    expect(error.message).toContain('clientId');
  });

  it('refuses a token pasted with its "SSWS " prefix, without echoing it', () => {
    const error = connectError({ orgUrl: ORG }, { apiToken: `SSWS ${API_TOKEN}` });
    expect(error).toMatchObject({ kind: 'invalid_config', code: 'api_token_prefixed' });
    expect(JSON.stringify(error.toJSON())).not.toContain(API_TOKEN);
  });

  it('refuses a private key that is not a key, or not RSA, without echoing it', () => {
    const settings = { orgUrl: ORG, authMode: 'private_key', clientId: CLIENT_ID };
    const garbage = 'not-a-key-but-a-long-secret-value-0123456789';
    const malformed = connectError(settings, { privateKey: garbage });
    expect(malformed).toMatchObject({ kind: 'invalid_config', code: 'private_key_malformed' });
    expect(JSON.stringify(malformed.toJSON())).not.toContain(garbage);
    const ecKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(connectError(settings, { privateKey: ecKey })).toMatchObject({ kind: 'invalid_config', code: 'private_key_not_rsa' });
    const rsaPkcs1 = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    expect(() => oktaGroupProvider.connect({ config: settings, secrets: { privateKey: rsaPkcs1 } })).not.toThrow();
  });
});

describe('admin form', () => {
  it('describes every setting with a title and description, both secrets, and the exact permissions', () => {
    const form = describeConnectorForm(oktaGroupProvider);
    const properties = (form.settings as { properties: Record<string, { title?: string; description?: string }> }).properties;
    expect(Object.keys(properties)).toEqual(['orgUrl', 'authMode', 'clientId', 'keyId', 'requestTimeoutMs', 'allowInsecureLoopback']);
    for (const [name, property] of Object.entries(properties)) {
      expect(property.title, name).toBeTruthy();
      expect(property.description, name).toBeTruthy();
    }
    expect(form.secrets).toEqual([
      expect.objectContaining({ name: 'apiToken', label: 'API token', optional: true }),
      expect.objectContaining({ name: 'privateKey', label: 'Private key', optional: true }),
    ]);
    for (const scope of OKTA_SCOPES) expect(form.setup.permissions.join('\n')).toContain(scope);
    expect(form.setup.steps).toContain('API Services');
    expect(oktaGroupProvider.capabilities).toEqual({ createGroups: true, maxBatchSize: 1, membershipCheck: 'direct', manual: false, defaultLimits: { requestsPerSecond: 1.5, concurrency: 4 } });
  });
});
