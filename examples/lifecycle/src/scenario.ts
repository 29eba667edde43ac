/**
 * The run: a seeded schedule of days — requests, decisions (some as exceptions), extensions,
 * revokes, renames, hand-made group changes, manual tasks, exception reviews, changes of the
 * exceptions' open limits, sweeps (and bursts of them), clock jumps — each step followed by the
 * engine until nothing is due, and after every sweep the properties checked.
 */
import { DAY_MS, HOUR_MS, MINUTE_MS, runLifecycleSweeps } from '@clearway/core';
import { completeManualOne, decideOne, extendAtGraceEdge, extendOne, pickUpManualTasks, probeOne, revokeOne, submitOne } from './actions.js';
import { emptySize, storedExceptions, type RunContext, type WorldSize } from './context.js';
import { changeExceptionLimits, reviewExceptionOne } from './exception-actions.js';
import { outOfBandOne, renameOne } from './directory.js';
import { Discrepancies, type Finding, type Property } from './discrepancies.js';
import { AuditReader } from './observe.js';
import type { LifecycleOptions } from './options.js';
import { checkEnds } from './properties/ends.js';
import { checkExceptionLapses } from './properties/exception-lapse.js';
import { checkExceptionLimits } from './properties/exception-limit.js';
import { checkOpenLists } from './properties/exception-list.js';
import { checkExceptionsOpen } from './properties/exception-open.js';
import { checkExceptionReviews } from './properties/exception-review.js';
import { checkIdentities } from './properties/identities.js';
import { InsightsCheck } from './properties/insights.js';
import { checkMembership } from './properties/membership.js';
import { ReviewIssueIndex, checkReviews } from './properties/reviews.js';
import { seededRandom, type Random } from '@clearway/sandbox';
import { GRACE_DAYS, LifecycleRecord, type GrantRecord } from './record.js';
import { Schedule, type Step, type SweepKind } from './schedule.js';
import { REVIEW_WINDOW_DAYS, lifecycleWorld, type LifecycleWorld } from './world.js';

export interface LifecycleResult {
  readonly options: LifecycleOptions;
  readonly size: WorldSize;
  readonly discrepancies: {
    readonly total: number;
    readonly byProperty: Record<Property, number>;
    readonly byWhat: Record<string, number>;
    readonly findings: readonly Finding[];
  };
  /** Wall-clock time of the run, setup included. */
  readonly wallMs: number;
  /** `workLeftForLater`: engine runs that ended with work due only minutes or more later (a retry's wait). */
  readonly engine: { readonly runs: number; readonly claimed: number; readonly failed: number; readonly workLeftForLater: number };
}

/** Days that end with a clock jump (and its length), spread evenly over the run, jittered a little. */
function jumpDays(options: LifecycleOptions, random: Random): Map<number, number> {
  const jumps = new Map<number, number>();
  const gap = options.days / (options.clockJumps.length + 1);
  for (const [index, length] of options.clockJumps.entries()) {
    const day = Math.max(3, Math.round(gap * (index + 1)) + random.int(-2, 2));
    if (day + length < options.days - 2) jumps.set(day, length);
  }
  return jumps;
}

/** A run of the harness: its world, its record and what it found. `runLifecycle` is the whole of it. */
export class LifecycleRun {
  readonly ctx: RunContext;
  private readonly audit = new AuditReader();
  private readonly reviewIssues = new ReviewIssueIndex();
  private readonly insights = new InsightsCheck();
  private readonly engineTotals = { runs: 0, claimed: 0, failed: 0, workLeftForLater: 0 };
  private readonly firstDay: number;

  private constructor(
    options: LifecycleOptions,
    readonly world: LifecycleWorld,
    private readonly log: (line: string) => void,
    private readonly started: number,
  ) {
    this.firstDay = Math.floor(world.start / DAY_MS) * DAY_MS;
    this.ctx = {
      options,
      world,
      schedule: new Schedule(),
      record: new LifecycleRecord(options.exceptionLimits[0]),
      random: seededRandom(options.seed),
      found: new Discrepancies(),
      size: emptySize(),
      resolvedIdentities: new Set(),
      manualTasksSeen: new Set(),
      reviewIssues: new Map(),
      exceptionReviewIssues: new Map(),
      now: () => world.deps.clock.now(),
      day: () => Math.floor((world.deps.clock.now() - this.firstDay) / DAY_MS),
    };
  }

  static async start(options: LifecycleOptions, log: (line: string) => void = () => undefined): Promise<LifecycleRun> {
    const started = Date.now();
    // Its own stream: ids and the engine's jitter never shift the scenario's choices.
    const world = await lifecycleWorld({ ...options, exceptionLimits: options.exceptionLimits[0] }, seededRandom(options.seed ^ 0x5eed));
    return new LifecycleRun(options, world, log, started);
  }

