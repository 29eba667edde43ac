/**
 * `@clearway/connector-sdk/testing/network-guard`: a vitest setup module for a provider package
 * (list it in `setupFiles`, or import it first in every test file). No test reaches a real
 * network: nock refuses every connection it has no interceptor for, and because a refused
 * connection surfaces as an ordinary (retryable) connector error — one a test might even expect —
 * every unmatched request also fails the test it happened in.
 *
 * Needs `nock` (14 or later on Node 20) and `vitest` as dev dependencies of the provider package.
 */
import nock from 'nock';
import { afterEach } from 'vitest';

/** The shapes nock's `no match` event carries, depending on how the request was made. */
interface UnmatchedRequest {
  readonly method?: string;
  readonly href?: string;
  readonly host?: string;
  readonly hostname?: string;
  readonly path?: string;
  readonly options?: { readonly host?: string; readonly hostname?: string; readonly path?: string };
}

const allowedHosts = new Set<string>();
const unexpected: string[] = [];

/** `example.com` of `example.com:443`. */
function hostnameOf(host: string): string {
  return host.replace(/:\d+$/, '');
}

nock.disableNetConnect();
nock.emitter.on('no match', (request: UnmatchedRequest) => {
  const host = request.hostname ?? request.host ?? request.options?.hostname ?? request.options?.host ?? '';
  // nock reports the requests it lets through as unmatched too.
  if (allowedHosts.has(hostnameOf(host))) return;
  unexpected.push(`${request.method ?? 'GET'} ${request.href ?? `${host}${request.path ?? request.options?.path ?? ''}`}`);
});

afterEach(() => {
  nock.cleanAll();
  const calls = unexpected.splice(0);
  if (calls.length > 0) throw new Error(`The test made network calls no nock interceptor answered: ${calls.join('; ')}`);
});

/**
 * Lets requests to `hostname` (any port) go out for real for the rest of this test file: for
 * opt-in live smoke tests, and for a fake served on a loopback socket (`127.0.0.1`).
 */
export function allowRealHost(hostname: string): void {
  allowedHosts.add(hostname);
  nock.enableNetConnect((host: string) => allowedHosts.has(hostnameOf(host)));
}
