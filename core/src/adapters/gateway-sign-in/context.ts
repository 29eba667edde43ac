import type { Clock } from '../../ports/clock.js';
import type { Logger } from '../../ports/logger.js';
import type { ConnectionBook } from './connections.js';
import type { Records } from './records.js';
import type { SignInLifetimes } from './types.js';
import type { UpstreamOAuth } from './upstream-oauth.js';

/** The URLs everything is served at, from the base URL. */
export interface HostUrls {
  /** The issuer: the base URL without a trailing slash. */
  readonly base: string;
  /** The protected resource (RFC 8707's `resource`) and MCP endpoint. */
  readonly mcp: string;
  /** The redirect URI Clearway registered with the upstream: what the admin allows in Rovo. */
  readonly callback: string;
  readonly resourceMetadata: string;
}

export function hostUrls(baseUrl: string): HostUrls {
  const base = baseUrl.replace(/\/+$/, '');
  return { base, mcp: `${base}/mcp`, callback: `${base}/callback`, resourceMetadata: `${base}/.well-known/oauth-protected-resource` };
}

/** What the OAuth endpoints share. */
export interface SignInContext {
  readonly records: Records;
  readonly book: ConnectionBook;
  readonly upstream: UpstreamOAuth;
  readonly clock: Clock;
  readonly lifetimes: SignInLifetimes;
  readonly logger: Logger;
  urls(): Promise<HostUrls>;
}
