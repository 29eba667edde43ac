export type SweepKind = 'scheduled' | 'burst' | 'edge' | 'lapse_edge';

/** One thing the harness does at a moment of simulated time. */
export type Step =
  /** `burst`: extra sweeps minutes apart; `edge`: a millisecond before a grant's end, and at it; `lapse_edge`: the same around an exception's lapse moment. */
  | { readonly kind: 'sweep'; readonly sweep: SweepKind }
  | { readonly kind: 'submit' }
  | { readonly kind: 'decide'; readonly requestId: string }
  | { readonly kind: 'extend' }
  /** An extension asked on the edge of an expired grant's grace: a minute inside, at it, a millisecond or a minute past it. */
  | { readonly kind: 'grace_edge'; readonly grantId: string }
  | { readonly kind: 'revoke' }
  | { readonly kind: 'rename' }
  | { readonly kind: 'out_of_band' }
  /** A call the rules refuse. */
  | { readonly kind: 'probe' }
  | { readonly kind: 'manual_task'; readonly jobId: string }
  /** The security reviewer keeps or ends an exception whose review was due at `due`; `steady`: one kept at every review. */
  | { readonly kind: 'exception_review'; readonly grantId: string; readonly due: number; readonly outcome: 'keep' | 'end'; readonly steady: boolean }
  /** An admin sets the exceptions' open limits to the run's `index`-th set. */
  | { readonly kind: 'exception_limits'; readonly index: number }
  /** The clock moves this many days at once; nothing happens meanwhile. */
  | { readonly kind: 'jump'; readonly days: number };

interface Planned {
  readonly at: number;
  /** Ties at one instant keep the order they were planned in. */
  readonly order: number;
  readonly step: Step;
}

/** Steps in time order. A step planned for a moment the clock has passed runs as soon as it can. */
export class Schedule {
  private readonly planned: Planned[] = [];
  private order = 0;

  add(at: number, step: Step): void {
    const entry = { at, order: (this.order += 1), step };
    let low = 0;
    let high = this.planned.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const other = this.planned[middle] as Planned;
      if (other.at < at || (other.at === at && other.order < entry.order)) low = middle + 1;
      else high = middle;
    }
    this.planned.splice(low, 0, entry);
  }

  /** The next step due before `until`, taken off the schedule. */
  takeBefore(until: number): { at: number; step: Step } | undefined {
    const next = this.planned[0];
    if (!next || next.at >= until) return undefined;
    this.planned.shift();
    return next;
  }

  get size(): number {
    return this.planned.length;
  }
}
