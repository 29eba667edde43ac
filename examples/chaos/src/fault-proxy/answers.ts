/**
 * The answers the proxy makes up, each shaped like the vendor's own so the providers' real SDK
 * clients parse them as they would in production:
 *
 * - Okta's error object (`errorCode`, `errorSummary`, `errorLink`, `errorId`, `errorCauses`) and
 *   its rate-limit headers (`X-Rate-Limit-Limit/-Remaining/-Reset`, the reset in UTC epoch seconds):
 *   https://developer.okta.com/docs/reference/error-codes/ and
 *   https://developer.okta.com/docs/reference/rl-best-practices/
 * - Microsoft Graph's error object (`error.code`, `error.message`, `error.innerError` with `date`,
 *   `request-id`, `client-request-id`) and 429 with `Retry-After`:
 *   https://learn.microsoft.com/graph/errors and https://learn.microsoft.com/graph/throttling
 * - Graph's replication delay right after a group is created: 400 "The source resource object or
 *   one of the objects being referenced do not exist.":
 *   https://learn.microsoft.com/graph/api/group-post-members?view=graph-rest-1.0
 * - Microsoft Entra sign-in errors (`error`, `error_description` starting with the AADSTS code,
 *   `error_codes`, `timestamp`, `trace_id`, `correlation_id`):
 *   https://learn.microsoft.com/entra/identity-platform/reference-error-codes
 * - Retry-After as delay-seconds or an HTTP date: https://www.rfc-editor.org/rfc/rfc9110#section-10.2.3
 */
import { randomUUID } from 'node:crypto';
import type { Random } from '@clearway/sandbox';
import type { RequestTarget } from './endpoints.js';
import type { RetryAfterForm, UnexpectedBody } from './faults.js';

export interface ProxyAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): ProxyAnswer => ({
  status,
  headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  body: JSON.stringify(body),
});

function oktaError(status: number, errorCode: string, errorSummary: string, headers: Record<string, string> = {}): ProxyAnswer {
  return json(status, { errorCode, errorSummary, errorLink: errorCode, errorId: `oae${randomUUID().replace(/-/g, '').slice(0, 22)}`, errorCauses: [] }, headers);
}

function graphError(status: number, code: string, message: string, now: number, headers: Record<string, string> = {}): ProxyAnswer {
  const requestId = randomUUID();
  return json(status, { error: { code, message, innerError: { date: new Date(now).toISOString().slice(0, 19), 'request-id': requestId, 'client-request-id': requestId } } }, { 'request-id': requestId, ...headers });
}

function signInError(status: number, error: string, aadsts: number, description: string, now: number, headers: Record<string, string> = {}): ProxyAnswer {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = new Date(now).toISOString().replace('T', ' ').slice(0, 19) + 'Z';
  return json(
    status,
    {
      error,
      error_description: `AADSTS${aadsts}: ${description}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
      error_codes: [aadsts],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `https://login.microsoftonline.com/error?code=${aadsts}`,
    },
    headers,
  );
}

const isSignIn = (target: RequestTarget) => target.vendor === 'entra';

/** A 5xx with the vendor's JSON error body. */
export function serverErrorJson(target: RequestTarget, random: Random, now: number): ProxyAnswer {
  const status = random.pick([500, 502, 503, 504]);
  if (target.vendor === 'okta') return oktaError(status, 'E0000009', 'Internal Server Error');
  if (isSignIn(target)) return signInError(status, 'temporarily_unavailable', 90033, 'The service is temporarily unavailable. Please try again.', now);
  const code = status === 503 ? 'serviceNotAvailable' : status === 504 ? 'timeout' : 'generalException';
  return graphError(status, code, 'The service is temporarily unavailable. Please retry.', now);
}

/** A 5xx page from something in front of the vendor (a load balancer, a corporate proxy). */
export function serverErrorHtml(random: Random): ProxyAnswer {
  const [status, title] = random.pick([
    [502, 'Bad Gateway'],
    [503, 'Service Unavailable'],
    [504, 'Gateway Time-out'],
  ] as const);
  return { status, headers: { 'content-type': 'text/html' }, body: `<html>\r\n<head><title>${status} ${title}</title></head>\r\n<body>\r\n<center><h1>${status} ${title}</h1></center>\r\n</body>\r\n</html>\r\n` };
}

/** The headers a 429 carries for one Retry-After form. */
export function retryAfterHeaders(form: RetryAfterForm, now: number): Record<string, string> {
  const date = { date: new Date(now).toUTCString() };
  switch (form) {
    case 'seconds':
      return { ...date, 'retry-after': '1' };
    case 'http_date':
      return { ...date, 'retry-after': new Date(now + 2_000).toUTCString() };
    case 'past_date':
      return { ...date, 'retry-after': new Date(now - 60_000).toUTCString() };
    case 'zero':
      return { ...date, 'retry-after': '0' };
    case 'missing':
      return date;
    case 'garbage':
      return { ...date, 'retry-after': 'soon, probably' };
    case 'huge':
      return { ...date, 'retry-after': '86400' };
    case 'okta_reset':
      return { ...date, 'x-rate-limit-limit': '600', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(Math.ceil((now + 1_500) / 1000)) };
    case 'okta_reset_huge':
      return { ...date, 'x-rate-limit-limit': '600', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(Math.ceil(now / 1000) + 86_400) };
  }
}

/** 429 in the vendor's words, with the wait said one way or another (or not at all). */
export function rateLimited(target: RequestTarget, form: RetryAfterForm, now: number): ProxyAnswer {
  const headers = retryAfterHeaders(form, now);
  if (target.vendor === 'okta') return oktaError(429, 'E0000047', 'API call exceeded rate limit due to too many requests.', headers);
  if (isSignIn(target)) return signInError(429, 'temporarily_unavailable', 90033, 'Too many requests. Please try again later.', now, headers);
  return graphError(429, 'TooManyRequests', 'Too many requests. Please retry after the time in the Retry-After header.', now, headers);
}

/** Graph's documented answer to a membership add while a new group has not replicated yet. */
export function replicationDelay(now: number): ProxyAnswer {
  return graphError(400, 'Request_BadRequest', 'The source resource object or one of the objects being referenced do not exist.', now);
}

/** 200 with a body no vendor documents for the call. */
export function unexpectedBody(body: UnexpectedBody, now: number): ProxyAnswer {
  const date = { date: new Date(now).toUTCString() };
  switch (body) {
    case 'empty_object':
      return json(200, {}, date);
    case 'empty_array':
      return json(200, [], date);
    case 'value_of_empty':
      return json(200, { value: [{}] }, date);
    case 'html':
      return { status: 200, headers: { ...date, 'content-type': 'text/html; charset=utf-8' }, body: '<!DOCTYPE html><html><head><title>Sign in</title></head><body><form method="post"></form></body></html>' };
  }
}

/** The upstream answer with its JSON cut short; an empty answer (a 204) becomes a 200 with half a body. */
export function truncated(upstream: ProxyAnswer): ProxyAnswer {
  const text = upstream.body.length > 1 ? upstream.body : '{"value":[{"id":"00g1b2c3d4';
  const status = upstream.body.length > 1 ? upstream.status : 200;
  return { status, headers: { ...upstream.headers, 'content-type': 'application/json; charset=utf-8' }, body: text.slice(0, Math.max(1, Math.floor(text.length / 2))) };
}
