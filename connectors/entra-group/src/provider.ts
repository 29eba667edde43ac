/**
 * The Microsoft Entra group provider: Clearway adds and removes users in one Entra security group
 * per tool, through Microsoft Graph, signed in as an app registration (client secret or
 * certificate). Read top to bottom: what it declares, then how one connector is put together.
 */
import { defineProvider, type ProviderCapabilities } from '@clearway/connector-sdk';
import type { TokenCredential } from '@azure/identity';
import { testConnection } from './connection-test.js';
import { GRAPH_BATCH_LIMIT, addMembers } from './batch.js';
import { createAzureCredential, graphScope, guardCredential, resolveAuth, type EntraAuth } from './credential.js';
import { GraphGateway } from './graph-client.js';
import { bindEntraGroup } from './groups.js';
import { resolveEntraUser } from './identity.js';
import { listGroupMembers } from './members.js';
import { addMember, checkMember, removeMember } from './membership.js';
import { entraSecretFields, entraSettingsSchema, type EntraSettings } from './settings.js';
import { entraSetupGuide } from './setup.js';
import { SignInAnswers } from './sign-in.js';

export const ENTRA_CAPABILITIES: ProviderCapabilities = {
  createGroups: true,
  maxBatchSize: GRAPH_BATCH_LIMIT,
  // The default; a connector set to "transitive" declares and answers that instead.
  membershipCheck: 'direct',
  manual: false,
  // Graph allows about 3,000 identity writes per 2.5 minutes per app and tenant (20 a second); an
  // add, a remove or a batch of 20 is one write. Half of that leaves room for other apps.
  defaultLimits: { requestsPerSecond: 10, concurrency: 4 },
};

/** What tests (and a local sandbox) may replace: where the token comes from. */
export interface EntraProviderSeams {
  /** `answers` records what the sign-in endpoints answer, for classifying a failed sign-in. */
  readonly createCredential?: (settings: EntraSettings, auth: EntraAuth, answers: SignInAnswers) => TokenCredential;
}

export function createEntraGroupProvider(seams: EntraProviderSeams = {}) {
  return defineProvider({
    type: 'entra-group',
    displayName: 'Microsoft Entra group',
    description: 'Adds and removes users in a Microsoft Entra security group through Microsoft Graph.',
    configSchema: entraSettingsSchema,
    secrets: entraSecretFields,
    capabilities: ENTRA_CAPABILITIES,
    connectorCapabilities: (settings) => ({ ...ENTRA_CAPABILITIES, membershipCheck: settings.membershipCheck }),
    setup: entraSetupGuide,

    create({ config: settings, secrets, host }) {
      const auth = resolveAuth(settings, secrets);
      const answers = new SignInAnswers();
      const credential = guardCredential(() => (seams.createCredential ?? createAzureCredential)(settings, auth, answers), auth, host.now, answers);
      const scope = graphScope(settings.graphBaseUrl);
      const graph = new GraphGateway({ baseUrl: settings.graphBaseUrl, credential, scope, requestTimeoutMs: settings.requestTimeoutMs });
      const sendsTokens = new URL(settings.graphBaseUrl).protocol === 'https:';

      return {
        test: (ctx, options) => testConnection({ graph, credential, scope, sendsTokens }, ctx, options),
        resolveIdentity: (ctx, subject) => resolveEntraUser(graph, ctx, subject),
        bindGroup: (ctx, spec) => bindEntraGroup(graph, ctx, spec),
        add: (ctx, group, identity) => addMember(graph, ctx, group, identity),
        addBatch: (ctx, group, identities) => addMembers(graph, ctx, group, identities),
        remove: (ctx, group, identity) => removeMember(graph, ctx, group, identity),
        check: (ctx, group, identity) => checkMember(graph, ctx, group, identity, settings.membershipCheck),
        listMembers: (ctx, group, cursor) => listGroupMembers(graph, ctx, group, cursor),
      };
    },
  });
}

export const entraGroupProvider = createEntraGroupProvider();
