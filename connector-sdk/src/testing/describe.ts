import { describe, it } from 'vitest';
import type { ConformanceHarness } from './harness.js';
import { applicableChecks, runCheck } from './run.js';

/**
 * Registers the conformance suite for a provider as vitest tests, one per applicable check:
 *
 *   describeProviderConformance({ provider: myProvider, setup: () => makeFixture() });
 */
export function describeProviderConformance(harness: ConformanceHarness, options: { timeoutMs?: number } = {}): void {
  describe(`${harness.provider.type} provider conformance`, () => {
    for (const check of applicableChecks(harness)) {
      it(
        check.title,
        async (context) => {
          const run = await runCheck(harness, check);
          // Shown as skipped, with the reason: a check that did not run has not passed.
          if (run.outcome === 'not_applicable') context.skip(run.reason);
        },
        options.timeoutMs ?? 20_000,
      );
    }
  });
}
