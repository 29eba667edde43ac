import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CI_OPTIONS } from '../src/options.js';
import { findingLines, formatFindings, formatSize } from '../src/report.js';
import { runLifecycle } from '../src/scenario.js';

/** The summary with counts, beside the other test reports CI keeps (`.reports/` is not committed). */
const REPORTS = new URL('../../../.reports/', import.meta.url);

describe('the grant lifecycle over 110 simulated days (seeded CI run)', () => {
  it(
    'keeps every property after every sweep: ends, one review per term, identities, memberships and drift, daily insights, every call as the rules say, and the exceptions’ limits, closings, lapses, reviews and open lists',
    async () => {
      const log = (line: string) => process.stderr.write(`  [lifecycle] ${line}\n`);
      const result = await runLifecycle(CI_OPTIONS, log);
      process.stderr.write(`\n${formatSize(result)}\n\n${formatFindings(result)}\n`);
      mkdirSync(REPORTS, { recursive: true });
      writeFileSync(fileURLToPath(new URL('lifecycle.json', REPORTS)), `${JSON.stringify({ ranAt: new Date().toISOString(), ...result }, null, 2)}\n`);

      // The world really was that big and that varied: every kind of step happened.
      const { size } = result;
      expect(size.grants).toBeGreaterThan(250);
      expect(size.simulatedDays).toBeGreaterThanOrEqual(CI_OPTIONS.days);
      expect(size.clockJumps).toEqual(CI_OPTIONS.clockJumps);
      const quietDays = CI_OPTIONS.clockJumps.reduce((sum, days) => sum + days, 0);
      expect(size.sweeps).toBeGreaterThanOrEqual(4 * (CI_OPTIONS.days - quietDays - 1));
      const varieties = {
        reRequests: size.reRequests,
        denied: size.denied,
        burstSweeps: size.burstSweeps,
        edgeSweeps: size.edgeSweeps,
        ...size.extensions,
        revokesByApprover: size.revokes.byApprover,
        revokesByRequester: size.revokes.byRequester,
        renames: size.renames,
        ...size.outOfBand,
        manualTasksCompleted: size.manualTasksCompleted,
        refusalProbes: size.refusalProbes,
        recertificationIssues: size.recertificationIssues,
        exceptionsGranted: size.exceptions.granted,
        exceptionsRefusedByLimit: size.exceptions.refusedByLimit,
        exceptionsRefusedOutsideRules: size.exceptions.refusedOutsideRules,
        exceptionsKept: size.exceptions.kept,
        exceptionsEnded: size.exceptions.ended,
        exceptionsSkipped: size.exceptions.skipped,
        exceptionsLapsed: size.exceptions.closed.lapsed,
        exceptionsRevoked: size.exceptions.closed.revoked,
        exceptionReviewIssues: size.exceptions.reviewIssues,
        exceptionLimitChanges: size.exceptions.limitChanges,
        lapseEdgeSweeps: size.exceptions.lapseEdgeSweeps,
      };
      expect(Object.entries(varieties).filter(([, count]) => count === 0)).toEqual([]);

      // Every discrepancy on one line — property | day | grant or subject | what | detail — and none expected.
      expect(findingLines(result)).toEqual([]);
    },
    180_000,
  );
});
