/**
 * The one place a Microsoft Graph or Microsoft Entra sign-in answer becomes an SDK error.
 *
 * `ENTRA_ERROR_TABLE` is read top to bottom; the first row of the answer's source whose status,
 * provider code and message all match decides the kind, the stable `code` and the admin-facing
 * summary. Matching, status → kind, `Retry-After` → `retryAfterMs` and the request id come from the
 * SDK's `classifyHttpErrorByRules`; network failures go through `classifyNetworkError`. Upstream
 * messages are only matched, never shown: they can echo ids, names and filters.
 *
 * Rows only ever see answers in the vendor's documented error shape, or statuses that mean the same
 * whatever the body says (429, 5xx, a redirect). Anything else — HTML, `{}`, truncated JSON, a 404
 * without Graph's error body — is `unexpected_response`: retried within the engine's budget, never
 * read as "not found" or "refused".
 */
import {
  TransientError,
  classifyHttpErrorByRules,
  connectorError,
  isConnectorError,
  readHeader,
  toConnectorError,
  type ConnectorError,
  type HeaderSource,
  type HttpErrorRule,
} from '@clearway/connector-sdk';
import { GraphClientError } from '@microsoft/microsoft-graph-client';
import { z } from 'zod';

/** Stable codes the provider acts on (they turn into outcomes, not failures). */
export const ALREADY_MEMBER = 'already_member';
export const NOT_A_MEMBER = 'not_a_member';
export const GRAPH_NOT_FOUND = 'not_found';
export const UNEXPECTED_RESPONSE = 'unexpected_response';

/** Where an answer came from: Microsoft Graph, or the Entra sign-in endpoints. */
export type FailureSource = 'graph' | 'sign-in';

/**
 * One SDK error rule, applying to answers of one source only. `onlyWithRetryAfter` rows apply only
 * when the answer says how long to wait: Graph's "busy, come back in N seconds".
 */
export type ErrorMappingRow = HttpErrorRule & { readonly source: FailureSource; readonly onlyWithRetryAfter?: true };

const CONSENT_HINT = 'Grant the application permissions GroupMember.ReadWrite.All and User.Read.All (Group.Create to create groups) and grant admin consent.';

