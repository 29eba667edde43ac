import { describe, expect, it } from 'vitest';
import { fakeForge } from '../../test-support/fake-forge/index';
import { ForgeEventQueue, FULFILLMENT_QUEUE_KEY } from './event-queue';

describe('ForgeEventQueue (through @forge/events)', () => {
  it('pushes events with a concurrency limit of one and the delay clamped to 0–900 s', async () => {
    await new ForgeEventQueue().push([{ body: { kind: 'a' } }, { body: { kind: 'b' }, delayInSeconds: 12.2 }, { body: { kind: 'c' }, delayInSeconds: 5_000 }]);
    expect(fakeForge().queues.pushed).toEqual([
      expect.objectContaining({ queueName: FULFILLMENT_QUEUE_KEY, body: { kind: 'a' }, concurrency: { key: FULFILLMENT_QUEUE_KEY, limit: 1 } }),
      expect.objectContaining({ body: { kind: 'b' }, delayInSeconds: 13 }),
      expect.objectContaining({ body: { kind: 'c' }, delayInSeconds: 900 }),
    ]);
    expect(FULFILLMENT_QUEUE_KEY.length).toBeLessThanOrEqual(36);
  });

  it('pushes nothing for no events, and surfaces the platform’s rate limit', async () => {
    const queue = new ForgeEventQueue();
    await queue.push([]);
    expect(fakeForge().queues.pushed).toEqual([]);
    fakeForge().queues.rateLimitNext = true;
    await expect(queue.push([{ body: { kind: 'a' } }])).rejects.toThrow();
  });
});
