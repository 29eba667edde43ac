import type { AuditEntry } from '../audit/event.js';
import { isRequestable, type Tool } from '../catalog/tool.js';
import { approvalChange } from '../decisions/approval.js';
import { currentGovernance } from '../governance/current.js';
import type { Grant, GrantWorkLink } from '../grants/grant.js';
import { deprovisionAtEnd, grantTransition } from '../grants/grant-service.js';
import { HOUR_MS, DAY_MS } from '../ports/clock.js';
import { put, type Write } from '../ports/store.js';
import type { WorkIssue } from '../ports/work-issues.js';
import { newClaim, openClaimId } from '../requests/claims.js';
import type { AccessRequest, Decision } from '../requests/request.js';
import type { CoreDeps } from '../shared/deps.js';
import { transact } from '../shared/transact.js';
import { WORK_ACTOR } from './deps.js';
import { END_REASON_TEXT, NON_REARMING_ENDS, workApprovalClaimId, workLinkId, type WorkEndReason, type WorkLink } from './link.js';
import { endsWhenText } from './notes.js';
import type { WorkLinkedPolicy } from './policy.js';

/** Grant states in which a work grant still gives (or is about to give) access, and may take more links. */
const HOLDING: ReadonlySet<Grant['status']> = new Set(['pending_provision', 'active', 'provision_failed']);

export type StartOutcome =
  | { readonly outcome: 'started'; readonly tool: Tool; readonly deadline: number }
  | { readonly outcome: 'covered'; readonly tool: Tool; readonly deadline: number }
  | { readonly outcome: 'awaiting'; readonly tool: Tool; readonly deadline: number; readonly requestId: string }
  | { readonly outcome: 'ended'; readonly tool: Tool; readonly reason: WorkEndReason }
  | { readonly outcome: 'unchanged'; readonly why?: string };

export interface StartInput {
  readonly policy: WorkLinkedPolicy;
  readonly policyVersion: number;
  readonly issue: WorkIssue;
  readonly accountId: string;
  /** The link's version as the caller read it (0: none): a link that moved since is left to whoever moved it. */
  readonly seenVersion: number;
}

function linkFields(input: StartInput, now: number) {
  return {
    id: workLinkId(input.policy.id, input.issue.id, input.accountId),
    policyId: input.policy.id,
    policyVersion: input.policyVersion,
    issueId: input.issue.id,
    issueKey: input.issue.key,
    projectKey: input.issue.projectKey,
    accountId: input.accountId,
    ...(input.issue.people?.[input.accountId]?.displayName !== undefined && { displayName: input.issue.people[input.accountId]!.displayName }),
    toolId: input.policy.toolId,
    updatedAt: now,
  };
}

const linkRefs = (link: Pick<WorkLink, 'issueKey' | 'toolId'>, extra: Record<string, string | undefined> = {}) =>
  Object.fromEntries(Object.entries({ issueKey: link.issueKey, toolId: link.toolId, ...extra }).filter((entry): entry is [string, string] => entry[1] !== undefined));

/**
 * Starts (or re-starts) one user's link to one live issue, atomically: under an approver policy
 * it first needs the issue's approval (asked once per issue); then it joins the user's live work
 * grant for the tool, is covered by an ordinary grant or request they already hold, or makes a
 * request decided by the policy (source `work`) and a grant, fulfilled like any other.
 */
