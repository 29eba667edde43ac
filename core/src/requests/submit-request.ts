import { z } from 'zod';
import { durationCap } from '../catalog/duration-cap.js';
import { isRequestable, type Tool } from '../catalog/tool.js';
import { approvalChange } from '../decisions/approval.js';
import { evaluateAutoApproval } from '../decisions/auto-approval.js';
import { syncDecisionToJira } from '../decisions/jira-sync.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../errors.js';
import { currentGovernance } from '../governance/current.js';
import type { GovernanceRules } from '../governance/policy.js';
import type { Grant } from '../grants/grant.js';
import { issueKeySchema, projectKeySchema } from '../ports/jira.js';
import { put } from '../ports/store.js';
import type { Actor, CoreDeps } from '../shared/deps.js';
import { transact } from '../shared/transact.js';
import { parseInput } from '../shared/validate.js';
import { issueClaimId, newClaim, openClaimId, toolKeyOf } from './claims.js';
import type { AccessRequest } from './request.js';

export const submitRequestSchema = z
  .object({
    issueKey: issueKeySchema,
    projectKey: projectKeySchema,
    portalId: z.string().min(1).max(32).optional(),
    requestTypeId: z.string().min(1).max(32).optional(),
    toolId: z.string().min(1).max(64).optional(),
    newTool: z.object({ name: z.string().trim().min(2).max(120), url: z.url({ protocol: /^https?$/ }).optional() }).strict().optional(),
    purpose: z.string().trim().min(10, 'say in a sentence what the access is for').max(2_000),
    durationDays: z.number().int().min(1).max(365).optional(),
  })
  .strict()
  .refine((input) => (input.toolId === undefined) !== (input.newTool === undefined), {
    message: 'ask for exactly one tool: a catalog tool or a new tool',
    path: ['toolId'],
  });

export type SubmitRequestInput = z.input<typeof submitRequestSchema>;

export interface SubmitRequestResult {
  readonly request: AccessRequest;
  readonly grant?: Grant;
  readonly autoApproved: boolean;
  /** True when this issue had already been ingested: the existing request is returned unchanged. */
  readonly alreadyIngested: boolean;
}

/** New (uncatalogued) tools are treated as high risk until an admin adds them to the catalog. */
const NEW_TOOL_RISK = 'high' as const;

function assertIngested(rules: GovernanceRules, input: z.output<typeof submitRequestSchema>): void {
  const intake = rules.intake;
  const reject = (why: string) => {
    throw new ConflictError('not_ingested', `This request is not taken in by Clearway: ${why}.`, { issueKey: input.issueKey });
  };
  if (!intake.projectKey) reject('no intake project is configured (Intake & Approvals)');
  if (input.projectKey !== intake.projectKey) reject(`project ${input.projectKey} is not the intake project`);
  if (intake.portalId && input.portalId !== intake.portalId) reject('it came from another portal');
  if (intake.requestTypeIds.length > 0 && (!input.requestTypeId || !intake.requestTypeIds.includes(input.requestTypeId))) {
    reject('its request type is not one Clearway handles');
  }
}

/** A tool outside the catalog has no maximum of its own: its risk rule (high) sets it. */
function maxDurationFor(rules: GovernanceRules, tool: Tool | undefined): number {
  return durationCap(rules, tool ?? { riskLevel: NEW_TOOL_RISK, maxDurationDays: Number.POSITIVE_INFINITY }).days;
}

/**
 * Takes in a portal request: one user, one tool, a purpose and a duration. Refuses what intake
 * does not cover, tools that are not requestable, durations past the limits and a second open
 * request or live grant for the same tool. Auto-approves when the governance policy says so.
 */
