/**
 * A seeded random source for the simulations built on the sandbox (the chaos run, the lifecycle
 * harness): the same seed gives the same world, the same schedule, the same choices.
 */
export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  /** One key of `weights`, chosen in proportion to its weight; undefined when every weight is 0. */
  weighted<K extends string>(weights: Partial<Record<K, number>>): K | undefined;
  /** A random item of `items` that passes `accept`, trying them in a random order; undefined when none does. */
  find<T>(items: readonly T[], accept: (item: T) => boolean | Promise<boolean>): Promise<T | undefined>;
}

/** mulberry32: small, fast and plenty for spreading a scenario's choices; not for anything secret. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  return {
    next,
    chance: (p) => p > 0 && next() < p,
    int,
    pick: <T>(items: readonly T[]): T => {
      const item = items[Math.floor(next() * items.length)];
      if (item === undefined) throw new Error('pick() needs at least one item');
      return item;
    },
    weighted: <K extends string>(weights: Partial<Record<K, number>>): K | undefined => {
      const entries = Object.entries(weights).filter((entry): entry is [K, number] => typeof entry[1] === 'number' && entry[1] > 0);
      const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
      let roll = next() * total;
      for (const [key, weight] of entries) {
        roll -= weight;
        if (roll < 0) return key;
      }
      return entries.at(-1)?.[0];
    },
    find: async <T>(items: readonly T[], accept: (item: T) => boolean | Promise<boolean>): Promise<T | undefined> => {
      // A partial Fisher–Yates shuffle: each candidate is looked at once, in a seeded order.
      const pool = [...items];
      for (let left = pool.length; left > 0; left -= 1) {
        const index = int(0, left - 1);
        const item = pool[index] as T;
        pool[index] = pool[left - 1] as T;
        if (await accept(item)) return item;
      }
      return undefined;
    },
  };
}
