/**
 * The one place a Microsoft Graph or Microsoft Entra sign-in failure becomes an SDK error.
 *
 * `ENTRA_ERROR_TABLE` is read top to bottom; the first row of the failure's source whose status,
 * provider code and message all match decides the kind, the stable `code` and the admin-facing
 * summary. Matching, status → kind, `Retry-After` → `retryAfterMs` and the request id come from the
 * SDK's `classifyHttpErrorByRules`; network failures go through `classifyNetworkError`. Upstream
 * messages are only matched, never shown: they can echo ids, names and filters.
 */
import {
  AuthError,
  TransientError,
  classifyHttpErrorByRules,
  classifyNetworkError,
  isConnectorError,
  toConnectorError,
  type ConnectorError,
  type HeaderSource,
  type HttpErrorRule,
} from '@clearway/connector-sdk';
import { GraphClientError, GraphError } from '@microsoft/microsoft-graph-client';

/** Stable codes the provider acts on (they turn into outcomes, not failures). */
export const ALREADY_MEMBER = 'already_member';
export const NOT_A_MEMBER = 'not_a_member';

/** Where a failure came from: a Graph response, or the Entra sign-in (token) endpoint. */
export type FailureSource = 'graph' | 'sign-in';

interface FailureFacts {
  readonly source: FailureSource;
  readonly status: number;
  /** Graph's `error.code` (e.g. `Request_ResourceNotFound`) or the sign-in `AADSTS…` code. */
  readonly providerCode?: string;
  /** Matched against rows only; never copied into the error. */
  readonly message?: string;
  readonly headers?: HeaderSource;
}

/** One SDK error rule, applying to failures of one source only. */
export type ErrorMappingRow = HttpErrorRule & { readonly source: FailureSource };

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
    // Right after a group or user is created, other replicas may not know it yet.
    source: 'graph',
    status: 400,
    message: /added object references do(?:es)? not exist/i,
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
    code: 'not_found',
    summary: 'Microsoft Entra has no user or group with this id (it may have been deleted).',
  },
  {
    source: 'graph',
    status: 400,
    code: 'bad_request',
    summary: 'Microsoft Graph rejected the request as invalid; the Graph error code and request id identify the cause.',
  },

  // Microsoft Entra sign-in (the token endpoint), by AADSTS code.
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
    source: 'sign-in',
    status: 429,
    code: 'sign_in_throttled',
    summary: 'The Microsoft Entra sign-in endpoint is throttling this app; the action will be retried.',
  },
  {
    source: 'sign-in',
    status: 'server_error',
    code: 'sign_in_unavailable',
    summary: 'The Microsoft Entra sign-in endpoint is unavailable; the action will be retried.',
  },
  {
    source: 'sign-in',
    kind: 'auth',
    code: 'credentials_refused',
    summary: 'Microsoft Entra refused the connector credentials. Check the tenant ID, the client ID and the secret or certificate.',
  },
];

const RULES_BY_SOURCE: Readonly<Record<FailureSource, readonly HttpErrorRule[]>> = {
  graph: ENTRA_ERROR_TABLE.filter((row) => row.source === 'graph'),
  'sign-in': ENTRA_ERROR_TABLE.filter((row) => row.source === 'sign-in'),
};

/** The SDK error for a failure, from the first matching row of its source (or the SDK's status table alone). */
function classifyFailure({ source, ...facts }: FailureFacts, action: string): ConnectorError {
  return classifyHttpErrorByRules(RULES_BY_SOURCE[source], { ...facts, action });
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

function carriedFailure(error: unknown): ConnectorError | undefined {
  if (error instanceof GraphClientError && isConnectorError(error.customError)) return error.customError;
  return isConnectorError(error) ? error : undefined;
}

/** Graph's `request-id` header, or the one in the error body's `innerError` when the header is absent. */
function headersWithRequestId(headers: Headers | undefined, requestId: string | null): HeaderSource {
  return {
    get: (name: string) => headers?.get(name) ?? (name.toLowerCase() === 'request-id' ? requestId : null),
  };
}

/** Whatever a Graph call threw, as an SDK error. */
export function classifyGraphError(error: unknown, action: string): ConnectorError {
  const carried = carriedFailure(error);
  if (carried) return carried;
  // 3xx too: fetch is told not to follow redirects, so one arrives here as an unexpected answer.
  if (error instanceof GraphError && error.statusCode >= 300) {
    return classifyFailure(
      {
        source: 'graph',
        status: error.statusCode,
        ...(error.code !== null && { providerCode: error.code }),
        message: error.message,
        headers: headersWithRequestId(error.headers, error.requestId),
      },
      action,
    );
  }
  return toConnectorError(error, action);
}

const SIGN_IN = 'Signing in to Microsoft Entra';

interface SignInFailureShape {
  readonly status?: unknown;
  readonly statusCode?: unknown;
  readonly errorNo?: unknown;
  readonly errorCode?: unknown;
  readonly errorMessage?: unknown;
  readonly message?: unknown;
  readonly errorResponse?: { readonly errorCodes?: unknown };
  readonly cause?: unknown;
}

/** MSAL wraps the token endpoint's answer (`ServerError`) in Azure Identity errors: walk `cause`. */
function* causes(error: unknown): Generator<SignInFailureShape> {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== null && typeof current === 'object'; depth += 1) {
    const shape: SignInFailureShape = current;
    yield shape;
    current = shape.cause;
  }
}

function aadstsCode(shape: SignInFailureShape): string | undefined {
  const codes = shape.errorResponse?.errorCodes;
  const number = typeof shape.errorNo === 'number' || typeof shape.errorNo === 'string' ? shape.errorNo : Array.isArray(codes) ? (codes[0] as unknown) : undefined;
  if (typeof number === 'number' || (typeof number === 'string' && /^\d+$/.test(number))) return `AADSTS${number}`;
  const text = [shape.errorMessage, shape.message].find((value): value is string => typeof value === 'string');
  return text?.match(/AADSTS(\d+)/)?.[0];
}

/** A failure to get a token (from Azure Identity / MSAL), as an SDK error. */
export function classifySignInError(error: unknown): ConnectorError {
  if (isConnectorError(error)) return error;
  const network = classifyNetworkError(error, SIGN_IN);
  if (network) return network;
  for (const shape of causes(error)) {
    const status = typeof shape.status === 'number' ? shape.status : shape.statusCode;
    if (typeof status === 'number' && status >= 400) {
      const providerCode = aadstsCode(shape);
      return classifyFailure({ source: 'sign-in', status, ...(providerCode !== undefined && { providerCode }) }, SIGN_IN);
    }
  }
  // MSAL reports unreachable endpoints, 5xx answers and an unknown tenant alike as `network_error`.
  if ([...causes(error)].some((shape) => shape.errorCode === 'network_error')) {
    return new TransientError(
      `${SIGN_IN} failed: the sign-in endpoint could not be reached or gave no usable answer. If this persists, check the Directory (tenant) ID and the sign-in endpoint.`,
      { code: 'sign_in_unreachable' },
    );
  }
  return new AuthError(`${SIGN_IN} failed: the credential could not be used. Check the tenant ID, the client ID and the secret or certificate.`, {
    code: 'credentials_unusable',
  });
}
