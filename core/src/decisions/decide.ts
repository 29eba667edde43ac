import { z } from 'zod';
import { isRequestable, type RiskLevel, type Tool } from '../catalog/tool.js';
import { openException } from '../exceptions/approve.js';
import { exceptionKinds, exceptionRequestSchema } from '../exceptions/exception.js';
import { durationCap } from '../catalog/duration-cap.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../errors.js';
import { currentGovernance } from '../governance/current.js';
import type { GovernanceRules } from '../governance/policy.js';
import type { Grant } from '../grants/grant.js';
import { openClaimId, toolKeyOf, newClaim } from '../requests/claims.js';
import type { AccessRequest, Decision, DecisionSource } from '../requests/request.js';
import { put, remove } from '../ports/store.js';
import type { Actor, CoreDeps } from '../shared/deps.js';
import { transact } from '../shared/transact.js';
import { parseInput } from '../shared/validate.js';
import { approvalChange, denialChange } from './approval.js';
import { approverVerdict, exceptionApproverVerdict } from './approvers.js';
import { syncDecisionToJira } from './jira-sync.js';
import { afterWorkDecision, workDecisionChange } from '../work-linked/approval.js';

export const decisionInputSchema = z
  .object({
    requestId: z.string().min(1).max(64),
    outcome: z.enum(['approved', 'denied']),
    rationale: z.string().trim().min(3, 'give a short reason').max(1_000),
    /** Approve for fewer (or, within limits, more) days than asked. */
    durationDays: z.number().int().min(1).max(365).optional(),
    /** For a request for a tool outside the catalog: the catalog tool it was added as. */
    toolId: z.string().min(1).max(64).optional(),
    /** Approve outside a risk rule's bounds (longer than the maximum, or a blocked tool): security reviewers only, with a reason. */
    exception: exceptionRequestSchema.optional(),
  })
  .strict();

export type DecisionInput = z.input<typeof decisionInputSchema>;

export interface DecisionResult {
  readonly request: AccessRequest;
  readonly grant?: Grant;
}

/** New tools are judged as high risk until they are linked to a catalog tool. */
const UNCATALOGUED_RISK: RiskLevel = 'high';

/**
 * Approves or denies one pending request. Refuses the requester's own request, actors who may not
 * approve for that project and risk, requests already decided, and approvals of tools no longer
 * requestable. Two approvers racing on one request: exactly one decision is recorded.
 */
