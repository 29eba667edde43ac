/**
 * How the SDK client is built and driven: hermetic (no okta.yaml or OKTA_CLIENT_* surprises), no
 * GET cache, deadlines that stop requests in flight, and both private-key flavours (Bearer and
 * DPoP with Okta's nonce challenge) against a fake org that verifies every signature.
 */
import { createOperationContext } from '@clearway/connector-sdk';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nock from 'nock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { hermeticClientConfig, USER_AGENT } from './okta-client.js';
import { oktaGroupProvider } from './provider.js';
import { SignalAwareRequestExecutor } from './request-executor.js';
import { oktaSettingsSchema } from './settings.js';
import { API_TOKEN, CLIENT_ID, connectOptions, createFakeOrg, KEY_ID, ORG_URL, PRIVATE_KEY_JWK, PRIVATE_KEY_PEM, PRIVATE_KEY_PKCS1_PEM, type OrgOptions } from './test-support/okta-fixture.js';

const ctx = (timeoutMs = 10_000) => createOperationContext({ timeoutMs });

function withMember(options: OrgOptions = {}) {
  const org = createFakeOrg(options);
  const user = org.addUser({ login: 'ada@example.com' });
  const group = org.addGroup('ai-chatgpt-users');
  org.addMember(group.id, user.id);
  return { org, group, identity: { id: user.id } };
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('hermetic construction', () => {
  const EVIL = 'https://evil-org.okta.test';

  /** Plants every setting the SDK's loader reads: env vars, ~/.okta/okta.yaml and ./okta.yaml. */
  function plantHostConfig(): { cleanup: () => void } {
    const home = mkdtempSync(join(tmpdir(), 'clearway-okta-home-'));
    const cwd = mkdtempSync(join(tmpdir(), 'clearway-okta-cwd-'));
    const yaml = [
      'okta:',
      '  client:',
      `    orgUrl: "${EVIL}"`,
      '    token: "evil-yaml-token-0123456789"',
      '    authorizationMode: "PrivateKey"',
      '    clientId: "evil-client"',
      '    scopes: "okta.users.manage"',
      '    keyId: "evil-kid"',
      '    userAgent: "evil-agent"',
      '',
    ].join('\n');
    mkdirSync(join(home, '.okta'));
    writeFileSync(join(home, '.okta', 'okta.yaml'), yaml);
    writeFileSync(join(cwd, 'okta.yaml'), yaml);
    vi.stubEnv('HOME', home);
    vi.stubEnv('OKTA_CLIENT_ORGURL', EVIL);
    vi.stubEnv('OKTA_CLIENT_TOKEN', 'evil-env-token-0123456789');
    vi.stubEnv('OKTA_CLIENT_AUTHORIZATIONMODE', 'PrivateKey');
    vi.stubEnv('OKTA_CLIENT_CLIENTID', 'evil-env-client');
    vi.stubEnv('OKTA_CLIENT_SCOPES', 'okta.users.manage');
    vi.stubEnv('OKTA_CLIENT_PRIVATEKEY', 'evil-env-key');
    vi.stubEnv('OKTA_CLIENT_KEYID', 'evil-env-kid');
    const previous = process.cwd();
    process.chdir(cwd);
    return {
      cleanup: () => {
        process.chdir(previous);
        rmSync(home, { recursive: true, force: true });
        rmSync(cwd, { recursive: true, force: true });
      },
    };
  }

  it.each([
    ['api_token', 'API token', {}],
    ['private_key', 'private key with a key id', {}],
    ['private_key', 'private key without a key id', { keyId: undefined }],
  ] as const)('ignores OKTA_CLIENT_* env vars and okta.yaml files (%s: %s)', async (mode, _label, settings) => {
    const { org, group, identity } = withMember({ mode, requireDpop: false });
    const planted = plantHostConfig();
    try {
      const connector = oktaGroupProvider.connect(connectOptions(mode, settings));
      // The fake org accepts only our token, or an assertion signed by our key with our client id and kid;
      // a request to the planted org would reach no interceptor and fail the test.
      expect(await connector.check(ctx(), group, identity)).toEqual({ outcome: 'member', via: 'direct' });
      const apiHeaders = org.requestHeaders.at(-1);
      expect(apiHeaders?.['user-agent']).toMatch(new RegExp(`^${USER_AGENT} @okta/okta-sdk-nodejs/`));
      expect(apiHeaders?.authorization).toEqual(mode === 'api_token' ? `SSWS ${API_TOKEN}` : expect.stringMatching(/^Bearer /));
    } finally {
      planted.cleanup();
    }
  });

  it('sets every key the SDK config loader knows, so none can come from the host', () => {
    const require = createRequire(import.meta.url);
    const { ConfigLoader } = require('@okta/okta-sdk-nodejs/src/config-loader.js') as { ConfigLoader: new () => { config: { client: object } } };
    const loaderKeys = Object.keys(new ConfigLoader().config.client);
    const executor = new SignalAwareRequestExecutor(1_000);
    const settings = oktaSettingsSchema.parse({ orgUrl: ORG_URL, authMode: 'private_key', clientId: CLIENT_ID });
    for (const credentials of [
      { mode: 'api_token', token: API_TOKEN } as const,
      { mode: 'private_key', clientId: CLIENT_ID, keyId: undefined, privateKey: PRIVATE_KEY_PEM } as const,
    ]) {
      const config = hermeticClientConfig(settings, credentials, executor);
      for (const key of [...loaderKeys, 'userAgent']) expect(Object.keys(config), key).toContain(key);
      expect(config).toMatchObject({ cacheMiddleware: null, requestExecutor: executor });
    }
    expect(executor).toMatchObject({ maxRetries: 0, requestTimeout: 1_000 });
  });
});

describe('requests', () => {
  it('reads through no cache: the same GET twice reaches Okta twice', async () => {
    const { org, group } = withMember();
    const connector = oktaGroupProvider.connect(connectOptions());
    await connector.bindGroup(ctx(), { groupId: group.id });
    await connector.bindGroup(ctx(), { groupId: group.id });
    expect(org.requests).toEqual([`GET /api/v1/groups/${group.id}`, `GET /api/v1/groups/${group.id}`]);
  });

  it("stops a request in flight when the operation's deadline passes", async () => {
    const { group, identity, org } = withMember();
    org.close();
    nock(ORG_URL).get(/.*/).delay(5_000).reply(200, []);
    const connector = oktaGroupProvider.connect(connectOptions());
    const started = Date.now();
    await expect(connector.check(ctx(300), group, identity)).rejects.toMatchObject({ kind: 'transient', code: 'timeout' });
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

describe('private key sign-in', () => {
  it('answers the DPoP nonce challenge, then reuses the DPoP-bound token', async () => {
    const { org, group, identity } = withMember({ mode: 'private_key', requireDpop: true });
    const connector = oktaGroupProvider.connect(connectOptions('private_key'));
    expect(await connector.check(ctx(), group, identity)).toMatchObject({ outcome: 'member' });
    expect(await connector.check(ctx(), group, identity)).toMatchObject({ outcome: 'member' });
    expect(org.requests.filter((request) => request.startsWith('POST /oauth2/v1/token'))).toHaveLength(2); // challenge + answer
    expect(org.auth.tokenRequests).toBe(2);
    expect(org.requestHeaders.at(-1)?.authorization).toMatch(/^DPoP /);
    expect(org.requestHeaders.at(-1)?.dpop).toBeTruthy();
  });

  it.each([
    ['PEM (PKCS#8)', PRIVATE_KEY_PEM],
    ['PEM (PKCS#1)', PRIVATE_KEY_PKCS1_PEM],
    ['JWK', PRIVATE_KEY_JWK],
  ])('signs with a %s private key', async (_format, privateKey) => {
    const { group, identity } = withMember({ mode: 'private_key', requireDpop: true });
    const options = connectOptions('private_key');
    const connector = oktaGroupProvider.connect({ ...options, secrets: { privateKey } });
    expect(await connector.check(ctx(), group, identity)).toMatchObject({ outcome: 'member' });
  });

  it('fetches a new token once when Okta stops accepting the cached one', async () => {
    const { org, group, identity } = withMember({ mode: 'private_key', requireDpop: false });
    const connector = oktaGroupProvider.connect(connectOptions('private_key'));
    await connector.check(ctx(), group, identity);
    org.auth.revokeTokens();
    expect(await connector.check(ctx(), group, identity)).toMatchObject({ outcome: 'member' });
    expect(org.auth.tokenRequests).toBe(2);
  });

  it('uses the configured client id and key id in the signed assertion', async () => {
    const { org, group, identity } = withMember({ mode: 'private_key', requireDpop: false });
    const connector = oktaGroupProvider.connect(connectOptions('private_key', { keyId: 'some-other-kid' }));
    await expect(connector.check(ctx(), group, identity)).rejects.toMatchObject({ kind: 'auth', providerCode: 'invalid_client' });
    expect(org.auth.tokenRequests).toBe(2); // the SDK tries a fresh token once after a 401
    expect(KEY_ID).not.toBe('some-other-kid');
  });
});
