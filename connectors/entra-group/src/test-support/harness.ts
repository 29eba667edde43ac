/**
 * Fixtures for the provider's tests: a fresh fake tenant per test, reached either through the real
 * Azure Identity credentials against the fake sign-in endpoints (the conformance runs) or through a
 * fake `TokenCredential` (focused tests, where only Graph traffic matters).
 */
import { randomUUID } from 'node:crypto';
import type { TokenCredential } from '@azure/identity';
import { createOperationContext, type Connector, type OperationContext } from '@clearway/connector-sdk';
import type { ConformanceFixture, ConformanceHarness, RateLimitShape } from '@clearway/connector-sdk/testing';
import { createEntraGroupProvider } from '../provider.js';
import { FakeEntraAuthority, fakeAccessToken } from './fake-authority.js';
import { FakeGraphTenant, type FakeGroup, type FakeUser } from './fake-tenant.js';
import type { TestCertificate } from './self-signed-certificate.js';

export const TENANT_ID = '3f6b1c2a-8d4e-4f10-9a7b-5c2d1e0f9a11';
export const CLIENT_ID = '9b2e7c41-6a3d-4e58-b1f0-2c7d8e9a0b12';
export const CLIENT_SECRET = 'fixture-Secret~8Qv2.Zt9_xK4mW7pL1';

export const baseSettings = { tenantId: TENANT_ID, clientId: CLIENT_ID };

export interface Directory {
  readonly tenant: FakeGraphTenant;
  readonly ada: FakeUser;
  readonly bob: FakeUser;
  readonly carol: FakeUser;
  /** Her account is disabled (`accountEnabled: false`). */
  readonly dora: FakeUser;
  readonly group: FakeGroup;
}

/** Ada signs in with her address as UPN; Bob and Carol are found by `mail` (their UPNs differ). */
export function seedDirectory(tenant = new FakeGraphTenant()): Directory {
  const ada = tenant.addUser({ userPrincipalName: 'ada@contoso.com', displayName: 'Ada Lovelace' });
  const bob = tenant.addUser({ userPrincipalName: 'bob_contoso.com#EXT#@contoso.onmicrosoft.com', mail: 'bob@contoso.com', displayName: 'Bob' });
  const carol = tenant.addUser({ userPrincipalName: 'carol@contoso.onmicrosoft.com', mail: 'carol@contoso.com', displayName: 'Carol' });
  const dora = tenant.addUser({ userPrincipalName: 'dora@contoso.com', displayName: 'Dora', accountEnabled: false });
  const group = tenant.addGroup({ displayName: 'AI - ChatGPT Enterprise users' });
  // A prefix of the bound group's name must never be mistaken for it.
  tenant.addGroup({ displayName: 'AI - ChatGPT Enterprise users (admins)' });
  return { tenant, ada, bob, carol, dora, group };
}

/**
 * Graph's ways of saying "slow down": 429 with Retry-After (https://learn.microsoft.com/en-us/graph/throttling),
 * and 503 / 504 with Retry-After (https://learn.microsoft.com/en-us/graph/errors) — the three statuses
 * the Graph client's own RetryHandler treats as "wait, then retry".
 */
export function graphRateLimitShapes(tenant: FakeGraphTenant): readonly RateLimitShape[] {
  return [
    { name: '429 TooManyRequests with Retry-After', next: (retryAfterMs) => tenant.rateLimitNext(retryAfterMs) },
    { name: '503 serviceNotAvailable with Retry-After', next: (retryAfterMs) => tenant.busyNext(503, retryAfterMs) },
    { name: '504 with Retry-After', next: (retryAfterMs) => tenant.busyNext(504, retryAfterMs) },
  ];
}

/** The conformance harness over the real `ClientSecretCredential` or `ClientCertificateCredential`. */
export function conformanceHarness(auth: { mode: 'client_secret' } | { mode: 'client_certificate'; certificate: TestCertificate }): ConformanceHarness {
  const provider = createEntraGroupProvider();
  return {
    provider,
    setup(): ConformanceFixture {
      const { tenant, ada, bob, carol, dora, group } = seedDirectory();
      const authority = new FakeEntraAuthority(TENANT_ID, {
        clientId: CLIENT_ID,
        ...(auth.mode === 'client_secret' ? { clientSecret: CLIENT_SECRET } : { certificatePem: auth.certificate.certificatePem }),
      }, tenant);
      tenant.install();
      authority.install();
      return {
        connect: {
          config: { ...baseSettings, authMode: auth.mode },
          secrets: auth.mode === 'client_secret' ? { clientSecret: CLIENT_SECRET } : { certificatePem: auth.certificate.pem },
        },
        users: [
          { subject: { accountId: 'acc-ada', email: 'ada@contoso.com' }, expectedId: ada.id },
          { subject: { accountId: 'acc-bob', email: 'bob@contoso.com' }, expectedId: bob.id },
          { subject: { accountId: 'acc-carol', email: 'carol@contoso.com' }, expectedId: carol.id },
        ],
        unknownSubject: { accountId: 'acc-nobody', email: 'nobody@contoso.com' },
        inactiveSubject: { accountId: 'acc-dora', email: dora.userPrincipalName },
        existingGroup: { id: group.id, name: group.displayName },
        newGroupName: 'AI - Claude users',
        missingGroup: { id: randomUUID(), name: 'AI - Deleted tool users' },
        // Graph may answer fewer members than the `$top=999` asked for; the fake then pages at this size.
        pageMembers: (pageSize) => {
          tenant.memberPageLimit = pageSize;
        },
        rateLimitShapes: graphRateLimitShapes(tenant),
        faults: tenant,
        teardown() {
          if (tenant.unsupported.length > 0) throw new Error(`The provider called Graph routes the fake does not know: ${tenant.unsupported.join('; ')}`);
        },
      };
    },
  };
}

/** A credential that hands out one token the tenant accepts, counting requests. */
export function fakeCredential(tenant: FakeGraphTenant): TokenCredential & { readonly calls: number; readonly token: string } {
  const token = fakeAccessToken({ roles: [...tenant.grantedRoles], tenantId: TENANT_ID, appId: CLIENT_ID });
  tenant.acceptedTokens.add(token);
  let calls = 0;
  return {
    get calls() {
      return calls;
    },
    token,
    async getToken() {
      calls += 1;
      return { token, expiresOnTimestamp: Date.now() + 3_600_000 };
    },
  };
}

/** A connector over a fake credential for focused tests; the tenant must be installed by the caller. */
export function connectWithFakeCredential(
  tenant: FakeGraphTenant,
  config: Record<string, unknown> = {},
  credential: TokenCredential = fakeCredential(tenant),
): Connector {
  return createEntraGroupProvider({ createCredential: () => credential }).connect({
    config: { ...baseSettings, ...config },
    secrets: { clientSecret: CLIENT_SECRET },
  });
}

/** A seeded tenant answering on nock and a connector to it over a fake credential: what most focused tests start from. */
export function connectedDirectory(): { directory: Directory; connector: Connector } {
  const directory = seedDirectory();
  directory.tenant.install();
  return { directory, connector: connectWithFakeCredential(directory.tenant) };
}

export const context = (options: Parameters<typeof createOperationContext>[0] = {}): OperationContext => createOperationContext({ timeoutMs: 10_000, ...options });
