/**
 * Core's typed errors. Every refusal a user can meet has a stable `code` and a message written
 * for the person who will read it; none changes any state.
 */
export type ClearwayErrorCode =
  | 'validation_failed'
  | 'not_found'
  | 'forbidden'
  | 'self_approval'
  | 'self_extension'
  | 'not_ingested'
  | 'duplicate_request'
  | 'conflict'
  | 'already_decided'
  | 'invalid_transition'
  | 'extension_out_of_bounds'
  | 'tool_not_requestable'
  | 'exception_limit_reached'
  | 'bulk_limit_exceeded'
  | 'rate_limited'
  | 'version_conflict'
  | 'store_limit_exceeded'
  | 'range_invalid';

export interface ValidationIssue {
  readonly path: string;
  readonly message: string;
}

export class ClearwayError extends Error {
  constructor(
    readonly code: ClearwayErrorCode,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = 'ClearwayError';
  }

  toJSON(): { code: ClearwayErrorCode; message: string; details: Readonly<Record<string, unknown>> } {
    return { code: this.code, message: this.message, details: this.details };
  }
}

/** Input did not match what the operation takes; `issues` names each field and what is wrong. */
export class ValidationError extends ClearwayError {
  constructor(
    message: string,
    readonly issues: readonly ValidationIssue[] = [],
  ) {
    super('validation_failed', message, { issues });
    this.name = 'ValidationError';
  }
}

export class NotFoundError extends ClearwayError {
  constructor(what: string, id: string) {
    super('not_found', `${what} ${id} does not exist.`, { what, id });
    this.name = 'NotFoundError';
  }
}

/** The actor may not do this (not an approver, not an admin, their own request). */
export class ForbiddenError extends ClearwayError {
  constructor(code: 'forbidden' | 'self_approval' | 'self_extension', message: string) {
    super(code, message);
    this.name = 'ForbiddenError';
  }
}

/** The operation collides with existing state: a duplicate open request, an already-decided request. */
export class ConflictError extends ClearwayError {
  constructor(
    code: 'duplicate_request' | 'conflict' | 'already_decided' | 'invalid_transition' | 'not_ingested' | 'tool_not_requestable' | 'exception_limit_reached',
    message: string,
    details: Readonly<Record<string, unknown>> = {},
  ) {
    super(code, message, details);
    this.name = 'ConflictError';
  }
}

/** An extension past the lifetime cap or outside the grace window. */
export class BoundsError extends ClearwayError {
  constructor(message: string, details: Readonly<Record<string, unknown>> = {}) {
    super('extension_out_of_bounds', message, details);
    this.name = 'BoundsError';
  }
}

/** Too many operations too fast; `retryAfterMs` says when the next one will be accepted. */
export class RateLimitError extends ClearwayError {
  constructor(
    message: string,
    readonly retryAfterMs: number,
  ) {
    super('rate_limited', message, { retryAfterMs });
    this.name = 'RateLimitError';
  }
}

/** A store write lost an optimistic version check: someone else changed the record first. */
export class ConcurrencyError extends ClearwayError {
  constructor(entity: string, id: string, message = `${entity} ${id} was changed by someone else; reload and try again.`) {
    super('version_conflict', message, { entity, id });
    this.name = 'ConcurrencyError';
  }
}

/** A store operation broke a platform limit (writes per transaction, record size). */
export class StoreLimitError extends ClearwayError {
  constructor(message: string) {
    super('store_limit_exceeded', message);
    this.name = 'StoreLimitError';
  }
}
