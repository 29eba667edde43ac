/**
 * Response shapes of Okta's management API as its documentation shows them: the error object
 * (`errorCode`, `errorSummary`, `errorLink`, `errorId`, `errorCauses`), the rate-limit headers
 * and the `Link` header of paged lists. Tests and the fake org build every reply from these.
 */
import { randomBytes } from 'node:crypto';

export interface OktaErrorBody {
  errorCode: string;
  errorSummary: string;
  errorLink: string;
  errorId: string;
  errorCauses: Array<{ errorSummary: string }>;
}

/** The summaries Okta's error-code reference gives for the codes the connector maps. */
export const OKTA_SUMMARIES = {
  E0000001: 'Api validation failed: {0}',
  E0000006: 'You do not have permission to perform the requested action',
  E0000007: 'Not found: Resource not found: {0}',
  E0000008: 'The requested path was not found',
  E0000009: 'Internal Server Error',
  E0000010: 'Service is in read only mode',
  E0000011: 'Invalid token provided',
  E0000047: 'API call exceeded rate limit due to too many requests.',
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

/** Okta's rate-limit headers: the window resets at `resetAt` (epoch seconds), stated against `Date`. */
export function rateLimitHeaders(nowMs: number, resetInSeconds: number, remaining: number): Record<string, string> {
  const nowSeconds = Math.floor(nowMs / 1000);
  return {
    date: new Date(nowSeconds * 1000).toUTCString(),
    'x-rate-limit-limit': '600',
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
