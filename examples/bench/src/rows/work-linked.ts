import { handleWorkEvent, iterateQuery, type Store, type Write } from '@clearway/core';
import { IdpSimulator, ensureCertificate } from '@clearway/idp-simulator';
import { VirtualClock, paths, workWorld, type SiteEvent, type WorkWorld } from '@clearway/sandbox';
import { CountingStore } from '../counting-store.js';
import { median, percentile } from '../gateway/load.js';
import { progress, round, type BenchRow } from '../report.js';
import { benchSeed, emailOf } from '../world.js';

/** Reads counted by the bench's counting store; commits and the writes in them counted here. */
class WriteCountingStore extends CountingStore {
  commits = 0;
  writes = 0;
  override commit(writes: readonly Write[]) {
    this.commits += 1;
    this.writes += writes.length;
    return super.commit(writes);
  }
}

interface StorageCost {
  readonly reads: number;
  readonly writes: number;
  readonly commits: number;
}

const accountOf = (index: number) => `jira-${index}`;
const people = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, index) => [accountOf(index), { displayName: `User ${index}`, email: emailOf(index) }]));

/** A work-linked install on an in-memory store whose reads and writes are counted, at a simulator. */
async function countedWorld(simulator: IdpSimulator, users: number, groupName: string): Promise<{ world: WorkWorld; store: WriteCountingStore }> {
  let counting: WriteCountingStore | undefined;
  const world = await workWorld({
    simulator,
    people: people(users),
    clock: new VirtualClock(),
    groupName,
    store: (sqlite): Store => (counting = new WriteCountingStore(sqlite)),
  });
  return { world, store: counting! };
}

/** Delivers each event once, in order, through the handler; answers the milliseconds it took. */
async function deliverAll(world: WorkWorld, deliveries: readonly SiteEvent[]): Promise<number> {
  const started = performance.now();
  for (const delivery of deliveries) await handleWorkEvent(world.deps, delivery.event);
  return performance.now() - started;
}

interface Transitions {
  /** Each kind of change, over `issues` issues: the events delivered, the time, the storage. */
  readonly kinds: Readonly<Record<'enter' | 'reassign' | 'resolve' | 'duplicate' | 'unwatched', { events: number; ms: number; cost: StorageCost }>>;
  readonly issues: number;
}

/**
 * `issues` incidents, each assigned to its own person: it enters In Progress (a link, a request
 * decided by the policy, a grant), is reassigned (Jira's assigned and updated events: one link
 * ends, one starts), is resolved (the link and its grant end) — each change's events delivered
 * once; then every event again (duplicates: nothing to change); then events of a project no policy
 * watches. The engine does not run: this is the handler's own cost.
 */
async function measureTransitions(simulator: IdpSimulator, issues: number): Promise<Transitions> {
  const { world, store } = await countedWorld(simulator, issues * 2, 'AI - work bench events');
  const keys = Array.from({ length: issues }, (_, index) => world.site.create({ projectKey: 'INC', issueType: 'Incident', summary: `incident ${index}`, assignee: accountOf(index) }));
  await deliverAll(world, world.site.takeEvents());
  const all: SiteEvent[] = [];
  const phase = async (change: (key: string, index: number) => void) => {
    keys.forEach((key, index) => change(key, index));
    const deliveries = world.site.takeEvents();
    all.push(...deliveries);
    const before: StorageCost = { reads: store.reads, writes: store.writes, commits: store.commits };
    const ms = await deliverAll(world, deliveries);
    return { events: deliveries.length, ms, cost: { reads: store.reads - before.reads, writes: store.writes - before.writes, commits: store.commits - before.commits } };
  };
  const enter = await phase((key) => world.site.transition(key, 'In Progress'));
  const reassign = await phase((key, index) => world.site.assign(key, accountOf(issues + index)));
  const resolve = await phase((key) => world.site.transition(key, 'Resolved'));
  const before: StorageCost = { reads: store.reads, writes: store.writes, commits: store.commits };
  const duplicateMs = await deliverAll(world, all);
  const duplicate = { events: all.length, ms: duplicateMs, cost: { reads: store.reads - before.reads, writes: store.writes - before.writes, commits: store.commits - before.commits } };
  const ops = Array.from({ length: issues }, (_, index) => world.site.create({ projectKey: 'OPS', issueType: 'Task', summary: `ops ${index}` }));
  ops.forEach((key) => world.site.transition(key, 'Doing'));
  const unwatchedEvents = world.site.takeEvents();
  const beforeOps: StorageCost = { reads: store.reads, writes: store.writes, commits: store.commits };
  const unwatchedMs = await deliverAll(world, unwatchedEvents);
  const unwatched = { events: unwatchedEvents.length, ms: unwatchedMs, cost: { reads: store.reads - beforeOps.reads, writes: store.writes - beforeOps.writes, commits: store.commits - beforeOps.commits } };
  let grants = 0;
  for await (const _grant of iterateQuery(world.deps.store, 'grant', 'all', { partition: [], limit: 100 })) grants += 1;
  world.close();
  if (grants !== issues * 2) throw new Error(`the handler made ${grants} grants for ${issues * 2} links`);
  return { issues, kinds: { enter, reassign, resolve, duplicate, unwatched } };
}

