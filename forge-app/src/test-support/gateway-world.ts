/**
 * A stand-in for the gateway's host in resolver and surface tests: connections in a Map and a
 * test call that answers the checks a test sets. The rest of the app's gateway stays as wired —
 * the site's groups (Jira's "Bulk get groups" on the fake site) and, when asked, the web
 * trigger's URL from the fake platform; otherwise a fixed URL, so tests need no Forge runtime.
 * It keeps to the sign-in API's contract (core's gateway-sign-in types): unknown connection →
 * `NotFoundError`, a user ends only their own, one event per disconnect and per "forget user".
 * Seeding real connections would take a whole OAuth round trip per test; the host's own tests
 * (core's gateway-sign-in, the web trigger's end-to-end run) cover that.
 */
import { createGatewayPolicy, MINUTE_MS, NotFoundError, saveAgentPolicy, type GatewayCaller, type UpstreamStatus } from '@clearway/core';
import type { ConnectionSummary, DisconnectActor, GatewayConnections, GatewayHost, SelfTestCheck, SignInEvent, SignInStatus } from '@clearway/core/gateway-sign-in';
import type { ClearwayApp } from '../composition/app';
import type { AppWorld } from './app-world';
import { ADMIN, CONTRACTOR, PEOPLE } from './scenario';

/** A web trigger URL as Forge hands one out: it has a path, so everything is appended to it. */
export const GATEWAY_BASE_URL = 'https://7c1e5b2a-0d4f.hello.atlassian-dev.net/x1/qT3vYy8nA1';

/** The requester's Claude connection every installed double starts with (the authorization matrix disconnects it). */
export const UNA_CLAUDE: ConnectionSummary = { id: 'conn-una-claude', accountId: PEOPLE.requester, name: 'Una User', email: 'una@example.com', client: 'claude', connectedAt: Date.UTC(2026, 10, 20, 9), lastUsedAt: Date.UTC(2026, 10, 22, 16) };

/** The checks the test call answers until a test sets others. */
export const PASSING_CHECKS: readonly SelfTestCheck[] = [
  { name: 'MCP server metadata', ok: true, detail: 'The protected-resource and authorization-server metadata answer under the MCP URL.' },
  { name: 'Atlassian authorization server', ok: true, detail: 'Found from the Atlassian MCP server’s protected-resource metadata.' },
  { name: 'Clearway registered with Atlassian', ok: true, detail: 'Clearway is registered as an OAuth client.' },
];

export class FakeGatewayConnections implements GatewayConnections {
  readonly byId = new Map<string, ConnectionSummary>();
  readonly events: SignInEvent[] = [];
  callbackVerifiedAt: number | undefined;

  async listForAccount(accountId: string): Promise<readonly ConnectionSummary[]> {
    return [...this.byId.values()].filter((connection) => connection.accountId === accountId).sort((a, b) => b.connectedAt - a.connectedAt);
  }

  async disconnect(connectionId: string, by: DisconnectActor): Promise<ConnectionSummary> {
    const connection = this.byId.get(connectionId);
    if (!connection || (by.role === 'user' && connection.accountId !== by.accountId)) throw new NotFoundError('Connected AI client', connectionId);
    this.byId.delete(connectionId);
    this.events.push({ type: 'gateway.disconnected', connection, by, upstreamRevoked: true });
    return connection;
  }

  async forgetUser(accountId: string, by: DisconnectActor): Promise<{ readonly disconnected: number }> {
    const theirs = await this.listForAccount(accountId);
    for (const connection of theirs) this.byId.delete(connection.id);
    this.events.push({ type: 'gateway.user_forgotten', accountId, by, connections: theirs.length });
    return { disconnected: theirs.length };
  }

  async status(): Promise<SignInStatus> {
    return this.callbackVerifiedAt === undefined ? {} : { callbackVerifiedAt: this.callbackVerifiedAt };
  }

  add(connection: ConnectionSummary): void {
    this.byId.set(connection.id, connection);
  }
}

export class GatewayHostDouble {
  readonly connections = new FakeGatewayConnections();
  checks: readonly SelfTestCheck[] = PASSING_CHECKS;
  selfTests = 0;

