/**
 * Per-actor allowances over a sliding window: "at most `max` of these a minute". One `meta` record
 * per budget and actor (`ratelimit:<budget>:<accountId>`) lists what was taken in the window.
 *
 * A call reserves its units before it runs, with a write conditional on the version it read: two
 * racing calls cannot both take the last unit, because one of the writes loses the version check,
 * re-reads and sees the window full. Afterwards the call keeps what it really used (`settle`) or
 * gives everything back (`release`, for any refusal or failure), so refused calls consume nothing.
 */
import { z } from 'zod';
import { ConcurrencyError, RateLimitError } from '../errors.js';
import { MINUTE_MS } from '../ports/clock.js';
import { put, remove, type Write } from '../ports/store.js';
import type { MetaRecord } from '../ports/store-schema.js';
import type { CoreDeps } from '../shared/deps.js';

/** A named allowance per actor: `max` units per `windowMs`. */
export interface Budget {
  /** Part of the window record's id: renaming it starts every window afresh. */
  readonly name: string;
  readonly max: number;
  readonly windowMs: number;
  /** What a unit is, plural, for the refusal a person reads: "decisions", "audit events read". */
  readonly counts: string;
}

/** Units of one budget a call takes. */
export interface Claim {
  readonly budget: Budget;
  readonly amount: number;
}

/** What a call holds between its reservation and its end. */
export interface Reservation {
  /** Keeps `used[i]` units of claim `i` (0 gives that claim back); never throws. */
  settle(used: readonly number[]): Promise<void>;
  /** Gives every claim back, as if the call had never been made; never throws. */
  release(): Promise<void>;
}

/**
 * Attempts at a conditional write before giving up. A write loses only to another write of the
 * same window, so a call retries at most once per call that got in first; past this many, the
 * actor is plainly firing calls faster than they can be counted, and the call is refused.
 */
export const MAX_RESERVE_ATTEMPTS = 16;
/** What a call refused for contention is told: the window itself may not be full. */
export const CONTENTION_RETRY_AFTER_MS = 1_000;
const MAX_BACKOFF_MS = 50;

/** One reservation in a window. Windows written before reservations had ids hold bare timestamps (one unit each). */
const entrySchema = z.union([z.object({ id: z.string(), at: z.number(), amount: z.number().int().positive() }), z.number().transform((at) => ({ id: '', at, amount: 1 }))]);
type Entry = { readonly id: string; readonly at: number; readonly amount: number };

export function allowanceRecordId(budget: Pick<Budget, 'name'>, accountId: string): string {
  return `ratelimit:${budget.name}:${accountId}`;
}

/** The entries still inside the window; anything unreadable counts for nothing (the record is ours, written below). */
function liveEntries(record: MetaRecord | undefined, budget: Budget, now: number): Entry[] {
  const value = record?.value;
  if (!Array.isArray(value)) return [];
  return value.flatMap((item: unknown) => {
    const parsed = entrySchema.safeParse(item);
    return parsed.success && parsed.data.at > now - budget.windowMs ? [parsed.data] : [];
  });
}

function sum(entries: readonly Entry[]): number {
  return entries.reduce((total, entry) => total + entry.amount, 0);
}

function windowWords(budget: Budget): string {
  return budget.windowMs === MINUTE_MS ? 'a minute' : `every ${Math.round(budget.windowMs / 1000)} s`;
}

/** The refusal for a claim the window cannot take now, or undefined when it can. */
function refusal(claim: Claim, entries: readonly Entry[], now: number): RateLimitError | undefined {
  const { budget, amount } = claim;
  const max = budget.max.toLocaleString('en-US');
  if (amount > budget.max) {
    return new RateLimitError(`This takes ${amount.toLocaleString('en-US')} ${budget.counts}; at most ${max} are allowed ${windowWords(budget)}.`, budget.windowMs);
  }
  let over = sum(entries) + amount - budget.max;
  if (over <= 0) return undefined;
  // The oldest entries leave the window first: wait until enough of them have.
  let retryAfterMs = budget.windowMs;
  for (const entry of [...entries].sort((a, b) => a.at - b.at)) {
    over -= entry.amount;
    if (over <= 0) {
      retryAfterMs = Math.max(0, entry.at + budget.windowMs - now);
      break;
    }
  }
  return new RateLimitError(`At most ${max} ${budget.counts} ${windowWords(budget)}; try again in ${Math.max(1, Math.ceil(retryAfterMs / 1000))} s.`, retryAfterMs);
}

function backoff(deps: CoreDeps, attempt: number): Promise<void> {
  // Real time, not the clock port: a test clock would move the window itself.
  const bound = Math.min(MAX_BACKOFF_MS, 2 ** attempt);
  return new Promise((resolve) => setTimeout(resolve, Math.floor(deps.ids.random() * bound)));
}

