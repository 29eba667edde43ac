import { patternRedactor, type Redactor } from './redact.js';

/**
 * The one error family every provider throws. `kind` is the stable classification the fulfillment
 * engine acts on; `retryable` follows from it. Messages are written for the admin, sanitized of
 * credentials and capped in length, and never carry a raw upstream body.
 */
export const ERROR_KINDS = [
  'rate_limited',
  'transient',
  'auth',
  'permission',
  'not_found',
  'invalid_request',
  'invalid_config',
  'unsupported',
] as const;

export type ConnectorErrorKind = (typeof ERROR_KINDS)[number];

const RETRYABLE_KINDS: ReadonlySet<ConnectorErrorKind> = new Set(['rate_limited', 'transient']);

/** Whether the engine may retry an error of this kind (rate limited, transient) or must escalate it. */
export function isRetryableKind(kind: ConnectorErrorKind): boolean {
  return RETRYABLE_KINDS.has(kind);
}

const MAX_MESSAGE_LENGTH = 500;

/** How many links of a `cause` chain survive redaction; deeper links (or a cycle) are dropped. */
const MAX_CAUSE_DEPTH = 5;

export interface ConnectorErrorDetails {
  /** A stable, more specific code than the kind (e.g. `deadline_exceeded`, `identity_inactive`). */
  code?: string;
  /** How long the provider asked us to wait before trying again. */
  retryAfterMs?: number;
  /** HTTP status the provider answered with, when there was one. */
  status?: number;
  /** The provider's own error code (e.g. Okta `E0000047`, Graph `Request_ResourceNotFound`). */
  providerCode?: string;
  /** The provider's request id, for the admin to quote to the vendor's support. */
  requestId?: string;
}

/** A plain-data form of a connector error, safe to store, audit and send to a UI. */
export interface ConnectorErrorJson extends ConnectorErrorDetails {
  name: string;
  kind: ConnectorErrorKind;
  code: string;
  retryable: boolean;
  message: string;
}

function sanitizeMessage(message: string): string {
  const clean = patternRedactor.redact(message).replace(/\s+/g, ' ').trim();
  return clean.length > MAX_MESSAGE_LENGTH ? `${clean.slice(0, MAX_MESSAGE_LENGTH - 1)}…` : clean;
}

export class ConnectorError extends Error {
  readonly kind: ConnectorErrorKind;
  readonly code: string;
  readonly retryAfterMs: number | undefined;
  readonly status: number | undefined;
  readonly providerCode: string | undefined;
  readonly requestId: string | undefined;

  constructor(kind: ConnectorErrorKind, message: string, details: ConnectorErrorDetails = {}) {
    super(sanitizeMessage(message));
    this.name = 'ConnectorError';
    this.kind = kind;
    this.code = details.code ?? kind;
    this.retryAfterMs =
      details.retryAfterMs === undefined ? undefined : Math.max(0, Math.ceil(details.retryAfterMs));
    this.status = details.status;
    this.providerCode = details.providerCode === undefined ? undefined : sanitizeMessage(details.providerCode);
    // Identifier-shaped or dropped: a header value is upstream text, and may be anything the endpoint echoed.
    this.requestId = patternRedactor.upstreamId(details.requestId);
  }

  get retryable(): boolean {
    return isRetryableKind(this.kind);
  }

  /** The same error, of the same class, with another message (used to redact a connector's secrets). */
  withMessage(message: string): ConnectorError {
    return connectorError(this.kind, message, this.details());
  }

  /**
   * The same error, of the same class, with every text it carries passed through a connector's
   * redactor — message, code, provider code and each link of its `cause` chain — and the request
   * id kept only while it is an identifier that carries no secret. Unchanged, it is this error.
   */
  redactedWith(redactor: Redactor): ConnectorError {
    return redactConnectorError(this, redactor, MAX_CAUSE_DEPTH);
  }

  details(): ConnectorErrorDetails {
    return {
      code: this.code,
      ...(this.retryAfterMs !== undefined && { retryAfterMs: this.retryAfterMs }),
      ...(this.status !== undefined && { status: this.status }),
      ...(this.providerCode !== undefined && { providerCode: this.providerCode }),
      ...(this.requestId !== undefined && { requestId: this.requestId }),
    };
  }

  toJSON(): ConnectorErrorJson {
    return { name: this.name, kind: this.kind, retryable: this.retryable, message: this.message, code: this.code, ...this.details() };
  }
}

