/**
 * A provider for the Connectors tab's tests: its config schema has every kind of setting the form
 * generator handles (a required URL, an enum with a default, a bounded integer, a boolean) and two
 * secrets, each required by one sign-in method. "Test connection" answers named checks from what
 * is stored, so a test sees the provider's own words come back.
 */
import { defineProvider } from '@clearway/connector-sdk';
import { z } from 'zod';

export const GOOD_TOKEN = 'demo-token-1f2e3d4c';

export const demoProvider = defineProvider({
  type: 'demo-directory',
  displayName: 'Demo directory',
  description: 'Adds and removes users in one group of the demo directory per tool.',
  configSchema: z.object({
    baseUrl: z.string().trim().min(1).meta({ title: 'Directory URL', description: 'Where the directory answers, for example https://directory.example.com.' }),
    authMode: z.enum(['token', 'certificate']).default('token').meta({ title: 'Sign-in method', description: 'token: an API token. certificate: a client certificate.' }),
    timeoutMs: z.number().int().min(1_000).max(60_000).default(10_000).meta({ title: 'Request timeout (ms)' }),
    createGroups: z.boolean().default(false).meta({ title: 'Create missing groups' }),
  }),
  secrets: {
    token: { label: 'API token', description: 'From Settings → Tokens.', requiredWhen: { setting: 'authMode', equals: 'token' } },
    certificate: { label: 'Client certificate', requiredWhen: { setting: 'authMode', equals: 'certificate' } },
  },
  capabilities: { createGroups: true, maxBatchSize: 1, membershipCheck: 'direct', manual: false },
  setup: {
    steps: '1. Open **Settings → Tokens** in the directory.\n2. Create a token for Clearway.\n\nPaste it below, then run `Test connection`.',
    permissions: ['groups:write', 'users:read'],
  },
  create({ config, secrets }) {
    return {
      test: async (_ctx, { group }) => {
        const accepted = config.authMode === 'certificate' ? secrets.certificate !== undefined : secrets.token === GOOD_TOKEN;
        return {
          ok: accepted,
          checks: [
            { name: 'Credentials accepted', passed: accepted, message: accepted ? `Signed in to ${config.baseUrl}.` : 'The directory did not accept these credentials. Make new ones in Settings, then paste them again.' },
            ...(group ? [{ name: 'Can manage the group', passed: accepted, message: accepted ? `Clearway may change the membership of ${group.id}.` : 'Not checked: sign-in failed.' }] : []),
          ],
        };
      },
      resolveIdentity: async (_ctx, subject) => ({ outcome: 'resolved', identity: { id: subject.accountId }, matchedBy: 'account' }),
      bindGroup: async (_ctx, spec) => ({ group: { id: spec.groupId ?? spec.name ?? 'group' }, outcome: 'bound' }),
      add: async () => ({ outcome: 'applied' }),
      remove: async () => ({ outcome: 'applied' }),
      check: async () => ({ outcome: 'member', via: 'direct' }),
    };
  },
});
