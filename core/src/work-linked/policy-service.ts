import { isRequestable } from '../catalog/tool.js';
import { NotFoundError, ValidationError } from '../errors.js';
import { pageRequest, put, type Page, type Store } from '../ports/store.js';
import { requireAdmin } from '../shared/authorize.js';
import type { Actor, CoreDeps } from '../shared/deps.js';
import { transact } from '../shared/transact.js';
import { parseInput } from '../shared/validate.js';
import { NO_WORK_POLICIES, workPoliciesVersionId, workPolicyInputSchema, type WorkLinkedPolicy, type WorkPoliciesVersion, type WorkPolicyInput } from './policy.js';

/** The work-linked access policies in force: the highest saved version, or none. One indexed read. */
export async function currentWorkPolicies(store: Store): Promise<WorkPoliciesVersion> {
  const page = await store.query('workPolicies', 'byVersion', { partition: [], direction: 'desc', limit: 1 });
  return page.items[0] ?? NO_WORK_POLICIES;
}

/** The projects enabled policies watch: events from any other project are dropped before a Jira call. */
export async function workLinkedProjects(store: Store): Promise<string[]> {
  const { policies } = await currentWorkPolicies(store);
  return [...new Set(policies.filter((policy) => policy.enabled).map((policy) => policy.projectKey))];
}

export async function listWorkPolicyVersions(deps: CoreDeps, page: { limit?: number; cursor?: string } = {}): Promise<Page<WorkPoliciesVersion>> {
  return deps.store.query('workPolicies', 'byVersion', { partition: [], direction: 'desc', ...pageRequest(page, 20) });
}

/** At most this many policies: each is a JQL search per sweep. */
export const MAX_WORK_POLICIES = 50;

/** A policy as an admin submitted it, checked: the input's shape, the tool in the catalog and requestable. */
export async function parseWorkPolicy(deps: CoreDeps, input: WorkPolicyInput): Promise<Omit<WorkLinkedPolicy, 'id'> & { id?: string }> {
  const parsed = parseInput(workPolicyInputSchema, input, 'work-linked access policy');
  const tool = await deps.store.get('tool', parsed.toolId);
  if (!tool) throw new ValidationError(`The work-linked access policy is not valid: toolId: the catalog has no tool ${parsed.toolId}.`, [{ path: 'toolId', message: 'not in the catalog' }]);
  if (parsed.enabled && !isRequestable(tool)) {
    throw new ValidationError(`The work-linked access policy is not valid: toolId: ${tool.name} is ${tool.status} in the catalog; only an approved tool can be granted.`, [{ path: 'toolId', message: `${tool.status} in the catalog` }]);
  }
  const names = Object.fromEntries(Object.entries(parsed.statusNames).filter(([id]) => parsed.statusIds.includes(id)));
  return { ...parsed, statusIds: [...new Set(parsed.statusIds)], issueTypeIds: [...new Set(parsed.issueTypeIds)], categoryKeys: [...new Set(parsed.categoryKeys)], statusNames: names };
}

/**
 * Adds a policy (no `id`) or replaces one (its `id`), saving every policy as the next version.
 * Admins only; refused with every problem named, and nothing saved, when the input is not valid.
 * A changed policy applies from the next event or sweep: links it no longer covers end then.
 */
export async function saveWorkPolicy(deps: CoreDeps, actor: Actor, input: WorkPolicyInput): Promise<WorkLinkedPolicy> {
  requireAdmin(actor, 'change work-linked access policies');
  const parsed = await parseWorkPolicy(deps, input);
  return transact(deps, async () => {
    const current = await currentWorkPolicies(deps.store);
    const existing = parsed.id === undefined ? undefined : current.policies.find((policy) => policy.id === parsed.id);
    if (parsed.id !== undefined && !existing) throw new NotFoundError('Work-linked access policy', parsed.id);
    if (!existing && current.policies.length >= MAX_WORK_POLICIES) {
      throw new ValidationError(`At most ${MAX_WORK_POLICIES} work-linked access policies can exist; remove or reuse one.`, [{ path: '(input)', message: 'too many policies' }]);
    }
    const policy: WorkLinkedPolicy = { ...parsed, id: existing?.id ?? deps.ids.newId('wlp') };
    const policies = existing ? current.policies.map((candidate) => (candidate.id === policy.id ? policy : candidate)) : [...current.policies, policy];
    return nextVersion(deps, actor, current, policies, {
      type: 'work.policy_saved',
      data: { policyId: policy.id, name: policy.name, added: !existing, projectKey: policy.projectKey, toolId: policy.toolId, subject: policy.subject.kind, maxDurationHours: policy.maxDurationHours, approval: policy.approval, enabled: policy.enabled },
      result: policy,
    });
  });
}

/** Turns a policy on or off (a new version). Links of a disabled policy end at its next event or sweep. */
export async function setWorkPolicyEnabled(deps: CoreDeps, actor: Actor, input: { policyId: string; enabled: boolean }): Promise<WorkLinkedPolicy> {
  requireAdmin(actor, 'change work-linked access policies');
  return transact(deps, async () => {
    const current = await currentWorkPolicies(deps.store);
    const existing = current.policies.find((policy) => policy.id === input.policyId);
    if (!existing) throw new NotFoundError('Work-linked access policy', input.policyId);
    if (existing.enabled === input.enabled) return { writes: [], audit: [], result: existing };
    if (input.enabled) {
      const tool = await deps.store.get('tool', existing.toolId);
      if (!tool || !isRequestable(tool)) {
        throw new ValidationError(`This policy's tool is ${tool ? `${tool.status} in the catalog` : 'gone from the catalog'}; choose an approved tool before enabling it.`, [{ path: 'toolId', message: 'not requestable' }]);
      }
    }
    const policy: WorkLinkedPolicy = { ...existing, enabled: input.enabled };
    return nextVersion(deps, actor, current, current.policies.map((candidate) => (candidate.id === policy.id ? policy : candidate)), {
      type: input.enabled ? 'work.policy_enabled' : 'work.policy_disabled',
      data: { policyId: policy.id, name: policy.name },
      result: policy,
    });
  });
}

function nextVersion(
  deps: CoreDeps,
  actor: Actor,
  current: WorkPoliciesVersion,
  policies: readonly WorkLinkedPolicy[],
  event: { type: string; data: Record<string, unknown>; result: WorkLinkedPolicy },
) {
  const policyVersion = current.policyVersion + 1;
  const next: WorkPoliciesVersion = { id: workPoliciesVersionId(policyVersion), version: 0, policyVersion, policies, createdAt: deps.clock.now(), createdBy: actor.accountId };
  return {
    writes: [put('workPolicies', next)],
    audit: [{ actor: actor.accountId, type: event.type, data: { ...event.data, fromVersion: current.policyVersion, toVersion: policyVersion } }],
    result: event.result,
  };
}
