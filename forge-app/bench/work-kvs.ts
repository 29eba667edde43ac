/**
 * `pnpm bench` row `work-kvs`: work-linked access on the app as wired for Forge, over the fake
 * platform's KVS — product events a second through core's event handler, and the KVS requests and
 * operations (each write and each condition inside a transaction counted on its own) per transition.
 * Jira's answers come from an in-memory site: they are not storage and are not counted.
 */
import { ADMIN } from '../src/test-support/scenario';
import { handleWorkEvent, saveWorkPolicy, type WorkEvent } from '@clearway/core';
import { MemoryWorkIssues, WORK_STATUSES } from '@clearway/core/testing';
import type { FakeKvs } from '../src/test-support/fake-forge/index';
import { directoryWorld } from './directory-world';

export interface KvsCount {
  readonly requests: number;
  readonly operations: number;
  /** Of the operations, those that write (set or delete, alone or in a transaction). */
  readonly writes: number;
}

const WRITE_PATHS = new Set(['/api/v1/set', '/api/v1/delete', '/api/v1/secret/set', '/api/v1/secret/delete', '/api/v1/entity/set', '/api/v1/entity/delete']);

function count(kvs: FakeKvs, from: number): KvsCount {
  const calls = kvs.calls.slice(from);
  let operations = 0;
  let writes = 0;
  for (const call of calls) {
    if (call.path !== '/api/v1/transaction') {
      operations += 1;
      if (WRITE_PATHS.has(call.path)) writes += 1;
      continue;
    }
    const body = call.body as { set?: unknown[]; delete?: unknown[]; check?: unknown[] };
    const changed = (body.set?.length ?? 0) + (body.delete?.length ?? 0);
    operations += changed + (body.check?.length ?? 0);
    writes += changed;
  }
  return { requests: calls.length, operations, writes };
}

export interface WorkKvsEconomy {
  /** Events that started or ended access, per second of handler time, and the kinds apart. */
  readonly eventsPerSecond: number;
  readonly perKind: Readonly<Record<'enter' | 'reassign' | 'resolve' | 'duplicate', number>>;
  /** KVS per transition, averaged over the incidents. */
  readonly perTransition: Readonly<Record<'enter' | 'reassign' | 'resolve' | 'duplicate', KvsCount>>;
  readonly incidents: number;
}

export async function measureWorkKvs(incidents: number): Promise<WorkKvsEconomy> {
  const { forge, world, deps: appDeps } = await directoryWorld('chatgpt', 'ChatGPT Enterprise', 'ai-chatgpt');
  const issues = new MemoryWorkIssues();
  const deps = { ...appDeps, issues };
  await saveWorkPolicy(deps, ADMIN, {
    name: 'On-call incidents',
    projectKey: 'INC',
    statusIds: [WORK_STATUSES.progress.id],
    statusNames: { [WORK_STATUSES.progress.id]: 'In Progress' },
    subject: { kind: 'assignee' },
    toolId: 'chatgpt',
    maxDurationHours: 12,
  });
  const ids = Array.from({ length: incidents }, (_, index) => String(5000 + index));
  const event = (id: string, kind: WorkEvent['kind'], enteredStatusId?: string): WorkEvent => ({ kind, issueId: id, issueKey: `INC-${id}`, projectKey: 'INC', at: world.clock.now(), ...(enteredStatusId !== undefined && { enteredStatusId }) });
  const perKind = {} as Record<keyof WorkKvsEconomy['perKind'], number>;
  const perTransition = {} as Record<keyof WorkKvsEconomy['perTransition'], KvsCount>;
  let changingMs = 0;
  let changing = 0;
  const phase = async (kind: keyof WorkKvsEconomy['perKind'], change: (id: string) => WorkEvent[], changes: boolean) => {
    const events = ids.flatMap(change);
    const from = forge.kvs.calls.length;
    const started = performance.now();
    for (const item of events) await handleWorkEvent(deps, item);
    const ms = performance.now() - started;
    const counted = count(forge.kvs, from);
    perKind[kind] = Math.round((events.length / ms) * 1000);
    perTransition[kind] = { requests: counted.requests / ids.length, operations: counted.operations / ids.length, writes: counted.writes / ids.length };
    if (changes) {
      changingMs += ms;
      changing += events.length;
    }
  };
  await phase('enter', (id) => {
    issues.set({ id, status: WORK_STATUSES.progress, assigneeAccountId: `oncall-${id}` });
    return [event(id, 'updated', WORK_STATUSES.progress.id)];
  }, true);
  // One assignment sends two events (assigned, then its updated twin): the transition is both.
  await phase('reassign', (id) => {
    issues.set({ id, assigneeAccountId: `relief-${id}` });
    return [event(id, 'assigned'), event(id, 'updated')];
  }, true);
  await phase('duplicate', (id) => [event(id, 'updated', WORK_STATUSES.progress.id)], false);
  await phase('resolve', (id) => {
    issues.set({ id, status: WORK_STATUSES.resolved, resolved: true });
    return [event(id, 'updated', WORK_STATUSES.resolved.id)];
  }, true);
  return { eventsPerSecond: Math.round((changing / changingMs) * 1000), perKind, perTransition, incidents };
}
