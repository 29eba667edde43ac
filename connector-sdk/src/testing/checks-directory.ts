import assert from 'node:assert/strict';
import type { BatchItemResult, ExternalIdentity } from '../contract.js';
import { isConnectorError } from '../errors.js';
import { describeError, expectConnectorError, requireFaults, requireFixture, type ConformanceCheck } from './check.js';

/**
 * The id of a user no directory has, for the batch check: shaped like a GUID so that directories
 * whose ids are GUIDs (Entra) look it up instead of refusing its syntax.
 */
export const UNKNOWN_USER_ID = '00000000-0000-4000-8000-00000000c1ea';

function describeBatchItem(result: BatchItemResult): string {
  return result.outcome === 'failed' ? `failed ${isConnectorError(result.error) ? describeError(result.error) : String(result.error)}` : result.outcome;
}

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
    id: 'resolve-inactive',
    title: 'resolveIdentity() answers inactive for a deactivated user (fixture `inactiveSubject`)',
    modes: ['directory'],
    async run({ connector, ctx, fixture }) {
      const subject = requireFixture(fixture.inactiveSubject, 'inactiveSubject', 'a deactivated user, which must resolve as inactive');
      const resolution = await connector.resolveIdentity(ctx(), subject);
      assert.equal(resolution.outcome, 'unresolved', `a deactivated user must not resolve: ${JSON.stringify(resolution)}`);
      if (resolution.outcome === 'unresolved') {
        assert.equal(resolution.reason, 'inactive', `a deactivated user is "inactive", not "${resolution.reason}"`);
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
    id: 'missing-group',
    title: 'remove from and add to a group that does not exist fail as not_found: never already_satisfied (fixture `missingGroup`)',
    modes: ['directory'],
    async run({ connector, ctx, fixture, identity }) {
      const group = requireFixture(fixture.missingGroup, 'missingGroup', 'a group that does not exist, which remove must not answer already_satisfied');
      const user = await identity();
      let removal: unknown;
      try {
        removal = await connector.remove(ctx(), group, user);
      } catch (error) {
        removal = error;
      }
      assert.ok(
        isConnectorError(removal),
        `remove from a group that does not exist answered ${JSON.stringify(removal)}: a deleted group must be reported (not_found), or the engine records the user as removed while nothing was checked`,
      );
      assert.equal(removal.kind, 'not_found', `remove from a group that does not exist: expected kind "not_found", got "${removal.kind}" ${describeError(removal)}`);
      await expectConnectorError(connector.add(ctx(), group, user), 'not_found', 'add to a group that does not exist');
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
    id: 'batch-partial',
    title: 'addBatch() with one unknown user gives that user a failed result and applies the others: every user gets a result',
    modes: ['directory'],
    when: (harness) => harness.provider.capabilities.maxBatchSize > 1,
    async run({ connector, ctx, fixture, identity }) {
      const group = fixture.existingGroup;
      const size = connector.capabilities.maxBatchSize;
      const known = await Promise.all(Array.from({ length: Math.min(fixture.users.length, size - 1) }, (_, index) => identity(index)));
      const [first, ...rest] = known;
      assert.ok(first);
      // The unknown user sits between known ones, so the users after it prove the batch went on.
      const batch: ExternalIdentity[] = [first, { id: UNKNOWN_USER_ID }, ...rest];
      let results: BatchItemResult[];
      try {
        results = await connector.addBatch(ctx(), group, batch);
      } catch (error) {
        assert.fail(
          `addBatch threw for the whole batch (${isConnectorError(error) ? `${error.kind} ${describeError(error)}` : String(error)}) although only one user was unknown: give each user their own result, \`failed\` with that user's error`,
        );
      }
      assert.equal(results.length, batch.length, 'addBatch must answer once per user, in order');
      const described = results.map(describeBatchItem);
      results.forEach((result, index) => {
        if (index === 1) {
          assert.equal(result.outcome, 'failed', `the unknown user (#1) must get a failed result, got: ${described.join('; ')}`);
          if (result.outcome === 'failed') assert.ok(isConnectorError(result.error), 'a failed result carries a ConnectorError');
        } else {
          assert.equal(result.outcome, 'applied', `user #${index} must be applied despite the unknown user, got: ${described.join('; ')}`);
        }
      });
      for (const user of known) assert.equal((await connector.check(ctx(), group, user)).outcome, 'member', `user ${user.id} after the batch`);
    },
  },
];
