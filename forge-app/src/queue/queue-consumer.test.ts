import { describe, expect, it } from 'vitest';
import { asDelivered, approvedFulfillmentWorld } from '../test-support/fulfillment-world';
import { FLAKY_RETRY_AFTER_MS } from '../test-support/flaky-provider';
import { makeQueueConsumer, RETRY_AFTER_SECONDS } from './queue-consumer';

describe('the queue consumer', () => {
  it('runs the job an approval queued; the same event delivered again changes nothing', async () => {
    const { world, directory, grantId } = await approvedFulfillmentWorld({ rateLimited: false });
    const consumer = makeQueueConsumer(() => world.app);
    const [event] = world.forge.queues.take();
    expect(event?.body).toMatchObject({ kind: 'run-fulfillment' });

    expect(await consumer(asDelivered(event!))).toMatchObject({ summary: { succeeded: 1 }, next: 'idle' });
    expect((await world.app.deps.store.get('grant', grantId))?.status).toBe('active');
    const after = world.forge.kvs.snapshot();

    expect(await consumer(asDelivered(event!, 'event-1-again'))).toMatchObject({ summary: { claimed: 0 }, next: 'idle' });
    expect(world.forge.kvs.snapshot()).toBe(after);
    expect(directory.adds).toBe(1);
    expect(world.forge.queues.pushed).toEqual([]);
  });

  it('re-queues a rate-limited job with the provider delay, once, however often the event arrives', async () => {
    const { world, directory, grantId } = await approvedFulfillmentWorld({ rateLimited: true });
    // Less time left than the wait: the engine hands the wait back instead of sleeping through it.
    world.remainingMs = 40_000;
    const consumer = makeQueueConsumer(() => world.app);
    const [first] = world.forge.queues.take();

    expect(await consumer(asDelivered(first!))).toMatchObject({ summary: { retrying: 1 }, next: 'scheduled' });
    const [delayed] = world.forge.queues.take();
    expect(delayed).toMatchObject({ delayInSeconds: FLAKY_RETRY_AFTER_MS / 1000, body: { kind: 'run-fulfillment' } });
    const waiting = world.forge.kvs.snapshot();

    expect(await consumer(asDelivered(first!, 'duplicate'))).toMatchObject({ summary: { claimed: 0 }, next: 'already_scheduled' });
    expect(world.forge.kvs.snapshot()).toBe(waiting);
    expect(world.forge.queues.pushed).toEqual([]);

    world.clock.advance(FLAKY_RETRY_AFTER_MS);
    expect(await consumer(asDelivered(delayed!, 'delayed'))).toMatchObject({ summary: { succeeded: 1 }, next: 'idle' });
    expect((await world.app.deps.store.get('grant', grantId))?.status).toBe('active');
    const done = world.forge.kvs.snapshot();
    expect(await consumer(asDelivered(delayed!, 'delayed-again'))).toMatchObject({ summary: { claimed: 0 } });
    expect(world.forge.kvs.snapshot()).toBe(done);
    expect(directory.adds).toBe(2);
    expect([...directory.members]).toEqual(['acc-requester']);
  });

  it('drops a malformed event without asking for a retry, changing nothing', async () => {
    const { world } = await approvedFulfillmentWorld({ rateLimited: false });
    const consumer = makeQueueConsumer(() => world.app);
    const before = world.forge.kvs.snapshot();
    for (const event of [undefined, null, 'run', { body: { kind: 'run-everything' } }, { body: { kind: 'ingest-issue', issueKey: '../x', requestedAt: 1 } }]) {
      expect(await consumer(event)).toEqual({ ignored: 'malformed event' });
    }
    expect(world.forge.kvs.snapshot()).toBe(before);
  });

  it('asks the platform to deliver the event again when storage fails', async () => {
    const { world } = await approvedFulfillmentWorld({ rateLimited: false });
    const consumer = makeQueueConsumer(() => world.app);
    const [event] = world.forge.queues.take();
    world.forge.kvs.failNext('/api/v1/entity/query', () => new Response(JSON.stringify({ code: 'INTERNAL_SERVER_ERROR', message: 'down' }), { status: 500 }));
    expect(await consumer(asDelivered(event!))).toEqual({ _retry: true, retryOptions: { retryAfter: RETRY_AFTER_SECONDS, retryReason: 'FUNCTION_RETRY_REQUEST' } });
  });
});
