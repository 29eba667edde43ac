import assert from 'node:assert/strict';
import { expectConnectorError, requireFaults, settlesPromptly, type ConformanceCheck } from './check.js';
import type { ConformanceFixture, RateLimitShape } from './harness.js';

/** How far a reported wait may be from the one the directory asked for (Okta's reset is whole seconds). */
const WAIT_TOLERANCE_MS = 1_000;

/** A wait no job should sit out inside one invocation (Forge functions run for seconds, not minutes). */
export const LONG_RETRY_AFTER_MS = 120_000;

/**
 * How long a call may take to settle once it has every reason to (a long 429, an aborted signal).
 * It only has to tell "returned at once" from "waited" (or hung), so it is generous: a slow CI
 * machine never fails a correct provider, and a provider that sleeps, retries inside or ignores
 * its signal always fails.
 */
export const PROMPT_SETTLE_MS = 5_000;

/** The fixture's ways of saying "slow down"; by default the one every fake has, a 429. */
export function rateLimitShapesOf(fixture: ConformanceFixture): readonly RateLimitShape[] {
  if (fixture.rateLimitShapes) {
    assert.ok(fixture.rateLimitShapes.length > 0, '`rateLimitShapes`, when given, needs at least one shape');
    return fixture.rateLimitShapes;
  }
  const faults = requireFaults(fixture);
  return [{ name: '429', next: (retryAfterMs) => faults.rateLimitNext(retryAfterMs) }];
}

export function assertWait(actualMs: number | undefined, askedMs: number, shape: string): void {
  assert.ok(actualMs !== undefined, `shape "${shape}": a rate-limited error must carry retryAfterMs from the response`);
  assert.ok(Math.abs(actualMs - askedMs) <= WAIT_TOLERANCE_MS, `shape "${shape}": retryAfterMs ${actualMs} should be about ${askedMs}`);
}

/** Checks that the directory's error answers become the right kinds, and that nothing waits inside a call. */
export const faultChecks: readonly ConformanceCheck[] = [
  {
    id: 'rate-limited',
    title: 'every rate-limit answer (by default a 429) is rate_limited, retryable, with the wait the directory asked for; the retry applies',
    modes: ['directory'],
    async run({ connector, ctx, fixture, identity }) {
      const group = fixture.existingGroup;
      const user = await identity();
      const waitMs = 7_000;
      const shapes = rateLimitShapesOf(fixture);
      for (const [index, shape] of shapes.entries()) {
        shape.next(waitMs);
        const error = await expectConnectorError(connector.add(ctx(), group, user), 'rate_limited', 'add', shape.name);
        assertWait(error.retryAfterMs, waitMs, shape.name);
        assert.equal((await connector.add(ctx(), group, user)).outcome, 'applied', `shape "${shape.name}": the retry after the rate limit applies the add`);
        // The next shape starts from the same state: the user outside the group.
        if (index < shapes.length - 1) assert.equal((await connector.remove(ctx(), group, user)).outcome, 'applied');
      }
    },
  },
  {
    id: 'rate-limited-long-wait',
    title: 'a rate-limit answer asking for a 2-minute wait settles at once as rate_limited with that wait: the provider neither sleeps nor retries inside',
    modes: ['directory'],
    async run({ connector, ctx, fixture, identity }) {
      const group = fixture.existingGroup;
      const user = await identity();
      for (const shape of rateLimitShapesOf(fixture)) {
        shape.next(LONG_RETRY_AFTER_MS);
        const controller = new AbortController();
        const attempt = connector.add(ctx({ signal: controller.signal }), group, user);
        await settlesPromptly(
          attempt,
          PROMPT_SETTLE_MS,
          controller,
          `shape "${shape.name}": add was still running ${PROMPT_SETTLE_MS} ms after a rate limit asking for ${LONG_RETRY_AFTER_MS} ms: the provider waits or retries inside. Throw the RateLimitedError with retryAfterMs and let the engine wait.`,
        );
        const error = await expectConnectorError(attempt, 'rate_limited', 'add answered with a rate limit asking for 2 minutes', shape.name);
        assertWait(error.retryAfterMs, LONG_RETRY_AFTER_MS, shape.name);
      }
    },
  },
  {
    id: 'transient',
    title: 'a 503 and a connection reset are transient and retryable; the retry converges',
    modes: ['directory'],
    async run({ connector, ctx, fixture, identity }) {
      const group = fixture.existingGroup;
      const user = await identity();
      const faults = requireFaults(fixture);
      faults.unavailableNext();
      await expectConnectorError(connector.add(ctx(), group, user), 'transient', 'add answered with 503');
      if (faults.resetNext) {
        faults.resetNext();
        await expectConnectorError(connector.add(ctx(), group, user), 'transient', 'add whose connection was reset');
      }
      const retried = await connector.add(ctx(), group, user);
      assert.ok(retried.outcome === 'applied' || retried.outcome === 'already_satisfied', 'the retry converges');
      assert.equal((await connector.check(ctx(), group, user)).outcome, 'member');
    },
  },
  {
    id: 'auth',
    title: 'a 401 is auth and terminal',
    modes: ['directory'],
    async run({ connector, ctx, fixture, identity }) {
      const user = await identity();
      requireFaults(fixture).unauthorizedNext();
      await expectConnectorError(connector.add(ctx(), fixture.existingGroup, user), 'auth', 'add answered with 401');
      requireFaults(fixture).unauthorizedNext();
      await expectConnectorError(connector.check(ctx(), fixture.existingGroup, user), 'auth', 'check answered with 401');
    },
  },
  {
    id: 'permission',
    title: 'a 403 is permission and terminal',
    modes: ['directory'],
    async run({ connector, ctx, fixture, identity }) {
      const user = await identity();
      requireFaults(fixture).forbiddenNext();
      await expectConnectorError(connector.remove(ctx(), fixture.existingGroup, user), 'permission', 'remove answered with 403');
    },
  },
];
