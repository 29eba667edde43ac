/**
 * One chaos run: the world, the grants, the worker processes; then, while they drain, kills and
 * restarts, revokes (some aimed at adds whose answer is being lost), and the virtual clock moved a
 * day ahead with the expiry sweep; then the settle phase with faults off; then the end state.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DAY_MS } from '@clearway/core';
import { AdminProcess } from './admin-process.js';
import { defaultFaultPlan, type PlanFilter } from './fault-proxy/faults.js';
import type { MembershipInFlight } from './fault-proxy/proxy.js';
import { judgeEndState, type EndState } from './invariants.js';
import type { EngineSettings } from './protocol.js';
import { seededRandom, type Random } from '@clearway/sandbox';
import { WorkerPool, type WorkerCrash } from './workers.js';
import { approveEveryone, chaosWorld, type ChaosWorld, type PlannedGrant } from './world.js';

export interface ChaosOptions {
  readonly seed: number;
  /** People; each gets one grant per tool (two tools). */
  readonly users: number;
  /** Worker processes at most at once (a kill leaves one fewer until its restart). */
  readonly workers: number;
  /** false: the same scenario without faults, kills, revokes or clock jumps (the baseline). */
  readonly chaos: boolean;
  readonly chaosSeconds: number;
  readonly settleTimeoutSeconds: number;
  /** The queue must stay empty this long for the run to count as settled. */
  readonly quietSeconds: number;
  readonly faultRate: number;
  readonly filter: PlanFilter;
  /** A worker is killed every this many seconds (a random time in the range). */
  readonly killEverySeconds: readonly [number, number];
  /** Share of the grants revoked during the chaos phase. */
  readonly revokeShare: number;
  /** How many times the clock moves a day ahead (followed by the expiry sweep). */
  readonly clockJumps: number;
  /** Share of the grants asked for one day, which a clock jump expires. */
  readonly oneDayShare: number;
  readonly engine: EngineSettings;
  /** Each `runDueJobs` gets a deadline this far ahead. */
  readonly runMs: number;
  /** A slow answer is held this long (longer than the call timeout). */
  readonly holdMs: number;
  /** The providers' own per-request timeout. */
  readonly requestTimeoutMs: number;
  /** A run this far past its deadline counts as an overrun. */
  readonly overrunToleranceMs: number;
}

