/**
 * The async events service behind `@forge/events` (`Queue.push` posts to
 * `/webhook/queue/publish/…` through `__forge_fetch__`): it validates the push as the platform
 * does and keeps every event, so a test can deliver them to the consumer — once or twice.
 */
import { bodyOf, isRecord, json, type FetchInit } from './http';

export interface PushedEvent {
  readonly queueName: string;
  readonly jobId: string;
  readonly body: Record<string, unknown>;
  readonly delayInSeconds?: number;
  readonly concurrency?: { readonly key: string; readonly limit: number };
}

export class FakeQueues {
  readonly pushed: PushedEvent[] = [];
  /** Answer the next push with 429 (the platform's rate limit). */
  rateLimitNext = false;

  handle(path: string, init: FetchInit | undefined): Response {
    if (!path.startsWith('/webhook/queue/publish/')) return json(404, { message: `The fake queue service does not serve ${path}.` });
    if (this.rateLimitNext) {
      this.rateLimitNext = false;
      return json(429, { message: 'Too many requests' });
    }
    const body = bodyOf(init);
    if (!isRecord(body) || typeof body.queueName !== 'string' || typeof body.jobId !== 'string' || !Array.isArray(body.payload)) {
      return json(400, { message: 'Malformed push request.' });
    }
    for (const event of body.payload as unknown[]) {
      if (!isRecord(event) || !isRecord(event.body)) return json(400, { message: 'Each event needs an object body.' });
      const delay = event.delayInSeconds;
      if (delay !== undefined && (typeof delay !== 'number' || delay < 0 || delay > 900)) return json(400, { message: 'delayInSeconds must be 0–900.' });
      this.pushed.push({
        queueName: body.queueName,
        jobId: body.jobId,
        body: event.body,
        ...(typeof delay === 'number' && { delayInSeconds: delay }),
        ...(isRecord(event.concurrency) && { concurrency: event.concurrency as { key: string; limit: number } }),
      });
    }
    return json(201, {});
  }

  /** Takes every event pushed so far (for delivery by the test). */
  take(): PushedEvent[] {
    return this.pushed.splice(0, this.pushed.length);
  }
}
