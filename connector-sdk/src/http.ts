import { connectorError, type ConnectorError, type ConnectorErrorKind } from './errors.js';
import { readHeader, type HeaderSource } from './headers.js';
import { patternRedactor } from './redact.js';
import { retryAfterMsFromHeaders } from './retry-after.js';

/**
 * The one table from HTTP status to error kind. Providers call `classifyHttpError` with what the
 * response said; they never write their own status switch.
 */
export function errorKindForStatus(status: number): ConnectorErrorKind {
  if (status === 429) return 'rate_limited';
  if (status === 401) return 'auth';
  if (status === 403) return 'permission';
  if (status === 404 || status === 410) return 'not_found';
  if (status === 501) return 'unsupported';
  if (status === 408 || status === 425 || status >= 500) return 'transient';
  return 'invalid_request';
}

const DEFAULT_MESSAGES: Record<ConnectorErrorKind, string> = {
  rate_limited: 'The provider is rate limiting requests; the action will be retried after the wait it asked for.',
  transient: 'The provider did not answer successfully; the action will be retried.',
  auth: 'The provider refused the connector credentials. Check that the token or secret is current.',
  permission: 'The connector credentials lack a permission this action needs.',
  not_found: 'The provider does not know the object this action names.',
  invalid_request: 'The provider rejected the request as invalid.',
  invalid_config: 'The connector settings are invalid.',
  unsupported: 'The provider does not support this action.',
};

export interface HttpErrorFacts {
  status: number;
  headers?: HeaderSource;
  /** The provider's error code from its body (e.g. `E0000047`). */
  providerCode?: string;
  /** A short, admin-readable summary; never the raw body. */
  summary?: string;
  /** What we were doing, to lead the message: "Adding the user to the group". */
  action?: string;
  /** Header names that carry the provider's request id, in order of preference. */
  requestIdHeaders?: readonly string[];
  /**
   * The provider's request id when it is in the body, not a header; wins over the headers. Any
   * candidate that is not identifier-shaped (`[A-Za-z0-9._:-]`, at most 128) is dropped.
   */
  requestId?: string;
  /** Overrides the kind the status alone implies (a provider's code can be more precise). */
  kind?: ConnectorErrorKind;
  code?: string;
  now?: number;
}

const REQUEST_ID_HEADERS = ['x-okta-request-id', 'request-id', 'x-ms-request-id', 'x-request-id'];

/** Classifies an HTTP error response into the error family, with `retryAfterMs` for 429 and 503. */
export function classifyHttpError(facts: HttpErrorFacts): ConnectorError {
  const kind = facts.kind ?? errorKindForStatus(facts.status);
  const wait = kind === 'rate_limited' || kind === 'transient' ? retryAfterMsFromHeaders(facts.headers, facts.now) : undefined;
  // The first candidate that is identifier-shaped: a header echoing something else must not hide a good one.
  const requestId = [facts.requestId, ...(facts.requestIdHeaders ?? REQUEST_ID_HEADERS).map((name) => readHeader(facts.headers, name))]
    .map((candidate) => patternRedactor.upstreamId(candidate))
    .find((value) => value !== undefined);
  const lead = facts.action ? `${facts.action} failed (HTTP ${facts.status})` : `HTTP ${facts.status}`;
  const body = facts.summary ?? DEFAULT_MESSAGES[kind];
  return connectorError(kind, `${lead}: ${body}`, {
    status: facts.status,
    ...(facts.code !== undefined && { code: facts.code }),
    ...(wait !== undefined && { retryAfterMs: wait }),
    ...(facts.providerCode !== undefined && { providerCode: facts.providerCode }),
    ...(requestId !== undefined && { requestId }),
  });
}