  async host(): Promise<GatewayHost> {
    return {
      // The surfaces never serve HTTP; the real host's handler has its own end-to-end tests.
      handle: async () => new Response(null, { status: 404 }),
      connections: this.connections,
      selfTest: async () => {
        this.selfTests += 1;
        return this.checks;
      },
      close: async () => undefined,
    };
  }
}

/**
 * Puts the double in place of the world's gateway host, with the requester's Claude connection
 * unless told otherwise. `baseUrl: 'webTrigger'` keeps the app's own (the web trigger's URL from
 * the fake platform: the test installs a Forge runtime); by default it is `GATEWAY_BASE_URL`.
 */
export function installGatewayDouble(world: AppWorld, options: { readonly connections?: readonly ConnectionSummary[]; readonly baseUrl?: 'fixed' | 'webTrigger' } = {}): GatewayHostDouble {
  const double = new GatewayHostDouble();
  for (const connection of options.connections ?? [UNA_CLAUDE]) double.connections.add(connection);
  const wired = world.app.gateway;
  const gateway: ClearwayApp['gateway'] = {
    baseUrl: options.baseUrl === 'webTrigger' ? () => wired.baseUrl() : async () => GATEWAY_BASE_URL,
    groups: wired.groups,
    host: () => double.host(),
  };
  Object.assign(world.app, { gateway });
  return double;
}

/** A credential an AI client sent in a call's arguments: the log and every answer must show it replaced. */
export const ARGUMENT_SECRET = 'atl-api-token-5e0c2b9d41f7';

export const UNA: GatewayCaller = { accountId: PEOPLE.requester, name: 'Una User', email: 'una@example.com', groups: ['engineering'], client: 'claude' };
export const COLE: GatewayCaller = { accountId: CONTRACTOR, name: 'Cole Contractor', email: 'cole@example.com', groups: [], client: 'chatgpt', clientInfoName: 'openai-mcp' };

/** The calls `seedActivity` records, oldest first, a minute apart. */
export const SEEDED_CALLS: ReadonlyArray<{ readonly caller: GatewayCaller; readonly operation: string; readonly arguments: unknown; readonly upstreamStatus: UpstreamStatus; readonly responseBytes: number; readonly latencyMs: number }> = [
  { caller: UNA, operation: 'searchJiraIssuesUsingJql', arguments: { jql: 'project = AIR AND text ~ "invoice"' }, upstreamStatus: 'ok', responseBytes: 2_048, latencyMs: 120 },
  { caller: COLE, operation: 'getConfluencePage', arguments: { pageId: '42', apiToken: ARGUMENT_SECRET }, upstreamStatus: 'ok', responseBytes: 5_120, latencyMs: 80 },
  { caller: { ...UNA, client: 'cursor' }, operation: 'createJiraIssue', arguments: { projectKey: 'AIR', summary: 'Draft release notes' }, upstreamStatus: 'ok', responseBytes: 700, latencyMs: 200 },
  { caller: UNA, operation: 'deleteJiraIssue', arguments: { issueIdOrKey: 'AIR-1' }, upstreamStatus: 'not_forwarded', responseBytes: 180, latencyMs: 2 },
];

/**
 * Agent policy v1 ("AI may never delete": `delete*` → deny, allow the rest) and the seeded calls,
 * decided and recorded by core's gateway policy on the app's store, as the web trigger would.
 */
export async function seedActivity(world: AppWorld): Promise<void> {
  const { deps } = world.app;
  await saveAgentPolicy({ ...deps, groups: world.app.gateway.groups }, ADMIN, {
    rules: { defaultEffect: 'allow', rules: [{ operation: 'delete*', effect: 'deny', note: 'AI may never delete' }] },
    note: 'no deletes',
  });
  const policy = createGatewayPolicy(deps);
  for (const call of SEEDED_CALLS) {
    world.clock.advance(MINUTE_MS);
    const [decision] = await policy.decide(call.caller, [call.operation]);
    if (!decision) throw new Error(`no decision for ${call.operation}`);
    await policy.record({ ...call, method: 'tools/call', decision, startedAt: deps.clock.now() });
  }
}
