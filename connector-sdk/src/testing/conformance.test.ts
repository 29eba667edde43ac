import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ProviderOperations } from '../contract.js';
import { defineProvider } from '../define-provider.js';
import { AuthError, RateLimitedError, TransientError, isConnectorError } from '../errors.js';
import { acmeHarness } from '../test-support/acme-harness.js';
import { acmeSpec } from '../test-support/acme-provider.js';
import { PROMPT_SETTLE_MS } from './checks-directory.js';
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

async function failedChecks(provider: ReturnType<typeof broken>) {
  const results = await runConformance(acmeHarness(provider));
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

  it('fails a provider that reports a 429 as transient', async () => {
    const failed = await failedChecks(
      broken('429-as-transient', (ops) => ({
        add: (ctx, group, identity) =>
          ops.add(ctx, group, identity).catch((error: unknown) => {
            throw isConnectorError(error) && error.kind === 'rate_limited' ? new TransientError('busy') : error;
          }),
      })),
    );
    expect(failed['rate-limited']).toMatch(/expected kind "rate_limited", got "transient"/);
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

  it('fails a provider that leaks part of its token in a log line', async () => {
    const failed = await failedChecks(
      broken('logs-token-prefix', (ops, secrets) => ({
        add: (ctx, group, identity) => {
          ctx.logger.debug(`adding with token ${secrets.apiToken?.slice(0, 14)}…`);
          return ops.add(ctx, group, identity);
        },
      })),
    );
    expect(failed['membership-idempotent']).toMatch(/secret "apiToken" appeared in log/);
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
    await expect(runCheck(acmeHarness(sleeper), check)).rejects.toThrow(/still running 5000 ms after a 429 asking for 120000 ms/);
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
    expect(failed['rate-limited-long-wait']).toMatch(/expected a ConnectorError of kind "rate_limited", but it succeeded/);
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
        create: (init) => create({ ...init, config: { baseUrl: init.config.baseUrl } }),
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
