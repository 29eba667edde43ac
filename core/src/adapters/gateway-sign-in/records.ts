import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { SignInStore } from './types.js';

/*
 * What sign-in keeps, and under which names. Tokens, codes and states are stored by their SHA-256
 * only, so a dump of the store lets nobody call the gateway; the user's upstream tokens must be
 * kept as they are (Clearway sends them), which is why the store is secret storage.
 */

/** 32 random bytes, base64url: codes, tokens, states, ids. */
export function randomToken(prefix = ''): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

export function digest(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

export const names = {
  upstreamClient: 'gw:upstream-client',
  status: 'gw:status',
  client: (clientId: string) => `gw:client:${digest(clientId)}`,
  pending: (state: string) => `gw:pending:${digest(state)}`,
  code: (code: string) => `gw:code:${digest(code)}`,
  codeByHash: (codeHash: string) => `gw:code:${codeHash}`,
  access: (tokenHash: string) => `gw:access:${tokenHash}`,
  refresh: (tokenHash: string) => `gw:refresh:${tokenHash}`,
  connection: (id: string) => `gw:connection:${id}`,
  /** A person's upstream tokens: one grant per account, shared by all their AI clients (a second sign-in may end the first grant at the upstream). */
  upstreamTokens: (accountId: string) => `gw:upstream:${digest(accountId)}`,
  seen: (connectionId: string) => `gw:seen:${connectionId}`,
  account: (accountId: string) => `gw:account:${digest(accountId)}`,
  used: (kind: 'code' | 'refresh' | 'state', hash: string) => `gw:used:${kind}:${hash}`,
  refreshing: (connectionId: string, refreshHash: string) => `gw:refreshing:${connectionId}:${refreshHash}`,
};

/** An AI client registered through `/register` (RFC 7591). Public: no secret is issued. */
export const registeredClientSchema = z.object({
  client_id: z.string(),
  client_id_issued_at: z.number(),
  client_name: z.string(),
  redirect_uris: z.array(z.string()).min(1),
  grant_types: z.array(z.string()),
  response_types: z.array(z.string()),
  token_endpoint_auth_method: z.literal('none'),
  scope: z.string().optional(),
  client_uri: z.string().optional(),
  software_id: z.string().optional(),
  software_version: z.string().optional(),
});
export type RegisteredClient = z.infer<typeof registeredClientSchema>;

/** Between the AI client's `/authorize` and the upstream's return to `/callback`. */
export const pendingSchema = z.object({
  clientId: z.string(),
  redirectUri: z.string(),
  codeChallenge: z.string(),
  clientState: z.string().optional(),
  scope: z.string().optional(),
  /** The resource the client asked for (RFC 8707), or the MCP endpoint. */
  resource: z.string(),
  upstreamVerifier: z.string(),
  upstreamRedirectUri: z.string(),
  expiresAt: z.number(),
});
export type Pending = z.infer<typeof pendingSchema>;

/** A Clearway authorization code, waiting for `/token`. */
export const codeSchema = z.object({
  connectionId: z.string(),
  clientId: z.string(),
  redirectUri: z.string(),
  codeChallenge: z.string(),
  resource: z.string(),
  expiresAt: z.number(),
  /** Set by the first exchange; kept (one per connection) so a replay can be told from a forgery and answered by revoking what the code gave. */
  used: z.boolean().optional(),
});
export type CodeRecord = z.infer<typeof codeSchema>;

/** A Clearway access or refresh token (stored under its hash). */
export const tokenSchema = z.object({ connectionId: z.string(), accountId: z.string(), clientId: z.string(), resource: z.string(), expiresAt: z.number() });
export type TokenRecord = z.infer<typeof tokenSchema>;

export const upstreamTokensSchema = z.object({
  accessToken: z.string(),
  refreshToken: z.string().optional(),
  expiresAt: z.number().optional(),
  scope: z.string().optional(),
});
export type UpstreamTokens = z.infer<typeof upstreamTokensSchema>;

/**
 * One user's sign-in from one AI client and the Clearway tokens issued on it. The user's upstream
 * tokens (one set per account) and what is cached per use (groups, last use) are separate
 * records, so a refresh, a token issue and a call each write only their own and never undo
 * another's write.
 */
export const connectionSchema = z.object({
  id: z.string(),
  accountId: z.string(),
  name: z.string().optional(),
  email: z.string().optional(),
  client: z.string(),
  clientId: z.string(),
  connectedAt: z.number(),
  /** Hashes of the Clearway tokens issued on this connection, so a disconnect finds them. */
  accessHashes: z.array(z.string()),
  refreshHash: z.string().optional(),
  /** The last Clearway code issued on this connection (its record is dropped when the next is issued or the connection ends). */
  codeHash: z.string().optional(),
});
export type ConnectionRecord = z.infer<typeof connectionSchema>;

/** Per use: the user's Jira groups (cached briefly) and when the connection was last used. */
export const seenSchema = z.object({ groups: z.array(z.string()), fetchedAt: z.number(), lastUsedAt: z.number() });
export type Seen = z.infer<typeof seenSchema>;

/** Clearway's own registration with the upstream authorization server. */
export const upstreamClientSchema = z.object({
  issuer: z.string(),
  redirectUri: z.string(),
  information: z.looseObject({ client_id: z.string(), client_secret: z.string().optional() }),
  registeredAt: z.number(),
});
export type UpstreamClient = z.infer<typeof upstreamClientSchema>;

export const statusSchema = z.object({ callbackVerifiedAt: z.number().optional() });

export const accountIndexSchema = z.array(z.string());

/** Typed reads and writes of the records; a record that does not parse counts as absent. */
export class Records {
  constructor(private readonly store: SignInStore) {}

  async read<T>(name: string, schema: z.ZodType<T>): Promise<T | undefined> {
    const text = await this.store.get(name);
    if (text === undefined) return undefined;
    try {
      const parsed = schema.safeParse(JSON.parse(text));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }

  write(name: string, value: unknown): Promise<void> {
    return this.store.set(name, JSON.stringify(value));
  }

  delete(name: string): Promise<void> {
    return this.store.delete(name);
  }

  claim(name: string, ttlSeconds: number): Promise<boolean> {
    return this.store.claim(name, ttlSeconds);
  }
}
