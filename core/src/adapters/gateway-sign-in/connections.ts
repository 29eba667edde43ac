import { InvalidGrantError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import type { GatewayCaller } from '../../agent-gateway/call.js';
import { ForbiddenError, NotFoundError } from '../../errors.js';
import type { Clock } from '../../ports/clock.js';
import type { UserGroups } from '../../ports/groups.js';
import type { Logger } from '../../ports/logger.js';
import type { UpstreamConnection } from '../mcp-gateway/upstream.js';
import {
  accountIndexSchema,
  connectionSchema,
  digest,
  names,
  randomToken,
  seenSchema,
  statusSchema,
  tokenSchema,
  upstreamTokensSchema,
  type ConnectionRecord,
  type Records,
  type Seen,
  type UpstreamTokens,
} from './records.js';
import type { ConnectionSummary, DisconnectActor, GatewayConnections, SignInEvents, SignInLifetimes, SignInStatus } from './types.js';
import { UpstreamSignInError, type UpstreamIdentity, type UpstreamOAuth } from './upstream-oauth.js';

export interface IssuedTokens {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly expiresIn: number;
}

export interface ConnectionBookOptions {
  readonly records: Records;
  readonly upstream: UpstreamOAuth;
  readonly upstreamMcpUrl: string;
  readonly groups: UserGroups;
  readonly events: SignInEvents;
  readonly clock: Clock;
  readonly lifetimes: SignInLifetimes;
  readonly logger: Logger;
  /** `<base>/callback`: the redirect URI Clearway registered with the upstream. */
  readonly callbackUrl: () => Promise<string>;
  /** `<base>/mcp`: the only resource Clearway's tokens are for (RFC 8707). */
  readonly resource: () => Promise<string>;
}

/** A connection's use is written back at most this often, not on every call. */
const LAST_USED_GRANULARITY_MS = 300_000;
/** A connection keeps at most this many live access tokens (a client that refreshes often leaves older ones to expire). */
const MAX_ACCESS_TOKENS = 8;
/** How long a request waits for another request's refresh of the same upstream token. */
const REFRESH_WAIT_MS = 3_000;

/**
 * The connections: who signed in from which AI client, the tokens Clearway issued them, the
 * user's upstream tokens (refreshed before they expire) and their Jira groups (cached briefly).
 * It is the gateway's identity port and the source of each caller's upstream connection.
 */
export class ConnectionBook implements GatewayConnections {
  /** The upstream token of each authenticated caller of this process, for the upstream factory. */
  private readonly upstreamTokens = new WeakMap<GatewayCaller, string>();

  constructor(private readonly options: ConnectionBookOptions) {}

  /** A sign-in came back: the (account, client) connection is opened or renewed with the new upstream tokens. */
  async open(identity: UpstreamIdentity, clientId: string, clientName: string, upstream: UpstreamTokens, codeHash: string): Promise<ConnectionRecord> {
    const { records, clock } = this.options;
    const ids = await this.accountIndex(identity.accountId);
    const existing = (await Promise.all(ids.map((id) => this.connection(id)))).find((record) => record?.clientId === clientId);
    if (existing) {
      // A client that signs in again replaces its earlier Clearway tokens.
      await this.dropTokens(existing);
      if (existing.codeHash !== undefined) await records.delete(names.codeByHash(existing.codeHash));
    }
    // The new upstream grant serves every AI client of the person; the one it supersedes is revoked
    // (an upstream may already have ended it when the same client — Clearway — signed them in again).
    const previous = await records.read(names.upstreamTokens(identity.accountId), upstreamTokensSchema);
    if (previous && previous.refreshToken !== upstream.refreshToken) await this.revokeUpstream(previous);
    const connection: ConnectionRecord = {
      id: existing?.id ?? `conn_${randomToken().slice(0, 24)}`,
      accountId: identity.accountId,
      ...(identity.name !== undefined && { name: identity.name }),
      ...(identity.email !== undefined && { email: identity.email }),
      client: clientName,
      clientId,
      connectedAt: clock.now(),
      accessHashes: [],
      codeHash,
    };
    await records.write(names.upstreamTokens(identity.accountId), upstream);
    await records.delete(names.seen(connection.id));
    await records.write(names.connection(connection.id), connection);
    if (!existing) await records.write(names.account(identity.accountId), [...ids, connection.id]);
    await this.options.events.record({ type: 'gateway.connected', connection: summary(connection) });
    return connection;
  }

  /** New Clearway tokens on a connection; the refresh token they replace (if any) stops working. */
  async issue(connection: ConnectionRecord, resource: string): Promise<IssuedTokens> {
    const { records, clock, lifetimes } = this.options;
    const now = clock.now();
    const accessToken = randomToken('cwa_');
    const refreshToken = randomToken('cwr_');
    const accessHash = digest(accessToken);
    const refreshHash = digest(refreshToken);
    const live = await this.liveAccessHashes(connection);
    const kept = live.slice(-(MAX_ACCESS_TOKENS - 1));
    await Promise.all(live.filter((hash) => !kept.includes(hash)).map((hash) => records.delete(names.access(hash))));
    const issued = { connectionId: connection.id, accountId: connection.accountId, clientId: connection.clientId, resource };
    await records.write(names.access(accessHash), { ...issued, expiresAt: now + lifetimes.accessTokenSeconds * 1000 });
    await records.write(names.refresh(refreshHash), { ...issued, expiresAt: now + lifetimes.refreshTokenSeconds * 1000 });
    if (connection.refreshHash !== undefined) await records.delete(names.refresh(connection.refreshHash));
    await records.write(names.connection(connection.id), { ...connection, accessHashes: [...kept, accessHash], refreshHash });
    return { accessToken, refreshToken, expiresIn: lifetimes.accessTokenSeconds };
  }

  /** Ends the Clearway tokens of a connection (a code used twice), keeping the connection for a new sign-in. */
  async revokeClearwayTokens(connectionId: string): Promise<void> {
    const connection = await this.connection(connectionId);
    if (!connection) return;
    await this.dropTokens(connection);
    const { refreshHash: _dropped, ...kept } = connection;
    await this.options.records.write(names.connection(connectionId), { ...kept, accessHashes: [] });
  }

  async connection(id: string): Promise<ConnectionRecord | undefined> {
    return this.options.records.read(names.connection(id), connectionSchema);
  }

  /** The gateway's identity port: a Clearway access token → the caller, or undefined (401) for an unknown, expired, foreign-resource or orphaned token. */
  async authenticate(bearerToken: string): Promise<GatewayCaller | undefined> {
    const { records, clock } = this.options;
    const hash = digest(bearerToken);
    const token = await records.read(names.access(hash), tokenSchema);
    if (!token || token.expiresAt <= clock.now() || token.resource !== (await this.options.resource())) return undefined;
    const [connection, upstream, seen] = await Promise.all([
      this.connection(token.connectionId),
      records.read(names.upstreamTokens(token.accountId), upstreamTokensSchema),
      records.read(names.seen(token.connectionId), seenSchema),
    ]);
    if (!connection?.accessHashes.includes(hash) || connection.accountId !== token.accountId || !upstream) return undefined;
    const fresh = await this.freshUpstream(connection, upstream);
    if (!fresh) return undefined;
    const groups = await this.groupsOf(connection, seen);
    const caller: GatewayCaller = {
      accountId: connection.accountId,
      ...(connection.name !== undefined && { name: connection.name }),
      ...(connection.email !== undefined && { email: connection.email }),
      groups,
      client: connection.client,
    };
    this.upstreamTokens.set(caller, fresh.accessToken);
    return caller;
  }

  /** The upstream client cache's key: the account and its current upstream token, so a new grant or a refresh never reuses a client holding the old one. */
  readonly upstreamKey = (caller: GatewayCaller): string => `${caller.accountId}:${digest(this.upstreamTokens.get(caller) ?? '')}`;

  /** The gateway's upstream factory: the upstream MCP server, called with the caller's own upstream token. */
  readonly upstreamFor = async (caller: GatewayCaller): Promise<UpstreamConnection> => {
    const token = this.upstreamTokens.get(caller);
    if (token === undefined) throw new UpstreamSignInError('upstream_expired', 'No upstream token is held for this caller.');
    return { url: this.options.upstreamMcpUrl, headers: { authorization: `Bearer ${token}` } };
  };

  async listForAccount(accountId: string): Promise<readonly ConnectionSummary[]> {
    const ids = await this.accountIndex(accountId);
    const found = await Promise.all(ids.map(async (id) => ({ connection: await this.connection(id), seen: await this.options.records.read(names.seen(id), seenSchema) })));
    return found
      .filter((entry): entry is { connection: ConnectionRecord; seen: Seen | undefined } => entry.connection?.accountId === accountId)
      .map(({ connection, seen }) => summary(connection, seen))
      .sort((a, b) => b.connectedAt - a.connectedAt);
  }

  async disconnect(connectionId: string, by: DisconnectActor): Promise<ConnectionSummary> {
    const connection = await this.connection(connectionId);
    // A user asking about someone else's connection learns nothing about it.
    if (!connection || (by.role === 'user' && connection.accountId !== by.accountId)) throw new NotFoundError('Connection', connectionId);
    const remaining = (await this.accountIndex(connection.accountId)).filter((id) => id !== connection.id);
    const upstreamRevoked = await this.end(connection, remaining.length === 0);
    await this.options.records.write(names.account(connection.accountId), remaining);
    await this.options.events.record({ type: 'gateway.disconnected', connection: summary(connection), by, upstreamRevoked });
    return summary(connection);
  }

  async forgetUser(accountId: string, by: DisconnectActor): Promise<{ readonly disconnected: number }> {
    if (by.role === 'user' && by.accountId !== accountId) throw new ForbiddenError('forbidden', 'Only an admin can forget another person’s connections.');
    const ids = await this.accountIndex(accountId);
    let disconnected = 0;
    for (const [index, id] of ids.entries()) {
      const connection = await this.connection(id);
      if (connection?.accountId !== accountId) continue;
      const upstreamRevoked = await this.end(connection, index === ids.length - 1);
      await this.options.events.record({ type: 'gateway.disconnected', connection: summary(connection), by, upstreamRevoked });
      disconnected += 1;
    }
    await this.options.records.delete(names.account(accountId));
    // Forgetting drops the person's upstream grant even when no connection was left to carry it.
    const upstream = await this.options.records.read(names.upstreamTokens(accountId), upstreamTokensSchema);
    if (upstream) {
      await this.options.records.delete(names.upstreamTokens(accountId));
      await this.revokeUpstream(upstream);
    }
    await this.options.events.record({ type: 'gateway.user_forgotten', accountId, by, connections: disconnected });
    return { disconnected };
  }

  async status(): Promise<SignInStatus> {
    const status = await this.options.records.read(names.status, statusSchema);
    return { ...(status?.callbackVerifiedAt !== undefined && { callbackVerifiedAt: status.callbackVerifiedAt }) };
  }

  /** The first sign-in that came back through `/callback`: the Rovo allowlist is in place. */
  async markCallbackVerified(): Promise<void> {
    const status = await this.options.records.read(names.status, statusSchema);
    if (status?.callbackVerifiedAt === undefined) await this.options.records.write(names.status, { callbackVerifiedAt: this.options.clock.now() });
  }

  /**
   * Ends a connection: its Clearway tokens and its records (with the cached identity and groups);
   * with the person's last connection, also their upstream grant, revoked at the upstream. True
   * when the upstream confirmed the revocation.
   */
  private async end(connection: ConnectionRecord, last: boolean): Promise<boolean> {
    const { records } = this.options;
    const upstream = last ? await records.read(names.upstreamTokens(connection.accountId), upstreamTokensSchema) : undefined;
    await this.dropTokens(connection);
    await Promise.all([
      records.delete(names.connection(connection.id)),
      records.delete(names.seen(connection.id)),
      ...(last ? [records.delete(names.upstreamTokens(connection.accountId))] : []),
      ...(connection.codeHash !== undefined ? [records.delete(names.codeByHash(connection.codeHash))] : []),
    ]);
    return upstream ? this.revokeUpstream(upstream) : false;
  }

  private async dropTokens(connection: ConnectionRecord): Promise<void> {
    const { records } = this.options;
    await Promise.all([
      ...connection.accessHashes.map((hash) => records.delete(names.access(hash))),
      ...(connection.refreshHash !== undefined ? [records.delete(names.refresh(connection.refreshHash))] : []),
    ]);
  }

  private async revokeUpstream(tokens: UpstreamTokens): Promise<boolean> {
    try {
      return await this.options.upstream.revoke(tokens, await this.options.callbackUrl());
    } catch {
      this.options.logger.warn('gateway sign-in: the upstream tokens could not be revoked', {});
      return false;
    }
  }

  private async accountIndex(accountId: string): Promise<string[]> {
    return (await this.options.records.read(names.account(accountId), accountIndexSchema)) ?? [];
  }

  private async liveAccessHashes(connection: ConnectionRecord): Promise<string[]> {
    const now = this.options.clock.now();
    const records = await Promise.all(connection.accessHashes.map(async (hash) => ({ hash, token: await this.options.records.read(names.access(hash), tokenSchema) })));
    return records.filter(({ token }) => token !== undefined && token.expiresAt > now).map(({ hash }) => hash);
  }

  /**
   * Upstream tokens with more than the margin left. One request refreshes (it claims the refresh
   * token first); others wait briefly for its result. An upstream that no longer honours the
   * refresh token ends the connection's Clearway tokens: undefined, so the client signs in again.
   */
  private async freshUpstream(connection: ConnectionRecord, upstream: UpstreamTokens): Promise<UpstreamTokens | undefined> {
    const { clock, lifetimes, records } = this.options;
    const expiresAt = upstream.expiresAt;
    if (expiresAt === undefined || expiresAt - clock.now() > lifetimes.upstreamRefreshMarginSeconds * 1000) return upstream;
    const refreshToken = upstream.refreshToken;
    if (refreshToken !== undefined && (await records.claim(names.refreshing(digest(connection.accountId), digest(refreshToken)), 120))) {
      let renewed: UpstreamTokens;
      try {
        renewed = await this.options.upstream.refresh(upstream, await this.options.callbackUrl());
      } catch (error) {
        if (error instanceof InvalidGrantError || error instanceof UpstreamSignInError) {
          this.options.logger.info('gateway sign-in: the upstream refused the refresh token; the user signs in again', { accountId: connection.accountId });
          // The grant is gone for every client of the person: each gets 401 and signs in again.
          await records.delete(names.upstreamTokens(connection.accountId));
          await this.dropTokens(connection);
          return undefined;
        }
        throw error;
      }
      await records.write(names.upstreamTokens(connection.accountId), renewed);
      return renewed;
    }
    const waitUntil = clock.now() + REFRESH_WAIT_MS;
    while (clock.now() < waitUntil) {
      await (clock.sleep ? clock.sleep(100) : new Promise((resolve) => setTimeout(resolve, 100)));
      const current = await records.read(names.upstreamTokens(connection.accountId), upstreamTokensSchema);
      if (!current) return undefined;
      if (current.accessToken !== upstream.accessToken) return current;
    }
    if (expiresAt > clock.now()) return upstream;
    if (refreshToken === undefined) {
      await this.dropTokens(connection);
      return undefined;
    }
    throw new UpstreamSignInError('upstream_expired', 'The upstream token is being refreshed by another request; try again.');
  }

  /** The user's groups: cached for `groupsSeconds`; the last use is written back at most every five minutes. */
  private async groupsOf(connection: ConnectionRecord, seen: Seen | undefined): Promise<readonly string[]> {
    const { clock, lifetimes, records } = this.options;
    const now = clock.now();
    const fresh = seen !== undefined && now - seen.fetchedAt < lifetimes.groupsSeconds * 1000;
    if (fresh && now - seen.lastUsedAt < LAST_USED_GRANULARITY_MS) return seen.groups;
    // Jira unreachable: the error reaches the gateway, which refuses the call (fail closed) rather than judge it without groups.
    const groups = fresh ? seen.groups : [...(await this.options.groups.groupsOf(connection.accountId))];
    await records.write(names.seen(connection.id), { groups, fetchedAt: fresh ? seen.fetchedAt : now, lastUsedAt: now });
    return groups;
  }
}

export function summary(connection: ConnectionRecord, seen?: Seen): ConnectionSummary {
  return {
    id: connection.id,
    accountId: connection.accountId,
    ...(connection.name !== undefined && { name: connection.name }),
    ...(connection.email !== undefined && { email: connection.email }),
    client: connection.client,
    connectedAt: connection.connectedAt,
    ...(seen !== undefined && { lastUsedAt: seen.lastUsedAt }),
  };
}
