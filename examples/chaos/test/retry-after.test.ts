/**
 * One 429 whose Retry-After asks for a day (`Retry-After: 86400`, delay-seconds as RFC 9110
 * §10.2.3 allows: https://www.rfc-editor.org/rfc/rfc9110#section-10.2.3), through the proxy, in
 * Okta's own 429 body (https://developer.okta.com/docs/reference/error-codes/, E0000047). A
 * `runDueJobs` with a 20-second deadline must come back before the deadline, and no job may be
 * put off by a day: the engine caps the wait (`maxRetryAfterMs`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { iterateQuery, type Job, type RunSummary } from '@clearway/core';
import { sandboxEngine, seededRandom } from '@clearway/sandbox';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_ENGINE_SETTINGS, engineOptionsFor } from '../src/engine-settings.js';
import { defaultFaultPlan } from '../src/fault-proxy/faults.js';
import { approveEveryone, chaosWorld, type ChaosWorld } from '../src/world.js';

let world: ChaosWorld | undefined;
let dir: string | undefined;
const timers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();

afterEach(async () => {
  // An engine still asleep on a day-long wait is woken, so nothing outlives the test.
  for (const entry of timers) {
    clearTimeout(entry.timer);
    entry.resolve();
  }
  timers.clear();
  await world?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  world = undefined;
});

/** The engine's sleep, as real as `realSleep`, but wakeable when the test ends. */
function wakeableSleep(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const entry = { timer: setTimeout(() => (timers.delete(entry), resolve()), ms), resolve };
    timers.add(entry);
  });
}

describe('a 429 asking for a day', () => {
  it('does not hold runDueJobs past its deadline, and puts no job off by a day', async () => {
    dir = mkdtempSync(join(tmpdir(), 'clearway-chaos-retry-after-'));
    world = await chaosWorld({ dir, users: 20, seed: 3, plan: defaultFaultPlan(0), holdMs: 5_000, requestTimeoutMs: 2_000 });
    const planned = await approveEveryone(world, seededRandom(3), 0);
    world.proxy.failNext('membership_add', { kind: 'rate_limited', retryAfter: 'huge' }, 'okta');
    const engine = sandboxEngine(world.deps, { ...engineOptionsFor('retry-after', DEFAULT_ENGINE_SETTINGS), sleep: wakeableSleep });

    const started = Date.now();
    const deadline = world.deps.clock.now() + 20_000;
    const run = engine.runDueJobs({ deadline });
    // If it never returns in time, whatever it does after the test is not this test's failure.
    run.catch(() => undefined);
    const outcome = await Promise.race([
      run.then((summary: RunSummary) => ({ returned: true as const, summary })),
      new Promise<{ returned: false }>((resolve) => setTimeout(() => resolve({ returned: false }), 22_000)),
    ]);
    const elapsedMs = Date.now() - started;
    const jobs: Job[] = [];
    for await (const job of iterateQuery(world.deps.store, 'job', 'byStatus', { partition: ['retry_wait'], limit: 100 })) jobs.push(job);
    const putOffMs = Math.max(0, ...jobs.map((job) => (job.wakeAt ?? 0) - world!.deps.clock.now()));

    expect(world.proxy.faults.get('rate_limited:huge')).toBe(1);
    expect(outcome.returned, `runDueJobs had not returned ${elapsedMs} ms after it started (deadline 20 s)`).toBe(true);
    expect(elapsedMs).toBeLessThanOrEqual(20_000);
    expect(putOffMs, 'a job waits longer than the engine\'s Retry-After cap').toBeLessThanOrEqual(DEFAULT_ENGINE_SETTINGS.maxRetryAfterMs + 1_000);
    if (outcome.returned) expect(outcome.summary.redispatchAfterMs ?? 0).toBeLessThanOrEqual(DEFAULT_ENGINE_SETTINGS.maxRetryAfterMs + 1_000);
    // The capped wait fits in the run: the job behind the 429 was tried again and every grant is active.
    let active = 0;
    for await (const _grant of iterateQuery(world.deps.store, 'grant', 'byStatus', { partition: ['active'], limit: 100 })) active += 1;
    expect(active).toBe(planned.length);
  }, 60_000);
});
