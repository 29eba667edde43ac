import { describe, expect, it } from 'vitest';
import { ConcurrencyError, StoreLimitError } from '../errors.js';
import { MINUTE_MS } from '../ports/clock.js';
import { put, type Store, type Write } from '../ports/store.js';
import { makeDeps, snapshot, type TestDeps } from '../test-support/harness.js';
import { allowanceRecordId, CONTENTION_RETRY_AFTER_MS, MAX_RESERVE_ATTEMPTS, readAllowance, reserveAllowance, type Budget } from './allowance.js';
import { DECISION_BUDGETS } from './budgets.js';

const tests: Budget = { name: 'connectors.test', max: 3, windowMs: MINUTE_MS, counts: 'connection tests' };
const reads: Budget = { name: 'audit.read', max: 1_000, windowMs: MINUTE_MS, counts: 'audit events read' };
const ACTOR = 'acc-1';

/** The deps with a store whose commits can be watched or made to fail. */
function withStore(deps: TestDeps, commit: (writes: readonly Write[], inner: Store) => Promise<void>): TestDeps {
  const inner = deps.store;
  const store = { get: inner.get.bind(inner), query: inner.query.bind(inner), commit: (writes: readonly Write[]) => commit(writes, inner) };
  return { ...deps, store: store as unknown as TestDeps['store'] };
}

