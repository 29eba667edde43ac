/**
 * What the resolvers answer about exceptions (access approved outside a risk rule's bounds): the
 * bounds an approval of each pending request meets, and exceptions with what the caller may do
 * with them. Computed here, on the server, so the UI never restates a governance rule.
 */
import {
  approverVerdict,
  durationCap,
  exceptionApproverVerdict,
  exceptionKinds,
  listPendingForApprover,
  MAX_PAGE_SIZE,
  viewException,
  type AccessException,
  type AccessRequest,
  type Actor,
  type DurationCap,
  type ExceptionView,
  type GovernanceRules,
  type Page,
  type RiskLevel,
  type Tool,
  type ToolStatus,
} from '@clearway/core';
import type { ClearwayApp } from '../composition/app';
import type { Caller } from './caller';
import { readRecords, requestSummaries, type RequestSummary } from './views';

/** A page of the approval queue when the caller names no size. */
const PENDING_PAGE_SIZE = 50;

/** What governance allows when approving one pending request for a catalog tool, for the person looking. */
export interface ApprovalBounds {
  readonly riskLevel: RiskLevel;
  readonly toolStatus: ToolStatus;
  /** The most days an approval within the rules may give (the tool's maximum, or its risk rule's when lower). */
  readonly maxDays: number;
  readonly cappedBy: DurationCap['cappedBy'];
  /** Whether the caller may decide it within the rules (its approvers, security review, admin fallback). */
  readonly mayDecide: boolean;
  /**
   * Set when the caller may approve it as an exception (a security reviewer or their delegate, never
   * its requester): up to `maxDays`, reviewed every `reviewEveryDays`, lapsing `lapseAfterDays`
   * after a missed review, with at most `openLimit` open per tool of its risk level.
   */
  readonly exception?: { readonly maxDays: number; readonly reviewEveryDays: number; readonly lapseAfterDays: number; readonly openLimit: number };
}

/** A pending request as the approval queue shows it; no bounds for a request for a tool outside the catalog. */
export type PendingRequestSummary = RequestSummary & { readonly bounds?: ApprovalBounds };

/** An exception as the lists show it, and whether the caller may review it now (Keep / End). */
export type ExceptionSummary = ExceptionView & { readonly mayReview: boolean };

function approvalBounds(actor: Actor, request: AccessRequest, tool: Tool, rules: GovernanceRules, now: number): ApprovalBounds {
  const cap = durationCap(rules, tool);
  // A denied tool is never granted, exception or not.
  const exception = tool.status !== 'denied' && exceptionApproverVerdict(actor, request, rules, now).allowed;
  return {
    riskLevel: tool.riskLevel,
    toolStatus: tool.status,
    maxDays: cap.days,
    cappedBy: cap.cappedBy,
    mayDecide: approverVerdict(actor, request, tool.riskLevel, rules, now).allowed,
    ...(exception && {
      exception: {
        maxDays: rules.exceptions.maxDurationDays,
        reviewEveryDays: rules.exceptions.reviewEveryDays,
        lapseAfterDays: rules.exceptions.lapseAfterDays,
        openLimit: rules.exceptions.openLimits[tool.riskLevel],
      },
    }),
  };
}

/**
 * The caller's approval queue: what core routes to them, and for a security reviewer also the
 * requests that no one can approve within the rules as asked (a tool the catalog has blocked
 * since, a maximum lowered since), which only they can approve, as exceptions. The second read is
 * the same page of the same index, so paging follows core's cursor.
 */
async function pendingRequests(app: ClearwayApp, caller: Caller, page: { readonly limit?: number; readonly cursor?: string }): Promise<Page<AccessRequest>> {
  const [actor, reviewer, { rules }] = await Promise.all([caller.actor(), caller.isSecurityReviewer(), caller.governance()]);
  // Both reads take the same page size, so the page core's cursor ends is the page read here.
  const limit = Math.min(page.limit ?? PENDING_PAGE_SIZE, MAX_PAGE_SIZE);
  const routed = await listPendingForApprover(app.deps, actor, { ...page, limit });
  if (!reviewer) return routed;
  const { store, clock } = app.deps;
  const all = await store.query('request', 'byStatus', { partition: ['pending'], limit, ...(page.cursor !== undefined && { cursor: page.cursor }) });
  const tools = await readRecords(store, 'tool', all.items.map((request) => request.toolId));
  const listed = new Set(routed.items.map((request) => request.id));
  const now = clock.now();
  const needsException = (request: AccessRequest) => {
    const tool = request.toolId === undefined ? undefined : tools.get(request.toolId);
    return tool !== undefined && tool.status !== 'denied' && exceptionKinds(rules, tool, request.durationDays).length > 0 && exceptionApproverVerdict(actor, request, rules, now).allowed;
  };
  const items = all.items.filter((request) => listed.has(request.id) || needsException(request));
  // A request that arrived between the two reads is still listed as core routed it.
  const seen = new Set(items.map((request) => request.id));
  return { items: [...items, ...routed.items.filter((request) => !seen.has(request.id))], ...(routed.nextCursor !== undefined && { nextCursor: routed.nextCursor }) };
}

/** The approval queue's page, each request with the bounds an approval by the caller meets. */
export async function pendingRequestSummaries(app: ClearwayApp, caller: Caller, page: { readonly limit?: number; readonly cursor?: string }): Promise<Page<PendingRequestSummary>> {
  const requests = await pendingRequests(app, caller, page);
  const { store, clock } = app.deps;
  const [actor, { rules }, summaries, tools] = await Promise.all([
    caller.actor(),
    caller.governance(),
    requestSummaries(store, requests.items),
    readRecords(store, 'tool', requests.items.map((request) => request.toolId)),
  ]);
  const now = clock.now();
  const items = summaries.map((summary) => {
    const tool = summary.toolId === undefined ? undefined : tools.get(summary.toolId);
    return tool ? { ...summary, bounds: approvalBounds(actor, summary, tool, rules, now) } : summary;
  });
  return { items, ...(requests.nextCursor !== undefined && { nextCursor: requests.nextCursor }) };
}

function exceptionSummary(actor: Actor, rules: GovernanceRules, exception: AccessException, now: number): ExceptionSummary {
  return { ...viewException(exception, rules, now), mayReview: exception.state === 'open' && exceptionApproverVerdict(actor, exception, rules, now).allowed };
}

/** Exceptions as the lists show them: where each stands, and whether the caller may review it. */
export async function exceptionSummaries(caller: Caller, exceptions: readonly AccessException[], now: number): Promise<ExceptionSummary[]> {
  const [actor, { rules }] = await Promise.all([caller.actor(), caller.governance()]);
  return exceptions.map((exception) => exceptionSummary(actor, rules, exception, now));
}

/** One exception as the lists show it (after a review). */
export async function exceptionSummaryFor(caller: Caller, exception: AccessException, now: number): Promise<ExceptionSummary> {
  const [actor, { rules }] = await Promise.all([caller.actor(), caller.governance()]);
  return exceptionSummary(actor, rules, exception, now);
}
