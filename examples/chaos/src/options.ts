import { DEFAULT_ENGINE_SETTINGS } from './engine-settings.js';
import type { ChaosOptions } from './scenario.js';

/** The soak `pnpm chaos` runs by default: several minutes, 1,500 grants, three workers. */
export const SOAK_OPTIONS: ChaosOptions = {
  seed: 20_261_207,
  users: 750,
  workers: 3,
  chaos: true,
  chaosSeconds: 240,
  settleTimeoutSeconds: 120,
  quietSeconds: 3,
  faultRate: 0.2,
  filter: {},
  killEverySeconds: [8, 20],
  revokeShare: 0.15,
  clockJumps: 3,
  oneDayShare: 0.3,
  engine: DEFAULT_ENGINE_SETTINGS,
  runMs: 10_000,
  holdMs: 5_000,
  requestTimeoutMs: 2_000,
  overrunToleranceMs: 5_000,
};

/** The seeded CI run: a minute of chaos over 360 grants, a few kills, two clock jumps. */
export const CI_OPTIONS: ChaosOptions = {
  ...SOAK_OPTIONS,
  seed: 14,
  users: 180,
  chaosSeconds: 60,
  settleTimeoutSeconds: 60,
  killEverySeconds: [6, 15],
  clockJumps: 2,
};

/** The same scenario as `options` without faults, kills, revokes or clock jumps. */
export function baselineOf(options: ChaosOptions): ChaosOptions {
  return { ...options, chaos: false };
}
