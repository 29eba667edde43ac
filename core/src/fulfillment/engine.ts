import {
  connectorError,
  createOperationContext,
  InvalidRequestError,
  isConnectorError,
  toConnectorError,
  TransientError,
  type BatchItemResult,
  type ConnectorError,
  type ExternalIdentity,
  type GroupRef,
  type MembershipCheck,
  type MembershipOutcome,
  type OperationContext,
} from '@clearway/connector-sdk';
import type { IdentityRecord } from '../connectors/connector.js';
import type { Grant } from '../grants/grant.js';
import { ClearwayError, ConcurrencyError } from '../errors.js';
import type { ProviderRegistry } from '../connectors/provider-registry.js';
import { isEndedOrFailed } from '../grants/lifecycle.js';
import { put } from '../ports/store.js';
import type { CoreDeps } from '../shared/deps.js';
import { ConnectionPool, type CallThrough, type Connection } from './connections.js';
import { tellJiraOfFailure } from './failure-notes.js';
import { CORE_DEPS, ENGINE_OPTIONS, PROVIDER_REGISTRY, inject, injectable } from './provider-registry.js';
import type { Job } from './job.js';
import { jobsOfGrant } from './jobs.js';
import { opposingJobRunning, otherGrantsOfHolder } from './holder.js';
import { reconcileGroup } from './reconcile.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy.js';
import { DEFAULT_LATE_EFFECT_WINDOW_MS, noteAddInDoubt, settleFailure, settleManual, settleSuccess, type JobResult, type Settler } from './settle.js';
import { groupForTool, identityForGrant, touchIdentity } from './targets.js';
import { Deferral } from './deferral.js';
import { DEFAULT_THROTTLE, realSleep, type Sleep, type ThrottleLimits } from './throttle.js';

export interface EngineOptions {
  /** Names this worker in leases; unique per process. */
  readonly workerId: string;
  /** How long a claimed job is ours before another worker may take it over. */
  readonly leaseMs: number;
  /** Time one provider call may take; no call starts when less than this is left. */
  readonly callTimeoutMs: number;
  /** Jobs (or batches) in flight at once, across connectors. */
  readonly concurrency: number;
  readonly pageSize: number;
  readonly retry: RetryPolicy;
  /** Limits for connectors that set none and whose provider declares no defaults. */
  readonly throttle: ThrottleLimits;
  /** Combine provisioning into `addBatch` calls where the provider can (off: one add per job). */
  readonly batching: boolean;
  /**
   * The longest Retry-After honoured. A provider asking for more (a day, by mistake or malice)
   * pauses its connector and delays the job by this much instead.
   */
  readonly maxRetryAfterMs: number;
  /**
   * How long after an add ended without an answer (or after its worker's lease ran out) it may
   * still land; see `Grant.unconfirmedAddAt`. Never shorter than `callTimeoutMs`: a worker's own
   * call ends by then, whatever our clock says.
   */
  readonly lateEffectWindowMs: number;
  /** How the engine waits (a rate slot, the next due job). Default: the clock's own `sleep`, else a real timer. */
  readonly sleep: Sleep;
}

export const DEFAULT_ENGINE_OPTIONS: Omit<EngineOptions, 'sleep'> = {
  workerId: 'worker',
  leaseMs: 5 * 60_000,
  callTimeoutMs: 15_000,
  concurrency: 8,
  pageSize: 50,
  retry: DEFAULT_RETRY_POLICY,
  throttle: DEFAULT_THROTTLE,
  batching: true,
  maxRetryAfterMs: 10 * 60_000,
  lateEffectWindowMs: DEFAULT_LATE_EFFECT_WINDOW_MS,
};

export interface RunSummary {
  claimed: number;
  succeeded: number;
  retrying: number;
  failed: number;
  awaitingManual: number;
  skipped: number;
  /**
   * Put back in the queue without an attempt: its connector could not take the call before the
   * deadline (a Retry-After pause, the rate, all places taken), or another job of the same grant
   * was running. Due again when that wait is over.
   */
  deferred: number;
  /** Lost a race for a job (another worker took it): nothing recorded by us. */
  lost: number;
  /**
   * Set when work remains: call again after this many milliseconds (0 = at once). The Forge app
   * turns it into a delayed queue event; undefined means the queue is empty.
   */
  redispatchAfterMs?: number;
}

