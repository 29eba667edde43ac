import type { IncomingHttpHeaders } from 'node:http';

/** A request as the simulator's vendor handlers see it. */
export interface SimRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
  readonly rawBody: string;
}

export interface SimResponse {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: unknown;
  /** Membership or object changes this response applied, for the call record. */
  readonly effects?: readonly Effect[];
}

export type EffectKind = 'member_added' | 'member_removed' | 'group_created' | 'user_deleted';

export interface Effect {
  readonly kind: EffectKind;
  readonly vendor: Vendor;
  readonly groupId?: string;
  readonly userId?: string;
}

export type Vendor = 'okta' | 'graph' | 'entra-auth' | 'scim' | 'simulator';

export function json(status: number, body: unknown, headers: Record<string, string> = {}): SimResponse {
  return { status, body, headers: { 'content-type': 'application/json', ...headers } };
}

export function empty(status = 204, ...effects: Effect[]): SimResponse {
  return { status, ...(effects.length > 0 && { effects }) };
}

export function header(request: SimRequest, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** A deterministic PRNG (mulberry32), so a seeded fault plan repeats exactly. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
