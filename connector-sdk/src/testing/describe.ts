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
      it(check.title, () => runCheck(harness, check), options.timeoutMs ?? 20_000);
    }
  });
}
