/**
 * The one table from what Okta answered to the connector error Clearway reports. Okta's own code
 * (`errorCode` such as E0000047, or the OAuth `error` of its token endpoint) is more precise than
 * the HTTP status, so it is looked up first; anything else falls back to the SDK's status table.
 * The HTTP, network and Retry-After rules themselves live in the SDK helpers called here. A 2xx
 * that is not what Okta documents (okta-answers.ts) is a transient `unexpected_response`.
 */
import {
  classifyHttpError,
  classifyNetworkError,
  errorKindForStatus,
  isConnectorError,
  toConnectorError,
  TransientError,
  type ConnectorError,
  type ConnectorErrorKind,
  type HeaderSource,
} from '@clearway/connector-sdk';
import { z } from 'zod';
import { UnexpectedOktaAnswer } from './okta-answers.js';

interface OktaErrorRow {
  readonly kind: ConnectorErrorKind;
  /** Stable code stored with the error, more specific than the kind. */
  readonly code: string;
  /** What the admin reads: what happened and what to do about it. */
  readonly advice: string;
}

const CREDENTIAL_REFUSED: OktaErrorRow = {
  kind: 'auth',
  code: 'okta_credential_refused',
  advice: 'Okta refused the credential. Create a new API token (or check the service app and its key) and update the connector.',
};

/** Okta's error codes (API errors) and OAuth error codes (token endpoint) → kind and advice. */
export const OKTA_ERROR_TABLE: Readonly<Record<string, OktaErrorRow>> = {
  // 429 API call exceeded rate limit: wait until X-Rate-Limit-Reset, measured against the response Date.
  E0000047: { kind: 'rate_limited', code: 'okta_rate_limited', advice: 'Okta is rate limiting this org; the action is retried after the reset time Okta gave.' },
  // 401 Invalid token provided / Authentication failed.
  E0000011: CREDENTIAL_REFUSED,
  E0000004: CREDENTIAL_REFUSED,
  // 403 You do not have permission to perform the requested action.
  E0000006: {
    kind: 'permission',
    code: 'okta_permission_denied',
    advice: 'The credential lacks a permission: grant the service app okta.groups.manage and okta.users.read, and give it (or the token\'s admin) a role that manages this group\'s membership.',
  },
  // 404 Not found: Resource not found.
  E0000007: { kind: 'not_found', code: 'okta_not_found', advice: 'Okta does not know the group or user this action names; it may have been deleted. Rebind the tool\'s group or fix the user mapping.' },
  E0000008: { kind: 'not_found', code: 'okta_path_not_found', advice: 'Okta does not serve this API path; check that the org URL points at an Okta org.' },
  // 400 API validation failed.
  E0000001: { kind: 'invalid_request', code: 'okta_validation_failed', advice: 'Okta rejected the request as invalid.' },
  // 500 Internal Server Error / 503 read-only mode: Okta's side, retried.
  E0000009: { kind: 'transient', code: 'okta_server_error', advice: 'Okta had an internal error; the action is retried.' },
  E0000010: { kind: 'transient', code: 'okta_read_only', advice: 'Okta is in read-only mode for maintenance; the action is retried.' },
  // OAuth errors of /oauth2/v1/token (private key sign-in).
  invalid_client: {
    kind: 'auth',
    code: 'okta_client_refused',
    advice: 'Okta refused the service app\'s client assertion: check the Client ID, that the private key matches the public key in Okta, and the Key ID.',
  },
  invalid_dpop_proof: { kind: 'auth', code: 'okta_dpop_refused', advice: 'Okta refused the DPoP proof of the service app; check the system clock and the service app\'s DPoP setting.' },
  use_dpop_nonce: { kind: 'auth', code: 'okta_dpop_nonce_refused', advice: 'Okta kept asking for a DPoP nonce; check the service app\'s DPoP setting.' },
  invalid_scope: {
    kind: 'permission',
    code: 'okta_scope_not_granted',
    advice: 'Okta refused to grant the scopes: on the service app\'s Okta API Scopes tab, grant okta.groups.manage and okta.users.read.',
  },
  unauthorized_client: {
    kind: 'permission',
    code: 'okta_client_not_allowed',
    advice: 'The app may not use the client credentials grant; create it as an API Services app with public key / private key authentication.',
  },
};

