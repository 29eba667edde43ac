import { systemClock, type Clock } from '../../ports/clock.js';
import type { SignInStore } from './types.js';

/**
 * `SignInStore` in process memory, optionally written through to a snapshot (the sandbox keeps it
 * in a file so `gateway serve` and the CLI share connections). Claims are atomic because Node runs
 * one JavaScript turn at a time and `claim` checks and sets within one.
 */
export class MemorySignInStore implements SignInStore {
  private readonly values: Map<string, string>;
  private readonly claims = new Map<string, number>();

  constructor(
    initial: Readonly<Record<string, string>> = {},
    private readonly options: { readonly clock?: Clock; readonly persist?: (snapshot: Readonly<Record<string, string>>) => void } = {},
  ) {
    this.values = new Map(Object.entries(initial));
  }

  get(name: string): Promise<string | undefined> {
    return Promise.resolve(this.values.get(name));
  }

  set(name: string, value: string): Promise<void> {
    this.values.set(name, value);
    this.persist();
    return Promise.resolve();
  }

  delete(name: string): Promise<void> {
    if (this.values.delete(name)) this.persist();
    return Promise.resolve();
  }

  claim(name: string, ttlSeconds: number): Promise<boolean> {
    const now = (this.options.clock ?? systemClock).now();
    const until = this.claims.get(name);
    if (until !== undefined && until > now) return Promise.resolve(false);
    this.claims.set(name, now + ttlSeconds * 1000);
    return Promise.resolve(true);
  }

  /** Names held, for tests that assert what was kept (never the values). */
  names(): string[] {
    return [...this.values.keys()];
  }

  /** Every stored value joined, for tests that assert no raw token is kept. */
  dump(): string {
    return [...this.values.values()].join('\n');
  }

  private persist(): void {
    this.options.persist?.(Object.fromEntries(this.values));
  }
}
