import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { BatchItemResult, ProviderOperations } from '../contract.js';
import { defineProvider } from '../define-provider.js';
import { AuthError, RateLimitedError, TransientError, isConnectorError } from '../errors.js';
import { toConnectorError } from '../network.js';
import { acmeHarness } from '../test-support/acme-harness.js';
import { acmeSpec } from '../test-support/acme-provider.js';
import { PROMPT_SETTLE_MS } from './checks-faults.js';
import type { ConformanceHarness } from './harness.js';
import { describeProviderConformance } from './describe.js';
import { ALL_CHECKS, runCheck, runConformance } from './run.js';

// The kit passes a correct provider…
describeProviderConformance(acmeHarness());

// …and fails each deliberately broken one. A broken provider is the example provider with one
// operation wrapped to misbehave the way real providers do.
function broken(name: string, breakOps: (ops: ProviderOperations, secrets: Record<string, string | undefined>) => Partial<ProviderOperations>) {
  return defineProvider({
    ...acmeSpec,
    type: `broken-${name}`,
    create: (init) => {
      const ops = acmeSpec.create(init);
      return { ...ops, ...breakOps(ops, init.secrets) };
    },
  });
}

async function failedChecks(provider: ReturnType<typeof broken>, harness: ConformanceHarness = acmeHarness(provider)) {
  const results = await runConformance(harness);
  return Object.fromEntries(results.filter((result) => !result.passed).map((result) => [result.id, result.failure ?? '']));
}

