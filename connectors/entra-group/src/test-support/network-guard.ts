/**
 * Loaded before every test file: no test reaches a real network. nock refuses connections it has
 * no interceptor for, and because a refused connection surfaces as a (retryable) network error that
 * a test could mistake for an injected fault, every unmatched request also fails the test outright.
 */
import nock from 'nock';
import { afterEach } from 'vitest';

nock.disableNetConnect();

const unexpected: string[] = [];

interface UnmatchedRequest {
  readonly method?: string;
  readonly href?: string;
  readonly host?: string;
  readonly hostname?: string;
  readonly path?: string;
  readonly options?: { readonly host?: string; readonly hostname?: string; readonly path?: string };
}

nock.emitter.on('no match', (request: UnmatchedRequest) => {
  const host = request.hostname ?? request.host ?? request.options?.hostname ?? request.options?.host ?? '';
  unexpected.push(`${request.method ?? '?'} ${request.href ?? `${host}${request.path ?? request.options?.path ?? ''}`}`);
});

afterEach(() => {
  nock.cleanAll();
  const calls = unexpected.splice(0);
  if (calls.length > 0) throw new Error(`Unexpected network request(s), answered by no nock interceptor: ${calls.join('; ')}`);
});
