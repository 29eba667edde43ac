import { describe, expect, it } from 'vitest';
import { ZERO_COUNTS } from '../src/invariants.js';
import { CI_OPTIONS, baselineOf } from '../src/options.js';
import { formatReport } from '../src/report.js';
import { runScenario } from '../src/scenario.js';


describe('the fulfillment engine in a hostile world (seeded CI run)', () => {
  it(
    'ends with every grant where the simulator says it is: nothing lost, nothing wrongly active or left behind, nothing applied twice, no terminal failure from a transient fault, the chain intact',
    async () => {
      const log = (line: string) => process.stderr.write(`  [chaos] ${line}\n`);
      const result = await runScenario(CI_OPTIONS, log);
      const baseline = await runScenario(baselineOf(CI_OPTIONS), log);
      process.stderr.write(`\n${formatReport(result, baseline)}\n`);

      // The run really was hostile: faults of every kind, kills, revokes and expiries mid-flight.
      expect(result.faultsInjected).toBeGreaterThan(50);
      expect(Object.keys(result.faults).some((label) => label.startsWith('rate_limited:huge'))).toBe(true);
      expect(result.workerProcesses.kills).toBeGreaterThan(0);
      expect(result.actions.revoked).toBeGreaterThan(0);
      expect(result.actions.clockJumps).toBe(CI_OPTIONS.clockJumps);

      // Counts and the grants behind them together, so a failure shows both.
      expect({ counts: result.endState.counts, examples: result.endState.examples }).toEqual({ counts: ZERO_COUNTS, examples: {} });
      expect(result.settled).toBe(true);
      expect({ counts: baseline.endState.counts, examples: baseline.endState.examples }).toEqual({ counts: ZERO_COUNTS, examples: {} });
      expect(baseline.endState.grantsByStatus).toEqual({ active: baseline.grants });
    },
    8 * 60_000,
  );
});
