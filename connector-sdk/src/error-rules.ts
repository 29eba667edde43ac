import type { ConnectorError, ConnectorErrorKind } from './errors.js';
import { classifyHttpError, type HttpErrorFacts } from './http.js';

/**
 * One row of a provider's error table: which answers it covers and what they become. A provider
 * keeps its rows in one exported array, read top to bottom (first match wins), so the whole
 * mapping is one page an admin or reviewer can read.
 */
export interface HttpErrorRule {
  /** One status, several, or `'server_error'` for every 5xx. Omitted: any status. */
  readonly status?: number | readonly number[] | 'server_error';
  /** The vendor's own code from the body (e.g. `E0000047`, a SCIM `scimType`); compared ignoring case. Omitted: any. */
  readonly providerCode?: string;
  /** Matched against the upstream message only; the message itself never reaches the error. */
  readonly message?: RegExp;
  /** Only where the status alone would imply another kind (e.g. a 412 that is worth retrying). */
  readonly kind?: ConnectorErrorKind;
  /** The stable code stored with the error (and acted on by the provider, e.g. "already a member"). */
  readonly code: string;
  /** What the admin reads: what happened and what to do. */
  readonly summary: string;
}

/** What an error response said, for matching rules. */
export interface RuleFacts {
  readonly status: number;
  readonly providerCode?: string;
  /** The upstream message: matched, never copied. */
  readonly message?: string;
}

function statusMatches(expected: HttpErrorRule['status'], status: number): boolean {
  if (expected === undefined) return true;
  if (expected === 'server_error') return status >= 500 && status < 600;
  return typeof expected === 'number' ? expected === status : expected.includes(status);
}

/** The first rule that matches, or undefined. */
export function findHttpErrorRule(rules: readonly HttpErrorRule[], facts: RuleFacts): HttpErrorRule | undefined {
  return rules.find(
    (rule) =>
      statusMatches(rule.status, facts.status) &&
      (rule.providerCode === undefined || rule.providerCode.toLowerCase() === facts.providerCode?.toLowerCase()) &&
      (rule.message === undefined || (facts.message !== undefined && rule.message.test(facts.message))),
  );
}

/**
 * `classifyHttpError` with a provider's table: the first matching rule sets the code, the summary
 * and (where it says so) the kind; without a match the status table and `facts.summary` apply.
 * Status → kind, `Retry-After` → `retryAfterMs` and the request id work exactly as there.
 */
export function classifyHttpErrorByRules(rules: readonly HttpErrorRule[], facts: HttpErrorFacts & { readonly message?: string }): ConnectorError {
  const { message, ...http } = facts;
  const rule = findHttpErrorRule(rules, {
    status: facts.status,
    ...(facts.providerCode !== undefined && { providerCode: facts.providerCode }),
    ...(message !== undefined && { message }),
  });
  if (!rule) return classifyHttpError(http);
  return classifyHttpError({ ...http, code: rule.code, summary: rule.summary, ...(rule.kind !== undefined && { kind: rule.kind }) });
}
