/**
 * The SCIM 2.0 group provider, read top to bottom: what it declares (settings, secrets,
 * capabilities, setup steps), then the operations of one connector, each in its own module.
 */
import { defineProvider, type ProviderCapabilities, type ProviderSpec } from '@clearway/connector-sdk';
import { createConnectionTest } from './connection-test.js';
import { createGroupBinder } from './groups.js';
import { createIdentityResolver } from './identity.js';
import { createMembership } from './membership.js';
import { authorizationFor, createScimClient } from './scim-client.js';
import { scimSecretFields, scimSettingsSchema } from './settings.js';
import { scimSetupGuide } from './setup.js';

export const SCIM_CAPABILITIES: ProviderCapabilities = {
  createGroups: true,
  // One PATCH per user keeps every outcome exact; the engine's batching is for bulk-add APIs.
  maxBatchSize: 1,
  membershipCheck: 'direct',
  manual: false,
  // SCIM sets no rate limits and services publish few; an add or remove is two requests.
  // Conservative, so a shared tenant is never starved; raise it per connector where the service allows.
  defaultLimits: { requestsPerSecond: 2, concurrency: 2 },
};

export const scimGroupSpec: ProviderSpec<typeof scimSettingsSchema, typeof scimSecretFields> = {
  type: 'scim-group',
  displayName: 'SCIM 2.0 group',
  description: 'Adds and removes users in one group per tool of any SCIM 2.0 service (RFC 7643/7644), e.g. the AI tool\'s own SCIM API.',
  configSchema: scimSettingsSchema,
  secrets: scimSecretFields,
  capabilities: SCIM_CAPABILITIES,
  setup: scimSetupGuide,

  create({ config, secrets }) {
    const client = createScimClient(config, authorizationFor(config, secrets));
    const membership = createMembership(client, config);
    return {
      test: createConnectionTest(client, config),
      resolveIdentity: createIdentityResolver(client),
      bindGroup: createGroupBinder(client),
      add: membership.add,
      remove: membership.remove,
      check: membership.check,
      // Only where group reads carry the members: a service that omits or truncates them (the
      // reason for `memberLookup: filter`) would list a full group as empty.
      ...(config.memberLookup === 'group' && { listMembers: membership.listMembers }),
    };
  },
};

export const scimGroupProvider = defineProvider(scimGroupSpec);
