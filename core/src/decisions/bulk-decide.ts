import { z } from 'zod';
import { ClearwayError, RateLimitError } from '../errors.js';
import { MINUTE_MS } from '../ports/clock.js';
import { put } from '../ports/store.js';
import type { MetaRecord } from '../ports/store-schema.js';
import type { Actor, CoreDeps } from '../shared/deps.js';
import { transact } from '../shared/transact.js';
import { parseInput } from '../shared/validate.js';
import { decide, type DecisionResult } from './decide.js';

/** At most this many requests per bulk call. */
export const BULK_MAX_ITEMS = 50;
/** At most this many bulk calls per actor per minute. */
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

/** Records one bulk call in the actor's one-minute window, or refuses it when the window is full. */
async function takeBulkSlot(deps: CoreDeps, actor: Actor): Promise<void> {
  await transact(deps, async () => {
    const id = `ratelimit:bulk:${actor.accountId}`;
    const now = deps.clock.now();
    const current = await deps.store.get('meta', id);
    const recent = ((current?.value as number[] | undefined) ?? []).filter((at) => at > now - MINUTE_MS);
    if (recent.length >= BULK_MAX_PER_MINUTE) {
      const retryAfterMs = Math.min(...recent) + MINUTE_MS - now;
      throw new RateLimitError(`At most ${BULK_MAX_PER_MINUTE} bulk decisions a minute; try again in ${Math.ceil(retryAfterMs / 1000)} s.`, retryAfterMs);
    }
    const record: MetaRecord = { id, version: current?.version ?? 0, value: [...recent, now] };
    return { writes: [put('meta', record)], audit: [], result: undefined };
  });
}

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
  await takeBulkSlot(deps, actor);
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
