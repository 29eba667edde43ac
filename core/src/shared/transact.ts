import { auditMacKey, sealAuditEntries } from '../audit/audit-log.js';
import type { AuditEntry } from '../audit/event.js';
import { ConcurrencyError, StoreLimitError } from '../errors.js';
import { currentPolicyVersion } from '../governance/current.js';
import { MAX_COMMIT_WRITES, type Write } from '../ports/store.js';
import type { CoreDeps } from './deps.js';
import { withLock } from './lock.js';

/** What a use case decided, from state it just read: the writes, what to audit, what to answer. */
export interface Change<T> {
  readonly writes: readonly Write[];
  readonly audit: readonly AuditEntry[];
  readonly result: T;
  /** The governance-policy version the change was decided under (read when not given). */
  readonly policyVersion?: number;
}

/**
 * Conflicts are retried on fresh state. Within one process the chain lock serializes appends, so
 * a conflict means another worker (another process, a parallel Forge invocation) committed first:
 * those wait a short random time, growing with each attempt, so that several workers appending to
 * the one audit chain take turns instead of colliding again in step.
 */
const MAX_ATTEMPTS = 25;
const MAX_BACKOFF_MS = 200;

function backoff(deps: CoreDeps, attempt: number): Promise<void> {
  const bound = Math.min(MAX_BACKOFF_MS, 2 ** attempt);
  return new Promise((resolve) => setTimeout(resolve, Math.floor(deps.ids.random() * bound)));
}

/**
 * Runs a use case as one atomic store commit: its writes, its audit events and the moved chain
 * head together. If anything it read moved before the commit (another approver, another
 * append), `decide` runs again on fresh state, so its rules are re-checked, not bypassed.
 */
export async function transact<T>(deps: CoreDeps, decide: () => Promise<Change<T>>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    const change = await decide();
    if (change.writes.length === 0 && change.audit.length === 0) return change.result;
    try {
      // A change without audit entries leaves the chain alone: no key, policy or head to read, no lock.
      if (change.audit.length === 0) await commitChange(deps, change.writes);
      else {
        await withLock(deps.store, async () => {
          const key = await auditMacKey(deps.secrets, deps.ids);
          const policyVersion = change.policyVersion ?? (await currentPolicyVersion(deps.store));
          const sealed = await sealAuditEntries(deps.store, key, change.audit, deps.clock.now(), policyVersion);
          await commitChange(deps, [...change.writes, ...sealed]);
        });
      }
      return change.result;
    } catch (error) {
      if (!(error instanceof ConcurrencyError) || attempt >= MAX_ATTEMPTS) throw error;
      if (attempt > 1) await backoff(deps, attempt);
    }
  }
}

async function commitChange(deps: CoreDeps, writes: readonly Write[]): Promise<void> {
  if (writes.length > MAX_COMMIT_WRITES) {
    throw new StoreLimitError(`One change may write at most ${MAX_COMMIT_WRITES} records; this one writes ${writes.length}.`);
  }
  await deps.store.commit(writes);
}
