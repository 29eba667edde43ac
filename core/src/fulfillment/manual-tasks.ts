import { z } from 'zod';
import { identityRecordId } from '../connectors/connector.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../errors.js';
import { grantApproverVerdict } from '../grants/grant-service.js';
import { pageRequest, put, type Page } from '../ports/store.js';
import type { Actor, CoreDeps } from '../shared/deps.js';
import { transact } from '../shared/transact.js';
import { parseInput } from '../shared/validate.js';
import { manualConfirmationId } from './connections.js';
import type { Job } from './job.js';
import { settleSuccess } from './settle.js';

/** The button a person presses for each kind of manual task. */
export const MANUAL_COMPLETIONS = { provision: 'fulfilled', deprovision: 'deprovisioned', check: 'verified' } as const;

const completionSchema = z
  .object({
    jobId: z.string().min(1),
    completion: z.enum(['fulfilled', 'deprovisioned', 'verified']),
    /** For "Mark verified": whether the person found the user in the group. */
    member: z.boolean().optional(),
    note: z.string().max(1_000).optional(),
  })
  .strict();

export type ManualCompletionInput = z.input<typeof completionSchema>;

/** The manual provisioning queue: tasks waiting for a person, oldest first. */
export async function listManualTasks(deps: CoreDeps, options: { limit?: number; cursor?: string } = {}): Promise<Page<Job>> {
  return deps.store.query('job', 'byStatus', { partition: ['awaiting_manual'], ...pageRequest(options, 50) });
}

/**
 * Mark fulfilled / Mark deprovisioned / Mark verified. The person must be an approver for the
 * grant's tool and not its requester. The confirmation is recorded (the manual provider's
 * `check` answers from it), then the job settles exactly as a provider success would: a
 * fulfilled provisioning task activates the grant.
 */
export async function completeManualTask(deps: CoreDeps, actor: Actor, rawInput: ManualCompletionInput): Promise<Job> {
  const input = parseInput(completionSchema, rawInput, 'manual task completion');
  const job = await deps.store.get('job', input.jobId);
  if (!job) throw new NotFoundError('Task', input.jobId);
  if (job.status !== 'awaiting_manual' || !job.manualTask || job.type === 'reconcile') throw new ConflictError('invalid_transition', 'This task is not waiting for a person (it may have been completed already).');
  const expected = MANUAL_COMPLETIONS[job.type];
  if (input.completion !== expected) throw new ConflictError('invalid_transition', `This ${job.type} task is completed with "Mark ${expected}".`);
  const grant = await deps.store.get('grant', job.grantId);
  if (!grant) throw new NotFoundError('Grant', job.grantId);
  const { verdict, tool } = await grantApproverVerdict(deps, actor, grant);
  if (!verdict.allowed) {
    throw new ForbiddenError(verdict.reason === 'self_approval' ? 'self_approval' : 'forbidden', verdict.reason === 'self_approval' ? 'You cannot complete a task for your own access.' : 'Only an approver for this tool can complete its tasks.');
  }
  const member = input.completion === 'fulfilled' ? true : input.completion === 'deprovisioned' ? false : input.member;
  if (member === undefined) throw new ConflictError('invalid_transition', 'Say whether the user was found in the group when marking it verified.');

  const identity = await deps.store.get('identity', identityRecordId(job.connectorId, grant.requesterAccountId));
  const groupId = tool?.fulfillment.bound?.groupId ?? tool?.fulfillment.group.groupId ?? tool?.fulfillment.group.name ?? tool?.name ?? job.toolId;
  const identityId = identity?.externalId ?? grant.requesterAccountId;
  await transact(deps, async () => {
    const id = manualConfirmationId(job.connectorId, groupId, identityId);
    const current = await deps.store.get('meta', id);
    return {
      writes: [put('meta', { id, version: current?.version ?? 0, value: { member, confirmedAt: deps.clock.now(), confirmedBy: actor.accountId } })],
      audit: [{ actor: actor.accountId, type: `manual.${input.completion}`, refs: { jobId: job.id, grantId: job.grantId, toolId: job.toolId, connectorId: job.connectorId, issueKey: grant.issueKey }, data: { member, ...(input.note !== undefined && { note: input.note }) } }],
      result: undefined,
    };
  });
  const result = job.type === 'check' ? { kind: 'check' as const, member, via: 'manual_confirmation' } : { kind: 'membership' as const, outcome: 'applied' as const };
  if (!(await settleSuccess(deps, job.id, { kind: 'person', accountId: actor.accountId }, result))) {
    throw new ConflictError('invalid_transition', 'This task was completed by someone else meanwhile.');
  }
  return (await deps.store.get('job', job.id)) ?? job;
}