/** The simulator's Okta org with `users` people; the tool's group is created on the first add. */
async function startSimulator(users: number): Promise<IdpSimulator> {
  return IdpSimulator.start({ seed: benchSeed(users), tls: await ensureCertificate(paths.certificate) });
}

let measured: Promise<Transitions> | undefined;

/** The events and storage rows read the same run (the engine never calls the simulator in it). */
function transitionsOnce(issues: number): Promise<Transitions> {
  measured ??= startSimulator(issues * 2).then(async (simulator) => {
    try {
      return await measureTransitions(simulator, issues);
    } finally {
      await simulator.stop();
    }
  });
  return measured;
}

const perEvent = (kind: { events: number; ms: number }) => round((kind.events / kind.ms) * 1000, 0);
const each = (cost: StorageCost, count: number) => ({ reads: round(cost.reads / count, 1), writes: round(cost.writes / count, 1), commits: round(cost.commits / count, 2) });

/** Work-linked access: events a second through the handler, on the embedded store (the engine not running). */
export async function workEvents(issues: number): Promise<BenchRow> {
  progress(`work events: ${issues} incidents entering In Progress, reassigned, resolved; every event again; ${issues} unwatched`);
  const { kinds } = await transitionsOnce(issues);
  const changing = { events: kinds.enter.events + kinds.reassign.events + kinds.resolve.events, ms: kinds.enter.ms + kinds.reassign.ms + kinds.resolve.ms };
  return {
    id: 'work-events',
    name: `Work-linked access: product events a second through handleWorkEvent (${issues} incidents; embedded SQLite store, not the Forge KVS fake)`,
    figure: perEvent(changing),
    unit: 'events/s that start or end access',
    target: 'report (Forge delivers product events one invocation each)',
    met: 'report',
    details: {
      enterPerSecond: perEvent(kinds.enter),
      reassignPerSecond: perEvent(kinds.reassign),
      resolvePerSecond: perEvent(kinds.resolve),
      duplicatePerSecond: perEvent(kinds.duplicate),
      unwatchedPerSecond: perEvent(kinds.unwatched),
      events: changing.events + kinds.duplicate.events + kinds.unwatched.events,
    },
  };
}

/** Work-linked access: store reads and writes per transition, and none written for a duplicate. */
export async function workStorage(issues: number): Promise<BenchRow> {
  progress('work storage: store reads, writes and commits per transition (counting store)');
  const { kinds } = await transitionsOnce(issues);
  const enter = each(kinds.enter.cost, issues);
  const reassign = each(kinds.reassign.cost, issues);
  const resolve = each(kinds.resolve.cost, issues);
  const duplicate = each(kinds.duplicate.cost, kinds.duplicate.events);
  const unwatched = each(kinds.unwatched.cost, kinds.unwatched.events);
  return {
    id: 'work-storage',
    name: 'Work-linked access: store operations (reads + writes) per transition — enter a live status, reassign (two events), resolve; a duplicate event; an unwatched project',
    figure: round(enter.reads + enter.writes, 1),
    unit: 'store operations to start access (one event)',
    target: '0 writes for a duplicate or an unwatched event',
    met: kinds.duplicate.cost.writes === 0 && kinds.unwatched.cost.writes === 0,
    details: {
      enterReads: enter.reads,
      enterWrites: enter.writes,
      enterCommits: enter.commits,
      reassignReads: reassign.reads,
      reassignWrites: reassign.writes,
      reassignCommits: reassign.commits,
      resolveReads: resolve.reads,
      resolveWrites: resolve.writes,
      resolveCommits: resolve.commits,
      duplicateReadsEach: duplicate.reads,
      duplicateWritesEach: duplicate.writes,
      unwatchedReadsEach: unwatched.reads,
    },
  };
}

