/**
 * The request executor handed to Okta's SDK. It keeps the SDK's transport but changes four things:
 *
 * - no retries and a request timeout: `maxRetries: 0` (the SDK's own 429 back-off would sleep inside
 *   a short Forge function; the engine owns retries) and `requestTimeout` (the SDK default is none);
 * - every request belongs to the call that started it (an AsyncLocalStorage scope opened by
 *   `withCall`, because the SDK offers no per-call options): it is not sent once the operation's
 *   signal has aborted or its deadline has passed, and it carries that signal, so a deadline also
 *   stops the HTTP call itself. A look-then-change operation never sends the change after an abort;
 * - a successful answer is checked against what Okta documents before the SDK parses it (see
 *   `okta-answers.ts`): the status the call expects (200 with JSON, or 204 for membership changes),
 *   a JSON body, and a list where the SDK reads a collection. The SDK's own parsing would turn an
 *   HTML page into a list of empty users and an empty body into an empty list;
 * - failures of the token endpoint become errors. The SDK (8.1.0) never checks the token
 *   response's status: a refused client assertion, a missing scope or a 429 would be cached as
 *   the "token" and every call would then fail as `Bearer undefined`. Okta's DPoP nonce challenge
 *   (400 `use_dpop_nonce`) is passed through once, because the SDK answers it itself.
 */
import { DefaultRequestExecutor } from '@okta/okta-sdk-nodejs';
import { AsyncLocalStorage } from 'node:async_hooks';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { assertCanProceed, type HeaderSource, type OperationContext } from '@clearway/connector-sdk';
import { jsonAnswerProblem, oktaTokenSchema, readOktaAnswer, UnexpectedOktaAnswer, type OktaAnswerKind } from './okta-answers.js';

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

/** The call a request belongs to: whose signal and deadline it obeys, and how its answer must look. */
export interface OktaCallScope {
  readonly ctx: OperationContext;
  /** Leads the error when the deadline has passed ("Adding the user to the Okta group"). */
  readonly action: string;
  readonly answer: OktaAnswerKind;
  /** Told of every page of a list that passed the checks: the URL it was read from and its `Link` header. */
  readonly onPage?: (page: OktaListPage) => void;
}

/** A page of a list as it came over the wire, for a caller that pages itself (okta-links.ts). */
export interface OktaListPage {
  readonly url: string;
  readonly link: string | null;
}

/**
 * The parts of node-fetch's request this executor touches (the SDK types them loosely). For API
 * calls it is the SDK's `RequestContext`, whose `isCollection` says a list is being read.
 */
interface OutgoingRequest {
  url?: string;
  signal?: AbortSignal;
  headers?: unknown;
  agent?: unknown;
  isCollection?: boolean;
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
  readonly statusText: string;
  readonly url: string;
  readonly headers: { get(name: string): string | null };
  clone(): FetchResponse;
  text(): Promise<string>;
}

/** node-fetch's `Response` constructor, reached through a response so the SDK's copy of node-fetch is used. */
type ResponseConstructor = new (body: string, init: { status: number; statusText: string; url: string; headers: FetchResponse['headers'] }) => FetchResponse;

const TOKEN_PATH = '/oauth2/v1/token';

export class SignalAwareRequestExecutor extends DefaultRequestExecutor {
  readonly #calls = new AsyncLocalStorage<OktaCallScope>();

  constructor(requestTimeoutMs: number) {
    super({ maxRetries: 0, requestTimeout: requestTimeoutMs });
  }

  /** Runs `work`; every request the SDK makes for it obeys and is checked against `scope`. */
  withCall<T>(scope: OktaCallScope, work: () => Promise<T>): Promise<T> {
    return this.#calls.run(scope, work);
  }

  override async fetch(request: OutgoingRequest): Promise<FetchResponse> {
    const scope = this.#calls.getStore();
    if (scope) {
      assertCanProceed(scope.ctx, scope.action);
      request.signal = scope.ctx.signal;
    }
    request.agent ??= keepAliveAgentFor;
    const response = (await super.fetch(request)) as FetchResponse;
    if (isTokenRequest(request)) {
      if (response.ok) return checkedTokenAnswer(response);
      await rejectTokenFailure(request, response);
      return response;
    }
    // Okta's errors are the SDK's to parse and ours to classify (okta-errors.ts).
    if (!response.ok) return response;
    const list = request.isCollection === true;
    const checked = await checkedAnswer(response, scope?.answer ?? 'json', list);
    if (list && request.url) scope?.onPage?.({ url: request.url, link: checked.headers.get('link') });
    return checked;
  }
}

const requestIdOf = (response: FetchResponse): string | undefined => response.headers.get('x-okta-request-id') ?? undefined;

/** The response, if it is what Okta documents for the call; read once and handed on intact to the SDK. */
async function checkedAnswer(response: FetchResponse, answer: OktaAnswerKind, list: boolean): Promise<FetchResponse> {
  const expected = answer === 'no_content' ? 204 : 200;
  if (response.status !== expected) {
    // Drain the body so the kept-alive connection is freed; its content is never looked at.
    await response.text().catch(() => '');
    const documented = answer === 'no_content' ? '204 No Content' : '200 with JSON';
    throw new UnexpectedOktaAnswer(`HTTP ${response.status} where Okta answers ${documented}`, requestIdOf(response));
  }
  if (answer === 'no_content') return response;
  const text = await response.text();
  const problem = jsonAnswerProblem(response.headers.get('content-type'), text, list);
  if (problem) throw new UnexpectedOktaAnswer(problem, requestIdOf(response));
  return rebuilt(response, text);
}

/** A 200 from the token endpoint must carry a token: otherwise the SDK would cache `undefined` as one. */
async function checkedTokenAnswer(response: FetchResponse): Promise<FetchResponse> {
  const text = await response.text();
  const problem = jsonAnswerProblem(response.headers.get('content-type'), text, false);
  if (problem) throw new UnexpectedOktaAnswer(`the token endpoint answered ${problem}`, requestIdOf(response));
  readOktaAnswer(oktaTokenSchema, JSON.parse(text), "the token endpoint's answer");
  return rebuilt(response, text);
}

/** The body has been read; the SDK gets an identical response to read it again. */
function rebuilt(response: FetchResponse, text: string): FetchResponse {
  const Response = response.constructor as ResponseConstructor;
  return new Response(text, { status: response.status, statusText: response.statusText, url: response.url, headers: response.headers });
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