  /** The engine until nothing is due now; work put off for minutes or more waits for a later step. */
  async settle(): Promise<void> {
    for (let round = 0; round < 50; round += 1) {
      const summary = await this.world.engine.runDueJobs({ deadline: this.ctx.now() + 2 * MINUTE_MS });
      this.engineTotals.runs += 1;
      this.engineTotals.claimed += summary.claimed;
      this.engineTotals.failed += summary.failed;
      if (summary.redispatchAfterMs === undefined) break;
      if (summary.redispatchAfterMs > 0) {
        this.engineTotals.workLeftForLater += 1;
        break;
      }
    }
    await this.audit.readNew(this.ctx);
    await pickUpManualTasks(this.ctx);
  }

  /** The properties that hold right after a sweep (identities before any job could resolve one again). */
  async checkAfterSweep(at: number): Promise<void> {
    await this.audit.readNew(this.ctx);
    this.reviewIssues.update(this.ctx);
    await checkEnds(this.ctx, at);
    checkReviews(this.ctx);
    await checkIdentities(this.ctx);
    await this.insights.check(this.ctx);
    const exceptions = await storedExceptions(this.ctx);
    checkExceptionLimits(this.ctx, exceptions);
    await checkExceptionsOpen(this.ctx, exceptions);
    await checkExceptionLapses(this.ctx, exceptions);
    checkExceptionReviews(this.ctx, exceptions);
    await checkOpenLists(this.ctx, exceptions);
  }

  /** The property that holds once the jobs a sweep started have settled. */
  async checkAfterSettle(): Promise<void> {
    await checkMembership(this.ctx);
  }

  /** A sweep: the record applies it by the rules, Clearway runs it, then every property is checked. */
  async sweep(kind: SweepKind = 'scheduled'): Promise<void> {
    const at = this.ctx.now();
    this.ctx.size.sweeps += 1;
    if (kind === 'burst') this.ctx.size.burstSweeps += 1;
    if (kind === 'edge') this.ctx.size.edgeSweeps += 1;
    if (kind === 'lapse_edge') this.ctx.size.exceptions.lapseEdgeSweeps += 1;
    const { expired } = this.ctx.record.sweep(at, REVIEW_WINDOW_DAYS);
    this.ctx.size.expiredBySweeps += expired.length;
    this.planGraceEdges(expired);
    await runLifecycleSweeps(this.world.deps, { deadline: at + 10 * MINUTE_MS });
    await this.checkAfterSweep(at);
    await this.settle();
    await this.checkAfterSettle();
  }

  /** Runs one step at the clock's current time, then the engine. */
  async step(step: Step): Promise<void> {
    const ctx = this.ctx;
    switch (step.kind) {
      case 'sweep':
        return this.sweep(step.sweep);
      case 'submit':
        await submitOne(ctx);
        break;
      case 'decide':
        await decideOne(ctx, step.requestId);
        break;
      case 'extend':
        await extendOne(ctx);
        break;
      case 'grace_edge':
        await extendAtGraceEdge(ctx, step.grantId);
        break;
      case 'revoke':
        await revokeOne(ctx);
        break;
      case 'rename':
        await renameOne(ctx);
        break;
      case 'out_of_band':
        await outOfBandOne(ctx);
        break;
      case 'probe':
        await probeOne(ctx);
        break;
      case 'manual_task':
        await completeManualOne(ctx, step.jobId);
        break;
      case 'exception_review':
        await reviewExceptionOne(ctx, step);
        break;
      case 'exception_limits':
        await changeExceptionLimits(ctx, step.index);
        break;
      case 'jump':
        this.world.deps.clock.advance(step.days * DAY_MS);
        ctx.size.clockJumps.push(step.days);
        this.log(`day ${ctx.day()}: the clock jumped ${step.days} days`);
        break;
    }
    await this.settle();
  }

  /** Runs the steps planned before `until`, moving the clock to each (a step overdue after a jump runs at once). */
  async runUntil(until: number): Promise<void> {
    for (let next = this.ctx.schedule.takeBefore(until); next; next = this.ctx.schedule.takeBefore(until)) {
      const now = this.ctx.now();
      if (next.at > now) this.world.deps.clock.advance(next.at - now);
      await this.step(next.step);
    }
  }

  /** The whole scenario: every day planned and run, with its clock jumps. */
  async runDays(): Promise<void> {
    const { options } = this.ctx;
    const jumps = jumpDays(options, this.ctx.random);
    this.planLimitChanges();
    for (let day = 0; day < options.days; ) {
      const jump = jumps.get(day);
      this.planDay(day, jump);
      await this.runUntil(this.firstDay + (day + 1) * DAY_MS);
      day += 1 + (jump ?? 0);
      if (day % 10 === 0 || jump !== undefined) this.log(`day ${day}: ${this.ctx.size.grants} grants, ${this.ctx.size.sweeps} sweeps, ${this.ctx.found.size} findings`);
    }
  }

