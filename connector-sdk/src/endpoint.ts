/**
 * Checks a provider endpoint an admin typed. The endpoint decides where the credential is sent,
 * so it is strict: https only, no embedded user name or password, no query or fragment, and plain
 * http only when the admin opted in AND the host is loopback (a local simulator). Every HTTP
 * provider has such a setting; this is the one rule for all of them.
 */
import { isIP } from 'node:net';

export interface EndpointUrlOptions {
  /** Allow `http://` to localhost, 127.0.0.0/8 or ::1 (a local simulator). Default false. */
  readonly allowInsecureLoopback?: boolean;
  /** Allow a path (a SCIM base such as `/scim/v2`); otherwise only scheme, host and port. Default false. */
  readonly allowPath?: boolean;
  /** Shown in messages: `https://example.com/scim/v2`. */
  readonly example?: string;
}

/** localhost, 127.0.0.0/8 and ::1. Other names could resolve anywhere, so they do not count. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.split('.')[0] === '127';
  if (isIP(host) === 6) return host === '::1' || host === '0:0:0:0:0:0:0:1';
  return false;
}

/** What is wrong with the endpoint, written for the admin, or undefined when it is acceptable. */
export function checkEndpointUrl(raw: string, options: EndpointUrlOptions = {}): string | undefined {
  const example = options.example ?? 'https://example.com';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `must be a full URL such as ${example}`;
  }
  if (url.username || url.password) return 'must not contain a user name or password';
  if (url.search || url.hash || raw.includes('?') || raw.includes('#')) return 'must not contain a query (?…) or fragment (#…)';
  if (!options.allowPath && url.pathname !== '/') return `must be only the address (${url.protocol}//${url.host}), without a path`;
  if (url.protocol === 'https:') return undefined;
  if (url.protocol !== 'http:') return `must start with https://, e.g. ${example}`;
  if (!options.allowInsecureLoopback) return 'must use https://; plain http is allowed only for a local simulator on loopback, with the insecure-loopback option on';
  if (!isLoopbackHost(url.hostname)) return 'may use plain http only for a loopback host (localhost, 127.0.0.1 or [::1]); anything else needs https://';
  return undefined;
}
