import type { AgentEffect, GatewayCaller } from './call.js';
import { compileGlob, type OperationMatcher } from './glob.js';
import type { AgentPolicyVersion } from './policy.js';

/** What the rules alone say about a call; the grant condition is checked by the caller of this. */
export interface RuleVerdict {
  readonly effect: AgentEffect;
  readonly basis: 'rule' | 'default';
  readonly ruleIndex?: number;
  readonly requiresGrant: boolean;
  readonly note?: string;
  readonly policyVersion: number;
  /** The catalog tool linked to the caller's client, when there is one. */
  readonly toolId?: string;
}

interface CompiledRule {
  readonly client: string | undefined;
  readonly group: string | undefined;
  readonly matches: OperationMatcher;
  /** The verdict this rule gives, built once (without the client's tool, added per call when linked). */
  readonly verdict: RuleVerdict;
}

/** A policy version with its patterns compiled once, reused for every call under that version. */
export interface CompiledAgentPolicy {
  readonly source: AgentPolicyVersion;
  readonly rules: readonly CompiledRule[];
  readonly toolByClient: ReadonlyMap<string, string>;
  readonly defaultVerdict: RuleVerdict;
  /** Whether any rule names a group: only then are the caller's groups lower-cased. */
  readonly namesGroups: boolean;
}

export function compileAgentPolicy(source: AgentPolicyVersion): CompiledAgentPolicy {
  const policyVersion = source.policyVersion;
  return {
    source,
    rules: source.rules.rules.map((rule, index) => ({
      client: rule.client === '*' ? undefined : rule.client.toLowerCase(),
      group: rule.group === null ? undefined : rule.group.toLowerCase(),
      matches: compileGlob(rule.operation),
      verdict: { effect: rule.effect, basis: 'rule', ruleIndex: index, requiresGrant: rule.requireGrant, ...(rule.note !== undefined && { note: rule.note }), policyVersion },
    })),
    toolByClient: new Map(source.rules.clients.map((link) => [link.name.toLowerCase(), link.toolId])),
    defaultVerdict: { effect: source.rules.defaultEffect, basis: 'default', requiresGrant: source.rules.defaultRequiresGrant, policyVersion },
    namesGroups: source.rules.rules.some((rule) => rule.group !== null),
  };
}

/**
 * First match wins: the first rule whose client, group and operation all match the call decides;
 * when none does, the default decides. Client and group compare case-insensitively, as do
 * operation patterns. The client is the registered one — `clientInfoName` is never looked at.
 * Verdicts are built at compile time, so a call costs the rule tests and nothing else.
 */
export function evaluateAgentPolicy(policy: CompiledAgentPolicy, caller: Pick<GatewayCaller, 'client' | 'groups'>, operation: string): RuleVerdict {
  const client = caller.client.toLowerCase();
  const groups = policy.namesGroups ? caller.groups.map((group) => group.toLowerCase()) : undefined;
  let verdict = policy.defaultVerdict;
  for (const rule of policy.rules) {
    if (rule.client !== undefined && rule.client !== client) continue;
    if (rule.group !== undefined && !groups!.includes(rule.group)) continue;
    if (!rule.matches(operation)) continue;
    verdict = rule.verdict;
    break;
  }
  const toolId = policy.toolByClient.get(client);
  return toolId === undefined ? verdict : withTool(verdict, toolId);
}

/** Verdicts with the client's tool, made once per verdict and tool: copying an object on every call costs more than all the rule tests of a short policy. */
const withTools = new WeakMap<RuleVerdict, Map<string, RuleVerdict>>();

function withTool(verdict: RuleVerdict, toolId: string): RuleVerdict {
  let byTool = withTools.get(verdict);
  if (!byTool) withTools.set(verdict, (byTool = new Map<string, RuleVerdict>()));
  let made = byTool.get(toolId);
  if (!made) byTool.set(toolId, (made = { ...verdict, toolId }));
  return made;
}

/** How a rule reads in a reason: `rule 2 (delete* → deny for any client, any user)`. */
export function describeVerdict(policy: AgentPolicyVersion, verdict: Pick<RuleVerdict, 'basis' | 'ruleIndex'>): string {
  if (verdict.basis === 'default' || verdict.ruleIndex === undefined) return `the default decision (${policy.rules.defaultEffect})`;
  const rule = policy.rules.rules[verdict.ruleIndex]!;
  const who = `${rule.client === '*' ? 'any client' : rule.client}, ${rule.group === null ? 'any user' : `group ${rule.group}`}`;
  return `rule ${verdict.ruleIndex + 1} (${rule.operation} → ${rule.effect} for ${who})`;
}
