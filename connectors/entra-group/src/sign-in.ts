/**
 * A failed sign-in, classified from what the Microsoft Entra endpoints really answered.
 *
 * MSAL turns most answers into errors that no longer say what happened: an outage or junk at OpenID
 * discovery becomes `endpoints_resolution_error`, a 503 or a truncated 200 from the token endpoint a
 * `network_error`, a 200 `{}` "Response had no expiresOn property". So a policy in Azure Identity's
 * own HTTP pipeline (`additionalPolicies`) records each answer — status, wait headers, and whether the
 * body is in the documented shape — and a failed sign-in is classified from the last answer it got.
 */
import type { ClientSecretCredentialOptions } from '@azure/identity';
import { TransientError, classifyNetworkError, isConnectorError, retryAfterMsFromHeaders, type ConnectorError } from '@clearway/connector-sdk';
import { z } from 'zod';
import { SIGN_IN, classifySignInAnswer } from './errors.js';

type PipelinePolicy = NonNullable<ClientSecretCredentialOptions['additionalPolicies']>[number]['policy'];

type SignInEndpoint = 'instance discovery' | 'OpenID configuration' | 'token endpoint';

/** The success bodies MSAL needs (msal-common `isCloudInstanceDiscoveryResponse`, `isOpenIdConfigResponse`). */
const SUCCESS_BODIES: Readonly<Record<SignInEndpoint, z.ZodType>> = {
  'instance discovery': z.object({ tenant_discovery_endpoint: z.string().min(1), metadata: z.array(z.unknown()) }),
  'OpenID configuration': z.object({
    authorization_endpoint: z.string().min(1),
    token_endpoint: z.string().min(1),
    issuer: z.string().min(1),
    jwks_uri: z.string().min(1),
  }),
  // https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-client-creds-grant-flow#successful-response
  'token endpoint': z.object({ access_token: z.string().min(1), expires_in: z.union([z.number(), z.string().regex(/^\d+$/)]) }),
};

/** https://learn.microsoft.com/en-us/entra/identity-platform/reference-error-codes#handling-error-codes-in-your-application */
const oauthErrorBody = z.object({ error: z.string().min(1), error_codes: z.array(z.number()).optional() });

interface SignInAnswer {
  readonly sequence: number;
  readonly endpoint: SignInEndpoint;
  readonly status: number;
  readonly usable: boolean;
  readonly oauthError?: string;
  readonly aadsts?: string;
  /** Until when the answer asked us to wait (Retry-After). */
  readonly waitUntil?: number;
}

function endpointOf(url: string): SignInEndpoint | undefined {
  const path = new URL(url).pathname;
  if (path.endsWith('/discovery/instance')) return 'instance discovery';
  if (path.endsWith('/.well-known/openid-configuration')) return 'OpenID configuration';
  if (/\/oauth2\/v2\.0\/token$/.test(path)) return 'token endpoint';
  return undefined;
}

function parseJson(text: string | null | undefined): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Records what the sign-in endpoints answer one credential; it never keeps a body or a token. */
export class SignInAnswers {
  private sequence = 0;
  private last: SignInAnswer | undefined;

  /** MSAL's throttle runs on the wall clock, so this does too (not on a host's clock). */
  constructor(readonly now: () => number = Date.now) {}

  readonly policy: PipelinePolicy = {
    name: 'clearwaySignInAnswers',
    sendRequest: async (request, next) => {
      const response = await next(request);
      const endpoint = endpointOf(request.url);
      if (endpoint) this.record(endpoint, response.status, (name) => response.headers.get(name), response.bodyAsText);
      return response;
    },
  };

  /** The position after which answers belong to the sign-in that starts now. */
  mark(): number {
    return this.sequence;
  }

  private record(endpoint: SignInEndpoint, status: number, header: (name: string) => string | undefined, text: string | null | undefined): void {
    const now = this.now();
    const body = parseJson(text);
    const oauth = status >= 400 ? oauthErrorBody.safeParse(body) : undefined;
    const asked = retryAfterMsFromHeaders({ 'retry-after': header('retry-after'), date: header('date') }, now);
    const waitUntil = asked === undefined ? 0 : now + asked;
    this.sequence += 1;
    const answer: SignInAnswer = {
      sequence: this.sequence,
      endpoint,
      status,
      usable: status >= 200 && status < 300 && SUCCESS_BODIES[endpoint].safeParse(body).success,
      ...(oauth?.success && {
        oauthError: oauth.data.error,
        ...(oauth.data.error_codes?.[0] !== undefined && { aadsts: `AADSTS${oauth.data.error_codes[0]}` }),
      }),
      ...(waitUntil > 0 && { waitUntil }),
    };
    this.last = answer;
  }

