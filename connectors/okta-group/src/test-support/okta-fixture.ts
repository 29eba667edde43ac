/**
 * Shared test fixtures: throwaway credentials (each secret at least 12 characters so a leak can be
 * told apart from ordinary text), a fake org per test, and the conformance harness.
 */
import type { ConnectOptions } from '@clearway/connector-sdk';
import type { ConformanceHarness } from '@clearway/connector-sdk/testing';
import { generateKeyPairSync } from 'node:crypto';
import { oktaGroupProvider } from '../provider.js';
import { OKTA_SCOPES, type AuthMode } from '../settings.js';
import { FakeOktaOrg, type FakeOktaOptions } from './fake-okta.js';

export const ORG_URL = 'https://clearway-test.okta.test';
export const API_TOKEN = '00Clw-test-api-token-3f9a7c1e5b2d8f4a6c0e';
export const CLIENT_ID = '0oaclearwaytest7f3c9a';
export const KEY_ID = 'clearway-test-key-1';

/** A throwaway RSA key pair, generated once per test file. */
const keyPair = generateKeyPairSync('rsa', { modulusLength: 2048 });
export const PRIVATE_KEY_PEM = keyPair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
export const PRIVATE_KEY_PKCS1_PEM = keyPair.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
export const PRIVATE_KEY_JWK = JSON.stringify({ ...keyPair.privateKey.export({ format: 'jwk' }), kid: KEY_ID });
export const PUBLIC_KEY = keyPair.publicKey;

export interface OrgOptions extends Partial<Omit<FakeOktaOptions, 'credential'>> {
  readonly mode?: AuthMode;
  readonly requireDpop?: boolean;
  readonly grantedScopes?: readonly string[];
}

export function createFakeOrg(options: OrgOptions = {}): FakeOktaOrg {
  const { mode = 'api_token', requireDpop = true, grantedScopes = OKTA_SCOPES, ...rest } = options;
  return new FakeOktaOrg({
    orgUrl: ORG_URL,
    credential:
      mode === 'api_token'
        ? { mode, token: API_TOKEN }
        : { mode, clientId: CLIENT_ID, keyId: KEY_ID, publicKey: PUBLIC_KEY, requireDpop, grantedScopes },
    ...rest,
  });
}

export function connectOptions(mode: AuthMode = 'api_token', settings: Record<string, unknown> = {}): ConnectOptions {
  if (mode === 'api_token') return { config: { orgUrl: ORG_URL, authMode: mode, ...settings }, secrets: { apiToken: API_TOKEN } };
  return { config: { orgUrl: ORG_URL, authMode: mode, clientId: CLIENT_ID, keyId: KEY_ID, ...settings }, secrets: { privateKey: PRIVATE_KEY_PEM } };
}

/** An Okta-style group id no fake org ever hands out: the group of a tool whose group was deleted. */
export const DELETED_GROUP_ID = '00gdeletedgroup000001';

/**
 * The conformance harness over a fresh fake org per check. The org is shaped to catch the usual
 * Okta mistakes while the kit runs: the configured group has a prefix sibling and an imported
 * group of the same name, members span several `Link` pages (the kit's `pageMembers` sets their
 * size), one user's login differs from their email, a created group stays out of name searches for
 * a while, and a deactivated user's login is the Jira email (Okta still finds them: they must come
 * back inactive). Okta says "slow down" in two documented ways, the org-wide and the concurrent
 * rate limit, and the kit checks both.
 */
export function oktaHarness(options: OrgOptions = {}): ConformanceHarness & { last?: FakeOktaOrg } {
  const harness: ConformanceHarness & { last?: FakeOktaOrg } = {
    provider: oktaGroupProvider,
    setup() {
      const org = createFakeOrg({ memberPageCap: 2, groupSearchLag: 2, ...options });
      harness.last = org;
      const ada = org.addUser({ login: 'ada@example.com', firstName: 'Ada', lastName: 'Lovelace' });
      const bob = org.addUser({ login: 'bob.builder@corp.example', email: 'bob@example.com' });
      const group = org.addGroup('ai-chatgpt-users');
      org.addGroup('ai-chatgpt-users-admins');
      org.addGroup('ai-chatgpt-users', { type: 'APP_GROUP' });
      for (const login of ['carol@example.com', 'dan@example.com', 'erin@example.com']) org.addMember(group.id, org.addUser({ login }).id);
      org.addUser({ login: 'frank@example.com', status: 'DEPROVISIONED' });
      return {
        connect: connectOptions(options.mode),
        users: [
          { subject: { accountId: 'acc-ada', email: 'ada@example.com' }, expectedId: ada.id },
          { subject: { accountId: 'acc-bob', email: 'bob@example.com' }, expectedId: bob.id },
        ],
        unknownSubject: { accountId: 'acc-nobody', email: 'nobody@example.com' },
        inactiveSubject: { accountId: 'acc-frank', email: 'frank@example.com' },
        existingGroup: group,
        newGroupName: 'ai-claude-users',
        missingGroup: { id: DELETED_GROUP_ID, name: 'ai-retired-tool-users' },
        pageMembers: (pageSize) => org.capMemberPages(pageSize),
        rateLimitShapes: [
          { name: '429 E0000047, org-wide rate limit', next: (retryAfterMs) => org.rateLimitNext(retryAfterMs) },
          { name: '429 E0000047, concurrent rate limit (X-Rate-Limit-Limit 0)', next: (retryAfterMs) => org.concurrentRateLimitNext(retryAfterMs) },
        ],
        faults: org,
        teardown: () => org.close(),
      };
    },
  };
  return harness;
}
