import { DECISION_BUDGETS, MINUTE_MS, reserveAllowance, type Budget, type CoreDeps } from '@clearway/core';
import { EXPORT_MAX_EVENTS } from './actions/admin';

/** Evidence exports per admin per minute; the audit-read volume is sized from it. */
export const EVIDENCE_EXPORTS_PER_MINUTE = 3;

/**
 * Every per-person allowance the resolvers draw on, by name; several keys may share one. Core's
 * decision budgets (100 decisions a minute, single or in bulk, and at most 5 bulk calls) are the
 * decision rules'; the others keep the app's costly calls in check:
 * - connection tests call the identity provider, so "Test connection" cannot hammer it; the
 *   gateway's test call asks the upstream's authorization server, so it has a budget of its own;
 * - verification reads the whole chain;
 * - exports and Governance Logs pages read the same events, so they share one volume, counted in
 *   events read: as many as three exports a minute could carry, so paging reads no more than
 *   exporting would, and an export is never refused for pages an admin could equally have exported.
 *   The AI agents' Activity Log reads the same events (gateway calls), so its pages draw on it too;
 * - a work-linked access preview searches the site's issues in Jira, so it has a budget of its own.
 */
export const BUDGETS = {
  decisions: DECISION_BUDGETS.decisions,
  bulkDecisions: DECISION_BUDGETS.bulk,
  // The names of these four are their window records' ids (`ratelimit:<name>:<accountId>`): kept as they were.
  connectionTests: { name: 'connectors.test', max: 10, windowMs: MINUTE_MS, counts: 'connection tests' },
  auditVerifications: { name: 'audit.verify', max: 3, windowMs: MINUTE_MS, counts: 'audit verifications' },
  evidenceExports: { name: 'evidence.export', max: EVIDENCE_EXPORTS_PER_MINUTE, windowMs: MINUTE_MS, counts: 'evidence exports' },
  gatewaySelfTests: { name: 'gateway.selfTest', max: 10, windowMs: MINUTE_MS, counts: 'gateway test calls' },
  workPreviews: { name: 'workLinked.preview', max: 10, windowMs: MINUTE_MS, counts: 'work-linked access previews' },
  auditReads: { name: 'audit.read', max: EVIDENCE_EXPORTS_PER_MINUTE * EXPORT_MAX_EVENTS, windowMs: MINUTE_MS, counts: 'audit events read' },
} as const satisfies Record<string, Budget>;

export type BudgetName = keyof typeof BUDGETS;

/** What one call of an action takes from one budget. */
export interface Charge<P, R> {
  readonly budget: BudgetName;
  /** Units reserved before the call runs: the most it can take (default 1). */
  readonly reserve?: (payload: P) => number;
  /** Units it really took, read from its answer (default: what it reserved); the rest is given back. */
  readonly settle?: (result: R) => number;
}

/** An action's limit: every budget its calls draw on, reserved together. */
export type RateLimit<P, R> = readonly Charge<P, R>[];

/**
 * Runs a call inside its limit: reserves every charge before it runs (refused as `rate_limited`
 * when a budget cannot take it, before anything else is done), gives everything back when the
 * call throws (any refusal or failure consumes nothing), and keeps what it used when it answers.
 */
export async function runLimited<P, R>(deps: CoreDeps, accountId: string, limit: RateLimit<P, R> | undefined, payload: P, run: () => Promise<R>): Promise<R> {
  if (!limit || limit.length === 0) return run();
  const reserved = limit.map((charge) => charge.reserve?.(payload) ?? 1);
  const reservation = await reserveAllowance(
    deps,
    accountId,
    limit.map((charge, index) => ({ budget: BUDGETS[charge.budget], amount: reserved[index] ?? 1 })),
  );
  let result: R;
  try {
    result = await run();
  } catch (error) {
    await reservation.release();
    throw error;
  }
  await reservation.settle(limit.map((charge, index) => (charge.settle ? charge.settle(result) : (reserved[index] ?? 1))));
  return result;
}