export const ENTRA_ERROR_TABLE: readonly ErrorMappingRow[] = [
  // Microsoft Graph. Membership answers first: they are 400s that mean "already true".
  {
    source: 'graph',
    status: 400,
    message: /added object references already exist/i,
    code: ALREADY_MEMBER,
    summary: 'The user is already a member of the group.',
  },
  {
    source: 'graph',
    status: 400,
    message: /removed object references do not exist/i,
    code: NOT_A_MEMBER,
    summary: 'The user is not a member of the group.',
  },
  {
    // Graph documents the first wording on Add members and Update group: right after a group is
    // created, other directory replicas may not know it yet. The second is the older wording.
    source: 'graph',
    status: 400,
    message: /source resource object or one of the objects being referenced do(?:es)? not exist|added object references do(?:es)? not exist/i,
    kind: 'transient',
    code: 'replication_delay',
    summary: 'Microsoft Entra does not see the user or the group yet (directory replication after a recent change); the action will be retried.',
  },
  {
    source: 'graph',
    status: 400,
    message: /mail-enabled security groups? and or distribution list/i,
    kind: 'unsupported',
    code: 'mail_enabled_group',
    summary: 'The group is a distribution list or mail-enabled security group, whose membership Microsoft Graph cannot change. Bind an assigned security group instead.',
  },
  {
    source: 'graph',
    status: 429,
    code: 'throttled',
    summary: 'Microsoft Graph is throttling this app in this tenant; the action will be retried after the wait Graph asked for.',
  },
  {
    // "Temporarily unavailable … or overloaded. You may repeat the request after a delay, the length
    // of which may be specified in a Retry-After header": with the header, Graph is asking for room.
    source: 'graph',
    status: [503, 504],
    onlyWithRetryAfter: true,
    kind: 'rate_limited',
    code: 'graph_busy',
    summary: 'Microsoft Graph is overloaded and asked Clearway to wait; the action will be retried after that wait.',
  },
  {
    source: 'graph',
    status: [503, 504],
    code: 'graph_unavailable',
    summary: 'Microsoft Graph is busy or timed out; the action will be retried (a change that timed out may have applied, which the retry accounts for).',
  },
  {
    source: 'graph',
    status: 401,
    code: 'token_rejected',
    summary: 'Microsoft Graph rejected the access token. Check that the Graph endpoint and the sign-in endpoint belong to the same cloud and that the app registration is in the configured tenant.',
  },
  {
    source: 'graph',
    status: 403,
    providerCode: 'Authorization_RequestDenied',
    code: 'permission_denied',
    summary: `The app registration lacks a Microsoft Graph permission this action needs. ${CONSENT_HINT}`,
  },
  {
    source: 'graph',
    status: 403,
    code: 'forbidden',
    summary: `Microsoft Graph refused this action for the app registration. ${CONSENT_HINT}`,
  },
  {
    source: 'graph',
    status: 404,
    providerCode: 'Request_ResourceNotFound',
    code: GRAPH_NOT_FOUND,
    summary: 'Microsoft Entra has no user or group with this id (it may have been deleted).',
  },
  {
    source: 'graph',
    status: 400,
    code: 'bad_request',
    summary: 'Microsoft Graph rejected the request as invalid; the Graph error code and request id identify the cause.',
  },

  // Microsoft Entra sign-in. Rows match the status, the AADSTS code (`error_codes`) as provider code,
  // and the OAuth `error` code as message: the field the identity platform says to react to.
  {
    source: 'sign-in',
    status: 429,
    code: 'sign_in_throttled',
    summary: 'The Microsoft Entra sign-in endpoint is throttling this app; the action will be retried after the wait it asked for.',
  },
  {
    source: 'sign-in',
    status: 'server_error',
    code: 'sign_in_unavailable',
    summary: 'The Microsoft Entra sign-in endpoint is unavailable; the action will be retried.',
  },
  {
    source: 'sign-in',
    providerCode: 'AADSTS7000215',
    kind: 'auth',
    code: 'client_secret_invalid',
    summary: 'Microsoft Entra refused the client secret. Paste the secret Value (not the Secret ID), or create a new secret.',
  },
  {
    source: 'sign-in',
    providerCode: 'AADSTS7000222',
    kind: 'auth',
    code: 'client_secret_expired',
    summary: 'The client secret has expired. Create a new secret under Certificates & secrets and update the connector.',
  },
  {
    source: 'sign-in',
    providerCode: 'AADSTS700027',
    kind: 'auth',
    code: 'certificate_rejected',
    summary: 'Microsoft Entra refused the certificate: it has expired or is not one uploaded to the app registration.',
  },
  {
    source: 'sign-in',
    providerCode: 'AADSTS700016',
    kind: 'auth',
    code: 'application_not_found',
    summary: 'The tenant has no app registration with this Application (client) ID. Check the client ID and the tenant ID.',
  },
  {
    source: 'sign-in',
    providerCode: 'AADSTS90002',
    kind: 'auth',
    code: 'tenant_not_found',
    summary: 'Microsoft Entra does not know this tenant. Check the Directory (tenant) ID and the sign-in endpoint.',
  },
  {
    source: 'sign-in',
    providerCode: 'AADSTS7000112',
    kind: 'auth',
    code: 'application_disabled',
    summary: 'The application is disabled in this tenant. Enable its enterprise application (service principal).',
  },
  {
    // "The server is temporarily too busy to handle the request. Retry the request."
    source: 'sign-in',
    message: /^temporarily_unavailable$/,
    kind: 'transient',
    code: 'sign_in_unavailable',
    summary: 'The Microsoft Entra sign-in endpoint is temporarily too busy; the action will be retried.',
  },
  {
    // Reached only by an answer in the documented OAuth error shape (`error` set).
    source: 'sign-in',
    kind: 'auth',
    code: 'credentials_refused',
    summary: 'Microsoft Entra refused the connector credentials. Check the tenant ID, the client ID and the secret or certificate.',
  },
];

/** What an error answer said, as the table reads it. */
interface AnswerFacts {
  readonly source: FailureSource;
  readonly status: number;
  /** Graph's `error.code` (e.g. `Request_ResourceNotFound`) or the sign-in `AADSTS…` code. */
  readonly providerCode?: string;
  /** Graph's `error.message`, or the sign-in OAuth `error` code. Matched against rows only; never copied. */
  readonly message?: string;
  readonly headers?: HeaderSource;
  readonly requestId?: string;
}

function rulesFor(source: FailureSource, headers: HeaderSource): readonly HttpErrorRule[] {
  const asksToWait = readHeader(headers, 'retry-after') !== undefined;
  return ENTRA_ERROR_TABLE.filter((row) => row.source === source && (!row.onlyWithRetryAfter || asksToWait));
}