export async function startLink(deps: CoreDeps, input: StartInput): Promise<StartOutcome> {
  return transact<StartOutcome>(deps, async () => {
    const { policy, issue, accountId } = input;
    const now = deps.clock.now();
    const fields = linkFields(input, now);
    const existing = await deps.store.get('workLink', fields.id);
    if ((existing?.version ?? 0) !== input.seenVersion || existing?.state === 'live') return { writes: [], audit: [], result: { outcome: 'unchanged' } };
    const tool = await deps.store.get('tool', policy.toolId);
    if (!tool || !isRequestable(tool)) {
      deps.logger.warn('A work-linked access policy names a tool that cannot be granted now; no access was given', { policyId: policy.id, toolId: policy.toolId, issueKey: issue.key });
      return { writes: [], audit: [], result: { outcome: 'unchanged', why: 'tool not requestable' } };
    }
    // A covered or awaiting link keeps its start (and so its deadline); a new or re-armed one starts now.
    const startedAt = existing && existing.state !== 'ended' ? existing.startedAt : now;
    const deadline = startedAt + policy.maxDurationHours * HOUR_MS;
    const base = { ...fields, version: existing?.version ?? 0, startedAt, deadline, rearmed: true };
    const governance = await currentGovernance(deps.store);
    let approvedBy: string | undefined;

    if (policy.approval === 'approver') {
      const claimId = workApprovalClaimId(policy.id, issue.id);
      const claim = await deps.store.get('claim', claimId);
      const asked = claim?.requestId === undefined ? undefined : await deps.store.get('request', claim.requestId);
      if (asked?.status === 'denied') {
        const link: WorkLink = { ...base, state: 'ended', endedAt: now, endReason: 'denied', rearmed: false };
        return { writes: [put('workLink', link)], audit: [linkAudit('work.link_ended', link, { reason: 'denied' })], result: { outcome: 'ended', tool, reason: 'denied' } };
      }
      if (asked?.status !== 'approved') {
        if (asked?.status === 'pending') {
          if (existing?.state === 'awaiting_approval' && existing.requestId === asked.id) return { writes: [], audit: [], result: { outcome: 'unchanged' } };
          const link: WorkLink = { ...base, state: 'awaiting_approval', requestId: asked.id };
          return { writes: [put('workLink', link)], audit: [linkAudit('work.link_awaiting_approval', link, { requestId: asked.id })], result: { outcome: 'awaiting', tool, deadline, requestId: asked.id } };
        }
        // No request yet (or one that expired undecided): ask an approver for this issue.
        const request = workRequest({ id: deps.ids.newId('req'), kind: 'approval', input, tool, governanceVersion: governance.policyVersion, now });
        const link: WorkLink = { ...base, state: 'awaiting_approval', requestId: request.id };
        const marker = claim ? { ...claim, requestId: request.id } : newClaim(claimId, { requestId: request.id }, now);
        return {
          writes: [put('request', request), put('claim', marker), put('workLink', link)],
          audit: [
            { actor: WORK_ACTOR, type: 'request.submitted', refs: { requestId: request.id, issueKey: issue.key, toolId: tool.id }, data: { source: 'work', policyId: policy.id, workPolicyVersion: input.policyVersion, durationDays: request.durationDays } },
            linkAudit('work.link_awaiting_approval', link, { requestId: request.id }),
          ],
          result: { outcome: 'awaiting', tool, deadline, requestId: request.id },
        };
      }
      approvedBy = asked.decision?.decidedBy;
    }

    const grantLink: GrantWorkLink = { linkId: fields.id, issueKey: issue.key, policyId: policy.id, deadline };
    const holderClaim = await deps.store.get('claim', openClaimId(accountId, tool.id));
    if (holderClaim) {
      const holderRequest = holderClaim.requestId === undefined ? undefined : await deps.store.get('request', holderClaim.requestId);
      const grantId = holderClaim.grantId ?? holderRequest?.grantId;
      const holder = grantId === undefined ? undefined : await deps.store.get('grant', grantId);
      if (holder?.work && HOLDING.has(holder.status)) {
        const links = [...holder.work.links.filter((other) => other.linkId !== grantLink.linkId), grantLink];
        const joined: Grant = { ...holder, work: { links, endsWhen: endsWhenText(links) }, expiresAt: Math.max(...links.map((other) => other.deadline)), updatedAt: now };
        const link: WorkLink = { ...base, state: 'live', grantId: holder.id };
        return {
          writes: [put('grant', joined), put('workLink', link)],
          audit: [linkAudit('work.link_started', link, { grantId: holder.id, joined: true })],
          result: { outcome: 'started', tool, deadline },
        };
      }
      const link: WorkLink = { ...base, state: 'covered', ...(holder && { grantId: holder.id }), ...(holderClaim.requestId !== undefined && { requestId: holderClaim.requestId }) };
      if (existing?.state === 'covered' && existing.grantId === link.grantId && existing.requestId === link.requestId) return { writes: [], audit: [], result: { outcome: 'unchanged' } };
      return { writes: [put('workLink', link)], audit: [linkAudit('work.link_covered', link, { grantId: link.grantId, requestId: link.requestId })], result: { outcome: 'covered', tool, deadline } };
    }

    const requestId = deps.ids.newId('req');
    const grantId = deps.ids.newId('grant');
    const durationDays = workDurationDays(policy);
    const pending = workRequest({ id: requestId, kind: 'grant', input, tool, governanceVersion: governance.policyVersion, now });
    const decision: Decision = {
      outcome: 'approved',
      decidedBy: WORK_ACTOR,
      decidedAt: now,
      source: 'work',
      rationale: `${issue.key} is in ${issue.status.name}: the work-linked access policy "${policy.name}" gives ${tool.name} while it is live${approvedBy === undefined ? '' : ` (approved for this issue by ${approvedBy})`}`,
      policyVersion: governance.policyVersion,
      policyId: policy.id,
      workPolicyVersion: input.policyVersion,
    };
    const change = approvalChange({ request: pending, tool, decision, durationDays, now, grantId, work: { links: [grantLink], endsWhen: endsWhenText([grantLink]) } });
    const link: WorkLink = { ...base, state: 'live', grantId };
    const writes: Write[] = [...change.writes, put('claim', newClaim(openClaimId(accountId, tool.id), { requestId, grantId }, now)), put('workLink', link)];
    return {
      writes,
      audit: [...change.audit, linkAudit('work.link_started', link, { grantId, requestId })],
      policyVersion: governance.policyVersion,
      result: { outcome: 'started', tool, deadline },
    };
  });
}