/**
 * Work-linked access: from the status change to the grant active — the event handled, then the
 * engine provisioning through the real Okta provider at the simulator — `count` incidents one after
 * another, each for a person Okta has not seen from Clearway yet (a lookup and an add each).
 */
export async function workLatency(count: number): Promise<BenchRow> {
  progress(`work latency: ${count} incidents, event → grant active through Okta`);
  const simulator = await startSimulator(count);
  try {
    const { world } = await countedWorld(simulator, count, 'AI - work bench latency');
    const samples: number[] = [];
    for (let index = 0; index < count; index += 1) {
      const key = world.site.create({ projectKey: 'INC', issueType: 'Incident', summary: `latency ${index}`, assignee: accountOf(index) });
      world.site.takeEvents();
      const started = performance.now();
      world.site.transition(key, 'In Progress');
      await deliverAll(world, world.site.takeEvents());
      for (let round = 0; round < 20; round += 1) {
        const summary = await world.engine.runDueJobs({ deadline: world.deps.clock.now() + 60_000 });
        if (summary.claimed === 0) break;
      }
      samples.push(performance.now() - started);
      if (!world.members().has(emailOf(index))) throw new Error(`${emailOf(index)} is not in the group after its incident went live`);
    }
    world.close();
    const warm = samples.slice(1);
    return {
      id: 'work-latency',
      name: `Work-linked access: status change → grant active (handler + engine + real Okta provider at the simulator), ${count} incidents`,
      figure: round(median(warm), 1),
      unit: 'ms, median (the first, which creates the group, apart)',
      target: 'report',
      met: 'report',
      details: { p95Ms: round(percentile(warm, 95), 1), firstMs: round(samples[0] ?? Number.NaN, 1), samples: samples.length },
    };
  } finally {
    await simulator.stop();
  }
}

/**
 * Work-linked access on the Forge KVS fake: the app as wired for Forge, core's event handler, KVS
 * requests and operations per transition (each write and each condition in a transaction on its own).
 */
export async function workKvs(incidents: number): Promise<BenchRow> {
  progress(`work kvs: ${incidents} incidents entering In Progress, reassigned, redelivered, resolved, on the Forge KVS fake`);
  const { measureWorkKvs } = await import('@clearway/forge-app/bench');
  const economy = await measureWorkKvs(incidents);
  const { perTransition: kvs, perKind } = economy;
  return {
    id: 'work-kvs',
    name: `Work-linked access on the Forge KVS fake: product events a second through the handler, and KVS per transition (${incidents} incidents)`,
    figure: economy.eventsPerSecond,
    unit: 'events/s that start or end access, on the Forge KVS fake',
    target: 'report; 0 KVS writes for a redelivered event',
    met: kvs.duplicate.writes === 0,
    details: {
      enterPerSecond: perKind.enter,
      reassignPerSecond: perKind.reassign,
      resolvePerSecond: perKind.resolve,
      duplicatePerSecond: perKind.duplicate,
      enterOps: round(kvs.enter.operations, 1),
      enterRequests: round(kvs.enter.requests, 1),
      reassignOps: round(kvs.reassign.operations, 1),
      resolveOps: round(kvs.resolve.operations, 1),
      duplicateOps: round(kvs.duplicate.operations, 1),
      duplicateWrites: kvs.duplicate.writes,
      enterWrites: round(kvs.enter.writes, 1),
      duplicateRequests: round(kvs.duplicate.requests, 1),
    },
  };
}