describe('reserveAllowance', () => {
  it('takes units up to the budget, then refuses, saying when the oldest unit leaves the window, and writes nothing', async () => {
    const deps = await makeDeps();
    for (let call = 0; call < tests.max; call += 1) {
      await reserveAllowance(deps, ACTOR, [{ budget: tests, amount: 1 }]);
      deps.clock.advance(10_000);
    }
    const before = snapshot(deps.store);
    await expect(reserveAllowance(deps, ACTOR, [{ budget: tests, amount: 1 }])).rejects.toMatchObject({
      code: 'rate_limited',
      retryAfterMs: 30_000,
      message: 'At most 3 connection tests a minute; try again in 30 s.',
    });
    expect(snapshot(deps.store)).toBe(before);
    // Another actor has a window of their own.
    await expect(reserveAllowance(deps, 'acc-2', [{ budget: tests, amount: 1 }])).resolves.toBeDefined();
    deps.clock.advance(30_000);
    await expect(reserveAllowance(deps, ACTOR, [{ budget: tests, amount: 1 }])).resolves.toBeDefined();
  });

  it('lets exactly the budget through when more calls than it allows race, each write checked against the version it read', async () => {
    const deps = await makeDeps();
    let conflicts = 0;
    const watched = withStore(deps, async (writes, inner) => {
      try {
        await inner.commit(writes);
      } catch (error) {
        if (error instanceof ConcurrencyError) conflicts += 1;
        throw error;
      }
    });
    const racing = await Promise.allSettled(Array.from({ length: tests.max + 4 }, () => reserveAllowance(watched, ACTOR, [{ budget: tests, amount: 1 }])));
    expect(racing.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(tests.max);
    const refused: unknown[] = racing.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason as unknown] : []));
    expect(refused).toHaveLength(4);
    for (const error of refused) expect(error).toMatchObject({ code: 'rate_limited' });
    // The calls really raced: some lost the version check and re-read a fuller window.
    expect(conflicts).toBeGreaterThan(0);
    expect(await readAllowance(deps, ACTOR, tests)).toEqual({ used: tests.max, remaining: 0 });
  });

  it('reserves several budgets in one commit: a call refused by one takes nothing from the others', async () => {
    const deps = await makeDeps();
    const { decisions, bulk } = DECISION_BUDGETS;
    for (let call = 0; call < bulk.max; call += 1) await reserveAllowance(deps, ACTOR, [{ budget: bulk, amount: 1 }, { budget: decisions, amount: 2 }]);
    await expect(reserveAllowance(deps, ACTOR, [{ budget: bulk, amount: 1 }, { budget: decisions, amount: 2 }])).rejects.toMatchObject({
      code: 'rate_limited',
      message: expect.stringContaining('At most 5 bulk decisions a minute'),
    });
    expect(await readAllowance(deps, ACTOR, decisions)).toEqual({ used: 2 * bulk.max, remaining: decisions.max - 2 * bulk.max });
  });

  it('keeps what a call used when it settles, and gives everything back when it is released', async () => {
    const deps = await makeDeps();
    const before = snapshot(deps.store);
    const released = await reserveAllowance(deps, ACTOR, [{ budget: reads, amount: 600 }]);
    expect(await readAllowance(deps, ACTOR, reads)).toEqual({ used: 600, remaining: 400 });
    // While it is held, a call that would go past the budget is refused.
    await expect(reserveAllowance(deps, ACTOR, [{ budget: reads, amount: 500 }])).rejects.toMatchObject({ code: 'rate_limited' });
    await released.release();
    // The window's only reservation gone, so is its record: a released call leaves no trace.
    expect(snapshot(deps.store)).toBe(before);

    const settled = await reserveAllowance(deps, ACTOR, [{ budget: reads, amount: 600 }]);
    await settled.settle([42]);
    expect(await readAllowance(deps, ACTOR, reads)).toEqual({ used: 42, remaining: 958 });
    // Settling again, or releasing after settling, changes nothing.
    await settled.release();
    expect(await readAllowance(deps, ACTOR, reads)).toEqual({ used: 42, remaining: 958 });
  });

  it('settles each claim by its place in the call, giving back one budget and keeping the other', async () => {
    const deps = await makeDeps();
    const { decisions, bulk } = DECISION_BUDGETS;
    await reserveAllowance(deps, ACTOR, [{ budget: decisions, amount: 1 }]);
    const held = await reserveAllowance(deps, ACTOR, [{ budget: bulk, amount: 1 }, { budget: decisions, amount: 10 }]);
    await held.settle([0, 4]);
    expect(await readAllowance(deps, ACTOR, bulk)).toEqual({ used: 0, remaining: bulk.max });
    expect(await readAllowance(deps, ACTOR, decisions)).toEqual({ used: 5, remaining: decisions.max - 5 });
  });

  it('gives nothing back once the reservation has left the window', async () => {
    const deps = await makeDeps();
    const held = await reserveAllowance(deps, ACTOR, [{ budget: tests, amount: 1 }]);
    deps.clock.advance(MINUTE_MS);
    const later = await reserveAllowance(deps, ACTOR, [{ budget: tests, amount: 1 }]);
    const before = snapshot(deps.store);
    await held.release();
    expect(snapshot(deps.store)).toBe(before);
    await later.release();
    expect(await readAllowance(deps, ACTOR, tests)).toEqual({ used: 0, remaining: tests.max });
  });

  it('counts the windows written before reservations had ids (bare timestamps, one unit each) under the same record id', async () => {
    const deps = await makeDeps();
    const now = deps.clock.now();
    expect(allowanceRecordId(DECISION_BUDGETS.bulk, ACTOR)).toBe(`ratelimit:bulk:${ACTOR}`);
    await deps.store.commit([put('meta', { id: `ratelimit:bulk:${ACTOR}`, version: 0, value: [now - 70_000, now - 50_000, now - 40_000, now - 30_000, now - 20_000, now - 10_000] })]);
    expect(await readAllowance(deps, ACTOR, DECISION_BUDGETS.bulk)).toEqual({ used: 5, remaining: 0 });
    await expect(reserveAllowance(deps, ACTOR, [{ budget: DECISION_BUDGETS.bulk, amount: 1 }])).rejects.toMatchObject({ code: 'rate_limited', retryAfterMs: 10_000 });
  });

  it('refuses a claim larger than the whole budget, saying so', async () => {
    const deps = await makeDeps();
    await expect(reserveAllowance(deps, ACTOR, [{ budget: reads, amount: 1_001 }])).rejects.toMatchObject({
      code: 'rate_limited',
      message: 'This takes 1,001 audit events read; at most 1,000 are allowed a minute.',
    });
  });

  it('reserves nothing for claims of no units', async () => {
    const deps = await makeDeps();
    const before = snapshot(deps.store);
    const held = await reserveAllowance(deps, ACTOR, [{ budget: reads, amount: 0 }]);
    await held.settle([5]);
    expect(snapshot(deps.store)).toBe(before);
  });

  it(`refuses as rate_limited, writing nothing, when its write loses the version check ${MAX_RESERVE_ATTEMPTS} times`, async () => {
    const deps = await makeDeps();
    let attempts = 0;
    const contended = withStore(deps, async (writes) => {
      attempts += 1;
      const [write] = writes;
      throw new ConcurrencyError('meta', write?.type === 'put' ? write.record.id : 'unknown');
    });
    const before = snapshot(deps.store);
    await expect(reserveAllowance(contended, ACTOR, [{ budget: tests, amount: 1 }])).rejects.toMatchObject({ code: 'rate_limited', retryAfterMs: CONTENTION_RETRY_AFTER_MS });
    expect(attempts).toBe(MAX_RESERVE_ATTEMPTS);
    expect(snapshot(deps.store)).toBe(before);
  });

  it('passes on a store failure other than a lost race, and a settle that cannot write keeps the reservation, logged', async () => {
    const deps = await makeDeps();
    const full = withStore(deps, async () => {
      throw new StoreLimitError('The platform refused the commit: MAX_SIZE.');
    });
    await expect(reserveAllowance(full, ACTOR, [{ budget: tests, amount: 1 }])).rejects.toBeInstanceOf(StoreLimitError);

    let failWrites = false;
    const flaky = withStore(deps, async (writes, inner) => {
      if (failWrites) throw new StoreLimitError('The platform refused the commit: MAX_SIZE.');
      await inner.commit(writes);
    });
    const held = await reserveAllowance(flaky, ACTOR, [{ budget: tests, amount: 1 }]);
    failWrites = true;
    await expect(held.release()).resolves.toBeUndefined();
    expect(await readAllowance(deps, ACTOR, tests)).toEqual({ used: 1, remaining: 2 });
    expect(deps.logger.lines).toContainEqual(expect.objectContaining({ level: 'warn', fields: expect.objectContaining({ budgets: 'connectors.test' }) }));
  });
});
