import { seededRandom, type Vendor } from './http.js';

/** Which limit a call counts against: Okta and Graph both limit membership writes separately. */
export type Bucket = 'membership' | 'users' | 'groups' | 'token' | 'other';

export interface RateLimitRule {
  readonly vendor: Vendor;
  readonly bucket: Bucket | 'all';
  readonly limit: number;
  /** Fixed windows of this length, aligned to the epoch (Okta's are per minute; compress for tests). */
  readonly windowMs: number;
}

export interface FaultRates {
  readonly vendor?: Vendor;
  /** Share of calls answered 503 before anything is applied. */
  readonly serverErrorRate?: number;
  /** Share of calls answered 429 (as if a burst elsewhere used the window), asking to wait a second. */
  readonly rateLimitRate?: number;
  /** Share of calls applied, then answered 504 (the client cannot tell it worked). */
  readonly lostResponseRate?: number;
  /** Share of calls whose connection is reset before any answer. */
  readonly resetRate?: number;
  /** Added latency in ms: fixed, or a [min, max] range. */
  readonly latencyMs?: number | readonly [number, number];
}

export interface OneShotFault {
  readonly vendor?: Vendor;
  readonly method?: string;
  /** Matches the path (and query) of the call. */
  readonly path?: RegExp;
  /** Answer this status (with a vendor-shaped body), or reset the connection. */
  readonly status?: number;
  readonly retryAfterSeconds?: number;
  readonly reset?: boolean;
  /** Apply the change, then lose the answer (504): the client cannot know it applied. */
  readonly lostResponse?: boolean;
}

export type Decision =
  | { readonly kind: 'pass'; readonly latencyMs: number; readonly lostResponse: boolean }
  | { readonly kind: 'rate_limited'; readonly resetAt: number; readonly limit: number }
  | { readonly kind: 'fail'; readonly status: number; readonly retryAfterSeconds?: number }
  | { readonly kind: 'reset' };

/**
 * Decides, per call, whether it passes, is rate limited, or fails: the rate-limit windows,
 * one-shot faults queued by tests, and seeded random fault rates (so a run repeats exactly).
 */
export class TrafficControl {
  private rules: RateLimitRule[] = [];
  private rates: FaultRates[] = [];
  private readonly oneShots: OneShotFault[] = [];
  private readonly windows = new Map<string, { start: number; count: number }>();
  private random: () => number;

  constructor(seed = 1) {
    this.random = seededRandom(seed);
  }

  configure(options: { rateLimits?: readonly RateLimitRule[]; faults?: readonly FaultRates[]; seed?: number }): void {
    if (options.rateLimits) this.rules = [...options.rateLimits];
    if (options.faults) this.rates = [...options.faults];
    if (options.seed !== undefined) this.random = seededRandom(options.seed);
    this.windows.clear();
  }

  failNext(fault: OneShotFault): void {
    this.oneShots.push(fault);
  }

  /** The usage of a vendor's bucket in its current window, for rate-limit headers. */
  usage(vendor: Vendor, bucket: Bucket, now: number): { limit: number; remaining: number; resetAt: number } | undefined {
    const rule = this.ruleFor(vendor, bucket);
    if (!rule) return undefined;
    const window = this.windowFor(rule, vendor, bucket, now);
    return { limit: rule.limit, remaining: Math.max(0, rule.limit - window.count), resetAt: window.start + rule.windowMs };
  }

  decide(vendor: Vendor, bucket: Bucket, method: string, pathAndQuery: string, now: number): Decision {
    const rule = this.ruleFor(vendor, bucket);
    if (rule) {
      const window = this.windowFor(rule, vendor, bucket, now);
      if (window.count >= rule.limit) return { kind: 'rate_limited', resetAt: window.start + rule.windowMs, limit: rule.limit };
      window.count += 1;
    }
    const index = this.oneShots.findIndex((fault) => (!fault.vendor || fault.vendor === vendor) && (!fault.method || fault.method === method) && (!fault.path || fault.path.test(pathAndQuery)));
    if (index >= 0) {
      const [fault] = this.oneShots.splice(index, 1);
      if (fault?.reset) return { kind: 'reset' };
      if (fault?.lostResponse) return { kind: 'pass', latencyMs: 0, lostResponse: true };
      return { kind: 'fail', status: fault?.status ?? 503, ...(fault?.retryAfterSeconds !== undefined && { retryAfterSeconds: fault.retryAfterSeconds }) };
    }
    let latencyMs = 0;
    let lostResponse = false;
    for (const rates of this.rates.filter((candidate) => !candidate.vendor || candidate.vendor === vendor)) {
      if (rates.resetRate && this.random() < rates.resetRate) return { kind: 'reset' };
      if (rates.serverErrorRate && this.random() < rates.serverErrorRate) return { kind: 'fail', status: 503 };
      if (rates.rateLimitRate && this.random() < rates.rateLimitRate) return { kind: 'fail', status: 429, retryAfterSeconds: 1 };
      if (rates.lostResponseRate && this.random() < rates.lostResponseRate) lostResponse = true;
      if (typeof rates.latencyMs === 'number') latencyMs += rates.latencyMs;
      else if (rates.latencyMs) latencyMs += rates.latencyMs[0] + this.random() * (rates.latencyMs[1] - rates.latencyMs[0]);
    }
    return { kind: 'pass', latencyMs, lostResponse };
  }

  private ruleFor(vendor: Vendor, bucket: Bucket): RateLimitRule | undefined {
    return this.rules.find((rule) => rule.vendor === vendor && (rule.bucket === bucket || rule.bucket === 'all'));
  }

  private windowFor(rule: RateLimitRule, vendor: Vendor, bucket: Bucket, now: number): { start: number; count: number } {
    const key = `${vendor}:${rule.bucket === 'all' ? 'all' : bucket}`;
    const start = Math.floor(now / rule.windowMs) * rule.windowMs;
    let window = this.windows.get(key);
    if (!window || window.start !== start) {
      window = { start, count: 0 };
      this.windows.set(key, window);
    }
    return window;
  }
}
