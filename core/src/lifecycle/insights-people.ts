/**
 * People insights for a period: who asks most, how long each approver takes to decide, and which
 * grants keep being extended. Read from the request and grant indexes (bounded); the daily rows
 * hold counts, not people.
 */
import type { Grant } from '../grants/grant.js';
import { DAY_MS } from '../ports/clock.js';
import type { AccessRequest } from '../requests/request.js';
import type { CoreDeps } from '../shared/deps.js';
import { countIndex, type BoundedCount } from './insights-live.js';

/** Rows each list shows. */
export const PEOPLE_TOP = 10;
/** Records read per list before it says it is partial. */
export const PEOPLE_READ_CAP = 1_000;
/** A grant lives at most 180 days plus a 7-day grace: one extended in the period was created no earlier. */
const GRANT_LIFETIME_MS = (180 + 7) * DAY_MS;

export interface PeopleInsights {
  readonly from: number;
  readonly to: number;
  /** Requests submitted in the period, by requester, most first. */
  readonly topRequesters: ReadonlyArray<{ readonly accountId: string; readonly name?: string; readonly requests: number }>;
  /** Human decisions (single or bulk) on requests submitted in the period: submitted → decided, per approver. */
  readonly approvers: ReadonlyArray<{ readonly accountId: string; readonly decisions: number; readonly medianMs: number }>;
  /** Grants extended twice or more, with an extension in the period, most extended first. */
  readonly repeatExtensions: ReadonlyArray<{ readonly grantId: string; readonly accountId: string; readonly toolId: string; readonly extensions: number }>;
  readonly requestsRead: BoundedCount;
  readonly grantsRead: BoundedCount;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** The people figures of requests and grants already read (pure). */
export function peopleInsights(requests: readonly AccessRequest[], grants: readonly Grant[], period: { readonly from: number; readonly to: number }): Pick<PeopleInsights, 'topRequesters' | 'approvers' | 'repeatExtensions'> {
  const inPeriod = (at: number) => at >= period.from && at < period.to;
  const requesters = new Map<string, { accountId: string; name?: string; requests: number }>();
  const decisionTimes = new Map<string, number[]>();
  for (const request of requests) {
    if (!inPeriod(request.createdAt)) continue;
    const requester = requesters.get(request.requesterAccountId) ?? { accountId: request.requesterAccountId, ...(request.requesterName !== undefined && { name: request.requesterName }), requests: 0 };
    requester.requests += 1;
    requesters.set(request.requesterAccountId, requester);
    const decision = request.decision;
    // Auto-approvals are the policy's, not a person's: they would flatter every median.
    if (decision && decision.source !== 'auto') decisionTimes.set(decision.decidedBy, [...(decisionTimes.get(decision.decidedBy) ?? []), Math.max(0, decision.decidedAt - request.createdAt)]);
  }
  const byCount = <T>(count: (item: T) => number, key: (item: T) => string) => (a: T, b: T) => count(b) - count(a) || key(a).localeCompare(key(b));
  return {
    topRequesters: [...requesters.values()].sort(byCount((row) => row.requests, (row) => row.accountId)).slice(0, PEOPLE_TOP),
    approvers: [...decisionTimes]
      .map(([accountId, times]) => ({ accountId, decisions: times.length, medianMs: median(times) }))
      .sort(byCount((row) => row.decisions, (row) => row.accountId))
      .slice(0, PEOPLE_TOP),
    repeatExtensions: grants
      .filter((grant) => grant.extensions.length >= 2 && grant.extensions.some((extension) => inPeriod(extension.extendedAt)))
      .map((grant) => ({ grantId: grant.id, accountId: grant.requesterAccountId, toolId: grant.toolId, extensions: grant.extensions.length }))
      .sort(byCount((row) => row.extensions, (row) => row.grantId))
      .slice(0, PEOPLE_TOP),
  };
}

/** People insights for the `days` days up to now, from bounded reads of the request and grant indexes. */
export async function readPeopleInsights(deps: CoreDeps, options: { days: number; cap?: number }): Promise<PeopleInsights> {
  const to = deps.clock.now();
  const from = to - options.days * DAY_MS;
  const cap = options.cap ?? PEOPLE_READ_CAP;
  const requests: AccessRequest[] = [];
  const grants: Grant[] = [];
  const [requestsRead, grantsRead] = await Promise.all([
    countIndex(deps, 'request', 'all', { partition: [], range: { gte: from }, direction: 'desc' }, cap, (request) => requests.push(request)),
    countIndex(deps, 'grant', 'all', { partition: [], range: { gte: from - GRANT_LIFETIME_MS }, direction: 'desc' }, cap, (grant) => grants.push(grant)),
  ]);
  return { from, to, ...peopleInsights(requests, grants, { from, to: to + 1 }), requestsRead, grantsRead };
}
