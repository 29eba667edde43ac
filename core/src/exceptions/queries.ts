import { currentGovernance } from '../governance/current.js';
import type { GovernanceRules } from '../governance/policy.js';
import { DAY_MS } from '../ports/clock.js';
import { iterateQuery, pageRequest, type Page } from '../ports/store.js';
import type { CoreDeps } from '../shared/deps.js';
import { exceptionStanding, type AccessException, type ExceptionClosure, type ExceptionStanding } from './exception.js';
import { lapsesAt } from './sweep.js';

export interface ExceptionView extends AccessException {
  readonly standing: ExceptionStanding;
  /** When an open exception ends unless a security reviewer reviews it. */
  readonly lapsesAt?: number;
}

export function viewException(exception: AccessException, rules: GovernanceRules, now: number): ExceptionView {
  return { ...exception, standing: exceptionStanding(exception, now), ...(exception.state === 'open' && { lapsesAt: lapsesAt(exception, rules) }) };
}

/** Open exceptions, soonest review first; or every exception, newest first. */
export async function listExceptions(deps: CoreDeps, options: { state?: 'open' | 'all'; limit?: number; cursor?: string } = {}): Promise<Page<ExceptionView>> {
  const { rules } = await currentGovernance(deps.store);
  const page =
    options.state === 'all'
      ? await deps.store.query('exception', 'all', { partition: [], direction: 'desc', ...pageRequest(options, 50) })
      : await deps.store.query('exception', 'open', { partition: [], direction: 'asc', ...pageRequest(options, 50) });
  const now = deps.clock.now();
  return { ...page, items: page.items.map((exception) => viewException(exception, rules, now)) };
}

export interface ExceptionReport {
  readonly generatedAt: number;
  readonly open: number;
  readonly reviewDue: number;
  readonly reviewOverdue: number;
  /** Each tool with open exceptions, against the limit its risk level has today. */
  readonly byTool: ReadonlyArray<{ readonly toolId: string; readonly toolName: string; readonly riskLevel: AccessException['riskLevel']; readonly open: number; readonly limit: number }>;
  /** Exceptions approved, and closed by how, in the last 30 days. */
  readonly last30Days: { readonly granted: number; readonly closed: Readonly<Record<ExceptionClosure, number>> };
  /** True when more records existed than the report reads (the counts are then lower bounds). */
  readonly truncated: boolean;
}

/** How many records a report reads of each index: reports stay one invocation's work. */
const REPORT_READ_LIMIT = 1_000;

/** The exceptions report: what is open and where its reviews stand, per-tool use of the limits, and the last 30 days. */
export async function exceptionReport(deps: CoreDeps): Promise<ExceptionReport> {
  const { rules } = await currentGovernance(deps.store);
  const now = deps.clock.now();
  let open = 0;
  let reviewDue = 0;
  let reviewOverdue = 0;
  let truncated = false;
  const byTool = new Map<string, { toolId: string; toolName: string; riskLevel: AccessException['riskLevel']; open: number; limit: number }>();
  for await (const exception of iterateQuery(deps.store, 'exception', 'open', { partition: [], limit: 100 })) {
    if (open >= REPORT_READ_LIMIT) {
      truncated = true;
      break;
    }
    open += 1;
    const standing = exceptionStanding(exception, now);
    if (standing === 'review_due') reviewDue += 1;
    if (standing === 'review_overdue') reviewOverdue += 1;
    const tool = byTool.get(exception.toolId) ?? { toolId: exception.toolId, toolName: exception.toolName, riskLevel: exception.riskLevel, open: 0, limit: 0 };
    byTool.set(exception.toolId, { ...tool, open: tool.open + 1 });
  }
  // The limit that applies now is the tool's current risk level's.
  const rows = await Promise.all(
    [...byTool.values()].map(async (row) => {
      const tool = await deps.store.get('tool', row.toolId);
      const riskLevel = tool?.riskLevel ?? row.riskLevel;
      return { ...row, toolName: tool?.name ?? row.toolName, riskLevel, limit: rules.exceptions.openLimits[riskLevel] };
    }),
  );
  const since = now - 30 * DAY_MS;
  const closed: Record<ExceptionClosure, number> = { expired: 0, never_provisioned: 0, revoked: 0, ended_by_review: 0, lapsed: 0 };
  let granted = 0;
  let read = 0;
  for await (const exception of iterateQuery(deps.store, 'exception', 'all', { partition: [], direction: 'desc', limit: 100 })) {
    if (read >= REPORT_READ_LIMIT) {
      truncated = true;
      break;
    }
    read += 1;
    if (exception.approvedAt >= since) granted += 1;
    if (exception.closedAt !== undefined && exception.closedAt >= since && exception.closedHow) closed[exception.closedHow] += 1;
  }
  return { generatedAt: now, open, reviewDue, reviewOverdue, byTool: rows.sort((a, b) => b.open - a.open || a.toolName.localeCompare(b.toolName)), last30Days: { granted, closed }, truncated };
}
