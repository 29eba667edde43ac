/**
 * A directory provider for tests whose first `add` is rate limited (Retry-After 30 s) and whose
 * later calls succeed: enough to drive the engine into a retry wait and the app into a delayed
 * queue event. It keeps membership in memory and counts calls, so a test can prove nothing was
 * added twice.
 */
import { defineProvider, RateLimitedError } from '@clearway/connector-sdk';
import { z } from 'zod';

export const FLAKY_RETRY_AFTER_MS = 30_000;

export class FlakyDirectory {
  readonly members = new Set<string>();
  adds = 0;
  removes = 0;
  rateLimitNextAdd = true;
}

export function flakyProvider(directory: FlakyDirectory) {
  return defineProvider({
    type: 'flaky-group',
    displayName: 'Flaky directory',
    description: 'Rate limits the first add, then behaves.',
    configSchema: z.object({}),
    secrets: {},
    capabilities: { createGroups: true, maxBatchSize: 1, membershipCheck: 'direct', manual: false },
    setup: { steps: 'Nothing to set up.', permissions: [] },
    create() {
      return {
        test: async () => ({ ok: true, checks: [{ name: 'Reachable', passed: true, message: 'The directory answers.' }] }),
        resolveIdentity: async (_ctx, subject) => ({ outcome: 'resolved', identity: { id: subject.accountId }, matchedBy: 'account' }),
        bindGroup: async (_ctx, spec) => ({ group: { id: spec.groupId ?? spec.name ?? 'group', name: spec.name ?? 'group' }, outcome: 'bound' }),
        add: async (_ctx, _group, identity) => {
          directory.adds += 1;
          if (directory.rateLimitNextAdd) {
            directory.rateLimitNextAdd = false;
            throw new RateLimitedError('The directory asks us to slow down.', { retryAfterMs: FLAKY_RETRY_AFTER_MS, status: 429 });
          }
          if (directory.members.has(identity.id)) return { outcome: 'already_satisfied' };
          directory.members.add(identity.id);
          return { outcome: 'applied' };
        },
        remove: async (_ctx, _group, identity) => {
          directory.removes += 1;
          return directory.members.delete(identity.id) ? { outcome: 'applied' } : { outcome: 'already_satisfied' };
        },
        check: async (_ctx, _group, identity) => ({ outcome: directory.members.has(identity.id) ? 'member' : 'not_member', via: 'direct' }),
      };
    },
  });
}