type ClaimedJob = Job & { readonly settler: Settler; readonly before: Job };

type Prepared =
  | { readonly skip: string }
  /** The removal is not needed: the person holds this other active grant for the tool, and the membership is its. */
  | { readonly handOver: Grant }
  | { readonly deferUntil: number }
  | { readonly connection: Connection; readonly identity: ExternalIdentity; readonly cachedIdentity?: IdentityRecord; readonly group: GroupRef };

/**
 * The fulfillment engine: claims due jobs, runs each through its connector (identity → group →
 * add/remove/check), and records the outcome. At-least-once: a job is claimed with a lease and a
 * version check, and a worker that dies leaves the lease to expire; the provider operations are
 * idempotent, so running a job twice changes nothing visible twice. One job per grant runs at a
 * time, so a removal never overtakes an add still in flight (nor the reverse).
 */
@injectable()
export class FulfillmentEngine {
  readonly options: EngineOptions;
  private readonly pool: ConnectionPool;

  constructor(
    @inject(CORE_DEPS) private readonly deps: CoreDeps,
    @inject(PROVIDER_REGISTRY) registry: ProviderRegistry,
    @inject(ENGINE_OPTIONS) options: Partial<EngineOptions> = {},
  ) {
    // A simulated clock waits by moving itself, so the throttle and the idle wait follow it unpatched.
    const sleep = options.sleep ?? deps.clock.sleep?.bind(deps.clock) ?? realSleep;
    const merged = { ...DEFAULT_ENGINE_OPTIONS, ...options, sleep };
    this.options = { ...merged, lateEffectWindowMs: Math.max(merged.lateEffectWindowMs, merged.callTimeoutMs) };
    this.pool = new ConnectionPool(deps, registry, this.options.sleep, this.options.throttle);
  }

  private now(): number {
    return this.deps.clock.now();
  }

  /** Runs due jobs until none are left or the deadline is near; see `RunSummary.redispatchAfterMs`. */
  async runDueJobs(options: { deadline: number; maxJobs?: number }): Promise<RunSummary> {
    const summary: RunSummary = { claimed: 0, succeeded: 0, retrying: 0, failed: 0, awaitingManual: 0, skipped: 0, deferred: 0, lost: 0 };
    const groups = new Map<string, Promise<GroupRef>>();
    const fits = () => this.now() + this.options.callTimeoutMs < options.deadline;
    const budgetLeft = () => options.maxJobs === undefined || summary.claimed < options.maxJobs;

    while (fits() && budgetLeft()) {
      const ran = await this.drainDue(options, summary, groups, fits, budgetLeft);
      if (ran > 0) continue;
      const wait = await this.nextWakeIn();
      if (wait === undefined) return summary;
      if (this.now() + wait + this.options.callTimeoutMs >= options.deadline) return { ...summary, redispatchAfterMs: wait };
      await this.options.sleep(wait);
    }
    const wait = await this.nextWakeIn();
    return wait === undefined ? summary : { ...summary, redispatchAfterMs: wait };
  }

  /**
   * Runs what is due now, with `concurrency` lanes pulling units from a queue that is topped up a
   * page ahead — so lanes never sit idle at a page boundary while the next page is read and
   * claimed. Jobs already queued or running here are not queued twice. Answers how many units ran.
   */
  private async drainDue(
    options: { deadline: number; maxJobs?: number },
    summary: RunSummary,
    groups: Map<string, Promise<GroupRef>>,
    fits: () => boolean,
    budgetLeft: () => boolean,
  ): Promise<number> {
    const queue: Job[][] = [];
    const taken = new Set<string>();
    let exhausted = false;
    let refilling: Promise<void> | undefined;
    let failure: Error | undefined;
    let ran = 0;
    const refill = async () => {
      const page = await this.deps.store.query('job', 'due', { partition: [], range: { lte: this.now() }, limit: this.options.pageSize });
      const fresh = page.items.filter((job) => !taken.has(job.id));
      const room = options.maxJobs === undefined ? undefined : options.maxJobs - summary.claimed - queue.flat().length;
      const units = await this.unitsOf(fresh, room);
      for (const unit of units) for (const job of unit) taken.add(job.id);
      queue.push(...units);
      if (units.length === 0) exhausted = true;
    };
    const topUp = () => {
      if (!exhausted && !refilling && queue.length < this.options.concurrency) {
        refilling = refill()
          .catch((error: unknown) => {
            // Raised in a lane below, not left as an unhandled rejection of a background read.
            failure ??= error instanceof Error ? error : new Error(String(error));
            exhausted = true;
          })
          .finally(() => {
            refilling = undefined;
          });
      }
      return refilling;
    };
    const lane = async () => {
      while (fits() && budgetLeft()) {
        if (failure !== undefined) throw failure;
        let unit = queue.shift();
        if (!unit) {
          await topUp();
          unit = queue.shift();
          if (!unit) return;
        }
        void topUp();
        ran += 1;
        await this.runUnit(unit, options.deadline, summary, groups);
      }
    };
    await Promise.all(Array.from({ length: this.options.concurrency }, lane));
    await refilling;
    if (failure !== undefined) throw failure;
    return ran;
  }

