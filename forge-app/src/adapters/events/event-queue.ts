import { Queue } from '@forge/events';

export interface QueuedEvent {
  readonly body: Record<string, unknown>;
  /** 0–900: the platform delays delivery at most 15 minutes. */
  readonly delayInSeconds?: number;
}

/** Where the app puts work for a queue consumer; a port so handlers can be tested without Forge. */
export interface EventQueue {
  push(events: readonly QueuedEvent[]): Promise<void>;
}

/** The queue the fulfillment consumer listens to (manifest `consumer[].queue`, ≤ 36 characters). */
export const FULFILLMENT_QUEUE_KEY = 'clearway-fulfillment';

export const MAX_DELAY_SECONDS = 900;

/**
 * An `@forge/events` queue. Every event carries one concurrency key with a limit of one, so the
 * platform never runs two fulfillment consumers side by side for an installation: they would only
 * race each other for the same jobs.
 */
export class ForgeEventQueue implements EventQueue {
  private readonly queue: Queue;

  constructor(private readonly key: string = FULFILLMENT_QUEUE_KEY) {
    this.queue = new Queue({ key });
  }

  async push(events: readonly QueuedEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.queue.push(
      events.map((event) => ({
        body: event.body,
        ...(event.delayInSeconds !== undefined && { delayInSeconds: Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.ceil(event.delayInSeconds))) }),
        concurrency: { key: this.key, limit: 1 },
      })),
    );
  }
}
