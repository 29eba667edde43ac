/**
 * Response shapes of Okta's management API as its documentation shows them: the error object
 * (`errorCode`, `errorSummary`, `errorLink`, `errorId`, `errorCauses`), the rate-limit headers
 * and the `Link` header of paged lists. Tests and the fake org build every reply from these.
 *
 * The texts are Okta's own, copied from the data its reference pages are generated from
 * (github.com/okta/okta-developer-docs, `packages/@okta/vuepress-site/data/error-codes.json` and
 * `oauth2-error-codes.json`), published at https://developer.okta.com/docs/reference/error-codes/ .
 */
import { randomBytes } from 'node:crypto';

/** Okta's error code reference: https://developer.okta.com/docs/reference/error-codes/ */
export const OKTA_ERROR_CODES_DOC = 'https://developer.okta.com/docs/reference/error-codes/';
/** Okta's rate-limit headers, org-wide and concurrent: https://developer.okta.com/docs/reference/rl-best-practices/ */
export const OKTA_RATE_LIMIT_DOC = 'https://developer.okta.com/docs/reference/rl-best-practices/';

export interface OktaErrorBody {
  errorCode: string;
  errorSummary: string;
  errorLink: string;
  errorId: string;
  errorCauses: Array<{ errorSummary: string }>;
}

/** The HTTP status and `errorSummary` Okta's error-code reference gives for each code the connector meets. */
export const OKTA_DOCUMENTED_ERRORS = {
  E0000001: { status: 400, summary: 'Api validation failed: {0}' },
  E0000004: { status: 401, summary: 'Authentication failed' },
  E0000006: { status: 403, summary: 'You do not have permission to perform the requested action' },
  E0000007: { status: 404, summary: 'Not found: {0}' },
  E0000008: { status: 404, summary: 'The requested path was not found' },
  E0000009: { status: 500, summary: 'Internal Server Error' },
  E0000010: { status: 503, summary: 'Service is in read only mode' },
  E0000011: { status: 401, summary: 'Invalid token provided' },
  E0000031: { status: 400, summary: 'Invalid search criteria.' },
  E0000047: { status: 429, summary: 'API call exceeded rate limit due to too many requests.' },
} as const;

/** The documented summaries by code (`{0}` is where Okta puts the detail). */
export const OKTA_SUMMARIES = Object.fromEntries(Object.entries(OKTA_DOCUMENTED_ERRORS).map(([code, { summary }]) => [code, summary])) as {
  readonly [Code in keyof typeof OKTA_DOCUMENTED_ERRORS]: (typeof OKTA_DOCUMENTED_ERRORS)[Code]['summary'];
};

/** The HTTP status and `error_description` of the token endpoint's OAuth errors the connector meets. */
export const OAUTH_DOCUMENTED_ERRORS = {
  invalid_client: { status: 401, description: 'Client authentication failed. Either the client or the client credentials are invalid.' },
  invalid_dpop_proof: { status: 400, description: 'The DPoP proof JWT is invalid.' },
  use_dpop_nonce: { status: 400, description: 'Authorization server requires nonce in DPoP proof.' },
  invalid_scope: { status: 400, description: 'The requested scope is invalid, unknown, malformed, or exceeds the scope granted by the resource owner.' },
  unauthorized_client: { status: 400, description: 'The client is not authorized to use the provided grant type. Configured grant types: [{0}].' },
} as const;

/** More specific documented descriptions of the same OAuth codes. */
export const OAUTH_DESCRIPTIONS = {
  invalid_client: OAUTH_DOCUMENTED_ERRORS.invalid_client.description,
  // client_assertion_invalid_signature, client_assertion_invalid_kid
  assertionSignatureInvalid: 'The client_assertion signature is invalid.',
  assertionKidInvalid: 'The client_assertion JWT kid is invalid.',
  // invalid_dpop_proof_missing_header
  dpopProofMissing: 'The DPoP proof JWT header is missing.',
  // illegal_scope
  scopesNotAllowed: 'The following scopes are not allowed for this request: [{0}].',
  use_dpop_nonce: OAUTH_DOCUMENTED_ERRORS.use_dpop_nonce.description,
} as const;

export function oktaError(errorCode: string, errorSummary: string, causes: readonly string[] = []): OktaErrorBody {
  return {
    errorCode,
    errorSummary,
    errorLink: errorCode,
    errorId: `oae${randomBytes(11).toString('base64url')}`,
    errorCauses: causes.map((cause) => ({ errorSummary: cause })),
  };
}

/** The OAuth error body of `/oauth2/v1/token`. */
export function oauthError(error: string, description: string): { error: string; error_description: string } {
  return { error, error_description: description };
}

/**
 * Okta's rate-limit headers: the window resets at `resetAt` (epoch seconds), stated against `Date`.
 * A concurrent-limit 429 reports `limit` 0 as well as `remaining` 0.
 */
export function rateLimitHeaders(nowMs: number, resetInSeconds: number, remaining: number, limit = 600): Record<string, string> {
  const nowSeconds = Math.floor(nowMs / 1000);
  return {
    date: new Date(nowSeconds * 1000).toUTCString(),
    'x-rate-limit-limit': String(limit),
    'x-rate-limit-remaining': String(remaining),
    'x-rate-limit-reset': String(nowSeconds + resetInSeconds),
  };
}

/** Okta's `Link` header: one value per relation (`self`, and `next` while more pages remain). */
export function linkHeader(url: URL, next: string | undefined): string[] {
  const self = new URL(url);
  const links = [`<${self.toString()}>; rel="self"`];
  if (next !== undefined) {
    const nextUrl = new URL(url);
    nextUrl.searchParams.set('after', next);
    links.push(`<${nextUrl.toString()}>; rel="next"`);
  }
  return links;
}

/** Okta-style ids: a 3-character type prefix and 17 more characters. */
export function oktaId(prefix: '00u' | '00g', counter: number): string {
  return `${prefix}${counter.toString(36).padStart(6, '0')}${'clearwaytest'.slice(0, 11)}`;
}
