import type { AuditEntry } from '../audit/event.js';
import type { Tool } from '../catalog/tool.js';
import { newJob } from '../fulfillment/jobs.js';
import type { Grant } from '../grants/grant.js';
import { DAY_MS } from '../ports/clock.js';
import { put, remove, type Write } from '../ports/store.js';
import type { Claim } from '../ports/store-schema.js';
import type { AccessRequest, Decision } from '../requests/request.js';

export interface DecisionChange {
  readonly request: AccessRequest;
  readonly grant?: Grant;
  readonly writes: Write[];
  readonly audit: AuditEntry[];
}

/** Approving a pending request: the decision, a new grant waiting for provisioning, and its provision job. */
export function approvalChange(input: {
  request: AccessRequest;
  tool: Tool;
  decision: Decision;
  durationDays: number;
  now: number;
  grantId: string;
  /** Approved outside the rules: the grant says so (its exception record is written alongside). */
  exception?: Grant['exception'];
  /** Work-linked access: the issues the grant lives by; its end is their latest deadline. */
  work?: Grant['work'];
}): DecisionChange {
  const { request, tool, decision, durationDays, now } = input;
  const grant: Grant = {
    id: input.grantId,
    version: 0,
    requestId: request.id,
    issueKey: request.issueKey,
    requesterAccountId: request.requesterAccountId,
    toolId: tool.id,
    connectorId: tool.fulfillment.connectorId,
    status: 'pending_provision',
    durationDays,
    createdAt: now,
    updatedAt: now,
    expiresAt: input.work ? Math.max(...input.work.links.map((link) => link.deadline)) : now + durationDays * DAY_MS,
    deprovision: 'not_needed',
    extensions: [],
    ...(input.exception && { exception: input.exception }),
    ...(input.work && { work: input.work }),
  };
  const decided: AccessRequest = {
    ...request,
    toolId: tool.id,
    durationDays,
    status: 'approved',
    decision,
    grantId: grant.id,
    updatedAt: now,
  };
  const refs = { requestId: request.id, grantId: grant.id, toolId: tool.id, issueKey: request.issueKey };
  return {
    request: { ...decided, version: decided.version + 1 },
    grant: { ...grant, version: 1 },
    // The grant's provisioning job is queued in the same commit: approval never loses it.
    writes: [put('request', decided), put('grant', grant), put('job', newJob('provision', grant, 'approval', now))],
    audit: [
      {
        actor: decision.decidedBy,
        type: 'request.approved',
        refs,
        data: {
          source: decision.source,
          rationale: decision.rationale,
          durationDays,
          ...(decision.policyId !== undefined && { policyId: decision.policyId }),
          ...(input.exception && { exception: true }),
          ...(decision.workPolicyVersion !== undefined && { workPolicyVersion: decision.workPolicyVersion }),
        },
      },
      {
        actor: decision.decidedBy,
        type: 'grant.created',
        refs: { ...refs, connectorId: grant.connectorId },
        data: { status: grant.status, durationDays, connectorId: grant.connectorId },
      },
    ],
  };
}

/** Denying a pending request: the decision, and the (requester, tool) claim released. */
export function denialChange(input: { request: AccessRequest; decision: Decision; openClaim: Claim | undefined; now: number }): DecisionChange {
  const decided: AccessRequest = { ...input.request, status: 'denied', decision: input.decision, updatedAt: input.now };
  return {
    request: { ...decided, version: decided.version + 1 },
    writes: [put('request', decided), ...(input.openClaim ? [remove('claim', input.openClaim)] : [])],
    audit: [
      {
        actor: input.decision.decidedBy,
        type: 'request.denied',
        refs: { requestId: input.request.id, issueKey: input.request.issueKey, ...(input.request.toolId !== undefined && { toolId: input.request.toolId }) },
        data: { source: input.decision.source, rationale: input.decision.rationale },
      },
    ],
  };
}
