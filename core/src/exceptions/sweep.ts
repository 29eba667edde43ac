import { currentGovernance } from '../governance/current.js';
import type { GovernanceRules } from '../governance/policy.js';
import { deprovisionAtEnd, grantTransition } from '../grants/grant-service.js';
import { canTransition } from '../grants/lifecycle.js';
import { DAY_MS, HOUR_MS } from '../ports/clock.js';
import { put } from '../ports/store.js';
import type { CoreDeps } from '../shared/deps.js';
import { transact } from '../shared/transact.js';
import { closeException } from './close.js';
import type { AccessException } from './exception.js';

/** A review issue stuck in `opening` this long (a crash between Jira and our commit) is opened again. */
const STUCK_OPENING_MS = HOUR_MS;

/** What a grant ended by a missed review records as its reason. */
export const EXCEPTION_LAPSED = 'exception_lapsed';

export interface ExceptionSweepReport {
  readonly reviewsDue: number;
  readonly lapsed: number;
}

/**
 * For each open exception whose review is due: note it (with a review issue in the intake project
 * when one is configured), once per review; and when the review is `lapseAfterDays` overdue,
 * revoke the grant so the access really ends. Paged and idempotent like every sweep.
 */
export async function sweepExceptions(deps: CoreDeps, options: { limit?: number } = {}): Promise<ExceptionSweepReport> {
  const { rules } = await currentGovernance(deps.store);
  const now = deps.clock.now();
  const due = await deps.store.query('exception', 'open', { partition: [], range: { lte: now }, limit: options.limit ?? 50 });
  let reviewsDue = 0;
  let lapsed = 0;
  for (const exception of due.items) {
    if (now >= lapsesAt(exception, rules)) {
      if (await lapse(deps, exception.id, rules)) lapsed += 1;
    } else if (!exception.reviewIssue || (exception.reviewIssue.state === 'opening' && exception.reviewIssue.at < now - STUCK_OPENING_MS)) {
      if (await noteReviewDue(deps, exception.id, rules)) reviewsDue += 1;
    }
  }
  return { reviewsDue, lapsed };
}

/** When an exception ends unless someone reviews it. */
export function lapsesAt(exception: Pick<AccessException, 'nextReviewAt'>, rules: GovernanceRules): number {
  return exception.nextReviewAt + rules.exceptions.lapseAfterDays * DAY_MS;
}

async function lapse(deps: CoreDeps, id: string, rules: GovernanceRules): Promise<boolean> {
  return transact(deps, async () => {
    const exception = await deps.store.get('exception', id);
    const now = deps.clock.now();
    // Reviewed (or closed) since the sweep read it: nothing lapses.
    if (exception?.state !== 'open' || now < lapsesAt(exception, rules)) return { writes: [], audit: [], result: false };
    const grant = await deps.store.get('grant', exception.grantId);
    if (!grant || !canTransition(grant, 'revoke')) {
      // The grant ended without closing its exception (a record written before exceptions closed with their grants).
      const closed = await closeException(deps, { ...exception, id: exception.grantId, exception: { reason: exception.reason, approvedBy: exception.approvedBy } }, grant?.status === 'expired' ? 'expired' : 'revoked', 'clearway:system', now);
      return { writes: closed.writes, audit: closed.audit, result: false };
    }
    const change = await grantTransition(
      deps,
      grant,
      'revoke',
      'clearway:system',
      { endedAt: now, endedBy: 'clearway:system', endReason: EXCEPTION_LAPSED, deprovision: deprovisionAtEnd(grant) },
      { rationale: `The exception's review was due ${new Date(exception.nextReviewAt).toISOString().slice(0, 10)} and no security reviewer reviewed it.` },
      { exceptionClosure: 'lapsed' },
    );
    return { writes: change.writes, audit: change.audit, result: true };
  });
}

