import { iterateQuery } from '@clearway/core';
import { reportGrant, type RunContext } from './context.js';
import { iso } from './record.js';

/** Audit event types worth a line in a grant's history (the record's own lines say what should happen). */
const NOTED = new Set(['grant.active', 'grant.expired', 'grant.revoked', 'grant.reprovisioning', 'grant.provision_failed', 'grant.deprovisioned', 'grant.deprovision_failed', 'grant.recertification_opened', 'drift.detected', 'drift.resolved', 'job.failed', 'exception.granted', 'exception.review_due', 'exception.reviewed', 'exception.closed']);

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/**
 * Reads the audit events recorded since the last look — a few per step, so retention never
 * prunes one before it is read — for what only Clearway knows: when a grant turned active (the
 * engine's add, a person's "Mark fulfilled"), which identities it resolved and cached, which jobs
 * failed for good, and which drift it reported.
 */
export class AuditReader {
  private lastSeq = 0;

  async readNew(ctx: RunContext): Promise<void> {
    for await (const event of iterateQuery(ctx.world.deps.store, 'audit', 'bySeq', { partition: [], range: { gt: this.lastSeq }, limit: 100 })) {
      this.lastSeq = Math.max(this.lastSeq, event.seq);
      const grant = event.refs.grantId ? ctx.record.grants.get(event.refs.grantId) : undefined;
      if (grant && NOTED.has(event.type)) {
        const data = event.data;
        const detail = [text(data.kind), text(data.code), text(data.outcome), text(data.how), typeof data.expiresAt === 'number' ? `end ${iso(data.expiresAt)}` : undefined, typeof data.nextReviewAt === 'number' ? `next review ${iso(data.nextReviewAt)}` : undefined].filter(Boolean).join(', ');
        grant.history.push(`${iso(event.at)} clearway: ${event.type}${detail ? ` (${detail})` : ''}`);
      }
      if (event.type === 'identity.resolved' && event.refs.connectorId && typeof event.data.accountId === 'string') {
        ctx.resolvedIdentities.add(`${event.refs.connectorId}:${event.data.accountId}`);
      }
      if (event.type === 'job.failed') {
        ctx.record.failures.push({ at: event.at, kind: text(event.data.kind) ?? 'unknown', ...(event.refs.grantId !== undefined && { grantId: event.refs.grantId }) });
        ctx.size.jobsFailed += 1;
      }
      if (!grant) continue;
      if (event.type === 'grant.active' && grant.diverged === undefined) {
        const problem = ctx.record.activate(grant, event.at);
        if (problem) reportGrant(ctx, 'ends', 'activated after it had ended', grant, `${problem} (audit seq ${event.seq})`);
      }
      if (event.type === 'drift.detected' && event.data.kind === 'missing_member' && grant.handRemovedAt !== undefined && event.at >= grant.handRemovedAt) {
        grant.driftReportedAt ??= event.at;
      }
    }
  }
}
