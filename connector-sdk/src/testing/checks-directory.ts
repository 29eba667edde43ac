import assert from 'node:assert/strict';
import { expectConnectorError, requireFaults, type ConformanceCheck } from './check.js';

/** How far a reported wait may be from the one the directory asked for (Okta's reset is whole seconds). */
const WAIT_TOLERANCE_MS = 1_000;

/** A wait no job should sit out inside one invocation (Forge functions run for seconds, not minutes). */
export const LONG_RETRY_AFTER_MS = 120_000;

/**
 * How long a call answered by a long 429 may take to settle. It only has to tell "returned at
 * once" from "waited the two minutes out" (or a good part of them), so it is generous: a slow CI
 * machine never fails a correct provider, and a provider that sleeps or retries inside always fails.
 */
export const PROMPT_SETTLE_MS = 5_000;

/** Checks for providers that act on a directory themselves. */
export const directoryChecks: readonly ConformanceCheck[] = [
  {
    id: 'test-refused-credentials',
    title: 'test() reports refused credentials as a failed named check, not a crash',
    modes: ['directory'],
    async run({ connector, ctx, fixture }) {
      requireFaults(fixture).unauthorizedNext();
      const result = await connector.test(ctx(), { group: fixture.existingGroup });
      assert.equal(result.ok, false, 'test() must not pass when the directory refuses the credentials');
      assert.ok(result.checks.some((check) => !check.passed && check.message.trim().length > 0), 'a failed check must say what is wrong');
    },
  },
  {
    id: 'resolve-unknown',
    title: 'resolveIdentity() answers not_found for an unknown user, without throwing',
    modes: ['directory'],
    async run({ connector, ctx, fixture }) {
      assert.ok(fixture.unknownSubject, 'a directory provider fixture must provide `unknownSubject`');
      const resolution = await connector.resolveIdentity(ctx(), fixture.unknownSubject);
      assert.equal(resolution.outcome, 'unresolved', `expected no match: ${JSON.stringify(resolution)}`);
      if (resolution.outcome === 'unresolved') {
        assert.equal(resolution.reason, 'not_found');
        assert.ok(resolution.message.trim().length > 0);
      }
    },
  },
  {
    id: 'bind-existing-name',
    title: 'bindGroup() binds an existing group by exact name, to the same id',
    modes: ['directory'],
    async run({ connector, ctx, fixture }) {
      const binding = await connector.bindGroup(ctx(), { name: fixture.existingGroup.name, createIfMissing: connector.capabilities.createGroups });
      assert.equal(binding.outcome, 'bound', 'an existing group must be bound, not created again');
      assert.equal(binding.group.id, fixture.existingGroup.id);
    },
  },
  {
    id: 'bind-create',
    title: 'bindGroup() creates a missing group once, then binds it',
    modes: ['directory'],
    when: (harness) => harness.provider.capabilities.createGroups,
    async run({ connector, ctx, fixture }) {
      assert.ok(fixture.newGroupName, 'a provider that creates groups needs `newGroupName` in its fixture');
      const created = await connector.bindGroup(ctx(), { name: fixture.newGroupName, createIfMissing: true });
      assert.equal(created.outcome, 'created');
      assert.ok(created.group.id.length > 0);
      const again = await connector.bindGroup(ctx(), { name: fixture.newGroupName, createIfMissing: true });
      assert.equal(again.outcome, 'bound', 'binding the same name again must not create a second group');
      assert.equal(again.group.id, created.group.id);
    },
  },
  {
    id: 'bind-create-unsupported',
    title: 'bindGroup() refuses to create a group with UnsupportedError when it cannot',
    modes: ['directory'],
    when: (harness) => !harness.provider.capabilities.createGroups,
    async run({ connector, ctx }) {
      await expectConnectorError(connector.bindGroup(ctx(), { name: 'conformance-new-group', createIfMissing: true }), 'unsupported', 'creating a group');
    },
  },
  {
    id: 'membership-idempotent',
    title: 'add twice → applied, already_satisfied; remove twice → applied, already_satisfied; check follows',
    modes: ['directory'],
    async run({ connector, ctx, fixture, identity }) {
      const group = fixture.existingGroup;
      const user = await identity();
      assert.equal((await connector.check(ctx(), group, user)).outcome, 'not_member', 'the fixture user must start outside the group');
      assert.equal((await connector.add(ctx(), group, user)).outcome, 'applied', 'first add');
      assert.equal((await connector.add(ctx(), group, user)).outcome, 'already_satisfied', 'second add');
      assert.equal((await connector.check(ctx(), group, user)).outcome, 'member', 'check after add');
      assert.equal((await connector.remove(ctx(), group, user)).outcome, 'applied', 'first remove');
      assert.equal((await connector.remove(ctx(), group, user)).outcome, 'already_satisfied', 'second remove');
      assert.equal((await connector.check(ctx(), group, user)).outcome, 'not_member', 'check after remove');
    },
  },
  {
    id: 'batch-add',
    title: 'addBatch() gives one idempotent outcome per user, in order',
    modes: ['directory'],
    when: (harness) => harness.provider.capabilities.maxBatchSize > 1,
    async run({ connector, ctx, fixture, identity }) {
      const group = fixture.existingGroup;
      const count = Math.min(fixture.users.length, connector.capabilities.maxBatchSize);
      const users = await Promise.all(Array.from({ length: count }, (_, index) => identity(index)));
      const [first] = users;
      assert.ok(first);
      assert.equal((await connector.add(ctx(), group, first)).outcome, 'applied');
      const outcomes = await connector.addBatch(ctx(), group, users);
      assert.deepEqual(
        outcomes.map((outcome) => outcome.outcome),
        users.map((_, index) => (index === 0 ? 'already_satisfied' : 'applied')),
      );
      for (const user of users) assert.equal((await connector.check(ctx(), group, user)).outcome, 'member');
      const again = await connector.addBatch(ctx(), group, users);
      assert.ok(again.every((outcome) => outcome.outcome === 'already_satisfied'), 'a repeated batch changes nothing');
    },
  },
  {
    id: 'rate-limited',
    title: 'a 429 is rate_limited, retryable, with the wait the directory asked for; the retry applies',
    modes: ['directory'],
    async run({ connector, ctx, fixture, identity }) {
      const group = fixture.existingGroup;
      const user = await identity();
      const waitMs = 7_000;
      requireFaults(fixture).rateLimitNext(waitMs);
      const error = await expectConnectorError(connector.add(ctx(), group, user), 'rate_limited', 'add answered with 429');
      assert.ok(error.retryAfterMs !== undefined, 'a rate-limited error must carry retryAfterMs from the response headers');
      assert.ok(
        Math.abs(error.retryAfterMs - waitMs) <= WAIT_TOLERANCE_MS,
        `retryAfterMs ${error.retryAfterMs} should be about ${waitMs}`,
      );
      assert.equal((await connector.add(ctx(), group, user)).outcome, 'applied', 'the retry after a 429 applies the add');
    },
  },
  {
    id: 'rate-limited-long-wait',
    title: 'a 429 asking for a 2-minute wait settles at once as rate_limited with that wait: the provider neither sleeps nor retries inside',
    modes: ['directory'],
    async run({ connector, ctx, fixture, identity }) {
      const group = fixture.existingGroup;
      const user = await identity();
      requireFaults(fixture).rateLimitNext(LONG_RETRY_AFTER_MS);
      const controller = new AbortController();
      const attempt = connector.add(ctx({ signal: controller.signal }), group, user);
      const settled = attempt.then(() => true, () => true);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const bound = new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), PROMPT_SETTLE_MS);
      });
      const inTime = await Promise.race([settled, bound]);
      clearTimeout(timer);
      if (!inTime) {
        // Stop a provider that sleeps on the signal, so nothing it does outlives the check.
        controller.abort();
        await settled;
        assert.fail(
          `add was still running ${PROMPT_SETTLE_MS} ms after a 429 asking for ${LONG_RETRY_AFTER_MS} ms: the provider waits or retries inside. Throw the RateLimitedError with retryAfterMs and let the engine wait.`,
        );
      }
      const error = await expectConnectorError(attempt, 'rate_limited', 'add answered with a 429 asking for 2 minutes');
      assert.ok(
        error.retryAfterMs !== undefined && Math.abs(error.retryAfterMs - LONG_RETRY_AFTER_MS) <= WAIT_TOLERANCE_MS,
        `retryAfterMs ${error.retryAfterMs} should be about ${LONG_RETRY_AFTER_MS}`,
      );
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
