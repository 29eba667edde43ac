import { randomUUID } from 'node:crypto';
import { createOperationContext, type OperationContext } from '@clearway/connector-sdk';
import type { ConformanceFixture, ConformanceHarness } from '@clearway/connector-sdk/testing';
import { scimGroupProvider } from '../provider.js';
import { FakeScimService, type FakeGroup, type FakeScimOptions, type FakeUser } from './fake-scim-service.js';

export const BEARER_TOKEN = 'scim-token-9c41e7b2d05f48a6b3e1';
export const BASIC_USER = 'clearway-provisioning';
export const BASIC_PASSWORD = 'basic-pass-6f2d8a0c4e1b9d37';

export interface Directory {
  readonly service: FakeScimService;
  readonly ada: FakeUser;
  readonly bob: FakeUser;
  readonly carol: FakeUser;
  readonly group: FakeGroup;
}

/**
 * Ada's userName is her email; Bob's userName is not an email (found through `emails`); Carol is
 * deactivated. A group whose name starts like the bound one must never be mistaken for it.
 */
export function seedDirectory(options: FakeScimOptions = {}): Directory {
  const service = new FakeScimService({ bearerToken: BEARER_TOKEN, basic: { username: BASIC_USER, password: BASIC_PASSWORD }, ...options });
  const ada = service.addUser({ userName: 'ada@example.com', displayName: 'Ada Lovelace' });
  const bob = service.addUser({ userName: 'bob.k', displayName: 'Bob', emails: [{ value: 'Bob@Example.com', type: 'work', primary: true }] });
  const carol = service.addUser({ userName: 'carol@example.com', active: false });
  const group = service.addGroup('AI - ChatGPT Enterprise users');
  service.addGroup('AI - ChatGPT Enterprise users (admins)');
  return { service, ada, bob, carol, group };
}

export const bearerSettings = (service: { readonly baseUrl: string }, overrides: Record<string, unknown> = {}) => ({ baseUrl: service.baseUrl, ...overrides });

/** The conformance harness over a fresh fake service per check, with bearer or Basic credentials. */
export function conformanceHarness(auth: 'bearer' | 'basic', options: FakeScimOptions = {}, settings: Record<string, unknown> = {}): ConformanceHarness {
  return {
    provider: scimGroupProvider,
    setup(): ConformanceFixture {
      const { service, ada, bob, carol, group } = seedDirectory(options);
      service.install();
      return {
        connect: {
          config: auth === 'bearer' ? bearerSettings(service, settings) : bearerSettings(service, { authMode: 'basic', username: BASIC_USER, ...settings }),
          secrets: auth === 'bearer' ? { bearerToken: BEARER_TOKEN } : { password: BASIC_PASSWORD },
        },
        users: [
          { subject: { accountId: 'acc-ada', email: 'ada@example.com' }, expectedId: ada.id },
          { subject: { accountId: 'acc-bob', email: 'bob@example.com' }, expectedId: bob.id },
        ],
        unknownSubject: { accountId: 'acc-nobody', email: 'nobody@example.com' },
        inactiveSubject: { accountId: 'acc-carol', email: carol.userName },
        existingGroup: { id: group.id, name: group.displayName },
        newGroupName: 'AI - Claude users',
        missingGroup: { id: randomUUID(), name: 'AI - Deleted tool users' },
        faults: service,
        // SCIM names no rate-limit answer of its own; services use HTTP's 429 with Retry-After in either form.
        rateLimitShapes: [
          { name: '429 Retry-After seconds', next: (retryAfterMs) => service.rateLimitNext(retryAfterMs) },
          { name: '429 Retry-After HTTP date', next: (retryAfterMs) => service.rateLimitUntilNext(retryAfterMs) },
        ],
        teardown() {
          if (service.unsupported.length > 0) throw new Error(`The provider called SCIM routes the fake does not know: ${service.unsupported.join('; ')}`);
        },
      };
    },
  };
}

/** A bearer-token connector to a service (the fake, or a nock scope at that base URL), for focused tests. */
export function connectTo(service: { readonly baseUrl: string }, settings: Record<string, unknown> = {}) {
  return scimGroupProvider.connect({ config: bearerSettings(service, settings), secrets: { bearerToken: BEARER_TOKEN } });
}

export const context = (options: Parameters<typeof createOperationContext>[0] = {}): OperationContext => createOperationContext({ timeoutMs: 10_000, ...options });