function classifyAnswer({ source, requestId, ...facts }: AnswerFacts, action: string): ConnectorError {
  return classifyHttpErrorByRules(rulesFor(source, facts.headers), { ...facts, action, ...(requestId !== undefined && { requestId }) });
}

/** 429, 5xx and redirects mean the same whatever the body: a gateway in front may answer them without Graph's. */
function statusSpeaksForItself(status: number): boolean {
  return status === 429 || status >= 500 || (status >= 300 && status < 400);
}

/** An answer the provider cannot read as the vendor's: never a fact, always worth another try. */
export function unexpectedAnswer(action: string, status?: number): TransientError {
  const what = status === undefined ? 'an answer' : `an answer (HTTP ${status})`;
  return new TransientError(`${action} failed: ${what} not in the shape Microsoft documents; the action will be retried.`, {
    code: UNEXPECTED_RESPONSE,
    ...(status !== undefined && { status }),
  });
}

/** Graph's documented error body: `{ error: { code, message, innerError: { request-id, date } } }`. */
const graphErrorBody = z.object({
  error: z.object({
    code: z.string().min(1),
    message: z.string().optional(),
    innerError: z.object({ 'request-id': z.string().optional() }).optional(),
  }),
});

/** A non-2xx Graph answer, as the SDK error it is. */
export function classifyGraphAnswer(answer: { readonly status: number; readonly headers: HeaderSource; readonly body: unknown }, action: string): ConnectorError {
  const parsed = graphErrorBody.safeParse(answer.body);
  if (!parsed.success && !statusSpeaksForItself(answer.status)) return unexpectedAnswer(action, answer.status);
  const error = parsed.success ? parsed.data.error : undefined;
  const bodyRequestId = error?.innerError?.['request-id'];
  return classifyAnswer(
    {
      source: 'graph',
      status: answer.status,
      headers: answer.headers,
      ...(error && { providerCode: error.code }),
      ...(error?.message !== undefined && { message: error.message }),
      // The header wins; the body's innerError carries it when a proxy dropped the header.
      ...(readHeader(answer.headers, 'request-id') === undefined && bodyRequestId !== undefined && { requestId: bodyRequestId }),
    },
    action,
  );
}

export const SIGN_IN = 'Signing in to Microsoft Entra';

/** What a sign-in endpoint answered, as far as classification needs it (see `sign-in.ts`). */
export interface SignInAnswerFacts {
  readonly status: number;
  /** The OAuth `error` code, present only when the body is the documented OAuth error shape. */
  readonly oauthError?: string;
  /** `AADSTS…`, from `error_codes`. */
  readonly aadsts?: string;
  /** The wait still owed: what Retry-After asked for, or MSAL's own throttle behind it, whichever is longer. */
  readonly minimumWaitMs?: number;
}

/**
 * A failed sign-in answer: 429 and 5xx are retryable whatever the body; a 4xx in the documented OAuth
 * error shape is a refusal (the AADSTS code says which); anything else is an unexpected answer.
 */
export function classifySignInAnswer(answer: SignInAnswerFacts, endpoint: string): ConnectorError {
  const action = `${SIGN_IN} (${endpoint})`;
  if (!statusSpeaksForItself(answer.status) && (answer.status < 400 || answer.oauthError === undefined)) {
    return unexpectedAnswer(action, answer.status);
  }
  const classified = classifyAnswer(
    {
      source: 'sign-in',
      status: answer.status,
      ...(answer.aadsts !== undefined && { providerCode: answer.aadsts }),
      ...(answer.oauthError !== undefined && { message: answer.oauthError }),
    },
    SIGN_IN,
  );
  const wait = answer.minimumWaitMs ?? 0;
  if (!classified.retryable || wait <= (classified.retryAfterMs ?? 0)) return classified;
  return connectorError(classified.kind, classified.message, { ...classified.details(), retryAfterMs: wait });
}

/**
 * The Graph client rethrows a `GraphClientError` unchanged but rebuilds every other error from its
 * message, losing its class and `cause`. Failures we classify inside the middleware chain (network
 * errors, sign-in failures) travel in one so they arrive intact.
 */
export function carryFailure(error: ConnectorError): GraphClientError {
  const carrier = new GraphClientError(error.message);
  carrier.customError = error;
  return carrier;
}

/** Whatever a Graph call threw (not an answer: those are classified from the response), as an SDK error. */
export function classifyGraphError(error: unknown, action: string): ConnectorError {
  if (error instanceof GraphClientError && isConnectorError(error.customError)) return error.customError;
  return toConnectorError(error, action);
}
