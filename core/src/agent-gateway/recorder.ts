import type { AuditEntry } from '../audit/event.js';
import { MAX_COMMIT_WRITES } from '../ports/store.js';
import type { CoreDeps } from '../shared/deps.js';
import { transact } from '../shared/transact.js';
import { activityEntry, type ActivityData } from './activity.js';
import type { ActivityInput } from './call.js';
import { rollupWrites } from './rollup.js';

/**
 * Records calls as `gateway.call` audit events, each commit carrying the events, the moved chain
 * head and the day's rollup — so a call is counted exactly when it is in the log. Calls that
 * arrive while a commit is in flight are committed together in the next one (group commit): a
 * busy gateway pays one chain append per batch, not per call, and each caller's promise settles
 * only when its own record is durable.
 */
export const MAX_BATCH = 8;

interface Pending {
  readonly entry: AuditEntry;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

export class ActivityRecorder {
  private readonly queue: Pending[] = [];
  private flushing = false;

  constructor(private readonly deps: CoreDeps) {}

  record(input: ActivityInput): Promise<void> {
    const entry = activityEntry(input);
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ entry, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        // Events, the head, and one rollup per day touched (at most one per event) stay within one commit.
        const batch = this.queue.splice(0, Math.min(MAX_BATCH, Math.floor((MAX_COMMIT_WRITES - 1) / 2)));
        try {
          await appendCalls(this.deps, batch.map((pending) => pending.entry));
          for (const pending of batch) pending.resolve();
        } catch (error) {
          for (const pending of batch) pending.reject(error);
        }
      }
    } finally {
      this.flushing = false;
    }
  }
}

/** One atomic commit: the calls' events on the chain and their days' figures. */
export async function appendCalls(deps: CoreDeps, entries: readonly AuditEntry[]): Promise<void> {
  await transact(deps, async () => ({
    writes: await rollupWrites(deps.store, entries.map((entry) => entry.data as unknown as ActivityData)),
    audit: entries,
    result: undefined,
  }));
}
