import { describe, expect, it } from 'vitest';
import type { ProviderOperations } from '../contract.js';
import { defineProvider } from '../define-provider.js';
import { AuthError, RateLimitedError, TransientError, isConnectorError } from '../errors.js';
import { acmeHarness } from '../test-support/acme-harness.js';
import { acmeSpec } from '../test-support/acme-provider.js';
import { describeProviderConformance } from './describe.js';
import { runConformance } from './run.js';

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
});
