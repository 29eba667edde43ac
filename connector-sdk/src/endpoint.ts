/**
 * Checks a provider endpoint an admin typed. The endpoint decides where the credential is sent,
 * so it is strict: https only, no embedded user name or password, no query or fragment, no port
 * fetch refuses, and plain http only when the admin opted in AND the host is loopback (a local
 * simulator). Every HTTP provider has such a setting; this is the one rule for all of them.
 */
import { isIP } from 'node:net';

/**
 * The Fetch standard's bad ports (https://fetch.spec.whatwg.org/#port-blocking): fetch fails
 * every request to them before connecting, so an endpoint on one could never work, and its
 * failure ("bad port") would otherwise look like a network fault the engine retries forever.
 */
const BAD_PORTS: ReadonlySet<number> = new Set([
  0, 1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102, 103, 104, 109, 110, 111, 113,
  115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465, 512, 513, 514, 515, 526, 530, 531, 532, 540, 548, 554, 556, 563,
  587, 601, 636, 989, 990, 993, 995, 1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669,
  6679, 6697, 10080,
]);

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
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `must start with https://, e.g. ${example}`;
  // `port` is empty for the scheme's default port (443, 80), which is never a bad port.
  if (url.port !== '' && BAD_PORTS.has(Number(url.port))) {
    return `must not use port ${url.port}: fetch refuses to connect to it (a "bad port" of the Fetch standard). Use the port the service documents, usually 443`;
  }
  if (url.protocol === 'https:') return undefined;
  if (!options.allowInsecureLoopback) return 'must use https://; plain http is allowed only for a local simulator on loopback, with the insecure-loopback option on';
  if (!isLoopbackHost(url.hostname)) return 'may use plain http only for a loopback host (localhost, 127.0.0.1 or [::1]); anything else needs https://';
  return undefined;
}