/** Advice when Okta gave no code the table knows, by the kind its HTTP status implies. */
const ADVICE_BY_KIND: Partial<Record<ConnectorErrorKind, string>> = {
  rate_limited: OKTA_ERROR_TABLE.E0000047?.advice,
  transient: 'Okta did not answer successfully; the action is retried.',
  auth: OKTA_ERROR_TABLE.E0000011?.advice,
  permission: OKTA_ERROR_TABLE.E0000006?.advice,
  not_found: OKTA_ERROR_TABLE.E0000007?.advice,
};

/** The fields of the SDK's `OktaApiError`/`HttpError` (and of our token failure) that we read. */
const oktaErrorShape = z.object({
  status: z.number().int(),
  errorCode: z.string().optional(),
  errorSummary: z.string().optional(),
  errorId: z.string().optional(),
  errorCauses: z.array(z.object({ errorSummary: z.string() }).partial()).optional(),
});

export type OktaErrorFields = z.infer<typeof oktaErrorShape>;

/** The fields of an error Okta answered (status ≥ 400), or undefined for anything else. */
export function oktaErrorFields(error: unknown): OktaErrorFields | undefined {
  const parsed = oktaErrorShape.safeParse(error);
  return parsed.success && parsed.data.status >= 400 ? parsed.data : undefined;
}

/**
 * Okta's "resource not found" (404 E0000007): the user, group or membership does not exist. A 404
 * without that code (a wrong path, a host that is not Okta) stays an error, so a wrong org URL is
 * not mistaken for "nobody is there".
 */
export function isOktaResourceNotFound(error: unknown): boolean {
  return isConnectorError(error) && error.kind === 'not_found' && error.providerCode === 'E0000007';
}

const MAX_OKTA_SUMMARY = 200;

/**
 * Classifies anything an Okta call threw. `action` leads the message ("Adding the user to the
 * Okta group"); `now` is the caller's clock, used only when Okta sent no `Date` header.
 */
export function classifyOktaError(error: unknown, action: string, now: number): ConnectorError {
  if (isConnectorError(error)) return error;
  if (error instanceof UnexpectedOktaAnswer) return unexpectedAnswer(error, action);
  const network = classifyNetworkError(error, action);
  if (network) return network;
  const fields = oktaErrorFields(error);
  if (!fields) return toConnectorError(error, action);
  const { status, errorCode } = fields;
  const row = errorCode === undefined ? undefined : OKTA_ERROR_TABLE[errorCode];
  const advice = row?.advice ?? ADVICE_BY_KIND[errorKindForStatus(status)];
  return classifyHttpError({
    status,
    headers: headersOf(error),
    action,
    now,
    ...(row && { kind: row.kind, code: row.code }),
    ...(errorCode !== undefined && { providerCode: errorCode }),
    summary: [advice, oktaSaid(fields)].filter(Boolean).join(' '),
  });
}

/**
 * An answer Okta would not give (okta-answers.ts) is never taken as a fact: it is transient, so the
 * engine retries within its budget and then escalates, and the admin sees which call it was.
 */
function unexpectedAnswer(error: UnexpectedOktaAnswer, action: string): ConnectorError {
  return new TransientError(`${action} failed: the answer was not what Okta documents (${error.what}), so nothing was concluded from it; the action is retried.`, {
    code: 'unexpected_response',
    ...(error.requestId !== undefined && { requestId: error.requestId }),
  });
}

/**
 * Okta's own summary (and causes, which name the invalid field of a 400) helps the admin; it is a
 * parsed field, never the raw body, and is capped.
 */
function oktaSaid(data: OktaErrorFields): string {
  const causes = (data.errorCauses ?? []).map((cause) => cause.errorSummary).filter(Boolean);
  const said = [data.errorSummary, ...causes].filter(Boolean).join(' ').trim();
  const capped = said.length > MAX_OKTA_SUMMARY ? `${said.slice(0, MAX_OKTA_SUMMARY - 1)}…` : said;
  const reference = [data.errorCode, data.errorId && `error id ${data.errorId}`].filter(Boolean).join(', ');
  if (!capped) return reference ? `(${reference})` : '';
  return reference ? `Okta said: "${capped}" (${reference}).` : `Okta said: "${capped}".`;
}

function headersOf(error: unknown): HeaderSource {
  const headers = (error as { headers?: unknown }).headers;
  if (headers !== null && typeof headers === 'object') return headers as HeaderSource;
  return undefined;
}
