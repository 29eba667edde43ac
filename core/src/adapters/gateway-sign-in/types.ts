import type { GatewayPolicyPort } from '../../agent-gateway/call.js';
import type { GatewaySignInEvent } from '../../agent-gateway/sign-in-events.js';
import type { Clock } from '../../ports/clock.js';
import type { UserGroups } from '../../ports/groups.js';
import type { Logger } from '../../ports/logger.js';
import type { GatewayLimits } from '../mcp-gateway/gateway.js';
import type { UpstreamFactory } from '../mcp-gateway/upstream.js';

/**
 * Where sign-in keeps its state: registered AI clients, pending sign-ins, codes, Clearway's tokens
 * (by hash) and each connection with the user's upstream (Atlassian) tokens. Forge: secret storage
 * (`kvs.setSecret`) plus `kvs.set(…, { keyPolicy: 'FAIL_IF_EXISTS' })` for claims; sandbox: a
 * file in the data folder. Values are JSON text and may hold tokens: never log them.
 */
export interface SignInStore {
  get(name: string): Promise<string | undefined>;
  set(name: string, value: string): Promise<void>;
  delete(name: string): Promise<void>;
  /**
   * Creates `name` only when it does not exist yet — atomically, so of two concurrent claims
   * exactly one answers true. Single-use things (codes, refresh tokens, sign-in states) are
   * claimed before use. The claim may be forgotten after `ttlSeconds`.
   */
  claim(name: string, ttlSeconds: number): Promise<boolean>;
}

/** The upstream MCP server users sign in to and the gateway calls as them (Atlassian's remote MCP server). */
export interface UpstreamSignInConfig {
  /** E.g. `https://mcp.atlassian.com/v1/mcp`: its protected-resource metadata names the authorization server. */
  readonly mcpUrl: string;
  /** Scopes asked of the upstream authorization server; default: what its metadata lists, or none. */
  readonly scope?: string;
  /** How Clearway names itself when it registers with the upstream authorization server (RFC 7591). */
  readonly clientName?: string;
  /** For tests and the sandbox's TLS: the fetch used for every upstream OAuth request. */
  readonly fetch?: typeof fetch;
  /** How long one upstream OAuth request may take (default 10,000 ms). */
  readonly timeoutMs?: number;
}

/** A connected AI client: one user's sign-in from one registered client. No token in it. */
export interface ConnectionSummary {
  readonly id: string;
  readonly accountId: string;
  readonly name?: string;
  readonly email?: string;
  /** The AI client's name as it registered (what agent-policy rules naming a client match). */
  readonly client: string;
  readonly connectedAt: number;
  readonly lastUsedAt?: number;
}

/** Who ended a connection. */
export interface DisconnectActor {
  readonly accountId: string;
  readonly role: 'user' | 'admin';
}

/** Sign-in's audit events (core's agent-gateway appends them to the chain). No token in any. */
export type SignInEvent = GatewaySignInEvent;

export interface SignInEvents {
  record(event: SignInEvent): Promise<void>;
}

/** The "Allow this domain in Rovo" status: set once the first sign-in came back through `/callback`. */
export interface SignInStatus {
  readonly callbackVerifiedAt?: number;
}

/** Connection management for My Access and the admin's "Disconnect / forget user". */
export interface GatewayConnections {
  listForAccount(accountId: string): Promise<readonly ConnectionSummary[]>;
  /** Revokes the connection's tokens (Clearway's and, at the upstream, the user's), drops it, records it. Unknown id: `NotFoundError`. A user may end only their own. */
  disconnect(connectionId: string, by: DisconnectActor): Promise<ConnectionSummary>;
  /** Disconnects every connection of the account and drops its cached identity; records one event. */
  forgetUser(accountId: string, by: DisconnectActor): Promise<{ readonly disconnected: number }>;
  status(): Promise<SignInStatus>;
}

/** One named check of `selfTest`, for Getting Started's "test call". */
export interface SelfTestCheck {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

export interface SignInLifetimes {
  /** Clearway access tokens (default 3,600 s). */
  readonly accessTokenSeconds: number;
  /** Clearway refresh tokens (default 30 days); rotated on every use. */
  readonly refreshTokenSeconds: number;
  /** Authorization codes (default 60 s), single use. */
  readonly codeSeconds: number;
  /** A sign-in between `/authorize` and `/callback` (default 600 s). */
  readonly pendingSeconds: number;
  /** How long a user's Jira groups are reused (default 300 s). */
  readonly groupsSeconds: number;
  /** Upstream tokens are refreshed when they have less than this left (default 120 s). */
  readonly upstreamRefreshMarginSeconds: number;
}

export interface GatewayHostOptions {
  /** The base URL everything is served under: the web trigger's URL, or `http://127.0.0.1:<port>`. MCP is at `<base>/mcp`. */
  readonly baseUrl: string | (() => Promise<string>);
  readonly store: SignInStore;
  readonly upstream: UpstreamSignInConfig;
  /**
   * Where calls go when not to `upstream.mcpUrl` as the user: users still sign in with the
   * upstream, but calls are forwarded by this factory (the sandbox proxies to a local reference
   * MCP server this way). Default: the upstream MCP server with the user's own token.
   */
  readonly forward?: UpstreamFactory;
  /** The user's groups, from Jira (`groupsOf`). */
  readonly groups: UserGroups;
  readonly policy: GatewayPolicyPort;
  readonly events: SignInEvents;
  readonly clock?: Clock;
  readonly logger?: Logger;
  readonly limits?: Partial<GatewayLimits>;
  readonly lifetimes?: Partial<SignInLifetimes>;
}

export interface GatewayHost {
  /** Answers any request under the base URL: `/mcp`, the OAuth endpoints and metadata. Never rejects. */
  handle(request: Request): Promise<Response>;
  readonly connections: GatewayConnections;
  /** Getting Started's test call: the host's own metadata answers, the upstream's authorization server is discoverable, Clearway is registered with it. */
  selfTest(): Promise<readonly SelfTestCheck[]>;
  close(): Promise<void>;
}
