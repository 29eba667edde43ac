/**
 * Imported first by every test file: no test reaches a real network. nock refuses connections it
 * has no interceptor for, and because a refused connection surfaces as a (retryable) network error
 * that a test could mistake for an injected fault, an unmatched request also fails the test.
 * Loopback stays reachable only where a test opens it (`allowLoopback`), for the real-socket test.
 */
import nock from 'nock';
import { afterEach } from 'vitest';

nock.disableNetConnect();

const unexpected: string[] = [];
let loopbackAllowed = false;

interface UnmatchedRequest {
  readonly method?: string;
  readonly href?: string;
  readonly host?: string;
  readonly path?: string;
}

nock.emitter.on('no match', (request: UnmatchedRequest) => {
  // nock reports requests it lets through as unmatched too.
  if (loopbackAllowed && /^(https?:\/\/)?127\.0\.0\.1[:/]/.test(request.href ?? request.host ?? '')) return;
  unexpected.push(`${request.method ?? '?'} ${request.href ?? `${request.host ?? ''}${request.path ?? ''}`}`);
});

/** Lets requests to 127.0.0.1 through for the rest of the current test. */
export function allowLoopback(): void {
  loopbackAllowed = true;
  nock.enableNetConnect('127.0.0.1');
}

afterEach(() => {
  nock.cleanAll();
  nock.disableNetConnect();
  loopbackAllowed = false;
  const calls = unexpected.splice(0);
  if (calls.length > 0) throw new Error(`Unexpected network request(s), answered by no nock interceptor: ${calls.join('; ')}`);
});
