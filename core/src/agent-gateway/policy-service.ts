import { ValidationError, type ValidationIssue } from '../errors.js';
import type { GroupDirectory } from '../ports/groups.js';
import { pageRequest, put, type Page, type Store } from '../ports/store.js';
import { requireAdmin } from '../shared/authorize.js';
import type { Actor, CoreDeps } from '../shared/deps.js';
import { transact } from '../shared/transact.js';
import { parseInput } from '../shared/validate.js';
import { compileAgentPolicy, type CompiledAgentPolicy } from './evaluate.js';
import { DEFAULT_AGENT_POLICY, agentPolicyRulesSchema, agentPolicyVersionId, type AgentPolicyRules, type AgentPolicyRulesInput, type AgentPolicyVersion } from './policy.js';

/** What saving a policy needs beyond core's ports: the site's groups, to refuse unknown ones. */
export interface AgentPolicyDeps extends CoreDeps {
  readonly groups: GroupDirectory;
}

/** The agent policy in force: the highest saved version, or the built-in default. One indexed read. */
export async function currentAgentPolicy(store: Store): Promise<AgentPolicyVersion> {
  const page = await store.query('agentPolicy', 'byVersion', { partition: [], direction: 'desc', limit: 1 });
  return page.items[0] ?? DEFAULT_AGENT_POLICY;
}

/**
 * Compiled policies per store and version: a saved version never changes, so its compiled form
 * never goes stale; keyed by store so that two sites served by one process never share one.
 */
const compiled = new WeakMap<Store, { key: string; policy: CompiledAgentPolicy }>();

export function compiledPolicy(store: Store, policy: AgentPolicyVersion): CompiledAgentPolicy {
  const key = `${policy.id}:${policy.policyVersion}:${policy.createdAt}`;
  const hit = compiled.get(store);
  if (hit?.key === key) return hit.policy;
  const fresh = compileAgentPolicy(policy);
  compiled.set(store, { key, policy: fresh });
  return fresh;
}

/**
 * Saves the agent policy as the next version; it applies to the very next call (each call reads
 * the version in force). Refused with a `validation_failed` naming each problem — a bad glob, an
 * empty operation, a group the site does not have, a client linked to a tool the catalog lacks —
 * and nothing is saved.
 */
export async function saveAgentPolicy(deps: AgentPolicyDeps, actor: Actor, input: { rules: AgentPolicyRulesInput; note?: string }): Promise<AgentPolicyVersion> {
  requireAdmin(actor, 'change the agent policy');
  const rules = parseInput(agentPolicyRulesSchema, input.rules, 'agent policy');
  await assertReferencesExist(deps, rules);
  return transact(deps, async () => {
    const current = await currentAgentPolicy(deps.store);
    const policyVersion = current.policyVersion + 1;
    const next: AgentPolicyVersion = {
      id: agentPolicyVersionId(policyVersion),
      version: 0,
      policyVersion,
      rules,
      createdAt: deps.clock.now(),
      createdBy: actor.accountId,
      ...(input.note !== undefined && input.note.trim() !== '' && { note: input.note.trim().slice(0, 500) }),
    };
    return {
      writes: [put('agentPolicy', next)],
      audit: [
        {
          actor: actor.accountId,
          type: 'gateway.policy_updated',
          data: { fromVersion: current.policyVersion, toVersion: policyVersion, defaultEffect: rules.defaultEffect, rules: rules.rules.length, ...(next.note !== undefined && { note: next.note }) },
        },
      ],
      result: { ...next, version: 1 },
    };
  });
}

async function assertReferencesExist(deps: AgentPolicyDeps, rules: AgentPolicyRules): Promise<void> {
  const issues: ValidationIssue[] = [];
  const named = [...new Set(rules.rules.flatMap((rule) => (rule.group === null ? [] : [rule.group])))];
  if (named.length > 0) {
    const found = new Set((await deps.groups.findGroups(named)).map((group) => group.toLowerCase()));
    rules.rules.forEach((rule, index) => {
      if (rule.group !== null && !found.has(rule.group.toLowerCase())) issues.push({ path: `rules.${index}.group`, message: `no group named “${rule.group}” exists on this site` });
    });
  }
  const tools = await Promise.all(rules.clients.map((link) => deps.store.get('tool', link.toolId)));
  rules.clients.forEach((link, index) => {
    if (!tools[index]) issues.push({ path: `clients.${index}.toolId`, message: `the catalog has no tool ${link.toolId}` });
  });
  if (issues.length > 0) {
    throw new ValidationError(`The agent policy is not valid: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}. Nothing was saved.`, issues);
  }
}

export async function listAgentPolicyVersions(deps: CoreDeps, page: { limit?: number; cursor?: string } = {}): Promise<Page<AgentPolicyVersion>> {
  return deps.store.query('agentPolicy', 'byVersion', { partition: [], direction: 'desc', ...pageRequest(page, 20) });
}
