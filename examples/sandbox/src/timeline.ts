import { DAY_MS, END_REASON_TEXT, type AuditEvent, type WorkEndReason } from '@clearway/core';

/** "Day 3 14:05": time on the sandbox's virtual calendar, counted from its start. */
export function dayClock(at: number, start: number): string {
  const elapsed = at - start;
  const day = Math.floor(elapsed / DAY_MS);
  const time = new Date(at).toISOString().slice(11, 16);
  return `Day ${String(day).padStart(2, ' ')} ${time}`;
}

function str(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
}

/** A stored moment as its calendar date (UTC). */
function day(at: unknown): string {
  return typeof at === 'number' ? new Date(at).toISOString().slice(0, 10) : str(at);
}

/** "an active grant", "a revoked grant": grant states are written words, so the first letter decides. */
export function withArticle(phrase: string): string {
  return `${/^[aeiou]/i.test(phrase) ? 'an' : 'a'} ${phrase}`;
}

/** One audit event as a sentence a person can follow; unknown types still print their data. */
export function describeEvent(event: AuditEvent, names: (accountId: string) => string): string {
  const data = event.data;
  const ref = event.refs.issueKey ? ` [${event.refs.issueKey}]` : '';
  const who = names(event.actor);
  switch (event.type) {
    case 'governance.updated':
      return `${who} saved governance policy v${str(data.toVersion)} (changed: ${Array.isArray(data.changed) ? data.changed.join(', ') : ''})`;
    case 'request.submitted':
      return `${who} asked for ${event.refs.toolId ?? str(data.newTool)} for ${str(data.durationDays)} days${ref}`;
    case 'request.approved':
      if (data.source === 'work') return `approved by work-linked access policy ${str(data.policyId)} (v${str(data.workPolicyVersion)}) while the issue is live${ref}`;
      return `${data.source === 'auto' ? `auto-approved (${str(data.policyId)})` : `${who} approved${data.source === 'bulk' ? ' (bulk)' : ''}`}${ref}`;
    case 'request.denied':
      return `${who} denied: ${str(data.rationale)}${ref}`;
    case 'grant.created':
      return `grant created, waiting for provisioning via ${str(data.connectorId)}${ref}`;
    case 'identity.resolved':
      return `${str(data.accountId)} resolved to ${str(data.externalId)} in ${event.refs.connectorId ?? ''} (by ${str(data.matchedBy)})`;
    case 'identity.mapped':
      return `${who} mapped ${str(data.accountId)} to ${str(data.externalId)} in ${event.refs.connectorId ?? ''}`;
    case 'catalog.group_created':
    case 'catalog.group_bound':
      return `${event.refs.toolId ?? ''} ${event.type === 'catalog.group_created' ? 'created' : 'bound to'} group ${str(data.groupName ?? data.groupId)}`;
    case 'job.attempt_failed': {
      const doubt = data.addUnconfirmed === true ? ' — the add may have applied' : '';
      const next = data.cancelled === undefined ? `retry in ${Math.round((Number(data.nextAttemptAt) - event.at) / 100) / 10} s` : `not retried: ${str(data.cancelled)}`;
      return `attempt ${str(data.attempt)} of ${event.refs.jobId?.split(':')[1] ?? 'job'} failed: ${str(data.kind)} (HTTP ${str(data.status ?? '—')})${doubt}, ${next}${ref}`;
    }
    case 'job.taken_over':
    case 'job.lease_expired':
      return `a worker's lease ran out during an add: the add counts as in doubt${ref}`;
    case 'grant.cleanup_queued':
      return `removal queued: ${str(data.reason)}${ref}`;
    case 'grant.removal_verification_queued':
      return `access removed (${str(data.outcome)}); a check follows once a late add can no longer land (${Math.round((Number(data.checkAt) - event.at) / 1000)} s)${ref}`;
    case 'job.failed':
      return `${event.refs.jobId?.split(':')[1] ?? 'job'} failed for good: ${str(data.kind)} / ${str(data.code)} — ${str(data.message)}${ref}`;
    case 'job.awaiting_manual':
      return `manual task for a person: ${str(data.summary)}${ref}`;
    case 'grant.active':
      return `grant ACTIVE (${str(data.via)}: ${str(data.outcome)})${ref}`;
    case 'grant.provision_failed':
      return `grant marked provision failed (${str(data.code)})${ref}`;
    case 'grant.reprovisioning':
      return data.from === 'provision_failed' ? `${who} retried provisioning${ref}` : `grant waiting for provisioning again (was ${str(data.from)})${ref}`;
    case 'grant.expired':
      return `grant expired${ref}`;
    case 'grant.revoked':
      if (typeof data.workReason === 'string') return `grant revoked by work-linked access: ${workEnd(data.workReason)}${ref}`;
      return `${who} revoked the grant: ${str(data.rationale)}${ref}`;
    case 'grant.deprovisioned':
      return `access removed from the group (${str(data.outcome)})${ref}`;
    case 'grant.extended':
      return `${who} extended by ${str(data.days)} days${ref}`;
    case 'grant.recertification_opened':
      return `review-before-expiry issue opened${ref}`;
    case 'exception.granted': {
      const outside = (Array.isArray(data.kinds) ? data.kinds : []).map((kind) => (kind === 'duration' ? `${str(data.grantedDays)} days where ${str(data.allowedDays)} are allowed` : 'a tool the catalog blocks'));
      return `${who} approved an EXCEPTION (${outside.join(' and ')}): ${str(data.reason)}${ref}`;
    }
    case 'exception.review_due':
      return `exception review due; it lapses ${day(data.lapsesAt)} unless reviewed${data.reviewIssue === undefined ? '' : ` (review issue ${str(data.reviewIssue)})`}${ref}`;
    case 'exception.reviewed':
      return `${who} reviewed the exception: ${data.outcome === 'kept' ? `kept, next review ${day(data.nextReviewAt)}` : 'ended it'} — ${str(data.note)}${ref}`;
    case 'exception.closed':
      return `exception closed: ${str(data.how).replace(/_/g, ' ')}${ref}`;
    case 'drift.detected':
      return `DRIFT: ${str(data.kind).replace('_', ' ')} on ${withArticle(`${str(data.grantStatus).replace('_', ' ')} grant`)}${ref}`;
    case 'job.reconcile_succeeded':
      return `group reconciled: ${str(data.outcome)}`;
    case 'drift.unmanaged_members_found':
      return `DRIFT: ${str(data.count)} member(s) no grant explains: ${Array.isArray(data.members) ? data.members.map((member: { login?: string; id?: string }) => member.login ?? member.id).join(', ') : ''}`;
    case 'manual.fulfilled':
    case 'manual.deprovisioned':
    case 'manual.verified':
      return `${who} marked the task ${event.type.split('.')[1] ?? ''}${ref}`;
    case 'evidence.exported':
      return `${who} exported ${str(data.count)} events (seq ${str(data.firstSeq)}–${str(data.lastSeq)})`;
    case 'evidence.settings_updated':
      return data.anchorIssueKey === null ? `${who} stopped recording evidence anchors` : `${who} set ${str(data.anchorIssueKey)} as the evidence issue`;
    case 'evidence.anchored':
      return `evidence anchor recorded on ${event.refs.issueKey ?? ''} as ${str(data.propertyKey)} (chain head seq ${str(data.chainHeadSeq)})`;
    case 'evidence.anchor_failed':
      return `evidence anchor NOT recorded on ${event.refs.issueKey ?? ''}: ${str(data.reason)}`;
    case 'gateway.policy_updated':
      return `${who} saved agent policy v${str(data.toVersion)}: default ${str(data.defaultEffect)}, ${str(data.rules)} rule(s)`;
    case 'gateway.call': {
      const by = data.ruleIndex === undefined ? str(data.basis).replace(/_/g, ' ') : `rule ${Number(data.ruleIndex) + 1}`;
      const caller = data.accountId === '' ? 'a caller without a token' : `${who} via ${str(data.client)}`;
      return `AI ${data.kind === 'call' ? `call ${str(data.decision).toUpperCase()}` : str(data.kind)}: ${str(data.operation)} by ${caller} (${by}; upstream ${str(data.upstreamStatus)}, ${str(data.responseBytes)} B)`;
    }
    case 'gateway.connected':
      return `${who} connected ${str(data.client)} to the AI-agent gateway (signed in with Atlassian)`;
    case 'gateway.disconnected':
      return `${who} disconnected ${data.by === 'admin' ? `${str(data.accountId)}'s ` : ''}${str(data.client)} from the AI-agent gateway (Atlassian tokens ${data.upstreamRevoked === true ? 'revoked' : 'not confirmed revoked'})`;
    case 'gateway.user_forgotten':
      return `${who} forgot ${str(data.accountId)} at the AI-agent gateway (${str(data.connections)} connection(s) ended)`;
    case 'work.policy_saved':
      return `${who} ${data.added === true ? 'added' : 'changed'} work-linked access policy "${str(data.name)}" (v${str(data.toVersion)}): ${str(data.projectKey)} → ${str(data.toolId)} for the ${str(data.subject)}, at most ${str(data.maxDurationHours)} h, ${str(data.approval)}`;
    case 'work.policy_enabled':
    case 'work.policy_disabled':
      return `${who} ${event.type === 'work.policy_enabled' ? 'enabled' : 'disabled'} work-linked access policy "${str(data.name)}" (v${str(data.toVersion)})`;
    case 'work.link_started':
      return `work-linked access for ${names(str(data.accountId))} starts${data.joined === true ? ' (joins their work grant)' : ''}, at the latest until ${utc(data.deadline)}${ref}`;
    case 'work.link_covered':
      return `${names(str(data.accountId))} already holds the tool: the work is covered, no new grant${ref}`;
    case 'work.link_awaiting_approval':
      return `work-linked access for ${names(str(data.accountId))} waits for an approver${ref}`;
    case 'work.link_ended':
      return `work-linked access for ${names(str(data.accountId))} ends: ${workEnd(data.reason)}${ref}`;
    case 'request.intake_failed':
      return `request could not be taken in (${str(data.kind)}, ${str(data.code)}, after ${str(data.attempts)} attempt(s))${ref}`;
    default:
      return `${event.type}${Object.keys(data).length > 0 ? ` ${JSON.stringify(data)}` : ''}${ref}`;
  }
}

/** A stored moment to the minute (UTC). */
function utc(at: unknown): string {
  return typeof at === 'number' ? `${new Date(at).toISOString().slice(0, 16).replace('T', ' ')} UTC` : str(at);
}

function workEnd(reason: unknown): string {
  return typeof reason === 'string' && reason in END_REASON_TEXT ? END_REASON_TEXT[reason as WorkEndReason] : str(reason);
}

/** Events too routine for the timeline (each job success is shown through its grant's change). */
export const QUIET_EVENTS = new Set(['job.provision_succeeded', 'job.deprovision_succeeded', 'job.check_succeeded', 'connector.created', 'catalog.seeded', 'catalog.tool_added', 'catalog.tool_updated']);
