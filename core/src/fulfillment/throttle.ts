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

  /** Runs `call` `cost` slots' worth once a concurrency place and a rate slot are free. */
  async run<T>(call: () => Promise<T>, cost = 1): Promise<T> {
    await this.enter();
    try {
      for (let slot = 0; slot < cost; slot += 1) await this.takeSlot();
      return await call();
    } finally {
      this.leave();
    }
  }

  private async takeSlot(): Promise<void> {
    for (;;) {
      const wait = this.nextWaitMs();
      if (wait <= 0) break;
      await this.sleep(wait);
    }
    this.theoreticalArrival = Math.max(this.theoreticalArrival, this.now()) + this.interval;
  }

  private async enter(): Promise<void> {
    if (this.active < this.limits.concurrency) {
      this.active += 1;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private leave(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active -= 1;
  }
}
