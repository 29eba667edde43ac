/**
 * Vitest setup for this package: no test reaches a real network. nock refuses any connection it
 * has no interceptor for, and because a refused connection would surface as an ordinary
 * (transient) connector error, which a test might even expect, every refusal is also recorded
 * and fails the test it happened in. Only the opt-in live smoke tests open a real host.
 */
import nock from 'nock';
import { afterEach } from 'vitest';

const allowedHosts = new Set<string>();
const unexpected: string[] = [];

nock.disableNetConnect();
nock.emitter.on('no match', (request: { method?: string; href?: string; hostname?: string }) => {
  if (request.hostname !== undefined && allowedHosts.has(request.hostname)) return;
  unexpected.push(`${request.method ?? 'GET'} ${request.href ?? '(unknown URL)'}`);
});

afterEach(() => {
  nock.cleanAll();
  const calls = unexpected.splice(0);
  if (calls.length > 0) throw new Error(`The test made network calls no nock interceptor answered: ${calls.join(', ')}`);
});

/** For the live smoke tests only: lets requests to `hostname` go out for real. */
export function allowRealNetwork(hostname: string): void {
  allowedHosts.add(hostname);
  nock.enableNetConnect(hostname);
}
