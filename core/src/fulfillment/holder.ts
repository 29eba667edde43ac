import type { Grant } from '../grants/grant.js';
import { iterateQuery, type Store } from '../ports/store.js';
import type { Job } from './job.js';
import { jobsOfGrant } from './jobs.js';

/**
 * One membership serves every grant a person holds for a tool: the tool's group has the user or
 * not. So a person's grants for the same tool (an ended one whose removal is owed, a new one
 * being provisioned after a re-request) must not undo each other: a removal is not needed while
 * another grant is active, and a removal and an add for the same person and tool never run at
 * once — whichever claimed second waits, as the jobs of one grant do.
 */
export async function otherGrantsOfHolder(store: Store, grant: Pick<Grant, 'id' | 'requesterAccountId' | 'toolId'>): Promise<Grant[]> {
  const others: Grant[] = [];
  for await (const other of iterateQuery(store, 'grant', 'byRequester', { partition: [grant.requesterAccountId], limit: 50 })) {
    if (other.toolId === grant.toolId && other.id !== grant.id) others.push(other);
  }
  return others;
}

/** Whether another of the person's grants explains the user being in the tool's group. */
export function heldByAnother(others: readonly Grant[]): Grant | undefined {
  return others.find((other) => other.status === 'active') ?? others.find((other) => other.status === 'pending_provision');
}

/**
 * A job of another of the person's grants for the tool that changes membership the opposite way
 * and is running under a live lease: a removal while this is an add, an add while this is a removal.
 */
export async function opposingJobRunning(store: Store, job: Pick<Job, 'type'>, others: readonly Grant[], now: number): Promise<Job | undefined> {
  const opposite = job.type === 'provision' ? 'deprovision' : job.type === 'deprovision' ? 'provision' : undefined;
  if (!opposite) return undefined;
  for (const other of others) {
    // Only grants that may have such a job: an add for a live grant, a removal for one that owes it.
    const candidate = opposite === 'provision' ? other.status === 'pending_provision' : other.deprovision === 'pending';
    if (!candidate) continue;
    const running = (await jobsOfGrant(store, other.id)).find((sibling) => sibling.type === opposite && sibling.status === 'running' && (sibling.wakeAt ?? 0) > now);
    if (running) return running;
  }
  return undefined;
}
