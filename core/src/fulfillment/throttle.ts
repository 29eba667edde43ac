import { Deferral } from './deferral.js';

/**
 * Keeps the engine under a provider's limits instead of bouncing off them: a rate (GCRA, the
 * token bucket as a schedule of slots) and a concurrency cap per connector. A 429's Retry-After
 * pauses the whole connector, so the jobs behind it wait instead of collecting their own 429s.
 */
export interface ThrottleLimits {
  readonly requestsPerSecond: number;
  readonly concurrency: number;
  /** Calls allowed at once before the rate applies. */
  readonly burst?: number;
}

export const DEFAULT_THROTTLE: ThrottleLimits = { requestsPerSecond: 10, concurrency: 4, burst: 5 };

export type Sleep = (ms: number) => Promise<void>;

export interface ThrottleRunOptions {
  /** Epoch ms: a call that cannot start by then is not started (a `Deferral` instead). */
  readonly startBy?: number;
  /** Rate slots the call takes (default 1). */
  readonly cost?: number;
}

export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export class ConnectorThrottle {
  private theoreticalArrival = 0;
  private pausedUntil = 0;
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  private readonly interval: number;
  private readonly tolerance: number;

  constructor(
    readonly limits: ThrottleLimits,
    private readonly now: () => number,
    private readonly sleep: Sleep,
  ) {
    this.interval = 1000 / limits.requestsPerSecond;
    this.tolerance = this.interval * Math.max(0, (limits.burst ?? 1) - 1);
  }

  /** How long the next call would have to wait for its slot (0 when it may go now). */
  nextWaitMs(): number {
    const now = this.now();
    return Math.max(0, this.pausedUntil - now, this.theoreticalArrival - this.tolerance - now);
  }

  /** Stop all calls for `ms` (a provider's Retry-After). */
  pauseFor(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
  }

  /**
   * Runs `call` once a concurrency place and `cost` rate slots are free — if that happens by
   * `startBy`. Waits that would end later are not slept: they throw `Deferral`, so a
   * claimed job never sleeps past its invocation's deadline.
   */
  async run<T>(call: () => Promise<T>, options: ThrottleRunOptions = {}): Promise<T> {
    const startBy = options.startBy ?? Number.POSITIVE_INFINITY;
    this.deferIfLate(startBy);
    await this.enter(startBy);
    try {
      for (let slot = 0; slot < (options.cost ?? 1); slot += 1) await this.takeSlot(startBy);
      return await call();
    } finally {
      this.leave();
    }
  }

  private deferIfLate(startBy: number): void {
    const wait = this.nextWaitMs();
    if (this.now() + wait > startBy) throw new Deferral(wait);
  }

  private async takeSlot(startBy: number): Promise<void> {
    for (;;) {
      const wait = this.nextWaitMs();
      if (wait <= 0) break;
      this.deferIfLate(startBy);
      await this.sleep(wait);
    }
    this.theoreticalArrival = Math.max(this.theoreticalArrival, this.now()) + this.interval;
  }

  /**
   * Takes a concurrency place, waiting for one to be handed over when all are taken. Calls in
   * flight are bounded by their own deadlines, so a waiter is woken in time to see whether it can
   * still start; one woken too late passes the place on and defers.
   */
  private async enter(startBy: number): Promise<void> {
    if (this.active < this.limits.concurrency) {
      this.active += 1;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
    if (this.now() > startBy) {
      this.leave();
      throw new Deferral(0);
    }
  }

  private leave(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active -= 1;
  }
}
