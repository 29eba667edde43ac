import type { EngineOptions } from '@clearway/core';
import type { EngineSettings } from './protocol.js';

/**
 * The engine as the chaos run drives it: a call timeout short enough that held answers outlast it,
 * an attempt budget generous enough that transient faults never exhaust it, and every Retry-After
 * capped at a few seconds.
 */
export const DEFAULT_ENGINE_SETTINGS: EngineSettings = {
  callTimeoutMs: 2_500,
  leaseMs: 15_000,
  concurrency: 8,
  retry: { maxAttempts: 25, baseDelayMs: 100, maxDelayMs: 2_000 },
  maxRetryAfterMs: 2_500,
};

/**
 * Engine options for one worker. `maxRetryAfterMs` is the option the lead is adding to
 * `EngineOptions`; until the type has it, it travels untyped from here — the one place it does.
 */
export function engineOptionsFor(workerId: string, settings: EngineSettings): Partial<EngineOptions> {
  const options: Partial<EngineOptions> & { readonly maxRetryAfterMs: number } = { workerId, ...settings };
  return options;
}