async function noteReviewDue(deps: CoreDeps, id: string, rules: GovernanceRules): Promise<boolean> {
  const { projectKey, recertIssueTypeId: issueTypeId } = rules.intake;
  const reserved = await transact(deps, async () => {
    const exception = await deps.store.get('exception', id);
    const now = deps.clock.now();
    const stuck = exception?.reviewIssue?.state === 'opening' && exception.reviewIssue.at < now - STUCK_OPENING_MS;
    if (exception?.state !== 'open' || exception.nextReviewAt > now || (exception.reviewIssue && !stuck)) return { writes: [], audit: [], result: undefined };
    // Without an intake project there is no issue to open: the review is noted, and shows as due in Clearway.
    const marked: AccessException = { ...exception, reviewIssue: { state: projectKey && issueTypeId ? 'opening' : 'opened', at: now } };
    const audit = projectKey && issueTypeId ? [] : [reviewDueEvent(marked, rules)];
    return { writes: [put('exception', marked)], audit, result: { ...marked, version: marked.version + 1 } };
  });
  if (!reserved) return false;
  if (!projectKey || !issueTypeId) return true;
  let issueKey: string;
  try {
    issueKey = (await deps.jira.createIssue({ projectKey, issueTypeId, ...reviewIssueText(reserved, rules) })).key;
  } catch (error) {
    deps.logger.warn('Could not open an exception review issue', { grantId: reserved.grantId, error: error instanceof Error ? error.message : String(error) });
    await transact(deps, async () => {
      const exception = await deps.store.get('exception', id);
      if (exception?.reviewIssue?.state !== 'opening') return { writes: [], audit: [], result: undefined };
      const { reviewIssue: _undo, ...rest } = exception;
      return { writes: [put('exception', rest)], audit: [], result: undefined };
    });
    return false;
  }
  await transact(deps, async () => {
    const exception = await deps.store.get('exception', id);
    // Reviewed or closed while Jira created the issue: the review it asks for is settled; say so in the record.
    const settled = exception?.reviewIssue?.state !== 'opening' || exception.state !== 'open';
    const noted = reviewDueEvent(reserved, rules, issueKey);
    const event = settled ? { ...noted, data: { ...noted.data, superseded: true } } : noted;
    if (settled || !exception) return { writes: [], audit: [event], result: undefined };
    return { writes: [put('exception', { ...exception, reviewIssue: { state: 'opened', issueKey, at: deps.clock.now() } })], audit: [event], result: undefined };
  });
  return true;
}

function reviewDueEvent(exception: AccessException, rules: GovernanceRules, reviewIssueKey?: string) {
  return {
    actor: 'clearway:system',
    type: 'exception.review_due',
    refs: { grantId: exception.grantId, requestId: exception.requestId, toolId: exception.toolId, issueKey: reviewIssueKey ?? exception.issueKey },
    data: { nextReviewAt: exception.nextReviewAt, lapsesAt: lapsesAt(exception, rules), ...(reviewIssueKey !== undefined && { reviewIssue: reviewIssueKey }) },
  };
}

function reviewIssueText(exception: AccessException, rules: GovernanceRules): { summary: string; description: string } {
  const day = (at: number) => new Date(at).toISOString().slice(0, 10);
  const outside = exception.kinds
    .map((kind) => (kind === 'duration' ? `${exception.grantedDays} days where ${exception.allowedDays} are allowed` : 'a tool the catalog blocks'))
    .join(' and ');
  return {
    summary: `Review exception: ${exception.toolName} for ${exception.requesterAccountId} (due ${day(exception.nextReviewAt)})`,
    description:
      `Clearway grant ${exception.grantId} (from ${exception.issueKey}) gives ${exception.requesterAccountId} access to ${exception.toolName} outside the rules: ${outside}. ` +
      `Approved by ${exception.approvedBy} because: ${exception.reason} ` +
      `A security reviewer keeps it or ends it from Clearway (Governance, Exceptions) before ${day(lapsesAt(exception, rules))}; otherwise it lapses and access is revoked.`,
  };
}
