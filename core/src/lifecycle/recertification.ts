import { commentBestEffort } from '../decisions/jira-sync.js';
import { currentGovernance } from '../governance/current.js';
import type { Grant } from '../grants/grant.js';
import { DAY_MS, HOUR_MS } from '../ports/clock.js';
import { pageRequest, put } from '../ports/store.js';
import type { CoreDeps } from '../shared/deps.js';
import { transact } from '../shared/transact.js';

/** A recertification stuck in `opening` this long (a crash between Jira and our commit) is tried again. */
const STUCK_OPENING_MS = HOUR_MS;

function recertSummary(grant: Grant, toolName: string): { summary: string; description: string } {
  const expires = new Date(grant.expiresAt).toISOString().slice(0, 10);
  return {
    summary: `Review access: ${toolName} for ${grant.requesterAccountId} (expires ${expires})`,
    description:
      `Clearway grant ${grant.id} (from ${grant.issueKey}) gives ${grant.requesterAccountId} access to ${toolName} until ${expires}. ` +
      'Decide whether it is still needed: extend it from Clearway, or let it expire.',
  };
}

/**
 * Opens a review-before-expiry issue, once per term, for each active grant entering the review
 * window. The grant is marked `opening` before the Jira call and `opened` with the issue key after
 * it, so a second sweep never opens a second issue for the same term; an extension clears the
 * mark (`extendGrant`), so the new term is reviewed before its own end.
 */
export async function openRecertifications(deps: CoreDeps, options: { limit?: number } = {}): Promise<{ opened: number; skipped?: string }> {
  const { rules } = await currentGovernance(deps.store);
  const projectKey = rules.intake.projectKey;
  const issueTypeId = rules.intake.recertIssueTypeId;
  if (!projectKey || !issueTypeId) return { opened: 0, skipped: 'no intake project or review issue type is configured' };
  const horizon = deps.clock.now() + rules.reviewWindowDays * DAY_MS;
  const due = await deps.store.query('grant', 'awaitingReview', { partition: [], range: { lte: horizon }, ...pageRequest(options, 50) });
  const stuck = await deps.store.query('grant', 'byStatus', { partition: ['active'], range: { lte: horizon }, limit: 100 });
  const retry = stuck.items.filter((grant) => grant.recertification?.state === 'opening' && grant.recertification.at < deps.clock.now() - STUCK_OPENING_MS);
  let opened = 0;
  for (const candidate of [...due.items, ...retry]) {
    const reserved = await transact(deps, async () => {
      const grant = await deps.store.get('grant', candidate.id);
      const reopening = grant?.recertification?.state === 'opening' && grant.recertification.at < deps.clock.now() - STUCK_OPENING_MS;
      if (!grant || grant.status !== 'active' || (grant.recertification && !reopening)) return { writes: [], audit: [], result: undefined };
      const marked: Grant = { ...grant, recertification: { state: 'opening', at: deps.clock.now() }, updatedAt: deps.clock.now() };
      return { writes: [put('grant', marked)], audit: [], result: { ...marked, version: marked.version + 1 } };
    });
    if (!reserved) continue;
    const tool = await deps.store.get('tool', reserved.toolId);
    let issueKey: string;
    try {
      issueKey = (await deps.jira.createIssue({ projectKey, issueTypeId, ...recertSummary(reserved, tool?.name ?? reserved.toolId) })).key;
    } catch (error) {
      deps.logger.warn('Could not open a recertification issue', { grantId: reserved.id, error: error instanceof Error ? error.message : String(error) });
      await transact(deps, async () => {
        const grant = await deps.store.get('grant', reserved.id);
        if (!grant || grant.recertification?.state !== 'opening') return { writes: [], audit: [], result: undefined };
        const { recertification: _undo, ...rest } = grant;
        return { writes: [put('grant', rest)], audit: [], result: undefined };
      });
      continue;
    }
    const current = await transact(deps, async () => {
      const grant = await deps.store.get('grant', reserved.id);
      if (!grant) return { writes: [], audit: [], result: true };
      const refs = { grantId: grant.id, requestId: grant.requestId, toolId: grant.toolId, issueKey };
      // Extended (or ended) while Jira was creating the issue: the issue reviews a term that is over.
      const sameTerm = grant.recertification?.state === 'opening' && grant.expiresAt === reserved.expiresAt && grant.status === 'active';
      if (!sameTerm) {
        return { writes: [], audit: [{ actor: 'clearway:system', type: 'grant.recertification_opened', refs, data: { expiresAt: reserved.expiresAt, reviewWindowDays: rules.reviewWindowDays, superseded: true } }], result: false };
      }
      return {
        writes: [put('grant', { ...grant, recertification: { state: 'opened', issueKey, at: deps.clock.now() }, updatedAt: deps.clock.now() })],
        audit: [{ actor: 'clearway:system', type: 'grant.recertification_opened', refs, data: { expiresAt: grant.expiresAt, reviewWindowDays: rules.reviewWindowDays } }],
        result: true,
      };
    });
    if (!current) await commentBestEffort(deps, issueKey, 'This grant changed while the review was being opened (extended or ended); this review is settled. An extended term gets its own review before its new end date.', { audience: 'internal' });
    opened += 1;
  }
  return { opened };
}