  /** Milliseconds until the earliest runnable job may run (0 if one is due), or undefined if none. */
  private async nextWakeIn(): Promise<number | undefined> {
    const [next] = (await this.deps.store.query('job', 'due', { partition: [], limit: 1 })).items;
    return next?.wakeAt === undefined ? undefined : Math.max(0, next.wakeAt - this.now());
  }

  /** Groups provision jobs for batch-capable connectors by tool (up to the batch size); others run alone. */
  private async unitsOf(jobs: readonly Job[], limit: number | undefined): Promise<Job[][]> {
    const chosen = limit === undefined ? jobs : jobs.slice(0, Math.max(0, limit));
    const units: Job[][] = [];
    const batches = new Map<string, Job[]>();
    const batchSizes = new Map<string, number>();
    for (const job of chosen) {
      const batchSize = await this.batchSizeOf(job, batchSizes);
      if (batchSize <= 1) {
        units.push([job]);
        continue;
      }
      const key = `${job.connectorId}\u0000${job.toolId}`;
      const open = batches.get(key);
      if (open && open.length < batchSize) open.push(job);
      else {
        const fresh = [job];
        batches.set(key, fresh);
        units.push(fresh);
      }
    }
    return units;
  }

  /** 1 unless the job is provisioning through a batch-capable connector; one connector read per connector per page. */
  private async batchSizeOf(job: Job, known: Map<string, number>): Promise<number> {
    if (job.type !== 'provision' || !this.options.batching) return 1;
    let size = known.get(job.connectorId);
    if (size === undefined) {
      size = await this.pool.open(job.connectorId).then(
        (connection) => connection.provider.capabilities.maxBatchSize,
        () => 1,
      );
      known.set(job.connectorId, size);
    }
    return size;
  }

  /** The latest moment a provider call may start and still end by the deadline. */
  private startBy(deadline: number): number {
    return deadline - this.options.callTimeoutMs;
  }

  /** Takes a job: running, attempt counted, leased to this worker. Undefined if another worker got it. */
  private async claim(job: Job): Promise<ClaimedJob | undefined> {
    const now = this.now();
    const claimed: Job = { ...job, status: 'running', attempts: job.attempts + 1, leaseOwner: this.options.workerId, wakeAt: now + this.options.leaseMs, updatedAt: now };
    try {
      await this.deps.store.commit([put('job', claimed)]);
    } catch (error) {
      if (error instanceof ConcurrencyError) return undefined;
      throw error;
    }
    return { ...claimed, version: claimed.version + 1, before: job, settler: { kind: 'worker', workerId: this.options.workerId, attempt: claimed.attempts } };
  }

  /** Gives a claimed job back untouched — no attempt spent — due again at `until`. */
  private async release(job: ClaimedJob, until: number, summary: RunSummary): Promise<void> {
    const { leaseOwner: _lease, settler: _settler, before, ...rest } = job;
    const status = before.status === 'running' ? 'queued' : before.status;
    try {
      await this.deps.store.commit([put('job', { ...rest, status, attempts: before.attempts, wakeAt: until, updatedAt: this.now() })]);
      summary.claimed -= 1;
      summary.deferred += 1;
    } catch (error) {
      if (!(error instanceof ConcurrencyError)) throw error;
      summary.lost += 1;
    }
  }

  /** Moves an unclaimed job's next run to `until`, when its connector cannot take a call before then. */
  private async postpone(job: Job, until: number, summary: RunSummary): Promise<void> {
    try {
      await this.deps.store.commit([put('job', { ...job, wakeAt: until, updatedAt: this.now() })]);
      summary.deferred += 1;
    } catch (error) {
      if (!(error instanceof ConcurrencyError)) throw error;
      summary.lost += 1;
    }
  }