/** A pending request made by work-linked access for the link's user, on the work issue. */
function workRequest(args: { id: string; kind: 'grant' | 'approval'; input: StartInput; tool: Tool; governanceVersion: number; now: number }): AccessRequest {
  const { policy, issue, accountId } = args.input;
  return {
    id: args.id,
    version: 0,
    issueKey: issue.key,
    projectKey: issue.projectKey,
    requesterAccountId: accountId,
    ...personOf(issue, accountId),
    toolId: args.tool.id,
    purpose: `Work on ${issue.key} under the work-linked access policy "${policy.name}"`,
    durationDays: workDurationDays(policy),
    status: 'pending',
    createdAt: args.now,
    updatedAt: args.now,
    policyVersionAtSubmit: args.governanceVersion,
    work: { kind: args.kind, policyId: policy.id, policyVersion: args.input.policyVersion, issueId: issue.id },
  };
}

/** The subject's email and name as Jira showed them on the issue: how the provider finds them. */
function personOf(issue: WorkIssue, accountId: string): Pick<AccessRequest, 'requesterEmail' | 'requesterName'> {
  const person = issue.people?.[accountId];
  return { ...(person?.email !== undefined && person.email !== '' && { requesterEmail: person.email }), ...(person?.displayName !== undefined && { requesterName: person.displayName }) };
}

function linkAudit(type: string, link: WorkLink, extra: Record<string, string | number | boolean | undefined>): AuditEntry {
  const refs = linkRefs(link, { grantId: typeof extra.grantId === 'string' ? extra.grantId : undefined, requestId: typeof extra.requestId === 'string' ? extra.requestId : undefined });
  const data = Object.fromEntries(Object.entries({ policyId: link.policyId, workPolicyVersion: link.policyVersion, issueId: link.issueId, accountId: link.accountId, deadline: link.deadline, ...extra }).filter((entry) => entry[1] !== undefined));
  return { actor: WORK_ACTOR, type, refs, data };
}

export type EndOutcome = { readonly outcome: 'ended'; readonly grantEnded: boolean; readonly link: WorkLink } | { readonly outcome: 'unchanged' };

/**
 * Ends one link, atomically: its grant loses the issue and, when it was the last, is revoked and
 * deprovisioned (the user leaves the group); an approval still awaited stays with the issue.
 */
export async function endLink(deps: CoreDeps, linkId: string, seenVersion: number, reason: WorkEndReason): Promise<EndOutcome> {
  return transact<EndOutcome>(deps, async () => {
    const link = await deps.store.get('workLink', linkId);
    if (!link || link.version !== seenVersion || link.state === 'ended') return { writes: [], audit: [], result: { outcome: 'unchanged' } };
    const now = deps.clock.now();
    const ended: WorkLink = { ...link, state: 'ended', endedAt: now, endReason: reason, rearmed: !NON_REARMING_ENDS.has(reason), updatedAt: now };
    const writes: Write[] = [put('workLink', ended)];
    const audit: AuditEntry[] = [linkAudit('work.link_ended', ended, { reason, grantId: link.state === 'live' ? link.grantId : undefined })];
    let grantEnded = false;
    const grant = link.state === 'live' && link.grantId !== undefined ? await deps.store.get('grant', link.grantId) : undefined;
    if (grant?.work && HOLDING.has(grant.status)) {
      const links = grant.work.links.filter((other) => other.linkId !== link.id);
      if (links.length === 0) {
        const change = await grantTransition(
          deps,
          grant,
          'revoke',
          WORK_ACTOR,
          { endedAt: now, endedBy: WORK_ACTOR, endReason: `${link.issueKey}: ${END_REASON_TEXT[reason]}`, deprovision: deprovisionAtEnd(grant) },
          { workReason: reason, issueKey: link.issueKey },
        );
        writes.push(...change.writes);
        audit.push(...change.audit);
        grantEnded = true;
      } else {
        writes.push(put('grant', { ...grant, work: { links, endsWhen: endsWhenText(links) }, expiresAt: Math.max(...links.map((other) => other.deadline)), updatedAt: now }));
      }
    }
    return { writes, audit, result: { outcome: 'ended', grantEnded, link: { ...ended, version: ended.version + 1 } } };
  });
}

/** An ended link whose issue was seen not live for its user again: the next live status grants anew. */
export async function rearmLink(deps: CoreDeps, linkId: string, seenVersion: number): Promise<boolean> {
  return transact(deps, async () => {
    const link = await deps.store.get('workLink', linkId);
    if (!link || link.version !== seenVersion || link.state !== 'ended' || link.rearmed) return { writes: [], audit: [], result: false };
    return { writes: [put('workLink', { ...link, rearmed: true, updatedAt: deps.clock.now() })], audit: [], result: true };
  });
}

/** Days a work grant is recorded for: its maximum, rounded up. */
export const workDurationDays = (policy: WorkLinkedPolicy): number => Math.max(1, Math.ceil((policy.maxDurationHours * HOUR_MS) / DAY_MS));
