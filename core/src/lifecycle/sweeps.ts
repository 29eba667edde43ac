import { sweepExceptions } from '../exceptions/sweep.js';
import type { CoreDeps } from '../shared/deps.js';
import { escalateOverdueApprovals, expireStaleRequests } from './approvals.js';
import { scheduleDriftChecks } from './drift.js';
import { expireDueGrants } from './expiry.js';
import { rollUpInsights } from './insights.js';
import { hasWorkIssues } from '../work-linked/deps.js';
import { sweepWorkLinked } from '../work-linked/sweep.js';
import { openRecertifications } from './recertification.js';
import { applyRetention } from './retention.js';

export interface SweepReport {
  readonly expiredGrants: number;
  readonly recertificationsOpened: number;
  readonly exceptionReviewsDue: number;
  readonly exceptionsLapsed: number;
  readonly escalated: number;
  readonly staleRequestsExpired: number;
  readonly driftChecksQueued: number;
  readonly auditPruned: number;
  readonly identitiesPruned: number;
  /** Work-linked access: issues compared with their links, links started and ended (absent where it does not run). */
  readonly workLinked?: { readonly issuesChecked: number; readonly started: number; readonly ended: number };
  readonly insightsRefreshed: readonly string[];
  /** Sweeps not reached before the deadline; the next run does them. */
  readonly deferred: readonly string[];
  readonly notes: readonly string[];
}

/**
 * Every lifecycle sweep in one pass, most urgent first, each idempotent and paged. Stops
 * starting sweeps once the deadline is near (Forge triggers are limited to 5 per app, so the
 * app runs them together on one schedule).
 */
export async function runLifecycleSweeps(deps: CoreDeps, options: { deadline: number; minimumMs?: number }): Promise<SweepReport> {
  const report: { -readonly [K in keyof SweepReport]: SweepReport[K] } & { insightsRefreshed: string[]; deferred: string[]; notes: string[] } = { expiredGrants: 0, recertificationsOpened: 0, exceptionReviewsDue: 0, exceptionsLapsed: 0, escalated: 0, staleRequestsExpired: 0, driftChecksQueued: 0, auditPruned: 0, identitiesPruned: 0, insightsRefreshed: [] as string[], deferred: [] as string[], notes: [] as string[] };
  const minimum = options.minimumMs ?? 5_000;
  const steps: Array<[string, () => Promise<void>]> = [
    // First: work that ended must lose its access before anything else is looked at.
    ...(hasWorkIssues(deps)
      ? [['work-linked', async () => {
          const result = await sweepWorkLinked(deps, { deadline: options.deadline - minimum });
          report.workLinked = { issuesChecked: result.issuesChecked, started: result.started, ended: result.ended };
          if (result.deferred) report.notes.push('work-linked: the deadline came before every issue was checked; the next sweep goes on');
        }] as [string, () => Promise<void>]]
      : []),
    ['expiry', async () => void (report.expiredGrants = (await expireDueGrants(deps)).expired)],
    ['recertification', async () => {
      const result = await openRecertifications(deps);
      report.recertificationsOpened = result.opened;
      if (result.skipped) report.notes.push(`recertification: ${result.skipped}`);
    }],
    ['exceptions', async () => {
      const result = await sweepExceptions(deps);
      report.exceptionReviewsDue = result.reviewsDue;
      report.exceptionsLapsed = result.lapsed;
    }],
    ['escalation', async () => void (report.escalated = (await escalateOverdueApprovals(deps)).escalated)],
    ['stale requests', async () => void (report.staleRequestsExpired = (await expireStaleRequests(deps)).expired)],
    ['drift', async () => void (report.driftChecksQueued = (await scheduleDriftChecks(deps)).queued)],
    ['retention', async () => {
      const result = await applyRetention(deps);
      report.auditPruned = result.auditPruned;
      report.identitiesPruned = result.identitiesPruned;
    }],
    // Folds in the audit events since the last run: the days that ended meanwhile, then today.
    ['insights', async () => void report.insightsRefreshed.push(...(await rollUpInsights(deps, { deadline: options.deadline - minimum })).days)],
  ];
  for (const [name, run] of steps) {
    if (deps.clock.now() + minimum >= options.deadline) {
      report.deferred.push(name);
      continue;
    }
    await run();
  }
  return report;
}