  /** A provider call through a throttle, started only if it can end by the deadline, with its own fresh context. */
  private callThrough(job: Job, deadline: number): CallThrough {
    return (throttle, call) => throttle.run(() => call(this.context(job, deadline)), { startBy: this.startBy(deadline) });
  }

  private context(job: Job, deadline: number): OperationContext {
    return createOperationContext({
      correlationId: `${job.id}#${job.attempts}`,
      deadline: Math.min(deadline, this.now() + this.options.callTimeoutMs),
      logger: this.deps.logger,
      now: () => this.now(),
    });
  }

  private async runUnit(unit: readonly Job[], deadline: number, summary: RunSummary, groups: Map<string, Promise<GroupRef>>): Promise<void> {
    const [first] = unit;
    if (!first) return;
    // A connector paused past what this invocation can wait: its jobs move to the end of the pause, unclaimed.
    const wait = this.pool.waitMs(first.connectorId);
    if (this.now() + wait > this.startBy(deadline)) {
      await Promise.all(unit.map((job) => this.postpone(job, this.now() + wait, summary)));
      return;
    }
    const claimed = (await Promise.all(unit.map((job) => this.claim(job)))).filter((job): job is ClaimedJob => job !== undefined);
    summary.lost += unit.length - claimed.length;
    summary.claimed += claimed.length;
    if (claimed.length === 0) return;
    if (claimed.length > 1) return this.runBatch(claimed, deadline, summary, groups);
    const [job] = claimed;
    if (job) await this.runJob(job, deadline, summary, groups);
  }

  /**
   * The grant's other jobs that are running. One whose lease has not expired makes this one wait:
   * each job looks after its own claim is committed, so of two claimed at once at least one sees
   * the other and waits; never both go ahead. (Both may wait: they come back at jittered times.)
   */
  private async runningSiblings(job: ClaimedJob): Promise<{ live?: Job; stale: readonly Job[] }> {
    const now = this.now();
    const running = (await jobsOfGrant(this.deps.store, job.grantId)).filter((other) => other.id !== job.id && other.status === 'running');
    const live = running.find((other) => (other.wakeAt ?? 0) > now);
    return { ...(live && { live }), stale: running.filter((other) => (other.wakeAt ?? 0) <= now) };
  }

  /** When to look again: at the sibling's lease end at the latest, within one call's time, jittered. */
  private siblingWait(sibling: Job): number {
    const now = this.now();
    const bound = Math.max(1, Math.min((sibling.wakeAt ?? now) - now, this.options.callTimeoutMs));
    return now + Math.ceil(bound * (0.5 + this.deps.ids.random() / 2));
  }

  /** Everything a job needs before its provider action, or the reason to skip it, or when to come back. */
  private async prepare(job: ClaimedJob, deadline: number, groups: Map<string, Promise<GroupRef>>): Promise<Prepared> {
    const grant = await this.deps.store.get('grant', job.grantId);
    if (!grant) return { skip: 'the grant no longer exists' };
    // Taken over from a worker whose lease ran out: that worker may still be sending its add.
    if (job.type === 'provision' && job.before.status === 'running') await noteAddInDoubt(this.deps, job, this.now(), 'taken_over');
    const siblings = await this.runningSiblings(job);
    if (siblings.live) return { deferUntil: this.siblingWait(siblings.live) };
    // A provision still marked running past its lease: its worker may yet land the add after this job.
    const stale = siblings.stale.find((other) => other.type === 'provision');
    if (stale && job.type !== 'provision') await noteAddInDoubt(this.deps, stale, this.now(), 'lease_expired');
    const provisionable = job.purpose === 'restore' ? grant.status === 'active' : grant.status === 'pending_provision';
    if (job.type === 'provision' && !provisionable) return { skip: `the grant is ${grant.status}` };
    if (job.type === 'deprovision' && !isEndedOrFailed(grant.status)) return { skip: `the grant is ${grant.status} again` };
    if (job.type !== 'check') {
      const others = await otherGrantsOfHolder(this.deps.store, grant);
      const opposing = await opposingJobRunning(this.deps.store, job, others, this.now());
      if (opposing) return { deferUntil: this.siblingWait(opposing) };
      const holder = job.type === 'deprovision' ? others.find((other) => other.status === 'active') : undefined;
      if (holder) return { handOver: holder };
    }
    if (job.purpose === 'verify_removal' && !isEndedOrFailed(grant.status)) return { skip: `the grant is ${grant.status} again` };
    const connection = await this.pool.open(job.connectorId);
    if (job.type === 'deprovision' && grant.activatedAt === undefined && connection.provider.capabilities.manual) {
      return { skip: 'access was never given' };
    }
    const tool = await this.deps.store.get('tool', job.toolId);
    if (!tool) throw new ClearwayError('not_found', `Tool ${job.toolId} is no longer in the catalog.`);
    const callThrough = this.callThrough(job, deadline);
    let group = groups.get(tool.id);
    if (!group) {
      group = groupForTool(this.deps, connection, callThrough, tool, { owner: this.options.workerId, leaseMs: 2 * this.options.callTimeoutMs });
      groups.set(tool.id, group);
      group.catch(() => groups.delete(tool.id));
    }
    const { identity, cached } = await identityForGrant(this.deps, connection, callThrough, grant);
    return { connection, identity, ...(cached && { cachedIdentity: cached }), group: await group };
  }

