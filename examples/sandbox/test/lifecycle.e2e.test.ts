import { decide, exportEvidence, iterateQuery, submitRequest, verifyEvidence, verifyEvidenceCsv, type Grant, type Store, type Write } from '@clearway/core';
import { afterEach, describe, expect, it } from 'vitest';
import { approver, crowdSeed, e2eWorld, type E2eWorld } from './support.js';

let world: E2eWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function approveAll(current: E2eWorld, people: number, tools: readonly string[]): Promise<string[]> {
  const grantIds: string[] = [];
  let issue = 0;
  for (let index = 0; index < people; index += 1) {
    const email = `person${String(index).padStart(3, '0')}@example.com`;
    for (const toolId of tools) {
      issue += 1;
      const { request } = await submitRequest(current.deps, { accountId: `jira-${index}`, email }, { issueKey: `AIR-${issue}`, projectKey: 'AIR', toolId, purpose: 'End-to-end test access', durationDays: 30 });
      const { grant } = await decide(current.deps, approver, { requestId: request.id, outcome: 'approved', rationale: 'approved in the e2e test' });
      grantIds.push(grant!.id);
    }
  }
  return grantIds;
}

async function drain(current: E2eWorld, store?: Store): Promise<void> {
  const engine = current.engine({}, store);
  for (let round = 0; round < 200; round += 1) {
    const summary = await engine.runDueJobs({ deadline: current.deps.clock.now() + 30_000 });
    if (summary.redispatchAfterMs === undefined) return;
    await new Promise((resolve) => setTimeout(resolve, Math.min(Math.max(summary.redispatchAfterMs ?? 0, 20), 2_000)));
  }
  throw new Error('the queue did not drain');
}

async function grantsOf(current: E2eWorld): Promise<Grant[]> {
  const all: Grant[] = [];
  for await (const grant of iterateQuery(current.deps.store, 'grant', 'all', { partition: [], limit: 100 })) all.push(grant);
  return all;
}

/** The simulator's user id behind a grant (Okta and Entra ids differ). */
function directoryUserId(current: E2eWorld, grant: Grant): string | undefined {
  const email = `person${grant.requesterAccountId.replace('jira-', '').padStart(3, '0')}@example.com`;
  return grant.connectorId === 'okta' ? current.simulator.okta?.findUser(email)?.id : current.simulator.graph?.findUser(email)?.id;
}

describe('the whole flow over real HTTP, real providers, the simulator', () => {
  it('converges under 20% 5xx, 10% 429 and lost responses: every grant active only after its membership, none applied twice', async () => {
    world = await e2eWorld(crowdSeed(20), {
      randomSeed: 42,
      faults: [{ vendor: 'okta', serverErrorRate: 0.2, rateLimitRate: 0.1, lostResponseRate: 0.05 }, { vendor: 'graph', serverErrorRate: 0.2, rateLimitRate: 0.1, lostResponseRate: 0.05 }],
    });
    const grantIds = await approveAll(world, 20, ['okta-tool', 'entra-tool']);
    await drain(world);

    const grants = await grantsOf(world);
    expect(grants).toHaveLength(grantIds.length);
    expect(grants.filter((grant) => grant.status !== 'active').map((grant) => `${grant.id}: ${grant.status} ${grant.failure?.code ?? ''}`)).toEqual([]);
    const calls = world.simulator.calls;
    expect(calls.filter((call) => call.status === 429).length).toBeGreaterThan(0);
    expect(calls.filter((call) => call.status >= 500).length).toBeGreaterThan(0);

    const adds = world.simulator.effects('member_added');
    const keys = adds.map((effect) => `${effect.groupId}/${effect.userId}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(adds).toHaveLength(grants.length);
    for (const grant of grants) {
      const userId = directoryUserId(world, grant);
      const added = calls.find((call) => call.effects.some((effect) => effect.kind === 'member_added' && effect.userId === userId));
      expect(added, `no membership recorded for ${grant.id}`).toBeDefined();
      expect(added!.at).toBeLessThanOrEqual(grant.activatedAt!);
    }
  }, 120_000);

  it('resumes a job whose worker died between the provider call and the record, without a second membership', async () => {
    world = await e2eWorld(crowdSeed(3));
    await approveAll(world, 3, ['okta-tool']);
    // A worker that dies after the provider answered: every commit that would record a result fails.
    const dying: Store = {
      get: (entity, id) => world!.deps.store.get(entity, id),
      query: (entity, index, query) => world!.deps.store.query(entity, index, query),
      commit: async (writes: readonly Write[]) => {
        if (writes.some((write) => write.type === 'put' && write.entity === 'job' && (write.record as { status?: string }).status !== 'running')) throw new Error('worker killed');
        return world!.deps.store.commit(writes);
      },
    };
    await expect(world.engine({ workerId: 'doomed', leaseMs: 30_000 }, dying).runDueJobs({ deadline: world.deps.clock.now() + 30_000 })).rejects.toThrow('worker killed');
    const stuck = (await world.deps.store.query('job', 'byStatus', { partition: ['running'], limit: 10 })).items;
    expect(stuck.length).toBeGreaterThan(0);
    expect(world.simulator.effects('member_added').length).toBeGreaterThan(0);

    world.deps.clock.advance(31_000);
    await drain(world);
    const grants = await grantsOf(world);
    expect(grants.map((grant) => grant.status)).toEqual(['active', 'active', 'active']);
    const adds = world.simulator.effects('member_added').map((effect) => effect.userId);
    expect(new Set(adds).size).toBe(adds.length);
    const doubled = (await world.deps.store.query('job', 'byStatus', { partition: ['succeeded'], limit: 10 })).items.filter((job) => job.attempts > 1);
    expect(doubled.map((job) => job.outcome)).toEqual(doubled.map(() => 'already_satisfied'));
  }, 60_000);

  it('exports the resulting chain as an evidence pack that verifies offline, in JSON Lines and CSV', async () => {
    world = await e2eWorld(crowdSeed(2));
    await approveAll(world, 2, ['okta-tool', 'entra-tool']);
    await drain(world);
    const jsonl: string[] = [];
    const csv: string[] = [];
    const manifest = await exportEvidence(world.deps, { accountId: 'admin', isAdmin: true }, {}, { jsonl: (line) => void jsonl.push(line), csv: (line) => void csv.push(line) });
    const key = await world.deps.secrets.get('audit:mac-key');
    expect(await verifyEvidence(jsonl, { key: key! })).toMatchObject({ ok: true, macChecked: true, verified: manifest.count });
    expect(await verifyEvidenceCsv(csv, manifest, { key: key! })).toMatchObject({ ok: true, verified: manifest.count });
    expect(jsonl.some((line) => line.includes('grant.active'))).toBe(true);
  }, 60_000);

  it('keeps a grant pending while its provider fails, and never marks it active early', async () => {
    world = await e2eWorld(crowdSeed(1));
    await approveAll(world, 1, ['okta-tool']);
    world.simulator.configure({ faults: [{ vendor: 'okta', serverErrorRate: 1 }] });
    await world.engine({ retry: { maxAttempts: 12, baseDelayMs: 200, maxDelayMs: 2_000 } }).runDueJobs({ deadline: world.deps.clock.now() + 2_000 });
    const [grant] = await grantsOf(world);
    expect(grant?.status).toBe('pending_provision');
    expect(world.simulator.effects('member_added')).toHaveLength(0);
    world.simulator.configure({ faults: [] });
    await drain(world);
    expect((await grantsOf(world))[0]?.status).toBe('active');
  }, 60_000);
});
