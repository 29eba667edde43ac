import { describe, expect, it } from 'vitest';
import { makeAppWorld } from '../test-support/app-world';
import { NEXT_RUN_ID, requestFulfillment, scheduleFulfillment, TICK_INTERVAL_MS } from './fulfillment-dispatch';

describe('scheduling fulfillment runs', () => {
  it('queues one delayed run and does not queue a second for a later time', async () => {
    const world = makeAppWorld();
    expect(await scheduleFulfillment(world.app, 30_000, 'retry')).toBe('scheduled');
    expect(await scheduleFulfillment(world.app, 45_000, 'retry')).toBe('already_scheduled');
    expect(world.forge.queues.take()).toEqual([expect.objectContaining({ delayInSeconds: 30, body: expect.objectContaining({ kind: 'run-fulfillment' }) })]);
  });

  it('queues an earlier run when one is wanted before the pending one', async () => {
    const world = makeAppWorld();
    await scheduleFulfillment(world.app, 120_000, 'slow');
    expect(await scheduleFulfillment(world.app, 10_000, 'sooner')).toBe('scheduled');
    expect(world.forge.queues.take().map((event) => event.delayInSeconds)).toEqual([120, 10]);
  });

  it('schedules again once the pending run is due (it is running or was lost)', async () => {
    const world = makeAppWorld();
    await scheduleFulfillment(world.app, 30_000, 'first');
    world.clock.advance(30_000);
    expect(await scheduleFulfillment(world.app, 30_000, 'second')).toBe('scheduled');
  });

  it('leaves waits past the tick interval to the tick, writing and queueing nothing', async () => {
    const world = makeAppWorld();
    const before = world.forge.kvs.snapshot();
    expect(await scheduleFulfillment(world.app, TICK_INTERVAL_MS + 1, 'long wait')).toBe('left_to_tick');
    expect(world.forge.kvs.snapshot()).toBe(before);
    expect(world.forge.queues.pushed).toEqual([]);
    expect(await world.app.deps.store.get('meta', NEXT_RUN_ID)).toBeUndefined();
  });

  it('does not fail the caller when the queue refuses a push: the tick picks the work up', async () => {
    const world = makeAppWorld();
    world.forge.queues.rateLimitNext = true;
    expect(await requestFulfillment(world.app, 'approved AIR-1')).toBe(false);
    expect(world.logger.lines).toContainEqual(expect.objectContaining({ level: 'warn' }));
  });
});
