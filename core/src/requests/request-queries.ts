import { approverVerdict } from '../decisions/approvers.js';
import { NotFoundError } from '../errors.js';
import { currentGovernance } from '../governance/current.js';
import { pageRequest, type Page } from '../ports/store.js';
import type { Actor, CoreDeps } from '../shared/deps.js';
import { issueClaimId } from './claims.js';
import type { AccessRequest } from './request.js';

export async function getRequest(deps: CoreDeps, requestId: string): Promise<AccessRequest> {
  const request = await deps.store.get('request', requestId);
  if (!request) throw new NotFoundError('Request', requestId);
  return request;
}

/** The request taken in from a Jira issue, if any (one per issue, found through its claim). */
export async function findRequestByIssue(deps: CoreDeps, issueKey: string): Promise<AccessRequest | undefined> {
  const claim = await deps.store.get('claim', issueClaimId(issueKey));
  return claim?.requestId ? deps.store.get('request', claim.requestId) : undefined;
}

/** Request History: the actor's own requests, newest first. */
export async function listMyRequests(deps: CoreDeps, actor: Actor, options: { limit?: number; cursor?: string } = {}): Promise<Page<AccessRequest>> {
  return deps.store.query('request', 'byRequester', {
    partition: [actor.accountId],
    direction: 'desc',
    ...pageRequest(options, 25),
  });
}

/**
 * The Approvals queue: pending requests, oldest first, that this actor may decide. Filtering
 * happens per page, so a page may hold fewer items than asked; `nextCursor` continues.
 */
export async function listPendingForApprover(deps: CoreDeps, actor: Actor, options: { limit?: number; cursor?: string } = {}): Promise<Page<AccessRequest>> {
  const [governance, page] = await Promise.all([
    currentGovernance(deps.store),
    deps.store.query('request', 'byStatus', { partition: ['pending'], ...pageRequest(options, 50) }),
  ]);
  const now = deps.clock.now();
  const toolIds = [...new Set(page.items.map((request) => request.toolId).filter((id): id is string => id !== undefined))];
  const tools = new Map((await Promise.all(toolIds.map((id) => deps.store.get('tool', id)))).flatMap((tool) => (tool ? [[tool.id, tool] as const] : [])));
  const items = page.items.filter((request) => approverVerdict(actor, request, tools.get(request.toolId ?? '')?.riskLevel ?? 'high', governance.rules, now).allowed);
  return { items, ...(page.nextCursor !== undefined && { nextCursor: page.nextCursor }) };
}

/** The admin Requests view: all requests, newest first, or those in one status. */
export async function listRequests(deps: CoreDeps, options: { status?: AccessRequest['status']; limit?: number; cursor?: string } = {}): Promise<Page<AccessRequest>> {
  const page = { direction: 'desc' as const, ...pageRequest(options, 50) };
  return options.status
    ? deps.store.query('request', 'byStatus', { partition: [options.status], ...page })
    : deps.store.query('request', 'all', { partition: [], ...page });
}