/**
 * Reserves every claim at once for `accountId` (one commit, so a call over one budget takes
 * nothing from the others), or throws `RateLimitError` saying when to come back. Nothing is
 * written when the call is refused.
 */
export async function reserveAllowance(deps: CoreDeps, accountId: string, claims: readonly Claim[]): Promise<Reservation> {
  const taken = claims.flatMap((claim, index) => (claim.amount > 0 ? [{ ...claim, index }] : []));
  const reservationId = deps.ids.newId('rl');
  if (taken.length === 0) return heldReservation(deps, accountId, reservationId, []);
  for (let attempt = 1; attempt <= MAX_RESERVE_ATTEMPTS; attempt += 1) {
    const records = await Promise.all(taken.map((claim) => deps.store.get('meta', allowanceRecordId(claim.budget, accountId))));
    const now = deps.clock.now();
    const windows = taken.map((claim, index) => liveEntries(records[index], claim.budget, now));
    const refusals = taken.flatMap((claim, index) => refusal(claim, windows[index] ?? [], now) ?? []);
    if (refusals.length > 0) throw refusals.reduce((longest, next) => (next.retryAfterMs > longest.retryAfterMs ? next : longest));
    const writes = taken.map((claim, index) =>
      put('meta', { id: allowanceRecordId(claim.budget, accountId), version: records[index]?.version ?? 0, value: [...(windows[index] ?? []), { id: reservationId, at: now, amount: claim.amount }] }),
    );
    try {
      await deps.store.commit(writes);
      return heldReservation(deps, accountId, reservationId, taken);
    } catch (error) {
      if (!(error instanceof ConcurrencyError)) throw error;
      if (attempt > 1) await backoff(deps, attempt);
    }
  }
  throw new RateLimitError('Too many of these at once; try again in a moment.', CONTENTION_RETRY_AFTER_MS);
}

/** A claim as written: `index` is its place in the caller's list, which `settle` follows. */
type HeldClaim = Claim & { readonly index: number };

function heldReservation(deps: CoreDeps, accountId: string, reservationId: string, held: readonly HeldClaim[]): Reservation {
  let done = false;
  const settle = async (used: readonly number[]) => {
    if (done) return;
    done = true;
    const changes = held.flatMap((claim) => {
      const amount = Math.max(0, Math.floor(used[claim.index] ?? 0));
      return amount === claim.amount ? [] : [{ claim, amount }];
    });
    if (changes.length === 0) return;
    try {
      await rewrite(deps, accountId, reservationId, changes);
    } catch (error) {
      // Keeping the whole reservation errs on the side of the limit; the window forgets it soon enough.
      deps.logger.warn('Could not settle a rate-limit reservation; it counts in full until its window passes', {
        budgets: changes.map(({ claim }) => claim.budget.name).join(','),
        error: error instanceof Error ? error.message : 'unknown',
      });
    }
  };
  return { settle, release: () => settle([]) };
}

/** Sets the reservation's amount in each changed window (removing it at 0, and the record once empty), retrying on conflict. */
async function rewrite(deps: CoreDeps, accountId: string, reservationId: string, changes: ReadonlyArray<{ readonly claim: Claim; readonly amount: number }>): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    const records = await Promise.all(changes.map(({ claim }) => deps.store.get('meta', allowanceRecordId(claim.budget, accountId))));
    const now = deps.clock.now();
    const writes = changes.flatMap(({ claim, amount }, index): Write[] => {
      const record = records[index];
      const entries = liveEntries(record, claim.budget, now);
      // Already out of the window: nothing left to give back.
      if (!record || !entries.some((entry) => entry.id === reservationId)) return [];
      const next = entries.flatMap((entry) => (entry.id !== reservationId ? [entry] : amount > 0 ? [{ ...entry, amount }] : []));
      return [next.length === 0 ? remove('meta', record) : put('meta', { id: record.id, version: record.version, value: next })];
    });
    if (writes.length === 0) return;
    try {
      await deps.store.commit(writes);
      return;
    } catch (error) {
      if (!(error instanceof ConcurrencyError) || attempt >= MAX_RESERVE_ATTEMPTS) throw error;
      if (attempt > 1) await backoff(deps, attempt);
    }
  }
}

/** What `accountId` has used of `budget` in the current window, and what is left. */
export async function readAllowance(deps: Pick<CoreDeps, 'store' | 'clock'>, accountId: string, budget: Budget): Promise<{ readonly used: number; readonly remaining: number }> {
  const used = sum(liveEntries(await deps.store.get('meta', allowanceRecordId(budget, accountId)), budget, deps.clock.now()));
  return { used, remaining: Math.max(0, budget.max - used) };
}
