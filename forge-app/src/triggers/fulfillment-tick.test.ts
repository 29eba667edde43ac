import { describe, expect, it } from 'vitest';
import { approvedFulfillmentWorld } from '../test-support/fulfillment-world';
import { makeFulfillmentTick } from './fulfillment-tick';

describe('the fulfillment tick', () => {
  it('runs a job whose queue event was lost; a second run changes nothing', async () => {
    const { world, directory, grantId } = await approvedFulfillmentWorld({ rateLimited: false });
    world.forge.queues.take();
    const tick = makeFulfillmentTick(() => world.app);
    expect(await tick()).toMatchObject({ summary: { succeeded: 1 }, next: 'idle' });
    expect((await world.app.deps.store.get('grant', grantId))?.status).toBe('active');
    const after = world.forge.kvs.snapshot();
    expect(await tick()).toMatchObject({ summary: { claimed: 0 }, next: 'idle' });
    expect(world.forge.kvs.snapshot()).toBe(after);
    expect(directory.adds).toBe(1);
  });

  it('logs a failure and returns (scheduled triggers are not retried; the next tick is)', async () => {
    const { world } = await approvedFulfillmentWorld({ rateLimited: false });
    world.forge.kvs.failNext('/api/v1/entity/query', () => new Response(JSON.stringify({ code: 'INTERNAL_SERVER_ERROR', message: 'down' }), { status: 500 }));
    expect(await makeFulfillmentTick(() => world.app)()).toEqual({ failed: true });
    expect(world.logger.lines).toContainEqual(expect.objectContaining({ level: 'error', message: expect.stringContaining('tick') }));
  });
});