  private async runJob(job: ClaimedJob, deadline: number, summary: RunSummary, groups: Map<string, Promise<GroupRef>>): Promise<void> {
    if (job.type === 'reconcile') return this.runReconcile(job, deadline, summary);
    let calling = false;
    try {
      const ready = await this.prepare(job, deadline, groups);
      if ('skip' in ready) return this.record(job, { kind: 'skipped', reason: ready.skip }, summary);
      if ('handOver' in ready) return this.record(job, { kind: 'handed_over', grantId: ready.handOver.id }, summary);
      if ('deferUntil' in ready) return this.release(job, ready.deferUntil, summary);
      const { connection, identity, group } = ready;
      const connector = connection.connector;
      const outcome = await this.callThrough(job, deadline)<MembershipOutcome | MembershipCheck>(connection.throttle, (ctx) => {
        calling = true;
        return job.type === 'provision' ? connector.add(ctx, group, identity) : job.type === 'deprovision' ? connector.remove(ctx, group, identity) : connector.check(ctx, group, identity);
      });
      await touchIdentity(this.deps, ready.cachedIdentity);
      await this.settleOutcome(job, outcome, summary);
    } catch (error) {
      await this.fail(job, error, summary, calling);
    }
  }

  /** A tool's group against its live grants: see `reconcileGroup`. */
  private async runReconcile(job: ClaimedJob, deadline: number, summary: RunSummary): Promise<void> {
    try {
      const connection = await this.pool.open(job.connectorId);
      await this.record(job, await reconcileGroup(this.deps, connection, this.callThrough(job, deadline), job), summary);
    } catch (error) {
      await this.fail(job, error, summary, false);
    }
  }

  /** Adds several users to one group in one provider call (Entra: 20 per request); each user's result is settled on its own. */
  private async runBatch(jobs: readonly ClaimedJob[], deadline: number, summary: RunSummary, groups: Map<string, Promise<GroupRef>>): Promise<void> {
    const ready: Array<{ job: ClaimedJob; identity: ExternalIdentity; group: GroupRef; connection: Connection }> = [];
    for (const job of jobs) {
      try {
        const prepared = await this.prepare(job, deadline, groups);
        if ('skip' in prepared) await this.record(job, { kind: 'skipped', reason: prepared.skip }, summary);
        else if ('handOver' in prepared) await this.record(job, { kind: 'handed_over', grantId: prepared.handOver.id }, summary);
        else if ('deferUntil' in prepared) await this.release(job, prepared.deferUntil, summary);
        else ready.push({ job, identity: prepared.identity, group: prepared.group, connection: prepared.connection });
      } catch (error) {
        await this.fail(job, error, summary, false);
      }
    }
    const head = ready[0];
    if (!head) return;
    let calling = false;
    let results: BatchItemResult[];
    try {
      results = await this.callThrough(head.job, deadline)(head.connection.throttle, (ctx) => {
        calling = true;
        return head.connection.connector.addBatch(ctx, head.group, ready.map((entry) => entry.identity));
      });
    } catch (error) {
      await Promise.all(ready.map((entry) => this.fail(entry.job, error, summary, calling)));
      return;
    }
    await Promise.all(
      ready.map((entry, index) => {
        const result = results[index];
        if (!result) return this.fail(entry.job, new TransientError('The provider gave no result for this user.', { code: 'unexpected_response' }), summary, true);
        return result.outcome === 'failed' ? this.fail(entry.job, result.error, summary, true) : this.settleOutcome(entry.job, result, summary);
      }),
    );
  }