  result(): LifecycleResult {
    const endedAfterRename = [...this.ctx.record.grants.values()].filter((grant) => {
      const renamed = grant.person.renamedAt[0];
      const ended = grant.status === 'expired' || grant.status === 'revoked' ? grant.timeline.at(-1)?.at : undefined;
      return grant.tool.directory !== 'manual' && renamed !== undefined && ended !== undefined && renamed < ended;
    }).length;
    const exceptions = { ...this.ctx.size.exceptions, closed: { ...this.ctx.size.exceptions.closed } };
    for (const grant of this.ctx.record.grants.values()) {
      if (grant.exception?.closedHow) exceptions.closed[grant.exception.closedHow] += 1;
    }
    const size = { ...this.ctx.size, simulatedDays: Math.ceil((this.ctx.now() - this.firstDay) / DAY_MS), providerCalls: this.world.simulator.calls.length, endedAfterRename, exceptions };
    return {
      options: this.ctx.options,
      size,
      discrepancies: { total: this.ctx.found.size, ...this.ctx.found.counts(), findings: this.ctx.found.findings() },
      wallMs: Date.now() - this.started,
      engine: { ...this.engineTotals },
    };
  }

  async close(): Promise<void> {
    await this.world.close();
  }

  /**
   * Day `day`'s own steps: the scheduled sweeps (maybe a burst of extra ones minutes apart), two
   * sweeps on the edge of one grant's end (a millisecond before, and at it), and the day's share
   * of each kind of step at random moments.
   */
  private planDay(day: number, jump: number | undefined): void {
    const { options, random, schedule, record } = this.ctx;
    const dayStart = this.firstDay + day * DAY_MS;
    const from = Math.max(dayStart, this.world.start, this.ctx.now());
    const lastMoment = dayStart + 23 * HOUR_MS;
    const slot = DAY_MS / options.sweepsPerDay;
    const sweeps: number[] = [];
    for (let index = 0; index < options.sweepsPerDay; index += 1) {
      const at = dayStart + Math.round((index + 0.5) * slot) + random.int(-20, 20) * MINUTE_MS;
      if (at >= from && (jump === undefined || at < lastMoment)) sweeps.push(at);
    }
    for (const at of sweeps) schedule.add(at, { kind: 'sweep', sweep: 'scheduled' });
    if (sweeps.length > 0 && random.chance(options.burstShare)) {
      let at = random.pick(sweeps);
      for (let extra = random.int(2, 4); extra > 0; extra -= 1) schedule.add((at += random.int(1, 10) * MINUTE_MS), { kind: 'sweep', sweep: 'burst' });
    }
    const endingToday = [...record.grants.values()].filter((grant) => grant.status === 'active' && grant.end > from && grant.end < lastMoment);
    if (endingToday.length > 0) {
      const { end } = random.pick(endingToday);
      schedule.add(end - 1, { kind: 'sweep', sweep: 'edge' });
      schedule.add(end, { kind: 'sweep', sweep: 'edge' });
    }
    const spread = (count: number, step: Step) => {
      for (let index = 0; index < count; index += 1) schedule.add(random.int(from, lastMoment - 1), step);
    };
    spread(random.int(...options.requestsPerDay), { kind: 'submit' });
    spread(random.int(...options.extensionsPerDay), { kind: 'extend' });
    spread(random.int(...options.revokesPerDay), { kind: 'revoke' });
    spread(random.int(...options.outOfBandPerDay), { kind: 'out_of_band' });
    spread(random.chance(options.renameShare) ? 1 : 0, { kind: 'rename' });
    spread(random.chance(options.refusalShare) ? 1 : 0, { kind: 'probe' });
    if (jump !== undefined) schedule.add(lastMoment, { kind: 'jump', days: jump });
  }

  /** Each later set of open limits from an even share of the run on, at noon (after a clock jump, as soon as the run is back). */
  private planLimitChanges(): void {
    const { options, schedule } = this.ctx;
    const sets = options.exceptionLimits.length;
    for (let index = 1; index < sets; index += 1) {
      const day = Math.round((options.days * index) / sets);
      schedule.add(this.firstDay + day * DAY_MS + 12 * HOUR_MS, { kind: 'exception_limits', index });
    }
  }

  /** Some grants just expired get an extension asked on the edge of their grace: just inside, at it, just past it. */
  private planGraceEdges(expired: readonly GrantRecord[]): void {
    const { random, schedule } = this.ctx;
    for (const grant of expired) {
      if (grant.firstActivation === undefined || !random.chance(0.12)) continue;
      const offset = random.pick([-MINUTE_MS, 0, 1, MINUTE_MS]);
      schedule.add(grant.end + GRACE_DAYS * DAY_MS + offset, { kind: 'grace_edge', grantId: grant.id });
    }
  }
}

export async function runLifecycle(options: LifecycleOptions, log: (line: string) => void = () => undefined): Promise<LifecycleResult> {
  const run = await LifecycleRun.start(options, log);
  try {
    await run.runDays();
  } finally {
    await run.close();
  }
  return run.result();
}
