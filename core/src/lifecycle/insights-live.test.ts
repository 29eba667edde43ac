import { describe, expect, it } from 'vitest';
import type { Job, JobStatus } from '../fulfillment/job.js';
import type { Grant, GrantStatus } from '../grants/grant.js';
import { HOUR_MS } from '../ports/clock.js';
import { put, type Store } from '../ports/store.js';
import type { AccessRequest } from '../requests/request.js';
import { makeWorld, type TestDeps } from '../test-support/harness.js';
import { countIndex, readLiveInsights } from './insights-live.js';

let next = 0;
const id = (prefix: string) => `${prefix}-${(next += 1)}`;

function grant(world: TestDeps, toolId: string, status: GrantStatus): Grant {
  const now = world.clock.now();
  return { id: id('grant'), version: 0, requestId: id('req'), issueKey: 'AIR-1', requesterAccountId: id('user'), toolId, connectorId: 'manual', status, durationDays: 30, createdAt: now, updatedAt: now, expiresAt: now + 30 * 24 * HOUR_MS, deprovision: 'not_needed', extensions: [] };
}

function request(createdAt: number): AccessRequest {
  return { id: id('req'), version: 0, issueKey: 'AIR-2', projectKey: 'AIR', requesterAccountId: id('user'), toolId: 'chatgpt', purpose: 'work', durationDays: 30, status: 'pending', createdAt, updatedAt: createdAt, policyVersionAtSubmit: 1 };
}

function job(world: TestDeps, status: JobStatus, kind?: 'auth' | 'not_found'): Job {
  const now = world.clock.now();
  return {
    id: id('job'),
    version: 0,
    type: 'provision',
    grantId: id('grant'),
    connectorId: 'manual',
    toolId: 'chatgpt',
    status,
    idempotencyKey: id('key'),
    attempts: 1,
    createdAt: now,
    updatedAt: now,
    ...(kind && { lastError: { name: 'ConnectorError', kind, code: kind, retryable: false, message: 'failed' } }),
  };
}

describe('live insights', () => {
  it('counts active grants by tool as the index holds them now, not as a rollup did', async () => {
    const world = await makeWorld();
    await world.store.commit([
      put('grant', grant(world, 'chatgpt', 'active')),
      put('grant', grant(world, 'chatgpt', 'active')),
      put('grant', grant(world, 'chatgpt', 'active')),
      put('grant', grant(world, 'cursor', 'active')),
      put('grant', grant(world, 'cursor', 'pending_provision')),
      put('grant', grant(world, 'cursor', 'expired')),
    ]);
    const live = await readLiveInsights(world);
    expect(live.activeGrants).toEqual({ count: 4, more: false, byTool: { chatgpt: 3, cursor: 1 } });
    expect(live.at).toBe(world.clock.now());
  });

  it('stops at the cap and says there are more, but not when exactly the cap exist', async () => {
    const world = await makeWorld();
    await world.store.commit([put('grant', grant(world, 'chatgpt', 'active')), put('grant', grant(world, 'chatgpt', 'active')), put('grant', grant(world, 'chatgpt', 'active'))]);
    expect((await readLiveInsights(world, { cap: 2 })).activeGrants).toMatchObject({ count: 2, more: true });
    expect((await readLiveInsights(world, { cap: 3 })).activeGrants).toMatchObject({ count: 3, more: false });
    const reads: number[] = [];
    const store: Store = {
      get: (entity, key) => world.store.get(entity, key),
      commit: (writes) => world.store.commit(writes),
      query: (entity, index, query) => {
        reads.push(query.limit);
        return world.store.query(entity, index, query);
      },
    };
    const counting = { store };
    // Past the cap nothing more is read: one record beyond it is enough to say "more".
    expect(await countIndex(counting, 'grant', 'byStatus', { partition: ['active'] }, 1)).toEqual({ count: 1, more: true });
    expect(reads).toEqual([2]);
  });

  it('counts pending requests and those past the approval SLA, failed fulfillments by kind and open manual tasks', async () => {
    const world = await makeWorld();
    const now = world.clock.now();
    await world.store.commit([
      put('request', request(now - 49 * HOUR_MS)),
      put('request', request(now - 47 * HOUR_MS)),
      put('request', request(now - HOUR_MS)),
      put('job', job(world, 'failed', 'auth')),
      put('job', job(world, 'failed', 'auth')),
      put('job', job(world, 'failed', 'not_found')),
      put('job', job(world, 'succeeded')),
      put('job', job(world, 'awaiting_manual')),
      put('job', job(world, 'awaiting_manual')),
    ]);
    const live = await readLiveInsights(world);
    expect(live.pendingRequests).toEqual({ count: 3, more: false });
    expect(live.slaBreaches).toEqual({ count: 1, more: false, slaHours: 48 });
    expect(live.failedFulfillments).toEqual({ count: 3, more: false, byKind: { auth: 2, not_found: 1 } });
    expect(live.openManualTasks).toEqual({ count: 2, more: false });
  });
});