export async function decide(deps: CoreDeps, actor: Actor, rawInput: DecisionInput, source: Exclude<DecisionSource, 'auto'> = 'human'): Promise<DecisionResult> {
  const input = parseInput(decisionInputSchema, rawInput, 'decision');
  let toolName = 'the tool';
  const result = await transact(deps, async () => {
    const request = await deps.store.get('request', input.requestId);
    if (!request) throw new NotFoundError('Request', input.requestId);
    if (request.status !== 'pending') {
      throw new ConflictError('already_decided', `Request ${request.issueKey} is already ${request.status}.`, { status: request.status });
    }
    const governance = await currentGovernance(deps.store);
    const toolId = request.toolId ?? input.toolId;
    const tool = toolId ? await deps.store.get('tool', toolId) : undefined;
    if (toolId && !tool) throw new NotFoundError('Tool', toolId);
    const now = deps.clock.now();
    if (input.exception && input.outcome === 'denied') {
      throw new ValidationError('An exception is for approving access outside the rules; a denial needs none.', [{ path: 'exception', message: 'only with an approval' }]);
    }
    const verdict = input.exception
      ? exceptionApproverVerdict(actor, request, governance.rules, now)
      : approverVerdict(actor, request, tool?.riskLevel ?? UNCATALOGUED_RISK, governance.rules, now);
    if (!verdict.allowed) {
      if (verdict.reason === 'self_approval') throw new ForbiddenError('self_approval', 'You cannot decide your own request.');
      throw new ForbiddenError(
        'forbidden',
        input.exception
          ? 'Only a security reviewer (or their delegate) can approve an exception; admins name security reviewers in Governance.'
          : verdict.reason === 'security_review_required'
            ? `${tool?.name ?? 'This tool'} is ${tool?.riskLevel ?? UNCATALOGUED_RISK} risk: a security reviewer must decide.`
            : `You are not an approver for project ${request.projectKey}.`,
      );
    }
    toolName = tool?.name ?? request.newTool?.name ?? toolName;
    const decision: Decision = {
      outcome: input.outcome,
      decidedBy: actor.accountId,
      decidedAt: now,
      source,
      rationale: input.rationale,
      policyVersion: governance.policyVersion,
    };
    if (request.work) {
      const change = workDecisionChange(request, decision, input, now);
      return { writes: change.writes, audit: change.audit, policyVersion: governance.policyVersion, result: { request: change.request } };
    }
    const openClaim = await deps.store.get('claim', openClaimId(request.requesterAccountId, toolKeyOf(request)));

    if (input.outcome === 'denied') {
      const change = denialChange({ request, decision, openClaim, now });
      return { writes: change.writes, audit: change.audit, policyVersion: governance.policyVersion, result: { request: change.request } };
    }

    const approvable = requireApprovableTool(request, tool);
    const durationDays = input.durationDays ?? request.durationDays;
    if (!input.exception) refuseOutsideTheRules(governance.rules, approvable, durationDays);
    const grantId = deps.ids.newId('grant');
    const exception = input.exception
      ? await openException(deps, { request, tool: approvable, grantId, durationDays, reason: input.exception.reason, approvedBy: actor.accountId, governance, now })
      : undefined;
    const change = approvalChange({
      request,
      tool: approvable,
      decision,
      durationDays,
      now,
      grantId,
      ...(exception && { exception: { reason: exception.exception.reason, approvedBy: actor.accountId } }),
    });
    // A request for a new tool was claimed under its name: move the claim to the catalog tool.
    const claimWrites = [];
    if (!request.toolId) {
      const catalogClaimId = openClaimId(request.requesterAccountId, approvable.id);
      if (await deps.store.get('claim', catalogClaimId)) {
        throw new ConflictError('duplicate_request', `The requester already has an open request or grant for ${approvable.name}.`);
      }
      if (openClaim) claimWrites.push(remove('claim', openClaim));
      claimWrites.push(put('claim', newClaim(catalogClaimId, { requestId: request.id }, now)));
    }
    return {
      writes: [...change.writes, ...claimWrites, ...(exception?.writes ?? [])],
      audit: [...change.audit, ...(exception ? [exception.audit] : [])],
      policyVersion: governance.policyVersion,
      result: { request: change.request, ...(change.grant && { grant: change.grant }) },
    };
  });
  if (result.request.work) await afterWorkDecision(deps, result.request, toolName);
  else if (result.request.decision) await syncDecisionToJira(deps, result.request, result.request.decision, toolName);
  return result;
}

/** A tool the catalog does not deny: approvable, within the rules or (blocked, or longer than allowed) as an exception. */
function requireApprovableTool(request: AccessRequest, tool: Tool | undefined): Tool {
  if (!tool) {
    throw new ValidationError(`${request.newTool?.name ?? 'This tool'} is not in the catalog: add it, then approve with its catalog id.`, [
      { path: 'toolId', message: 'required for a tool outside the catalog' },
    ]);
  }
  if (!isRequestable(tool) && tool.status !== 'blocked') {
    throw new ConflictError('tool_not_requestable', `${tool.name} is ${tool.status} in the catalog now; it cannot be approved.`, { toolId: tool.id });
  }
  return tool;
}

const AS_AN_EXCEPTION = 'a security reviewer may approve it as an exception, with a reason';

/** An ordinary approval stays within the rules; past them it names the way that exists. */
function refuseOutsideTheRules(rules: GovernanceRules, tool: Tool, durationDays: number): void {
  const kinds = exceptionKinds(rules, tool, durationDays);
  if (kinds.includes('blocked_tool')) {
    throw new ConflictError('tool_not_requestable', `${tool.name} is blocked in the catalog now; it cannot be approved as usual (${AS_AN_EXCEPTION}).`, { toolId: tool.id });
  }
  if (kinds.includes('duration')) {
    const maxDays = durationCap(rules, tool).days;
    throw new ValidationError(`At most ${maxDays} days can be approved for ${tool.name}; ${AS_AN_EXCEPTION}.`, [{ path: 'durationDays', message: `at most ${maxDays}` }]);
  }
}
