import { vi } from 'vitest';
import type { ProviderDefinition } from '../define-provider.js';
import type { ConformanceHarness } from '../testing/harness.js';
import { AcmeDirectory } from './acme-directory.js';
import { acmeProvider } from './acme-provider.js';

export const ACME_TOKEN = 'acme-token-7f3c9a1e5b2d4c6f8a0e';

/** A harness over a fresh Acme Directory per check, with global fetch pointed at it. */
export function acmeHarness(provider: ProviderDefinition = acmeProvider): ConformanceHarness & { last?: AcmeDirectory } {
  const harness: ConformanceHarness & { last?: AcmeDirectory } = {
    provider,
    setup() {
      const directory = new AcmeDirectory(ACME_TOKEN);
      harness.last = directory;
      vi.stubGlobal('fetch', directory.fetch);
      const ada = directory.addUser({ login: 'ada', email: 'ada@example.com', status: 'active' });
      const bob = directory.addUser({ login: 'bob', email: 'bob@example.com', status: 'active' });
      const carol = directory.addUser({ login: 'carol', email: 'carol@example.com', status: 'suspended' });
      const group = directory.addGroup('ai-chatgpt-users');
      directory.addGroup('ai-chatgpt-users-admins');
      return {
        connect: { config: { baseUrl: directory.baseUrl }, secrets: { apiToken: ACME_TOKEN } },
        users: [
          { subject: { accountId: 'acc-ada', email: ada.email }, expectedId: ada.id },
          { subject: { accountId: 'acc-bob', email: bob.email }, expectedId: bob.id },
        ],
        unknownSubject: { accountId: 'acc-nobody', email: 'nobody@example.com' },
        inactiveSubject: { accountId: 'acc-carol', email: carol.email },
        existingGroup: group,
        newGroupName: 'ai-claude-users',
        missingGroup: { id: 'g-deleted', name: 'ai-deleted-tool-users' },
        faults: directory,
        pageMembers: (pageSize) => directory.pageMembersBy(pageSize),
        rateLimitShapes: [
          { name: '429 Retry-After seconds', next: (retryAfterMs) => directory.rateLimitNext(retryAfterMs) },
          { name: '429 Retry-After HTTP date', next: (retryAfterMs) => directory.rateLimitUntilNext(retryAfterMs) },
        ],
        teardown: () => {
          vi.unstubAllGlobals();
        },
      };
    },
  };
  return harness;
}
