import { randomBytes, randomUUID } from 'node:crypto';

/** Identifiers and randomness (ids, jitter, keys), injectable so tests are deterministic. */
export interface Ids {
  /** A new unique id, prefixed by what it identifies (`req`, `grant`, `job`…). */
  newId(prefix: string): string;
  /** A float in [0, 1) for jitter. */
  random(): number;
  /** Cryptographically random bytes (audit MAC key generation). */
  randomBytes(size: number): Buffer;
}

export const randomIds: Ids = {
  newId: (prefix) => `${prefix}_${randomUUID().replace(/-/g, '').slice(0, 20)}`,
  random: () => Math.random(),
  randomBytes: (size) => randomBytes(size),
};
