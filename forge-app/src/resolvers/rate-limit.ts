import { ClearwayError, MINUTE_MS, RateLimitError, put, type CoreDeps, type MetaRecord } from '@clearway/core';

/** Sensitive actions, per actor per minute (bulk decisions are limited by core: 5 a minute). */
export interface RateLimit {
  readonly max: number;
}

function limitId(action: string, accountId: string): string {
  return `ratelimit:${action}:${accountId}`;
}

function recent(record: MetaRecord | undefined, now: number): number[] {
  const value = record?.value;
  return Array.isArray(value) ? value.filter((at): at is number => typeof at === 'number' && at > now - MINUTE_MS) : [];
}

/**
 * Refuses the call when the actor used up the minute's allowance. Only checks: the call is
 * counted after it succeeded (`recordCall`), so a refused or failed call changes nothing.
 * Two calls racing may both pass; for a per-minute allowance on admin actions that is fine.
 */
export async function checkRateLimit(deps: CoreDeps, action: string, accountId: string, limit: RateLimit): Promise<void> {
  const now = deps.clock.now();
  const calls = recent(await deps.store.get('meta', limitId(action, accountId)), now);
  if (calls.length < limit.max) return;
  const retryAfterMs = Math.max(0, Math.min(...calls) + MINUTE_MS - now);
  throw new RateLimitError(`At most ${limit.max} of these a minute; try again in ${Math.ceil(retryAfterMs / 1000)} s.`, retryAfterMs);
}

export async function recordCall(deps: CoreDeps, action: string, accountId: string): Promise<void> {
  const id = limitId(action, accountId);
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const current = await deps.store.get('meta', id);
    const now = deps.clock.now();
    try {
      await deps.store.commit([put('meta', { id, version: current?.version ?? 0, value: [...recent(current, now), now] })]);
      return;
    } catch (error) {
      if (!(error instanceof ClearwayError && error.code === 'version_conflict')) throw error;
    }
  }
}
