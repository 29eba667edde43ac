/** Time, always from here, so every rule is testable at any instant. Epoch milliseconds. */
export interface Clock {
  now(): number;
  /**
   * Waits `ms` of this clock's time. A clock that is not the wall clock (a test's, a simulation's)
   * moves itself instead of waiting, so code that waits for a rate slot or a Retry-After runs
   * under it unpatched. Absent: a real timer.
   */
  sleep?(ms: number): Promise<void>;
}

export const systemClock: Clock = { now: () => Date.now(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;
export const MINUTE_MS = 60_000;
