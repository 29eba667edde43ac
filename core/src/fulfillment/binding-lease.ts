import { ConcurrencyError } from '../errors.js';
import { put, remove } from '../ports/store.js';
import type { CoreDeps } from '../shared/deps.js';

interface BindingLease {
  readonly owner: string;
  readonly until: number;
}

const leaseId = (toolId: string) => `binding:${toolId}`;

/**
 * Binding a tool's group — which may create it — is done by one worker at a time: two workers
 * creating it at once would leave two groups of the one name where the directory allows that
 * (Entra does: display names are not unique), and every later grant of the tool would then meet an
 * ambiguous name. The lease is a store record taken by version; it lapses after `ttlMs` if its
 * holder dies. Answers whether `owner` holds it, or how long until it may be tried again.
 */
export async function takeBindingLease(deps: CoreDeps, toolId: string, owner: string, ttlMs: number): Promise<{ held: true } | { held: false; retryInMs: number }> {
  const now = deps.clock.now();
  const current = await deps.store.get('meta', leaseId(toolId));
  const lease = current?.value as BindingLease | undefined;
  if (lease && lease.owner !== owner && lease.until > now) return { held: false, retryInMs: lease.until - now };
  try {
    await deps.store.commit([put('meta', { id: leaseId(toolId), version: current?.version ?? 0, value: { owner, until: now + ttlMs } satisfies BindingLease })]);
    return { held: true };
  } catch (error) {
    if (error instanceof ConcurrencyError) return { held: false, retryInMs: Math.min(ttlMs, 1_000) };
    throw error;
  }
}

/** Gives the lease back (if still ours); a lease left behind lapses on its own. */
export async function releaseBindingLease(deps: CoreDeps, toolId: string, owner: string): Promise<void> {
  const current = await deps.store.get('meta', leaseId(toolId));
  if (!current || (current.value as BindingLease | undefined)?.owner !== owner) return;
  await deps.store.commit([remove('meta', current)]).catch(() => undefined);
}
