/**
 * When a retryable failure is tried again: exponential backoff with full jitter (a random wait
 * between zero and the exponential bound, so many jobs failing together do not retry together),
 * never sooner than the provider's Retry-After, within an attempt budget.
 */
export interface RetryPolicy {
  /** Attempts in all, the first included; past it a job fails with `retries_exhausted`. */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  /** Upper bound of the exponential part; a provider's own Retry-After may be longer and wins. */
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 8, baseDelayMs: 2_000, maxDelayMs: 10 * 60_000 };

/** Delay before attempt `attempt + 1`, given `attempt` attempts made and a random number in [0, 1). */
export function retryDelayMs(policy: RetryPolicy, attempt: number, random: number, retryAfterMs?: number): number {
  const bound = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.floor(random * bound);
  return Math.max(jittered, retryAfterMs ?? 0);
}

export function hasAttemptsLeft(policy: RetryPolicy, attempts: number): boolean {
  return attempts < policy.maxAttempts;
}
