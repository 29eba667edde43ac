import assert from 'node:assert/strict';
import { resolvesByAccountId } from '../capabilities.js';
import { isSecretRequired } from '../define-provider.js';
import { expectConnectorError, type ConformanceCheck } from './check.js';

/** Checks that hold for every provider, manual or not. */
export const commonChecks: readonly ConformanceCheck[] = [
  {
    id: 'test-passes',
    title: 'test() passes with named checks written for the admin',
    modes: ['directory', 'manual'],
    async run({ connector, ctx, fixture }) {
      const result = await connector.test(ctx(), { group: fixture.existingGroup });
      assert.ok(result.checks.length > 0, 'test() must report at least one named check');
      for (const check of result.checks) {
        assert.ok(check.name.trim().length > 0, 'every check needs a name');
        assert.ok(check.message.trim().length > 0, `check "${check.name}" needs a message`);
      }
      const failed = result.checks.filter((check) => !check.passed).map((check) => `${check.name}: ${check.message}`);
      assert.deepEqual(failed, [], 'every check should pass against a healthy directory');
      assert.equal(result.ok, true);
    },
  },
  {
    id: 'resolve-known',
    title: 'resolveIdentity() finds a known user',
    modes: ['directory', 'manual'],
    async run({ connector, ctx, fixture }) {
      const [user] = fixture.users;
      const resolution = await connector.resolveIdentity(ctx(), user.subject);
      assert.equal(resolution.outcome, 'resolved', `expected the user to resolve: ${JSON.stringify(resolution)}`);
      if (resolution.outcome === 'resolved') assert.equal(resolution.identity.id, user.expectedId);
    },
  },
  {
    id: 'resolve-mapping',
    title: 'resolveIdentity() honours an explicit mapping before the email',
    modes: ['directory', 'manual'],
    async run({ connector, ctx, fixture }) {
      const [user] = fixture.users;
      const subject = { accountId: 'conformance-mapped', email: 'someone-else@conformance.invalid', mappedExternalId: user.expectedId };
      const resolution = await connector.resolveIdentity(ctx(), subject);
      assert.equal(resolution.outcome, 'resolved', `expected the mapping to resolve: ${JSON.stringify(resolution)}`);
      if (resolution.outcome === 'resolved') {
        assert.equal(resolution.identity.id, user.expectedId);
        assert.equal(resolution.matchedBy, 'mapping');
      }
    },
  },
  {
    id: 'resolve-account',
    title: 'resolveIdentity() finds a person by account id alone when the provider says it can',
    modes: ['directory', 'manual'],
    when: (harness) => resolvesByAccountId(harness.provider.capabilities),
    async run({ connector, ctx }) {
      // The engine sends such a subject only to providers that declare this (a hidden Jira email).
      const resolution = await connector.resolveIdentity(ctx(), { accountId: 'conformance-account-only' });
      assert.equal(resolution.outcome, 'resolved', `a provider that resolves by account id must resolve a subject without email or mapping: ${JSON.stringify(resolution)}`);
      if (resolution.outcome === 'resolved') assert.equal(resolution.matchedBy, 'account');
    },
  },
  {
    id: 'bind-existing-id',
    title: 'bindGroup() binds an existing group by id',
    modes: ['directory', 'manual'],
    async run({ connector, ctx, fixture }) {
      const binding = await connector.bindGroup(ctx(), { groupId: fixture.existingGroup.id });
      assert.equal(binding.outcome, 'bound');
      assert.equal(binding.group.id, fixture.existingGroup.id);
    },
  },
  {
    id: 'deadline-expired',
    title: 'every operation refuses to start after its deadline, and changes nothing',
    modes: ['directory', 'manual'],
    async run({ connector, ctx, fixture, identity }) {
      const user = await identity();
      const expired = () => ctx({ deadline: Date.now() - 1 });
      const group = fixture.existingGroup;
      const attempts: Array<[string, Promise<unknown>]> = [
        ['test', connector.test(expired(), { group })],
        ['resolveIdentity', connector.resolveIdentity(expired(), fixture.users[0].subject)],
        ['bindGroup', connector.bindGroup(expired(), { groupId: group.id })],
        ['add', connector.add(expired(), group, user)],
        ['addBatch', connector.addBatch(expired(), group, [user])],
        ['remove', connector.remove(expired(), group, user)],
        ['check', connector.check(expired(), group, user)],
        ...(connector.listMembers ? [['listMembers', connector.listMembers(expired(), group)] as [string, Promise<unknown>]] : []),
      ];
      for (const [name, attempt] of attempts) {
        const error = await expectConnectorError(attempt, 'transient', `${name} past its deadline`);
        assert.equal(error.code, 'deadline_exceeded', `${name} past its deadline: code`);
      }
      if (!connector.capabilities.manual) {
        const after = await connector.check(ctx(), group, user);
        assert.equal(after.outcome, 'not_member', 'an add past its deadline must not have applied');
      }
    },
  },
  {
    id: 'aborted',
    title: 'every operation refuses to start once its signal is aborted',
    modes: ['directory', 'manual'],
    async run({ connector, ctx, fixture, identity }) {
      const user = await identity();
      const aborted = () => {
        const controller = new AbortController();
        controller.abort();
        return ctx({ signal: controller.signal });
      };
      const group = fixture.existingGroup;
      const attempts: Array<[string, Promise<unknown>]> = [
        ['add', connector.add(aborted(), group, user)],
        ['remove', connector.remove(aborted(), group, user)],
        ['check', connector.check(aborted(), group, user)],
        ['resolveIdentity', connector.resolveIdentity(aborted(), fixture.users[0].subject)],
        ...(connector.listMembers ? [['listMembers', connector.listMembers(aborted(), group)] as [string, Promise<unknown>]] : []),
      ];
      for (const [name, attempt] of attempts) {
        const error = await expectConnectorError(attempt, 'transient', `${name} after abort`);
        assert.equal(error.code, 'aborted', `${name} after abort: code`);
      }
    },
  },
  {
    id: 'invalid-settings',
    title: 'connect() rejects invalid settings and missing secrets (conditional ones too) with InvalidConfigError, naming no secret',
    modes: ['directory', 'manual'],
    async run({ harness, fixture, recorder }) {
      const { provider } = harness;
      const attempt = (config: unknown, secrets: Readonly<Record<string, string | undefined>>) =>
        Promise.resolve().then(() => provider.connect({ ...fixture.connect, config, secrets }));
      const badSettings = await expectConnectorError(attempt(42, fixture.connect.secrets), 'invalid_config', 'settings that are not an object');
      recorder.record('connect error', badSettings);
      const parsed = provider.configSchema.safeParse(fixture.connect.config);
      assert.ok(parsed.success, 'the fixture settings must be valid');
      const fields = Object.entries(provider.secrets);
      for (const [name, field] of fields.filter(([, candidate]) => isSecretRequired(candidate, parsed.data))) {
        const secrets = { ...fixture.connect.secrets, [name]: undefined };
        const missing = await expectConnectorError(attempt(fixture.connect.config, secrets), 'invalid_config', `missing ${name}`);
        assert.ok(missing.message.includes(field.label), `the error for a missing ${name} should name "${field.label}"`);
        recorder.record('connect error', missing);
      }
      // A conditional secret whose condition does not hold is not needed: connecting without it works.
      const notNeeded = fields.filter(([, field]) => field.requiredWhen !== undefined && !isSecretRequired(field, parsed.data)).map(([name]) => name);
      if (notNeeded.length > 0) {
        const secrets = Object.fromEntries(Object.entries(fixture.connect.secrets).filter(([name]) => !notNeeded.includes(name)));
        await attempt(fixture.connect.config, secrets).catch((error: unknown) => {
          recorder.record('connect error', error);
          assert.fail(`connecting without ${notNeeded.join(', ')}, which these settings do not need, failed: ${error instanceof Error ? error.message : String(error)}`);
        });
      }
    },
  },
];
