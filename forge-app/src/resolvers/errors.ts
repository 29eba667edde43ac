import { isConnectorError } from '@clearway/connector-sdk';
import { ClearwayError, type ClearwayErrorCode, type Logger } from '@clearway/core';
import { ZodError } from 'zod';
import { JiraError } from '../adapters/jira/jira-request';

/** Refusals the app adds to core's: who is calling, what they call, from where, and what one answer can carry. */
export type AppErrorCode = 'unauthenticated' | 'unknown_resolver' | 'wrong_surface' | 'export_too_large' | 'jira_unavailable' | 'connector_error' | 'internal_error';

export type ResolverErrorCode = ClearwayErrorCode | AppErrorCode;

/** What the UI receives instead of a result: a stable code and a message written for the person reading it. */
export interface ResolverErrorBody {
  readonly code: ResolverErrorCode;
  readonly message: string;
  /** Field-level problems of a `validation_failed` answer. */
  readonly issues?: ReadonlyArray<{ readonly path: string; readonly message: string }>;
  /** For `rate_limited`: when the next call will be accepted. */
  readonly retryAfterMs?: number;
  /** For `internal_error`: a reference to quote to support (it appears in the app's log line). */
  readonly reference?: string;
}

export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

function validationIssues(error: ClearwayError): ResolverErrorBody['issues'] {
  const issues = error.details.issues;
  if (!Array.isArray(issues)) return undefined;
  return issues.flatMap((issue: unknown) => {
    if (typeof issue !== 'object' || issue === null) return [];
    const { path, message } = issue as { path?: unknown; message?: unknown };
    return typeof path === 'string' && typeof message === 'string' ? [{ path, message }] : [];
  });
}

/**
 * Turns anything a resolver threw into an answer the UI can show. Core's and the app's refusals
 * keep their code and message (written for users, free of secrets); a Jira or connector failure
 * says which; anything else is an `internal_error` with a generic message and a reference, and
 * only its (redacted) message goes to the log. No stack trace ever leaves the function.
 */
export function toErrorBody(error: unknown, logger: Logger, reference: string): ResolverErrorBody {
  if (error instanceof ClearwayError) {
    const issues = error.code === 'validation_failed' ? validationIssues(error) : undefined;
    const retryAfterMs = error.code === 'rate_limited' && typeof error.details.retryAfterMs === 'number' ? error.details.retryAfterMs : undefined;
    return { code: error.code, message: error.message, ...(issues !== undefined && { issues }), ...(retryAfterMs !== undefined && { retryAfterMs }) };
  }
  if (error instanceof AppError) return { code: error.code, message: error.message };
  if (error instanceof ZodError) {
    const issues = error.issues.map((issue) => ({ path: issue.path.join('.') || '(input)', message: issue.message }));
    return { code: 'validation_failed', message: `The input is not valid: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}.`, issues };
  }
  if (error instanceof JiraError) return { code: 'jira_unavailable', message: `${error.message} Try again in a moment.` };
  if (isConnectorError(error)) return { code: 'connector_error', message: error.message };
  logger.error('A resolver failed unexpectedly', { reference, error: error instanceof Error ? `${error.name}: ${error.message}` : 'non-error thrown' });
  return { code: 'internal_error', message: 'Something went wrong on our side. Try again; if it keeps happening, give your admin this reference.', reference };
}
