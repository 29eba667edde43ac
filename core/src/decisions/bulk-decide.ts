import { z } from 'zod';
import { ClearwayError } from '../errors.js';
import type { Actor, CoreDeps } from '../shared/deps.js';
import { parseInput } from '../shared/validate.js';
import { decide, type DecisionResult } from './decide.js';

/** At most this many requests per bulk call. */
export const BULK_MAX_ITEMS = 50;
/**
 * At most this many bulk calls per actor per minute (the `bulk` budget of `DECISION_BUDGETS`).
 * Bulk and single decisions also share one count of decisions, and a bulk call counts only if a
 * request in it was decided: so the limits are reserved by the caller around the call
 * (`reserveAllowance`, settled on the answer), not taken in here.
 */
export const BULK_MAX_PER_MINUTE = 5;

const bulkInputSchema = z
  .object({
    requestIds: z.array(z.string().min(1).max(64)).min(1),
    outcome: z.enum(['approved', 'denied']),
    rationale: z.string().trim().min(3).max(1_000),
  })
  .strict();

export type BulkDecisionInput = z.input<typeof bulkInputSchema>;

export type BulkItemResult =
  | { readonly requestId: string; readonly ok: true; readonly result: DecisionResult }
  | { readonly requestId: string; readonly ok: false; readonly error: { readonly code: string; readonly message: string } };

/**
 * Approves or denies up to 50 requests with one rationale. Each request is decided on its own
 * (its own checks, its own commit); the answer says which succeeded and why others did not.
 */
export async function bulkDecide(deps: CoreDeps, actor: Actor, rawInput: BulkDecisionInput): Promise<BulkItemResult[]> {
  const input = parseInput(bulkInputSchema, rawInput, 'bulk decision');
  const requestIds = [...new Set(input.requestIds)];
  if (requestIds.length > BULK_MAX_ITEMS) {
    throw new ClearwayError('bulk_limit_exceeded', `A bulk decision takes at most ${BULK_MAX_ITEMS} requests; ${requestIds.length} were selected.`, {
      max: BULK_MAX_ITEMS,
      selected: requestIds.length,
    });
  }
  const results: BulkItemResult[] = [];
  for (const requestId of requestIds) {
    try {
      const result = await decide(deps, actor, { requestId, outcome: input.outcome, rationale: input.rationale }, 'bulk');
      results.push({ requestId, ok: true, result });
    } catch (error) {
      if (!(error instanceof ClearwayError)) throw error;
      results.push({ requestId, ok: false, error: { code: error.code, message: error.message } });
    }
  }
  return results;
}