/** The provider asked us to slow down; `retryAfterMs` says for how long when it told us. */
export class RateLimitedError extends ConnectorError {
  constructor(message: string, details: ConnectorErrorDetails = {}) {
    super('rate_limited', message, details);
    this.name = 'RateLimitedError';
  }
}

/** Worth retrying: 5xx, network failures, timeouts, a deadline reached before the call. */
export class TransientError extends ConnectorError {
  constructor(message: string, details: ConnectorErrorDetails = {}) {
    super('transient', message, details);
    this.name = 'TransientError';
  }
}

/** The credential was refused (expired, revoked or wrong). */
export class AuthError extends ConnectorError {
  constructor(message: string, details: ConnectorErrorDetails = {}) {
    super('auth', message, details);
    this.name = 'AuthError';
  }
}

/** The credential works but lacks a permission or scope the operation needs. */
export class PermissionError extends ConnectorError {
  constructor(message: string, details: ConnectorErrorDetails = {}) {
    super('permission', message, details);
    this.name = 'PermissionError';
  }
}

/** The group, user or other object the operation names does not exist. */
export class NotFoundError extends ConnectorError {
  constructor(message: string, details: ConnectorErrorDetails = {}) {
    super('not_found', message, details);
    this.name = 'NotFoundError';
  }
}

/** The provider rejected the request as malformed or conflicting. */
export class InvalidRequestError extends ConnectorError {
  constructor(message: string, details: ConnectorErrorDetails = {}) {
    super('invalid_request', message, details);
    this.name = 'InvalidRequestError';
  }
}

/** The connector's settings or secrets are missing or wrong; an admin must fix them. */
export class InvalidConfigError extends ConnectorError {
  constructor(message: string, details: ConnectorErrorDetails = {}) {
    super('invalid_config', message, details);
    this.name = 'InvalidConfigError';
  }
}

/** The provider cannot do this at all (e.g. change membership of an app-managed group). */
export class UnsupportedError extends ConnectorError {
  constructor(message: string, details: ConnectorErrorDetails = {}) {
    super('unsupported', message, details);
    this.name = 'UnsupportedError';
  }
}

const CLASSES: Record<ConnectorErrorKind, new (message: string, details?: ConnectorErrorDetails) => ConnectorError> = {
  rate_limited: RateLimitedError,
  transient: TransientError,
  auth: AuthError,
  permission: PermissionError,
  not_found: NotFoundError,
  invalid_request: InvalidRequestError,
  invalid_config: InvalidConfigError,
  unsupported: UnsupportedError,
};

/** Creates the error class of the given kind (the one switch from kind to class). */
export function connectorError(kind: ConnectorErrorKind, message: string, details: ConnectorErrorDetails = {}): ConnectorError {
  return new CLASSES[kind](message, details);
}

function redactConnectorError(error: ConnectorError, redactor: Redactor, depth: number): ConnectorError {
  const message = redactor.redact(error.message);
  const code = redactor.redact(error.code);
  const providerCode = error.providerCode === undefined ? undefined : redactor.redact(error.providerCode);
  const requestId = redactor.upstreamId(error.requestId);
  const unchanged = message === error.message && code === error.code && providerCode === error.providerCode && requestId === error.requestId;
  if (unchanged && error.cause === undefined) return error;
  const copy = connectorError(error.kind, message, {
    code,
    ...(error.retryAfterMs !== undefined && { retryAfterMs: error.retryAfterMs }),
    ...(error.status !== undefined && { status: error.status }),
    ...(providerCode !== undefined && { providerCode }),
    ...(requestId !== undefined && { requestId }),
  });
  if (error.cause !== undefined && depth > 1) copy.cause = redactCause(error.cause, redactor, depth - 1);
  return copy;
}

/** One link of a cause chain, rebuilt from redacted text only: a stack trace repeats the message, so it is not kept. */
function redactCause(cause: unknown, redactor: Redactor, depth: number): unknown {
  if (isConnectorError(cause)) return redactConnectorError(cause, redactor, depth);
  if (cause instanceof Error) {
    const copy = new Error(redactor.redact(cause.message));
    copy.name = redactor.redact(cause.name);
    if (cause.cause !== undefined && depth > 1) copy.cause = redactCause(cause.cause, redactor, depth - 1);
    return copy;
  }
  // Anything else (a response object, a body) may hold upstream text in fields no redactor walks.
  return typeof cause === 'string' ? redactor.redact(cause) : undefined;
}

export function isConnectorError(value: unknown): value is ConnectorError {
  return value instanceof ConnectorError;
}
