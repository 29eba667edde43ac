/**
 * `pnpm bench` row 5: Forge storage economy. Runs the app exactly as wired for Forge (KVS store and
 * secrets, the engine, the resolvers) over the fake platform and counts what reaches KVS: requests
 * (one REST call each) and operations (each write and each condition inside a transaction
 * counted on its own; every other request is one operation).
 */
import { bulkDecide, DAY_MS, decide, expireDueGrants, submitRequest, type Actor } from '@clearway/core';
import type { FakeKvs } from '../src/test-support/fake-forge/index';
import { APPROVER } from '../src/test-support/scenario';
import { directoryWorld } from './directory-world';

// `@clearway/forge-app/bench` is this file: the gateway's storage row is exported through it.
export { measureGatewayKvs, type GatewayKvsEconomy } from './gateway-kvs';
export { measureWorkKvs, type WorkKvsEconomy } from './work-kvs';

interface KvsCount {
  readonly requests: number;
  readonly operations: number;
}

function count(kvs: FakeKvs, from: number): KvsCount {
  const calls = kvs.calls.slice(from);
  const operations = calls.reduce((total, call) => {
    if (call.path !== '/api/v1/transaction') return total + 1;
    const body = call.body as { set?: unknown[]; delete?: unknown[]; check?: unknown[] };
    return total + (body.set?.length ?? 0) + (body.delete?.length ?? 0) + (body.check?.length ?? 0);
  }, 0);
  return { requests: calls.length, operations };
}

export interface KvsEconomy {
  /** submit → approve → active → expire → deprovisioned, one request on a directory connector. */
  readonly perLifecycle: KvsCount & { readonly steps: Readonly<Record<string, KvsCount>> };
  /** One 50-request bulk approval, divided by 50 (approval only: provisioning not included). */
  readonly perBulkApproval: KvsCount;
}

export async function measureKvsEconomy(): Promise<KvsEconomy> {
  const { forge, world, deps } = await directoryWorld('chatgpt', 'ChatGPT Enterprise', 'ai-chatgpt');
  // Bind the tool's group once, as an installation that already ran would have.
  const warm = await submitRequest(deps, { accountId: 'warm-up' }, { projectKey: 'AIR', portalId: '1', requestTypeId: '10', issueKey: 'AIR-900', toolId: 'chatgpt', purpose: 'Warming the connector up', durationDays: 30 });
  await decide(deps, APPROVER, { requestId: warm.request.id, outcome: 'approved', rationale: 'warm-up' });
  await world.app.engine.runDueJobs({ deadline: world.clock.now() + 60_000 });

  const steps: Record<string, KvsCount> = {};
  const step = async (name: string, run: () => Promise<unknown>) => {
    const from = forge.kvs.calls.length;
    await run();
    steps[name] = count(forge.kvs, from);
  };
  const requester: Actor = { accountId: 'lifecycle-user', email: 'lifecycle@example.com' };
  let requestId = '';
  const start = forge.kvs.calls.length;
  await step('submit', async () => {
    requestId = (await submitRequest(deps, requester, { projectKey: 'AIR', portalId: '1', requestTypeId: '10', issueKey: 'AIR-901', toolId: 'chatgpt', purpose: 'Drafting release notes', durationDays: 30 })).request.id;
  });
  await step('approve', () => decide(deps, APPROVER, { requestId, outcome: 'approved', rationale: 'needed' }));
  await step('provision → active', () => world.app.engine.runDueJobs({ deadline: world.clock.now() + 60_000 }));
  world.clock.advance(31 * DAY_MS);
  await step('expire', () => expireDueGrants(deps));
  await step('deprovision', () => world.app.engine.runDueJobs({ deadline: world.clock.now() + 60_000 }));
  const lifecycle = count(forge.kvs, start);

  const ids: string[] = [];
  for (let index = 0; index < 50; index += 1) {
    const { request } = await submitRequest(deps, { accountId: `bulk-${index}` }, { projectKey: 'AIR', portalId: '1', requestTypeId: '10', issueKey: `AIR-${1_000 + index}`, toolId: 'chatgpt', purpose: 'Bulk approval economy', durationDays: 30 });
    ids.push(request.id);
  }
  const before = forge.kvs.calls.length;
  const results = await bulkDecide(deps, APPROVER, { requestIds: ids, outcome: 'approved', rationale: 'quarterly rollout' });
  if (!results.every((result) => result.ok)) throw new Error('the bulk approval did not approve all 50 requests');
  const bulk = count(forge.kvs, before);
  return { perLifecycle: { ...lifecycle, steps }, perBulkApproval: { requests: bulk.requests / 50, operations: bulk.operations / 50 } };
}
