/**
 * The request executor handed to Okta's SDK. It keeps the SDK's transport but changes three things:
 *
 * - no retries and a request timeout: `maxRetries: 0` (the SDK's own 429 back-off would sleep inside
 *   a short Forge function; the engine owns retries) and `requestTimeout` (the SDK default is none);
 * - every request carries the abort signal of the operation that started it, so a deadline stops
 *   the HTTP call itself. The SDK offers no per-call signal, so the signal travels in an
 *   AsyncLocalStorage scope opened by `withSignal`;
 * - failures of the token endpoint become errors. The SDK (8.1.0) never checks the token
 *   response's status: a refused client assertion, a missing scope or a 429 would be cached as
 *   the "token" and every call would then fail as `Bearer undefined`. Okta's DPoP nonce challenge
 *   (400 `use_dpop_nonce`) is passed through once, because the SDK answers it itself.
 */
import { DefaultRequestExecutor } from '@okta/okta-sdk-nodejs';
import { AsyncLocalStorage } from 'node:async_hooks';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { HeaderSource } from '@clearway/connector-sdk';

/** What Okta's token endpoint answered when it refused; classified like any Okta error. */
export class OktaTokenRequestError extends Error {
  override readonly name = 'OktaTokenRequestError';

  constructor(
    readonly status: number,
    /** The OAuth `error` (invalid_client, invalid_scope, …) or Okta's `errorCode` (E0000047). */
    readonly errorCode: string | undefined,
    /** Okta's `error_description` / `errorSummary`. */
    readonly errorSummary: string | undefined,
    readonly headers: HeaderSource,
  ) {
    super(`Okta's token endpoint answered HTTP ${status}${errorCode ? ` (${errorCode})` : ''}.`);
  }
}

/** The parts of node-fetch's request and response this executor touches (the SDK types them loosely). */
interface OutgoingRequest {
  url?: string;
  signal?: AbortSignal;
  headers?: unknown;
  agent?: unknown;
}

/**
 * Connections to Okta are kept alive and reused: without an agent, node-fetch opens (and
 * handshakes TLS for) a new connection per request, which at a few hundred memberships a minute
 * costs more than the requests themselves. A configured HTTPS proxy keeps the SDK's own agent.
 */
const keepAlive = { https: new HttpsAgent({ keepAlive: true, maxSockets: 16 }), http: new HttpAgent({ keepAlive: true, maxSockets: 16 }) };
const keepAliveAgentFor = (url: URL) => (url.protocol === 'http:' ? keepAlive.http : keepAlive.https);

interface FetchResponse {
  readonly ok: boolean;
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  clone(): FetchResponse;
  text(): Promise<string>;
}

const TOKEN_PATH = '/oauth2/v1/token';

export class SignalAwareRequestExecutor extends DefaultRequestExecutor {
  readonly #signals = new AsyncLocalStorage<AbortSignal>();

  constructor(requestTimeoutMs: number) {
    super({ maxRetries: 0, requestTimeout: requestTimeoutMs });
  }

  /** Runs `work`; every request the SDK makes for it carries `signal`. */
  withSignal<T>(signal: AbortSignal, work: () => Promise<T>): Promise<T> {
    return this.#signals.run(signal, work);
  }

  override async fetch(request: OutgoingRequest): Promise<FetchResponse> {
    const signal = this.#signals.getStore();
    if (signal) request.signal = signal;
    request.agent ??= keepAliveAgentFor;
    const response = (await super.fetch(request)) as FetchResponse;
    if (!response.ok && isTokenRequest(request)) await rejectTokenFailure(request, response);
    return response;
  }
}

function isTokenRequest(request: OutgoingRequest): boolean {
  if (!request.url) return false;
  return new URL(request.url).pathname === TOKEN_PATH;
}

const tokenErrorBody = (text: string): Record<string, unknown> => {
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
};

const stringField = (body: Record<string, unknown>, name: string): string | undefined =>
  typeof body[name] === 'string' ? body[name] : undefined;

async function rejectTokenFailure(request: OutgoingRequest, response: FetchResponse): Promise<void> {
  const mayBeNonceChallenge = response.status === 400 && response.headers.get('dpop-nonce') !== null && !proofCarriedNonce(request);
  // Only a nonce challenge goes back to the SDK, which then reads its body: read a clone of that
  // small JSON answer. Anything else is read directly (a clone of a large error page would stall).
  const body = tokenErrorBody(await (mayBeNonceChallenge ? response.clone() : response).text());
  const errorCode = stringField(body, 'error') ?? stringField(body, 'errorCode');
  if (mayBeNonceChallenge && errorCode === 'use_dpop_nonce') return;
  const summary = stringField(body, 'error_description') ?? stringField(body, 'errorSummary');
  throw new OktaTokenRequestError(response.status, errorCode, summary, response.headers);
}

/** Whether the DPoP proof sent with this token request already answered a nonce challenge. */
function proofCarriedNonce(request: OutgoingRequest): boolean {
  const headers = (request.headers ?? {}) as Record<string, unknown>;
  const proof = headers.DPoP ?? headers.dpop;
  if (typeof proof !== 'string') return false;
  const [, payload] = proof.split('.');
  if (!payload) return false;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    return claims !== null && typeof claims === 'object' && 'nonce' in claims;
  } catch {
    return false;
  }
}