export interface ChaosResult {
  readonly mode: 'chaos' | 'baseline';
  readonly seed: number;
  readonly grants: number;
  readonly workers: number;
  readonly endState: EndState;
  /** Faults injected by label × `vendor.endpoint`. */
  readonly faults: Record<string, Record<string, number>>;
  readonly faultsInjected: number;
  readonly requests: Record<string, number>;
  readonly workerProcesses: { readonly started: number; readonly kills: number; readonly restarts: number; readonly crashes: readonly WorkerCrash[]; readonly killedAtStop: readonly string[] };
  readonly maxOverrunMs: number;
  readonly actions: { revoked: number; revokedWhileAddInFlight: number; deprovisionedBeforeAddLanded: number; clockJumps: number; expiredBySweep: number };
  readonly storeErrors: readonly string[];
  readonly settled: boolean;
  readonly seconds: { readonly setup: number; readonly chaos: number; readonly settle: number; readonly total: number };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
/** Sleeps `ms`, but no later than `until` (the end of the chaos phase). */
const sleepUntil = (ms: number, until: number) => sleep(Math.max(0, Math.min(ms, until - Date.now())));
const OPEN_STATUSES = ['queued', 'retry_wait', 'running', 'awaiting_manual'] as const;
/** How long an add may be held on its way to the IdP: well within the providers' request timeout. */
const IN_TRANSIT_MS = 1_500;

/** Runs `options.chaos ? the chaos run : the baseline` and judges its end state. */
export async function runScenario(options: ChaosOptions, log: (line: string) => void = () => undefined): Promise<ChaosResult> {
  const started = Date.now();
  const random = seededRandom(options.seed);
  const dir = mkdtempSync(join(tmpdir(), 'clearway-chaos-'));
  const world = await chaosWorld({ dir, users: options.users, seed: options.seed, plan: defaultFaultPlan(options.faultRate), filter: options.filter, holdMs: options.holdMs, requestTimeoutMs: options.requestTimeoutMs });
  world.proxy.setFaults(false);
  const planned = await approveEveryone(world, seededRandom(options.seed + 1), options.oneDayShare);
  log(`${planned.length} grants approved on ${world.storePath}`);

  const adminProcess = await AdminProcess.start({ storePath: world.storePath, secretsPath: world.secretsPath, offsetMs: 0 });
  const driver = new Driver(world, adminProcess, planned, random, options, log);
  try {
    await driver.startWorkers();
    const setupDone = Date.now();
    if (options.chaos) {
      world.proxy.setFaults(true);
      await driver.chaos();
      world.proxy.setFaults(false);
    }
    const chaosDone = Date.now();
    const settled = await driver.settle();
    const settleDone = Date.now();
    const killedAtStop = await driver.pool.stopAll(10_000);
    const stats = driver.pool.stats;
    const endState = await judgeEndState(world.simulator, world.deps, planned, { workerCrashes: stats.crashes.length, storeErrors: driver.storeErrors.length, deadlineOverruns: stats.overruns }, world.proxy.journal);
    return {
      mode: options.chaos ? 'chaos' : 'baseline',
      seed: options.seed,
      grants: planned.length,
      workers: options.workers,
      endState,
      faults: world.proxy.faults.toJSON(),
      faultsInjected: world.proxy.faults.total(),
      requests: world.proxy.received.toJSON().requests ?? {},
      workerProcesses: { started: stats.started, kills: stats.kills, restarts: stats.restarts, crashes: stats.crashes, killedAtStop },
      maxOverrunMs: stats.maxOverrunMs,
      actions: driver.actions,
      storeErrors: driver.storeErrors,
      settled,
      seconds: { setup: (setupDone - started) / 1000, chaos: (chaosDone - setupDone) / 1000, settle: (settleDone - chaosDone) / 1000, total: (Date.now() - started) / 1000 },
    };
  } finally {
    await driver.pool.stopAll(2_000);
    await adminProcess.stop();
    await world.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

class Driver {
  readonly pool: WorkerPool;
  readonly actions = { revoked: 0, revokedWhileAddInFlight: 0, deprovisionedBeforeAddLanded: 0, clockJumps: 0, expiredBySweep: 0 };
  readonly storeErrors: string[] = [];
  private offsetMs = 0;
  private readonly slots: string[];
  /** Slots taken down on purpose, until when (a killed worker stays dead a moment). */
  private readonly downUntil = new Map<string, number>();
  private readonly slotWorker = new Map<string, string>();
  private readonly grantByUser = new Map<string, PlannedGrant>();
  /** A clock jump waiting for the next add whose answer will be lost; firing it starts the jump. */
  private armedJump: { fire: () => Promise<void> } | undefined;
  /** Admin actions asked for and not answered yet: the chaos phase ends on time, then waits for them. */
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly world: ChaosWorld,
    private readonly admin: AdminProcess,
    private readonly planned: readonly PlannedGrant[],
    private readonly random: Random,
    private readonly options: ChaosOptions,
    private readonly log: (line: string) => void,
  ) {
    this.slots = Array.from({ length: options.workers }, (_, index) => `w${index + 1}`);
    this.pool = new WorkerPool({
      storePath: world.storePath,
      secretsPath: world.secretsPath,
      engine: options.engine,
      runMs: options.runMs,
      idleMs: 250,
      overrunToleranceMs: options.overrunToleranceMs,
      clockOffset: () => this.offsetMs,
    });
    for (const grant of planned) {
      const userId = grant.tool.vendor === 'okta' ? world.simulator.okta?.findUser(grant.email)?.id : world.simulator.graph?.findUser(grant.email)?.id;
      if (userId) this.grantByUser.set(`${grant.tool.vendor}:${userId}`, grant);
    }
  }

  async startWorkers(): Promise<void> {
    await Promise.all(this.slots.map(async (slot) => this.slotWorker.set(slot, await this.pool.start(slot))));
  }

  /** Restarts any slot whose worker is gone (crashed, or killed and its down time over). */
  private async superviseOnce(): Promise<void> {
    const alive = new Set(this.pool.alive());
    for (const slot of this.slots) {
      const id = this.slotWorker.get(slot);
      if (id !== undefined && alive.has(id)) continue;
      if ((this.downUntil.get(slot) ?? 0) > Date.now()) continue;
      this.downUntil.delete(slot);
      this.slotWorker.set(slot, 'starting');
      this.slotWorker.set(slot, await this.pool.restart(slot));
    }
  }

  async chaos(): Promise<void> {
    const endAt = Date.now() + this.options.chaosSeconds * 1000;
    const running = () => Date.now() < endAt;
    const stopListening = this.world.proxy.onMembershipInFlight((event) => this.onAddInFlight(event));
    try {
      await Promise.all([this.killLoop(running, endAt), this.revokeLoop(running, endAt), this.jumpLoop(running, endAt), this.superviseLoop(running)]);
    } finally {
      stopListening();
    }
    await Promise.all([...this.inFlight]);
  }

  /** Starts an admin action without waiting for it (a store waiting on locks must not hold up the schedule). */
  private track(action: Promise<unknown>): void {
    this.inFlight.add(action);
    void action.finally(() => this.inFlight.delete(action));
  }

  private async superviseLoop(running: () => boolean): Promise<void> {
    while (running()) {
      await this.superviseOnce();
      await sleep(300);
    }
  }

  private async killLoop(running: () => boolean, endAt: number): Promise<void> {
    const [min, max] = this.options.killEverySeconds;
    for (;;) {
      await sleepUntil(this.random.int(min * 1000, max * 1000), endAt);
      if (!running()) return;
      const alive = new Set(this.pool.alive());
      const candidates = this.slots.filter((slot) => alive.has(this.slotWorker.get(slot) ?? ''));
      if (candidates.length === 0) continue;
      const slot = this.random.pick(candidates);
      const id = this.slotWorker.get(slot) ?? '';
      this.downUntil.set(slot, Date.now() + this.random.int(300, 2_500));
      await this.pool.kill(id);
      this.log(`killed ${id}`);
    }
  }

  private async revokeLoop(running: () => boolean, endAt: number): Promise<void> {
    const total = Math.round(this.planned.length * this.options.revokeShare);
    if (total === 0) return;
    const interval = (endAt - Date.now()) / total;
    while (running()) {
      await sleepUntil(this.random.int(Math.floor(interval / 2), Math.ceil(interval * 1.5)), endAt);
      if (!running()) return;
      this.track(this.revoke(this.random.pick(this.planned), 'revoked at a random moment by the chaos harness'));
    }
  }

  /** At random moments, arms a clock jump that the next add whose answer will be lost sets off (or, failing one, a timer). */
  private async jumpLoop(running: () => boolean, endAt: number): Promise<void> {
    const span = endAt - Date.now();
    const moments = Array.from({ length: this.options.clockJumps }, () => this.random.int(Math.floor(span * 0.15), Math.floor(span * 0.85))).sort((a, b) => a - b);
    const start = Date.now();
    for (const moment of moments) {
      await sleepUntil(start + moment - Date.now(), endAt);
      if (!running()) return;
      await new Promise<void>((resolve) => {
        const fire = () => {
          clearTimeout(fallback);
          this.armedJump = undefined;
          const jumping = this.jumpADay();
          this.track(jumping);
          resolve();
          return jumping;
        };
        const fallback = setTimeout(() => void fire(), Math.max(0, Math.min(3_000, endAt - Date.now())));
        this.armedJump = { fire };
      });
    }
  }

  /**
   * An add is on its way to the IdP and its answer will be lost (held past the timeout, or the
   * connection reset after it applied). Before it lands: set off an armed clock jump and its expiry
   * sweep, and sometimes revoke its grant and let the deprovisioning that follows run. The add is
   * held in transit for at most `IN_TRANSIT_MS`, within the client's own timeout.
   */
  private async onAddInFlight(event: MembershipInFlight): Promise<void> {
    if (event.target.endpoint !== 'membership_add' || (event.fault?.kind !== 'slow_answer' && event.fault?.kind !== 'reset_after')) return;
    const started = Date.now();
    const meanwhile = async () => {
      const jumping = this.armedJump?.fire();
      if (jumping) await jumping;
      if (!this.random.chance(0.5)) return;
      const vendor = event.target.vendor;
      const grant = event.target.userIds.map((userId) => this.grantByUser.get(`${vendor}:${userId}`)).find((candidate) => candidate !== undefined);
      if (!grant || !(await this.revoke(grant, 'revoked while its add was in flight'))) return;
      this.actions.revokedWhileAddInFlight += 1;
      if (await this.deprovisioningSettled(grant.grantId, started + IN_TRANSIT_MS)) this.actions.deprovisionedBeforeAddLanded += 1;
    };
    const work = meanwhile();
    this.track(work);
    await Promise.race([work, sleep(IN_TRANSIT_MS)]);
  }

  /** Waits (until `until` at most) for the grant's deprovisioning to be recorded one way or the other; answers whether it was. */
  private async deprovisioningSettled(grantId: string, until: number): Promise<boolean> {
    while (Date.now() < until) {
      const grant = await this.read(() => this.world.deps.store.get('grant', grantId));
      if (grant && grant.deprovision !== 'pending') return true;
      await sleep(50);
    }
    return false;
  }

  /** Moves the shared clock a day (and a minute) ahead, tells every process, and has the admin run the expiry sweep. */
  private async jumpADay(): Promise<void> {
    this.offsetMs += DAY_MS + 60_000;
    this.world.deps.clock.advance(DAY_MS + 60_000);
    this.pool.broadcastClock(this.offsetMs);
    this.admin.setClock(this.offsetMs);
    this.actions.clockJumps += 1;
    const done = await this.admin.expireDueGrants();
    this.storeErrors.push(...done.storeErrors.map((error) => `expiry sweep: ${error}`));
    this.actions.expiredBySweep += done.expired ?? 0;
    this.log(`clock moved a day ahead; ${done.expired ?? 0} grants expired${done.outcome === 'failed' ? ' (the sweep failed)' : ''}`);
  }

  private async revoke(grant: PlannedGrant, rationale: string): Promise<boolean> {
    const current = await this.read(() => this.world.deps.store.get('grant', grant.grantId));
    if (!current || (current.status !== 'active' && current.status !== 'pending_provision')) return false;
    const done = await this.admin.revoke(grant.grantId, rationale);
    this.storeErrors.push(...done.storeErrors.map((error) => `revoke: ${error}`));
    if (done.outcome === 'ok') this.actions.revoked += 1;
    return done.outcome === 'ok';
  }

  /** A read of the shared store; undefined (and recorded) if the store refused it. */
  private async read<T>(read: () => Promise<T>): Promise<T | undefined> {
    try {
      return await read();
    } catch (error) {
      this.storeErrors.push(`driver read: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  }

  /** Jobs still open (at most 100 per status counted); undefined if the store refused the read. */
  private async openJobs(): Promise<number | undefined> {
    let open = 0;
    for (const status of OPEN_STATUSES) {
      const page = await this.read(() => this.world.deps.store.query('job', 'byStatus', { partition: [status], limit: 100 }));
      if (!page) return undefined;
      open += page.items.length;
    }
    return open;
  }

  /** Faults off, every slot running: waits until no job is open for `quietSeconds`, or gives up. */
  async settle(): Promise<boolean> {
    const giveUpAt = Date.now() + this.options.settleTimeoutSeconds * 1000;
    let quietSince: number | undefined;
    this.downUntil.clear();
    while (Date.now() < giveUpAt) {
      await this.superviseOnce();
      const open = await this.openJobs();
      if (open !== 0) quietSince = undefined;
      else {
        quietSince ??= Date.now();
        if (Date.now() - quietSince >= this.options.quietSeconds * 1000) return true;
      }
      await sleep(500);
    }
    this.log('the settle phase gave up with jobs still open');
    return false;
  }
}
