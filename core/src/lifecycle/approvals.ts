import { commentBestEffort } from '../decisions/jira-sync.js';
import { currentGovernance } from '../governance/current.js';
import { DAY_MS, HOUR_MS } from '../ports/clock.js';
import { pageRequest, put, remove, type Write } from '../ports/store.js';
import { openClaimId, toolKeyOf } from '../requests/claims.js';
import type { CoreDeps } from '../shared/deps.js';
import { transact } from '../shared/transact.js';

/**
 * Pending requests past the approval SLA get an escalation: recorded once per request, audited,
 * and commented on the issue naming the escalation contacts.
 */
export async function escalateOverdueApprovals(deps: CoreDeps, options: { limit?: number } = {}): Promise<{ escalated: number }> {
  const { rules } = await currentGovernance(deps.store);
  const cutoff = deps.clock.now() - rules.escalation.approvalSlaHours * HOUR_MS;
  const page = await deps.store.query('request', 'awaitingEscalation', { partition: [], range: { lte: cutoff }, ...pageRequest(options, 50) });
  let escalated = 0;
  for (const candidate of page.items) {
    const done = await transact(deps, async () => {
      const request = await deps.store.get('request', candidate.id);
      if (!request || request.status !== 'pending' || request.escalatedAt !== undefined) return { writes: [], audit: [], result: undefined };
      const now = deps.clock.now();
      return {
        writes: [put('request', { ...request, escalatedAt: now, updatedAt: now })],
        audit: [{ actor: 'clearway:system', type: 'request.escalated', refs: { requestId: request.id, issueKey: request.issueKey }, data: { slaHours: rules.escalation.approvalSlaHours, escalateTo: rules.escalation.escalateTo, waitingHours: Math.floor((now - request.createdAt) / HOUR_MS) } }],
        result: request,
      };
    });
    if (!done) continue;
    escalated += 1;
    const contacts = rules.escalation.escalateTo.length > 0 ? ` Escalated to: ${rules.escalation.escalateTo.join(', ')}.` : '';
    await commentBestEffort(deps, done.issueKey, `This access request has waited more than ${rules.escalation.approvalSlaHours} hours for a decision.${contacts}`);
  }
  return { escalated };
}

/** Pending requests nobody decided within the stale period expire, and the requester may ask again. */
export async function expireStaleRequests(deps: CoreDeps, options: { limit?: number } = {}): Promise<{ expired: number }> {
  const { rules } = await currentGovernance(deps.store);
  const cutoff = deps.clock.now() - rules.stalePendingDays * DAY_MS;
  const page = await deps.store.query('request', 'byStatus', { partition: ['pending'], range: { lte: cutoff }, ...pageRequest(options, 50) });
  let expired = 0;
  for (const candidate of page.items) {
    const done = await transact(deps, async () => {
      const request = await deps.store.get('request', candidate.id);
      if (!request || request.status !== 'pending') return { writes: [], audit: [], result: undefined };
      const now = deps.clock.now();
      const claim = await deps.store.get('claim', openClaimId(request.requesterAccountId, toolKeyOf(request)));
      const writes: Write[] = [put('request', { ...request, status: 'expired', updatedAt: now })];
      if (claim?.requestId === request.id) writes.push(remove('claim', claim));
      return {
        writes,
        audit: [{ actor: 'clearway:system', type: 'request.expired', refs: { requestId: request.id, issueKey: request.issueKey }, data: { stalePendingDays: rules.stalePendingDays } }],
        result: request,
      };
    });
    if (!done) continue;
    expired += 1;
    await commentBestEffort(deps, done.issueKey, `No decision was made within ${rules.stalePendingDays} days, so this request has expired. Submit a new request if access is still needed.`);
  }
  return { expired };
}