  /** The last answer received after `mark`, if any. */
  lastSince(mark: number): SignInAnswer | undefined {
    return this.last && this.last.sequence > mark ? this.last : undefined;
  }
}

function classifyRecorded(answer: SignInAnswer, now: number): ConnectorError {
  return classifySignInAnswer(
    {
      status: answer.status,
      // The wait is measured from now, in whole seconds as Retry-After counts it.
      ...(answer.oauthError !== undefined && { oauthError: answer.oauthError }),
      ...(answer.aadsts !== undefined && { aadsts: answer.aadsts }),
      ...(answer.waitUntil !== undefined && { minimumWaitMs: Math.ceil((answer.waitUntil - now) / 1_000) * 1_000 }),
    },
    answer.endpoint,
  );
}

/** The OAuth `error` codes the identity platform documents; anything else Azure Identity invents for unreadable bodies. */
const DOCUMENTED_OAUTH_ERRORS = new Set([
  'invalid_request',
  'invalid_grant',
  'unauthorized_client',
  'invalid_client',
  'unsupported_grant_type',
  'invalid_resource',
  'interaction_required',
  'temporarily_unavailable',
  'invalid_scope',
]);

interface FailureShape {
  readonly status?: unknown;
  readonly statusCode?: unknown;
  readonly errorNo?: unknown;
  readonly errorCode?: unknown;
  readonly errorResponse?: { readonly error?: unknown; readonly errorCodes?: unknown };
  readonly cause?: unknown;
}

/** MSAL wraps the token endpoint's answer (`ServerError`) in Azure Identity errors: walk `cause`. */
function* causes(error: unknown): Generator<FailureShape> {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== null && typeof current === 'object'; depth += 1) {
    const shape: FailureShape = current;
    yield shape;
    current = shape.cause;
  }
}

/** A token credential's error that carries the answer itself (MSAL `ServerError`, Azure Identity `AuthenticationError`). */
function answerInError(shape: FailureShape): { status: number; oauthError?: string; aadsts?: string } | undefined {
  const status = typeof shape.status === 'number' ? shape.status : shape.statusCode;
  if (typeof status !== 'number' || status < 400) return undefined;
  const codes = shape.errorResponse?.errorCodes;
  const number: unknown = shape.errorNo ?? (Array.isArray(codes) ? codes[0] : undefined);
  const aadsts = typeof number === 'number' || (typeof number === 'string' && /^\d+$/.test(number)) ? `AADSTS${number}` : undefined;
  const code: unknown = shape.errorResponse?.error ?? shape.errorCode;
  const oauthError = typeof code === 'string' && (DOCUMENTED_OAUTH_ERRORS.has(code) || aadsts !== undefined) ? code : undefined;
  return { status, ...(oauthError !== undefined && { oauthError }), ...(aadsts !== undefined && { aadsts }) };
}

/**
 * Whatever a token credential threw, as an SDK error: the last answer the endpoints gave during this
 * sign-in when it was not a usable one; network failures; an
 * error that carries the answer itself; else a transient failure (nothing documented refused us).
 */
export function classifySignInFailure(error: unknown, answers?: { readonly recorder: SignInAnswers; readonly mark: number }): ConnectorError {
  if (isConnectorError(error)) return error;
  const now = answers?.recorder.now() ?? Date.now();
  const last = answers?.recorder.lastSince(answers.mark);
  if (last && !last.usable) return classifyRecorded(last, now);
  const network = classifyNetworkError(error, SIGN_IN);
  if (network) return network;
  for (const shape of causes(error)) {
    const answer = answerInError(shape);
    if (answer) return classifySignInAnswer(answer, 'token endpoint');
  }
  // MSAL reports unreachable endpoints and unreadable answers alike as `network_error`.
  if ([...causes(error)].some((shape) => shape.errorCode === 'network_error')) {
    return new TransientError(
      `${SIGN_IN} failed: the sign-in endpoint could not be reached or gave no usable answer; the action will be retried. If this persists, check the Directory (tenant) ID and the sign-in endpoint.`,
      { code: 'sign_in_unreachable' },
    );
  }
  return new TransientError(`${SIGN_IN} failed without an answer that says why; the action will be retried.`, { code: 'sign_in_failed' });
}
