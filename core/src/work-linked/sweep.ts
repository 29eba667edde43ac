import { enqueueJob, isOpenJob, jobsOfGrant } from '../fulfillment/jobs.js';
import { HOUR_MS } from '../ports/clock.js';
import { iterateQuery } from '../ports/store.js';
import type { WorkIssue } from '../ports/work-issues.js';
import type { WorkDeps } from './deps.js';
import { currentWorkPolicies } from './policy-service.js';
import { userFieldIdsOf } from './policy.js';
import { reconcileWorkIssue } from './reconcile.js';

export interface WorkSweepReport {
  readonly issuesChecked: number;
  readonly started: number;
  readonly ended: number;
  /** The deadline came before every issue was checked; the next sweep goes on. */
  readonly deferred: boolean;
  /** Membership checks queued for live work grants not checked within the hour. */
  readonly checksQueued: number;
}

const PAGE = 100;

/**
 * Compares all work-linked access with Jira and fixes drift: every live issue of every enabled
 * policy (JQL, in pages) gets its links, and every link still open whose issue was not among them
 * is checked against its issue as it is now (ids in batches of 100; one missing from the answer is
 * gone) — so a lost event, a policy changed or disabled, or a deadline passed ends or starts
 * access here. Stops before `deadline`.
 */
export async function sweepWorkLinked(deps: WorkDeps, options: { deadline?: number } = {}): Promise<WorkSweepReport> {
  const current = await currentWorkPolicies(deps.store);
  const enabled = current.policies.filter((policy) => policy.enabled);
  const fields = userFieldIdsOf(enabled);
  const seen = new Set<string>();
  const report = { issuesChecked: 0, started: 0, ended: 0, deferred: false, checksQueued: 0 };
  const timeLeft = () => options.deadline === undefined || deps.clock.now() < options.deadline;
  const check = async (issueId: string, observed: WorkIssue | null) => {
    seen.add(issueId);
    const outcome = await reconcileWorkIssue(deps, issueId, { observed });
    report.issuesChecked += 1;
    report.started += outcome.started;
    report.ended += outcome.ended;
  };

  for (const policy of enabled) {
    let nextPageToken: string | undefined;
    do {
      if (!timeLeft()) return { ...report, deferred: true };
      const page = await deps.issues.search(
        { kind: 'live', projectKey: policy.projectKey, issueTypeIds: policy.issueTypeIds, statusIds: policy.statusIds, categoryKeys: policy.categoryKeys },
        fields,
        { maxResults: PAGE, ...(nextPageToken !== undefined && { nextPageToken }) },
      );
      for (const issue of page.issues) if (!seen.has(issue.id)) await check(issue.id, issue);
      nextPageToken = page.nextPageToken;
    } while (nextPageToken !== undefined);
  }

  // One pass over the open links: the issues not seen yet, and the grants live links hold (checked last;
  // a grant whose link ends meanwhile is revoked by then, and the check skips it).
  const unseen = new Set<string>();
  const liveGrants = new Set<string>();
  for await (const link of iterateQuery(deps.store, 'workLink', 'open', { partition: [], limit: 100 })) {
    if (!seen.has(link.issueId)) unseen.add(link.issueId);
    if (link.state === 'live' && link.grantId !== undefined) liveGrants.add(link.grantId);
  }
  await checkIssues(deps, [...unseen], fields, check, timeLeft, report);
  if (!timeLeft()) return { ...report, deferred: true };
  report.checksQueued = await queueWorkGrantChecks(deps, liveGrants);
  return report;
}

async function checkIssues(
  deps: WorkDeps,
  unseen: readonly string[],
  fields: readonly string[],
  check: (issueId: string, observed: WorkIssue | null) => Promise<void>,
  timeLeft: () => boolean,
  report: { deferred: boolean },
): Promise<void> {
  for (let at = 0; at < unseen.length; at += PAGE) {
    if (!timeLeft()) {
      report.deferred = true;
      return;
    }
    const batch = unseen.slice(at, at + PAGE);
    const found = new Map<string, WorkIssue>();
    let nextPageToken: string | undefined;
    do {
      const page = await deps.issues.search({ kind: 'ids', issueIds: batch }, fields, { maxResults: PAGE, ...(nextPageToken !== undefined && { nextPageToken }) });
      for (const issue of page.issues) found.set(issue.id, issue);
      nextPageToken = page.nextPageToken;
    } while (nextPageToken !== undefined);
    for (const issueId of batch) await check(issueId, found.get(issueId) ?? null);
  }
}

/** How often a live work grant's membership is checked: its life is hours, not the days between ordinary drift checks. */
export const WORK_CHECK_INTERVAL_MS = HOUR_MS;

/**
 * Queues a membership check for each active work grant not checked within the hour, so a member
 * removed (or added) by hand is found while the work still runs; what the check then does with a
 * missing member is the governance policy's drift rule, as for every grant.
 */
async function queueWorkGrantChecks(deps: WorkDeps, grantIds: ReadonlySet<string>): Promise<number> {
  const now = deps.clock.now();
  let queued = 0;
  for (const grantId of grantIds) {
    const grant = await deps.store.get('grant', grantId);
    if (grant?.status !== 'active' || (grant.lastCheckedAt ?? grant.activatedAt ?? now) > now - WORK_CHECK_INTERVAL_MS) continue;
    if ((await jobsOfGrant(deps.store, grant.id)).some((job) => job.type === 'check' && isOpenJob(job))) continue;
    const { writes } = await enqueueJob(deps.store, 'check', grant, `work-check-${Math.floor(now / WORK_CHECK_INTERVAL_MS)}`, now);
    if (writes.length === 0) continue;
    // A job made meanwhile (another sweep, same hour) is the same job.
    await deps.store.commit(writes).catch(() => undefined);
    queued += 1;
  }
  return queued;
}