  private async settleOutcome(job: ClaimedJob, outcome: MembershipOutcome | MembershipCheck, summary: RunSummary): Promise<void> {
    if (outcome.outcome === 'pending_manual') {
      if (await settleManual(this.deps, job.id, job.settler, outcome.task)) summary.awaitingManual += 1;
      else summary.lost += 1;
      return;
    }
    const result: JobResult =
      outcome.outcome === 'member' || outcome.outcome === 'not_member'
        ? { kind: 'check', member: outcome.outcome === 'member', via: outcome.via }
        : { kind: 'membership', outcome: outcome.outcome };
    await this.record(job, result, summary);
  }

  private async record(job: ClaimedJob, result: JobResult, summary: RunSummary): Promise<void> {
    if (!(await settleSuccess(this.deps, job.id, job.settler, result, { lateEffectWindowMs: this.options.lateEffectWindowMs }))) summary.lost += 1;
    else if (result.kind === 'skipped' || result.kind === 'handed_over') summary.skipped += 1;
    else summary.succeeded += 1;
  }

  /**
   * Records a failed attempt — or gives the job back unspent when the work could not start
   * (`Deferral`). `calling`: the error came from the membership call itself (not from looking up
   * the user or the group), so for an add that ended without an answer the change may have
   * applied — the grant remembers it.
   */
  private async fail(job: ClaimedJob, error: unknown, summary: RunSummary, calling: boolean): Promise<void> {
    if (error instanceof Deferral) return this.release(job, this.now() + error.waitMs, summary);
    const asked = classify(error);
    const classified = this.capRetryAfter(asked);
    if (classified.kind === 'rate_limited' && classified.retryAfterMs !== undefined) {
      // Everything else bound for this connector waits too, instead of collecting its own 429.
      const connection = await this.pool.open(job.connectorId).catch(() => undefined);
      connection?.throttle.pauseFor(classified.retryAfterMs);
      connection?.lookups.pauseFor(classified.retryAfterMs);
    }
    const settled = await settleFailure(this.deps, job.id, job.settler, classified, this.options.retry, {
      addUnconfirmed: calling && job.type === 'provision' && mayHaveApplied(classified),
      ...(asked.retryAfterMs !== classified.retryAfterMs && asked.retryAfterMs !== undefined && { retryAfterAskedMs: asked.retryAfterMs }),
    });
    if (!settled.settled) {
      summary.lost += 1;
      return;
    }
    if (settled.status === 'retry_wait') {
      summary.retrying += 1;
      return;
    }
    if (settled.status === 'cancelled') {
      summary.skipped += 1;
      return;
    }
    summary.failed += 1;
    if (settled.grant) await tellJiraOfFailure(this.deps, job, settled.grant, settled.error);
  }

  /** The error with its wait capped at `maxRetryAfterMs`. */
  private capRetryAfter(error: ConnectorError): ConnectorError {
    if (error.retryAfterMs === undefined || error.retryAfterMs <= this.options.maxRetryAfterMs) return error;
    return connectorError(error.kind, error.message, { ...error.details(), retryAfterMs: this.options.maxRetryAfterMs });
  }
}

/**
 * Whether a failed call may still have changed the group: it ended without an answer (a timeout,
 * a reset, a 5xx, an answer that was not the provider's), as opposed to a refusal (4xx, 429) or
 * a call that never started (deadline or abort before it was sent).
 */
function mayHaveApplied(error: ConnectorError): boolean {
  return error.kind === 'transient' && error.code !== 'deadline_exceeded' && error.code !== 'aborted';
}

/** Core's own errors (a missing tool) are terminal; anything else is classified by the SDK. */
function classify(error: unknown): ConnectorError {
  if (isConnectorError(error)) return error;
  if (error instanceof ClearwayError) {
    return error.code === 'version_conflict' ? new TransientError(error.message, { code: 'version_conflict' }) : new InvalidRequestError(error.message, { code: error.code });
  }
  return toConnectorError(error, 'The fulfillment step');
}
