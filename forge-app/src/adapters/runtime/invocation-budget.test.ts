import { describe, expect, it } from 'vitest';
import { forgeInvocationBudget } from './invocation-budget';

describe('forgeInvocationBudget', () => {
  it('asks the Forge runtime for the time left', () => {
    const runtime = globalThis as { __forge_runtime__?: unknown };
    runtime.__forge_runtime__ = { appContext: { appId: 'a', environmentId: 'e', installationId: 'i' }, lambdaContext: { getRemainingTimeInMillis: () => 1_234 } };
    try {
      expect(forgeInvocationBudget(25_000).remainingMs()).toBe(1_234);
    } finally {
      delete runtime.__forge_runtime__;
    }
  });

  it('falls back to the configured timeout where the runtime cannot tell', () => {
    expect(forgeInvocationBudget(25_000).remainingMs()).toBe(25_000);
  });
});