export async function submitRequest(deps: CoreDeps, requester: Actor, rawInput: SubmitRequestInput): Promise<SubmitRequestResult> {
  const input = parseInput(submitRequestSchema, rawInput, 'access request');
  let toolName = 'the tool';
  const result = await transact<SubmitRequestResult>(deps, async () => {
    const governance = await currentGovernance(deps.store);
    const { rules } = governance;
    assertIngested(rules, input);

    const existing = await deps.store.get('claim', issueClaimId(input.issueKey));
    if (existing?.requestId) {
      const request = await deps.store.get('request', existing.requestId);
      if (!request) throw new NotFoundError('Request', existing.requestId);
      if (request.requesterAccountId !== requester.accountId) {
        throw new ForbiddenError('forbidden', `Issue ${input.issueKey} belongs to another requester's request.`);
      }
      return { writes: [], audit: [], result: { request, autoApproved: false, alreadyIngested: true } satisfies SubmitRequestResult };
    }

    let tool: Tool | undefined;
    if (input.toolId) {
      tool = await deps.store.get('tool', input.toolId);
      if (!tool) throw new NotFoundError('Tool', input.toolId);
      if (!isRequestable(tool)) throw new ConflictError('tool_not_requestable', `${tool.name} is ${tool.status} in the catalog and cannot be requested.`, { toolId: tool.id });
    } else if (rules.unknownTools === 'block') {
      throw new ConflictError('tool_not_requestable', 'Requests for tools outside the catalog are blocked by the governance policy.');
    }

    const maxDays = maxDurationFor(rules, tool);
    const durationDays = input.durationDays ?? tool?.defaultDurationDays ?? Math.min(30, maxDays);
    if (durationDays > maxDays) {
      throw new ValidationError(`At most ${maxDays} days can be requested for ${tool?.name ?? 'a tool outside the catalog'}.`, [
        { path: 'durationDays', message: `at most ${maxDays}` },
      ]);
    }

    const toolKey = toolKeyOf({ ...(input.toolId !== undefined && { toolId: input.toolId }), ...(input.newTool !== undefined && { newTool: input.newTool }) });
    const openClaim = await deps.store.get('claim', openClaimId(requester.accountId, toolKey));
    if (openClaim) {
      const holder = openClaim.requestId ? await deps.store.get('request', openClaim.requestId) : undefined;
      throw new ConflictError(
        'duplicate_request',
        `You already have a ${holder?.status === 'approved' ? 'live grant' : 'pending request'} for ${tool?.name ?? input.newTool?.name ?? 'this tool'}${holder ? ` (${holder.issueKey})` : ''}.`,
        { toolKey, ...(holder && { issueKey: holder.issueKey, requestId: holder.id }) },
      );
    }

    const now = deps.clock.now();
    const request: AccessRequest = {
      id: deps.ids.newId('req'),
      version: 0,
      issueKey: input.issueKey,
      projectKey: input.projectKey,
      ...(input.portalId !== undefined && { portalId: input.portalId }),
      ...(input.requestTypeId !== undefined && { requestTypeId: input.requestTypeId }),
      requesterAccountId: requester.accountId,
      ...(requester.email !== undefined && { requesterEmail: requester.email }),
      ...(requester.displayName !== undefined && { requesterName: requester.displayName }),
      ...(input.toolId !== undefined && { toolId: input.toolId }),
      ...(input.newTool !== undefined && { newTool: input.newTool }),
      purpose: input.purpose,
      durationDays,
      status: 'pending',
      createdAt: now,
      updatedAt: now,
      policyVersionAtSubmit: governance.policyVersion,
    };
    const refs = { requestId: request.id, issueKey: request.issueKey, ...(tool && { toolId: tool.id }) };
    const claims = [
      put('claim', newClaim(issueClaimId(input.issueKey), { requestId: request.id }, now)),
      put('claim', newClaim(openClaimId(requester.accountId, toolKey), { requestId: request.id }, now)),
    ];
    const submitted = {
      actor: requester.accountId,
      type: 'request.submitted',
      refs,
      data: { durationDays, purpose: request.purpose, ...(input.newTool && { newTool: input.newTool }) },
    };

    const verdict = tool
      ? evaluateAutoApproval({ projectKey: input.projectKey, tool, requesterGroups: requester.groups ?? [], durationDays }, rules)
      : undefined;
    if (tool && verdict?.approve) {
      toolName = tool.name;
      // The request is created already decided: one write, at version 0.
      const change = approvalChange({
        request,
        tool,
        decision: {
          outcome: 'approved',
          decidedBy: 'clearway:auto-approval',
          decidedAt: now,
          source: 'auto',
          rationale: verdict.rationale,
          policyVersion: governance.policyVersion,
          policyId: verdict.policyId,
        },
        durationDays,
        now,
        grantId: deps.ids.newId('grant'),
      });
      return {
        writes: [...change.writes, ...claims],
        audit: [submitted, ...change.audit],
        policyVersion: governance.policyVersion,
        result: { request: change.request, ...(change.grant && { grant: change.grant }), autoApproved: true, alreadyIngested: false },
      };
    }
    return {
      writes: [put('request', request), ...claims],
      audit: [submitted],
      policyVersion: governance.policyVersion,
      result: { request: { ...request, version: 1 }, autoApproved: false, alreadyIngested: false } satisfies SubmitRequestResult,
    };
  });

  if (result.autoApproved && result.request.decision) await syncDecisionToJira(deps, result.request, result.request.decision, toolName);
  return result;
}