describe('the conformance kit fails broken providers', () => {
  it('passes the correct example provider in every applicable check', async () => {
    const results = await runConformance(acmeHarness());
    expect(results.filter((result) => !result.passed)).toEqual([]);
    expect(results.map((result) => result.id)).toContain('membership-idempotent');
  });

  it('fails a provider whose add is not idempotent', async () => {
    const failed = await failedChecks(
      broken('add-twice', (ops) => ({
        add: async (ctx, group, identity) => {
          await ops.add(ctx, group, identity);
          return { outcome: 'applied' };
        },
      })),
    );
    expect(failed['membership-idempotent']).toMatch(/second add/);
  });

  it('fails a provider whose remove of a non-member throws', async () => {
    const failed = await failedChecks(
      broken('remove-throws', (ops) => ({
        remove: async (ctx, group, identity) => {
          const outcome = await ops.remove(ctx, group, identity);
          if (outcome.outcome === 'already_satisfied') throw new TransientError('404 from remove');
          return outcome;
        },
      })),
    );
    expect(failed['membership-idempotent']).toBeDefined();
  });

  it('fails a provider whose check does not reflect membership', async () => {
    const failed = await failedChecks(broken('check-lies', () => ({ check: async () => ({ outcome: 'member', via: 'direct' }) })));
    expect(failed['membership-idempotent']).toMatch(/start outside the group|check after remove/);
  });

  it('fails a provider that reports a 429 as transient, naming the shape and the status the directory sent', async () => {
    const failed = await failedChecks(
      broken('429-as-transient', (ops) => ({
        add: (ctx, group, identity) =>
          ops.add(ctx, group, identity).catch((error: unknown) => {
            throw isConnectorError(error) && error.kind === 'rate_limited' ? new TransientError('busy', { code: 'overloaded', ...(error.status !== undefined && { status: error.status }) }) : error;
          }),
      })),
    );
    expect(failed['rate-limited']).toMatch(/^add: expected kind "rate_limited" for shape "429 Retry-After seconds", got "transient" \(HTTP 429, code overloaded\): busy/);
  });

  it('runs the rate-limit checks once per shape the fixture declares', async () => {
    // A fixture declaring the vendor's 503-with-Retry-After as a rate limit, which this provider reports as transient.
    const base = acmeHarness();
    const harness: ConformanceHarness = {
      ...base,
      async setup() {
        const fixture = await base.setup();
        const directory = base.last;
        if (!directory) throw new Error('no directory');
        return {
          ...fixture,
          rateLimitShapes: [
            { name: '429', next: (ms: number) => directory.rateLimitNext(ms) },
            { name: '503 Retry-After', next: (ms: number) => directory.failNext(503, { 'retry-after': String(ms / 1000) }) },
          ],
        };
      },
    };
    const results = await runConformance(harness);
    const failures = Object.fromEntries(results.filter((result) => !result.passed).map((result) => [result.id, result.failure]));
    expect(Object.keys(failures)).toEqual(['rate-limited', 'rate-limited-long-wait', 'members-rate-limited']);
    // Reaching the second shape means the first passed, and its add was undone so both start alike.
    expect(failures['rate-limited']).toMatch(/^add: expected kind "rate_limited" for shape "503 Retry-After", got "transient" \(HTTP 503, code transient\)/);
    expect(failures['rate-limited-long-wait']).toMatch(/for shape "503 Retry-After", got "transient"/);
    expect(failures['members-rate-limited']).toMatch(/^listMembers: expected kind "rate_limited" for shape "503 Retry-After", got "transient" \(HTTP 503, code transient\)/);
  });

  it('fails a provider that drops the wait a 429 asked for', async () => {
    const failed = await failedChecks(
      broken('no-retry-after', (ops) => ({
        add: (ctx, group, identity) =>
          ops.add(ctx, group, identity).catch((error: unknown) => {
            throw isConnectorError(error) && error.kind === 'rate_limited' ? new RateLimitedError('busy') : error;
          }),
      })),
    );
    expect(failed['rate-limited']).toMatch(/retryAfterMs/);
  });

  it('fails a provider that reports a 401 as retryable', async () => {
    const failed = await failedChecks(
      broken('401-as-transient', (ops) => ({
        add: (ctx, group, identity) =>
          ops.add(ctx, group, identity).catch((error: unknown) => {
            throw isConnectorError(error) && error.kind === 'auth' ? new TransientError('try later') : error;
          }),
      })),
    );
    expect(failed.auth).toMatch(/expected kind "auth", got "transient"/);
  });

  it('fails a provider that throws a 401 as a plain Error', async () => {
    const failed = await failedChecks(
      broken('401-plain', (ops) => ({
        check: (ctx, group, identity) =>
          ops.check(ctx, group, identity).catch((error: unknown) => {
            throw error instanceof AuthError ? new Error('HTTP 401') : error;
          }),
      })),
    );
    expect(failed.auth).toMatch(/answered with 401: expected kind "auth", got "transient"/);
  });

  it('fails a provider that leaks part of its token, reversed (a "masked" echo the SDK cannot know), in a log line', async () => {
    const failed = await failedChecks(
      broken('logs-token-reversed', (ops, secrets) => ({
        add: (ctx, group, identity) => {
          ctx.logger.debug(`adding with token ${[...(secrets.apiToken ?? '')].reverse().join('').slice(0, 14)}…`);
          return ops.add(ctx, group, identity);
        },
      })),
    );
    expect(failed['membership-idempotent']).toMatch(/secret "apiToken" appeared in log/);
  });

  it('passes a provider that logs a prefix of its token: the SDK redacts every 8-character run of a secret before the log sees it', async () => {
    const failed = await failedChecks(
      broken('logs-token-prefix', (ops, secrets) => ({
        add: (ctx, group, identity) => {
          ctx.logger.debug(`adding with token ${secrets.apiToken?.slice(0, 14)}…`);
          return ops.add(ctx, group, identity);
        },
      })),
    );
    expect(failed['membership-idempotent']).toBeUndefined();
  });

  it('fails a provider that returns its token in a result', async () => {
    const failed = await failedChecks(
      broken('returns-token', (ops, secrets) => ({
        resolveIdentity: async (ctx, subject) => {
          const resolution = await ops.resolveIdentity(ctx, subject);
          return resolution.outcome === 'resolved'
            ? { ...resolution, identity: { ...resolution.identity, displayName: `via ${secrets.apiToken}` } }
            : resolution;
        },
      })),
    );
    expect(failed['resolve-known']).toMatch(/secret "apiToken" appeared in resolveIdentity result/);
  });

  it('fails a provider whose test() passes although the directory refuses the credentials', async () => {
    const failed = await failedChecks(
      broken('test-always-ok', () => ({ test: async () => ({ ok: true, checks: [{ name: 'Connection', passed: true, message: 'ok' }] }) })),
    );
    expect(failed['test-refused-credentials']).toBeDefined();
  });

  it('fails a provider that cannot resolve unknown users without throwing', async () => {
    const failed = await failedChecks(
      broken('unknown-throws', (ops) => ({
        resolveIdentity: async (ctx, subject) => {
          const resolution = await ops.resolveIdentity(ctx, subject);
          if (resolution.outcome === 'unresolved') throw new Error('user not found');
          return resolution;
        },
      })),
    );
    expect(failed['resolve-unknown']).toBeDefined();
  });

  it('fails a provider that sleeps out a long Retry-After inside the call, within the documented bound', async () => {
    const sleeper = broken('sleeps-on-429', (ops) => ({
      add: async (ctx, group, identity) => {
        try {
          return await ops.add(ctx, group, identity);
        } catch (error) {
          if (!isConnectorError(error) || error.kind !== 'rate_limited') throw error;
          await sleep(error.retryAfterMs ?? 0, undefined, { signal: ctx.signal });
          return ops.add(ctx, group, identity);
        }
      },
    }));
    const check = ALL_CHECKS.find((candidate) => candidate.id === 'rate-limited-long-wait');
    expect(check).toBeDefined();
    if (!check) return;
    const started = Date.now();
    await expect(runCheck(acmeHarness(sleeper), check)).rejects.toThrow(/shape "429 Retry-After seconds": add was still running 5000 ms after a rate limit asking for 120000 ms/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(PROMPT_SETTLE_MS - 50);
  }, 20_000);

  it('fails a provider that retries a 429 at once inside the call', async () => {
    const failed = await failedChecks(
      broken('retries-429', (ops) => ({
        add: (ctx, group, identity) =>
          ops.add(ctx, group, identity).catch((error: unknown) => {
            if (isConnectorError(error) && error.kind === 'rate_limited') return ops.add(ctx, group, identity);
            throw error;
          }),
      })),
    );
    expect(failed['rate-limited-long-wait']).toMatch(/expected kind "rate_limited" for shape "429 Retry-After seconds", but it succeeded/);
  });

  it('leak-checks values the connector obtained itself, when the fixture names them', async () => {
    const session = 'acme-session-4f0c2b7e9d1a3c5e';
    const logsSession = broken('logs-session', (ops) => ({
      check: (ctx, group, identity) => {
        ctx.logger.debug(`session ${session}`);
        return ops.check(ctx, group, identity);
      },
    }));
    const base = acmeHarness(logsSession);
    const results = await runConformance({ ...base, setup: async () => ({ ...(await base.setup()), obtainedSecrets: () => ({ sessionToken: session }) }) });
    const failures = results.filter((result) => !result.passed).map((result) => result.failure ?? '');
    expect(failures.join('\n')).toMatch(/secret "sessionToken \(obtained by the connector\)" appeared in log/);
    // Without the hook the same provider passes: the leak is only visible through it.
    expect((await runConformance(acmeHarness(logsSession))).filter((result) => !result.passed)).toEqual([]);
  });

  it('fails a provider that does not hand ctx.signal to its requests, within the documented bound', async () => {
    const deaf = broken('ignores-signal', (ops) => ({
      check: (ctx, group, identity) => ops.check({ ...ctx, signal: new AbortController().signal }, group, identity),
    }));
    const check = ALL_CHECKS.find((candidate) => candidate.id === 'abort-in-flight');
    if (!check) throw new Error('no abort-in-flight check');
    const started = Date.now();
    await expect(runCheck(acmeHarness(deaf), check)).rejects.toThrow(/^check was still running 5000 ms after its signal was aborted during a request that got no answer: hand ctx.signal to every request/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(PROMPT_SETTLE_MS - 50);
  }, 20_000);

  it('fails a provider that carries on with the change after an abort during its look', async () => {
    const failed = await failedChecks(
      broken('carries-on-after-abort', (ops) => ({
        add: async (ctx, group, identity) => {
          // Swallows the failed look, then changes with requests that no longer follow the operation's signal.
          const looked = await ops.check(ctx, group, identity).catch(() => undefined);
          if (looked?.outcome === 'member') return { outcome: 'already_satisfied' };
          return ops.add({ ...ctx, signal: new AbortController().signal }, group, identity);
        },
      })),
    );
    expect(failed['abort-between-requests']).toMatch(/^add sent 2 more request\(s\) after its signal was aborted during its first one/);
  });

  it('fails a directory fixture without hangNext and requestsReceived, saying what to add', async () => {
    const base = acmeHarness();
    const results = await runConformance({
      ...base,
      async setup() {
        const fixture = await base.setup();
        const directory = base.last;
        if (!directory) throw new Error('no directory');
        const faults = {
          rateLimitNext: (ms: number) => directory.rateLimitNext(ms),
          unavailableNext: () => directory.unavailableNext(),
          unauthorizedNext: () => directory.unauthorizedNext(),
          forbiddenNext: () => directory.forbiddenNext(),
        };
        return { ...fixture, faults };
      },
    });
    const failures = results.filter((result) => !result.passed);
    expect(failures.map((result) => result.id)).toEqual(['abort-in-flight', 'abort-between-requests', 'members-deadline']);
    for (const failure of failures) {
      expect(failure.failure).toMatch(/must provide `faults.hangNext\(\)` .* and `faults.requestsReceived\(\)` .*: the kit uses them to prove the provider hands ctx.signal/);
    }
  });

  it.each([
    ['hex', (token: string) => Buffer.from(token).toString('hex')],
    ['base64url', (token: string) => Buffer.from(token).toString('base64url')],
    ['reversed', (token: string) => [...token].reverse().join('')],
  ])('fails a provider that returns its token %s-encoded in a result', async (form, encode) => {
    const failed = await failedChecks(
      broken(`returns-token-${form}`, (ops, secrets) => ({
        resolveIdentity: async (ctx, subject) => {
          const resolution = await ops.resolveIdentity(ctx, subject);
          return resolution.outcome === 'resolved' ? { ...resolution, identity: { ...resolution.identity, displayName: encode(secrets.apiToken ?? '') } } : resolution;
        },
      })),
    );
    expect(failed['resolve-known']).toMatch(/secret "apiToken" appeared in resolveIdentity result/);
  });

  it('passes a provider that logs its token hex- or base64url-encoded, because defineProvider redacts those forms; the reversed form is caught', async () => {
    const logs = (form: string, encode: (token: string) => string) =>
      broken(`logs-token-${form}`, (ops, secrets) => ({
        add: (ctx, group, identity) => {
          ctx.logger.debug(`token ${encode(secrets.apiToken ?? '')}`);
          return ops.add(ctx, group, identity);
        },
      }));
    expect(await failedChecks(logs('hex', (token) => Buffer.from(token).toString('hex').toUpperCase()))).toEqual({});
    expect(await failedChecks(logs('base64url', (token) => Buffer.from(token).toString('base64url')))).toEqual({});
    const reversed = await failedChecks(logs('reversed', (token) => [...token].reverse().join('')));
    expect(reversed['membership-idempotent']).toMatch(/secret "apiToken" appeared in log/);
  });

  it('fails a provider that reports a deactivated user as not found', async () => {
    const failed = await failedChecks(
      broken('inactive-as-not-found', (ops) => ({
        resolveIdentity: async (ctx, subject) => {
          const resolution = await ops.resolveIdentity(ctx, subject);
          return resolution.outcome === 'unresolved' && resolution.reason === 'inactive' ? { outcome: 'unresolved', reason: 'not_found', message: 'No such user.' } : resolution;
        },
      })),
    );
    expect(failed['resolve-inactive']).toMatch(/a deactivated user is "inactive", not "not_found"/);
  });

  it('fails a provider whose remove from a deleted group answers already_satisfied', async () => {
    const failed = await failedChecks(
      broken('remove-any-404-as-done', (ops) => ({
        remove: (ctx, group, identity) =>
          ops.remove(ctx, group, identity).catch((error: unknown) => {
            if (isConnectorError(error) && error.kind === 'not_found') return { outcome: 'already_satisfied' as const };
            throw error;
          }),
      })),
    );
    expect(failed['missing-group']).toMatch(/^remove from a group that does not exist answered \{"outcome":"already_satisfied"\}/);
  });

  it('fails a provider whose add to a deleted group succeeds', async () => {
    const failed = await failedChecks(
      broken('add-any-404-as-done', (ops) => ({
        add: (ctx, group, identity) =>
          ops.add(ctx, group, identity).catch((error: unknown) => {
            if (isConnectorError(error) && error.kind === 'not_found') return { outcome: 'applied' as const };
            throw error;
          }),
      })),
    );
    expect(failed['missing-group']).toMatch(/^add to a group that does not exist: expected kind "not_found", but it succeeded/);
  });

  it('fails a directory fixture that declares no inactive user or missing group, saying what to add', async () => {
    const base = acmeHarness();
    const results = await runConformance({
      ...base,
      async setup() {
        const { inactiveSubject: _inactive, missingGroup: _missing, ...fixture } = await base.setup();
        return fixture;
      },
    });
    const failed = Object.fromEntries(results.filter((result) => !result.passed).map((result) => [result.id, result.failure ?? '']));
    expect(Object.keys(failed)).toEqual(['resolve-inactive', 'missing-group', 'members-missing-group']);
    expect(failed['resolve-inactive']).toMatch(/must provide `inactiveSubject`/);
    expect(failed['missing-group']).toMatch(/must provide `missingGroup`/);
    expect(failed['members-missing-group']).toMatch(/must provide `missingGroup`/);
  });

  describe('addBatch with per-user results', () => {
    const batching = (name: string, addBatch: (ops: ProviderOperations) => NonNullable<ProviderOperations['addBatch']>) =>
      defineProvider({
        ...acmeSpec,
        type: `acme-batch-${name}`,
        capabilities: { ...acmeSpec.capabilities, maxBatchSize: 3 },
        create: (init) => {
          const ops = acmeSpec.create(init);
          return { ...ops, addBatch: addBatch(ops) };
        },
      });
    const oneByOne = (ops: ProviderOperations, onError: (error: unknown) => BatchItemResult) => async (...[ctx, group, identities]: Parameters<NonNullable<ProviderOperations['addBatch']>>) => {
      const results: BatchItemResult[] = [];
      for (const identity of identities) results.push(await ops.add(ctx, group, identity).catch(onError));
      return results;
    };

    it('passes a provider that gives every user their own outcome or error', async () => {
      const provider = batching('per-user', (ops) => oneByOne(ops, (error) => ({ outcome: 'failed', error: toConnectorError(error) })));
      const results = await runConformance(acmeHarness(provider));
      expect(results.filter((result) => !result.passed)).toEqual([]);
      expect(results.map((result) => result.id)).toEqual(expect.arrayContaining(['batch-add', 'batch-partial']));
    });

    it('fails a provider that throws the whole batch for one unknown user', async () => {
      const provider = batching('all-or-nothing', (ops) =>
        oneByOne(ops, (error) => {
          throw error;
        }),
      );
      const failed = await failedChecks(provider);
      expect(failed['batch-partial']).toMatch(/^addBatch threw for the whole batch \(not_found \(HTTP 404, code not_found\).*although only one user was unknown/);
    });

    it('fails a provider that reports the unknown user as applied', async () => {
      const provider = batching('swallows', (ops) => oneByOne(ops, () => ({ outcome: 'applied' })));
      const failed = await failedChecks(provider);
      expect(failed['batch-partial']).toMatch(/the unknown user \(#1\) must get a failed result, got: applied; applied; applied/);
    });
  });

  describe('secrets required by a setting', () => {
    const modalConfig = z.object({ baseUrl: z.url(), authMode: z.enum(['token', 'password']).default('token') });
    const modal = (create: (typeof acmeSpec)['create'] = (init) => acmeSpec.create(init)) =>
      defineProvider({
        ...acmeSpec,
        type: 'acme-modal',
        configSchema: modalConfig,
        secrets: {
          apiToken: { label: 'API token', requiredWhen: { setting: 'authMode', equals: 'token' } },
          password: { label: 'Password', requiredWhen: { setting: 'authMode', equals: 'password' } },
        },
        // The fixture connects in token mode only; the Acme operations are typed to need the token.
        create: (init) => create({ ...init, config: { baseUrl: init.config.baseUrl }, secrets: { ...init.secrets, apiToken: init.secrets.apiToken ?? '' } }),
      });

    it('passes a provider whose conditional secrets connect() enforces', async () => {
      const results = await runConformance(acmeHarness(modal()));
      expect(results.filter((result) => !result.passed)).toEqual([]);
    });

    it('fails a provider that insists on the secret of a mode not in use', async () => {
      const insists = modal((init) => {
        if (!(init.secrets as Record<string, string | undefined>).password) throw new Error('no password');
        return acmeSpec.create(init);
      });
      // The fixture sets both secrets, so every other check connects; only dropping the unneeded one fails.
      const base = acmeHarness(insists);
      const withBoth = async () => {
        const fixture = await base.setup();
        return { ...fixture, connect: { ...fixture.connect, secrets: { ...fixture.connect.secrets, password: 'acme-password-5e8d1c0b7a9f' } } };
      };
      const results = await runConformance({ ...base, setup: withBoth });
      expect(results.filter((result) => !result.passed).map((result) => [result.id, result.failure])).toEqual([
        ['invalid-settings', expect.stringMatching(/connecting without password, which these settings do not need, failed/)],
      ]);
    });
  });
});

describe('the conformance kit and the optional listMembers', () => {
  const MEMBER_CHECKS = ['members-follow-membership', 'members-missing-group', 'members-deadline', 'members-rate-limited', 'members-paging'];
  const listOf = (ops: ProviderOperations): NonNullable<ProviderOperations['listMembers']> => {
    if (!ops.listMembers) throw new Error('the example provider lists members');
    return ops.listMembers;
  };
  const withoutListing = defineProvider({
    ...acmeSpec,
    type: 'acme-no-listing',
    create: (init) => {
      const { listMembers: _notOffered, ...ops } = acmeSpec.create(init);
      return ops;
    },
  });

  it('runs every member check against the example provider, which passes them', async () => {
    const results = await runConformance(acmeHarness());
    const members = results.filter((result) => MEMBER_CHECKS.includes(result.id));
    expect(members.map((result) => [result.id, result.passed])).toEqual(MEMBER_CHECKS.map((id) => [id, true]));
  });

  it('leaves the member checks out for a connector without listMembers, and says why when asked to run one', async () => {
    const results = await runConformance(acmeHarness(withoutListing));
    expect(results.filter((result) => !result.passed)).toEqual([]);
    expect(results.map((result) => result.id)).toContain('membership-idempotent');
    expect(results.map((result) => result.id).filter((id) => id.startsWith('members-'))).toEqual([]);
    const check = ALL_CHECKS.find((candidate) => candidate.id === 'members-follow-membership');
    if (!check) throw new Error('no members-follow-membership check');
    expect(await runCheck(acmeHarness(withoutListing), check)).toEqual({ outcome: 'not_applicable', reason: 'the connector has no listMembers (an optional operation)' });
  });

  it('leaves the paging check out for a fixture without pageMembers', async () => {
    const base = acmeHarness();
    const results = await runConformance({
      ...base,
      async setup() {
        const { pageMembers: _one, ...fixture } = await base.setup();
        return fixture;
      },
    });
    expect(results.map((result) => result.id).filter((id) => id.startsWith('members-'))).toEqual(MEMBER_CHECKS.filter((id) => id !== 'members-paging'));
    expect(results.filter((result) => !result.passed)).toEqual([]);
  });

  it('fails a provider that lists a deleted group as empty', async () => {
    const failed = await failedChecks(
      broken('lists-deleted-as-empty', (ops) => ({
        listMembers: (ctx, group, cursor) =>
          listOf(ops)(ctx, group, cursor).catch((error: unknown) => {
            if (isConnectorError(error) && error.kind === 'not_found') return { members: [] };
            throw error;
          }),
      })),
    );
    expect(failed['members-missing-group']).toMatch(/^listMembers of a group that does not exist answered \{"members":\[\]\}: a deleted group must be an error/);
  });

  it('fails a provider that reports a deleted group as a plain not_found, without group_not_found', async () => {
    const failed = await failedChecks(
      broken('deleted-group-any-404', (ops) => ({
        listMembers: (ctx, group, cursor) =>
          listOf(ops)(ctx, group, cursor).catch((error: unknown) => {
            throw isConnectorError(error) && error.code === 'group_not_found' ? new TransientError('gone', { code: 'unexpected_error' }) : error;
          }),
      })),
    );
    expect(failed['members-missing-group']).toMatch(/expected kind "not_found", got "transient"/);
  });

  it('fails a provider that lists members by another id than resolveIdentity gives', async () => {
    const failed = await failedChecks(
      broken('lists-logins', (ops) => ({
        listMembers: async (ctx, group, cursor) => {
          const page = await listOf(ops)(ctx, group, cursor);
          return { ...page, members: page.members.map((member) => ({ ...member, id: member.login ?? member.id })) };
        },
      })),
    );
    expect(failed['members-follow-membership']).toMatch(/^after add, listMembers must list the user once, by the id resolveIdentity gave \("u1"\).*it listed \["ada"\] in 1 page\(s\)/);
  });

  it('fails a provider that still lists a removed member', async () => {
    let remembered: Awaited<ReturnType<NonNullable<ProviderOperations['listMembers']>>> | undefined;
    const failed = await failedChecks(
      broken('stale-listing', (ops) => ({
        listMembers: async (ctx, group, cursor) => {
          const page = await listOf(ops)(ctx, group, cursor);
          if (page.members.length > 0) remembered = page;
          return page.members.length === 0 && remembered ? remembered : page;
        },
      })),
    );
    expect(failed['members-follow-membership']).toMatch(/^after remove, listMembers must not list the user \("u1"\)/);
  });

  it('fails a provider that stops after the first page', async () => {
    const failed = await failedChecks(
      broken('first-page-only', (ops) => ({
        listMembers: async (ctx, group, cursor) => ({ members: (await listOf(ops)(ctx, group, cursor)).members }),
      })),
    );
    expect(failed['members-paging']).toMatch(/with the directory answering one member a page, 2 members came in 1 page\(s\)/);
    expect(failed['members-follow-membership']).toBeUndefined();
  });

  it('fails a provider whose cursors go round in circles', async () => {
    const failed = await failedChecks(
      broken('cursor-cycle', () => ({
        listMembers: async (_ctx, _group, cursor) => ({ members: [], nextCursor: cursor === 'a' ? 'b' : 'a' }),
      })),
    );
    expect(failed['members-follow-membership']).toMatch(/^listMembers before add: page 3 gave a cursor an earlier page already gave/);
  });

  it('fails a provider that reports a rate limit on the listing as transient', async () => {
    const failed = await failedChecks(
      broken('list-429-as-transient', (ops) => ({
        listMembers: (ctx, group, cursor) =>
          listOf(ops)(ctx, group, cursor).catch((error: unknown) => {
            throw isConnectorError(error) && error.kind === 'rate_limited' ? new TransientError('busy') : error;
          }),
      })),
    );
    expect(failed['members-rate-limited']).toMatch(/^listMembers: expected kind "rate_limited" for shape "429 Retry-After seconds", got "transient"/);
  });

  it('leak-checks what listMembers returns', async () => {
    const failed = await failedChecks(
      broken('lists-token', (ops, secrets) => ({
        listMembers: async (ctx, group, cursor) => {
          const page = await listOf(ops)(ctx, group, cursor);
          return { ...page, members: page.members.map((member) => ({ ...member, displayName: `via ${secrets.apiToken}` })) };
        },
      })),
    );
    expect(failed['members-follow-membership']).toMatch(/secret "apiToken" appeared in listMembers result/);
  });

  it('fails a provider whose listing does not follow the signal, within the documented bound', async () => {
    const deaf = broken('list-ignores-signal', (ops) => ({
      listMembers: (ctx, group, cursor) => listOf(ops)({ ...ctx, signal: new AbortController().signal }, group, cursor),
    }));
    const check = ALL_CHECKS.find((candidate) => candidate.id === 'members-deadline');
    if (!check) throw new Error('no members-deadline check');
    await expect(runCheck(acmeHarness(deaf), check)).rejects.toThrow(/^listMembers was still running 5000 ms after its deadline passed during a request that got no answer: hand ctx.signal/);
  }, 20_000);
});
