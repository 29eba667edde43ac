/** The reason a deadline ends a wait with, so a timeout is told apart from every other failure. */
export class DeadlineExceeded extends Error {
  constructor(readonly afterMs: number) {
    super(`No answer within ${afterMs} ms.`);
    this.name = 'DeadlineExceeded';
  }
}

/**
 * One request's time budget. Wall time, not the core clock: it bounds real waiting on real
 * sockets. Waits race a plain timer; the abort signal (which the SDK needs to cancel an upstream
 * request) is made only on first use, because an AbortController costs more than the rest of a
 * plain request's own work (measured on Node 20).
 */
export class Deadline {
  private controller: AbortController | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly endsAt: number;

  constructor(private readonly ms: number) {
    this.endsAt = performance.now() + ms;
  }

  /** Aborts with `DeadlineExceeded` when the budget runs out. */
  get signal(): AbortSignal {
    if (this.controller === undefined) {
      const controller = new AbortController();
      this.controller = controller;
      const remaining = this.remainingMs();
      if (remaining === 0) controller.abort(new DeadlineExceeded(this.ms));
      else this.timer = setTimeout(() => controller.abort(new DeadlineExceeded(this.ms)), remaining);
    }
    return this.controller.signal;
  }

  remainingMs(): number {
    return Math.max(0, Math.ceil(this.endsAt - performance.now()));
  }

  /** Settles as `promise` does, or rejects with `DeadlineExceeded` when the budget runs out first. */
  race<T>(promise: Promise<T>): Promise<T> {
    return withinMs(promise, this.remainingMs(), this.ms);
  }

  /**
   * The failure to report for `error`: the timeout when the budget ran out (the SDK wraps an
   * abort reason in its own McpError), else `error` itself.
   */
  explain(error: unknown): unknown {
    return this.remainingMs() === 0 || this.controller?.signal.aborted === true ? new DeadlineExceeded(this.ms) : error;
  }

  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
  }
}

/** Settles as `promise` does, or rejects with `DeadlineExceeded` (naming `budgetMs`) after `ms`. */
export function withinMs<T>(promise: Promise<T>, ms: number, budgetMs = ms): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineExceeded(budgetMs)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
