import {
  atlassianAuditJson,
  currentAgentPolicy,
  explainAgentCall,
  gatewayDashboard,
  listActivity,
  listAgentPolicyVersions,
  MAX_SCANNED,
  NotFoundError,
  saveAgentPolicy,
  viewActivity,
} from '@clearway/core';
import type { ClearwayApp } from '../../composition/app';
import { connectionView, selfTestCheckView, type ConnectionView } from '../gateway-views';
import type { ActionTable } from './action';

/** Everything under the web trigger's URL hangs off it: `<base>/mcp`, `<base>/callback`. */
function under(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path}`;
}

async function connections(app: ClearwayApp) {
  return (await app.gateway.host()).connections;
}

/**
 * A connection of the caller's own, or `not_found` — the same answer whether the id belongs to
 * someone else or to no one, so a person learns nothing about other people's connections.
 */
async function ownConnection(app: ClearwayApp, accountId: string, connectionId: string): Promise<ConnectionView> {
  const own = (await (await connections(app)).listForAccount(accountId)).find((connection) => connection.id === connectionId);
  if (!own) throw new NotFoundError('Connected AI client', connectionId);
  return connectionView(own);
}

/**
 * The AI agents group of the admin page (Jira admins), and the requester's connected AI clients
 * on My Access (each person sees and ends only their own: the account is always the caller's).
 */
export const gatewayActions: Pick<
  ActionTable,
  | 'gateway.setup'
  | 'gateway.selfTest'
  | 'gateway.policy'
  | 'gateway.policyVersions'
  | 'gateway.savePolicy'
  | 'gateway.explain'
  | 'gateway.activity'
  | 'gateway.activityDetail'
  | 'gateway.dashboard'
  | 'gateway.connections'
  | 'gateway.disconnect'
  | 'gateway.forgetUser'
  | 'myClients.list'
  | 'myClients.disconnect'
> = {
  'gateway.setup': {
    policy: 'admin',
    async handle({ app }) {
      const [base, status] = await Promise.all([app.gateway.baseUrl(), connections(app).then((found) => found.status())]);
      return {
        mcpUrl: under(base, 'mcp'),
        callbackUrl: under(base, 'callback'),
        ...(status.callbackVerifiedAt !== undefined && { callbackVerifiedAt: status.callbackVerifiedAt }),
      };
    },
  },

  'gateway.selfTest': {
    policy: 'admin',
    // The test call asks the upstream's authorization server: a button held down must not hammer it.
    rateLimit: [{ budget: 'gatewaySelfTests' }],
    async handle({ app }) {
      return (await (await app.gateway.host()).selfTest()).map(selfTestCheckView);
    },
  },

  'gateway.policy': {
    policy: 'admin',
    async handle({ app }) {
      return currentAgentPolicy(app.deps.store);
    },
  },

  'gateway.policyVersions': {
    policy: 'admin',
    async handle({ app }, payload) {
      return listAgentPolicyVersions(app.deps, payload);
    },
  },

  'gateway.savePolicy': {
    policy: 'admin',
    async handle({ app, caller }, payload) {
      return saveAgentPolicy({ ...app.deps, groups: app.gateway.groups }, await caller.actor(), { rules: payload.rules, ...(payload.note !== undefined && { note: payload.note }) });
    },
  },

  'gateway.explain': {
    policy: 'admin',
    async handle({ app }, { client, operation, groups, accountId }) {
      // A named person is explained as their real call would be: their Jira groups and name, and the grant condition.
      const [asked, profile] = await Promise.all([
        groups ?? (accountId === undefined ? [] : app.directory.groupsOf(accountId)),
        accountId === undefined ? undefined : app.directory.profileOf(accountId),
      ]);
      const name = profile?.displayName;
      const explanation = await explainAgentCall(app.deps, { client, operation, groups: asked, ...(accountId !== undefined && { accountId }), ...(name !== undefined && { name }) });
      return { ...explanation, groups: asked, ...(name !== undefined && { name }) };
    },
  },

  'gateway.activity': {
    policy: 'admin',
    // Gateway calls are audit events: a page draws on the same read volume as Governance Logs and
    // exports. Filters the indexes cannot answer may read up to MAX_SCANNED; what was not read is given back.
    rateLimit: [
      {
        budget: 'auditReads',
        reserve: (payload) => (payload.operation !== undefined || payload.client !== undefined || payload.text !== undefined ? MAX_SCANNED : (payload.limit ?? 50)),
        settle: (page) => page.scanned,
      },
    ],
    async handle({ app }, payload) {
      return listActivity(app.deps, payload);
    },
  },

  'gateway.activityDetail': {
    policy: 'admin',
    async handle({ app }, payload) {
      const record = await viewActivity(app.deps, payload.seq);
      if (!record) throw new NotFoundError('AI agent call', String(payload.seq));
      return { record, auditJson: atlassianAuditJson(record) };
    },
  },

  'gateway.dashboard': {
    policy: 'admin',
    async handle({ app }, payload) {
      return gatewayDashboard(app.deps, payload.range);
    },
  },

  'gateway.connections': {
    policy: 'admin',
    async handle({ app }, payload) {
      return (await (await connections(app)).listForAccount(payload.accountId)).map(connectionView);
    },
  },

  'gateway.disconnect': {
    policy: 'admin',
    async handle({ app, caller }, payload) {
      return connectionView(await (await connections(app)).disconnect(payload.connectionId, { accountId: caller.accountId, role: 'admin' }));
    },
  },

  'gateway.forgetUser': {
    policy: 'admin',
    async handle({ app, caller }, payload) {
      const { disconnected } = await (await connections(app)).forgetUser(payload.accountId, { accountId: caller.accountId, role: 'admin' });
      return { disconnected };
    },
  },

  'myClients.list': {
    policy: 'signedIn',
    async handle({ app, caller }) {
      return (await (await connections(app)).listForAccount(caller.accountId)).map(connectionView);
    },
  },

  'myClients.disconnect': {
    policy: 'signedIn',
    async handle({ app, caller }, payload) {
      await ownConnection(app, caller.accountId, payload.connectionId);
      return connectionView(await (await connections(app)).disconnect(payload.connectionId, { accountId: caller.accountId, role: 'user' }));
    },
  },
};
