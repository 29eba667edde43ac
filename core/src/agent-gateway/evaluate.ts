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
}

/** A policy version with its patterns compiled once, reused for every call under that version. */
export interface CompiledAgentPolicy {
  readonly source: AgentPolicyVersion;
  readonly rules: readonly CompiledRule[];
  readonly toolByClient: ReadonlyMap<string, string>;
}

export function compileAgentPolicy(source: AgentPolicyVersion): CompiledAgentPolicy {
  return {
    source,
    rules: source.rules.rules.map((rule) => ({
      client: rule.client === '*' ? undefined : rule.client.toLowerCase(),
      group: rule.group === null ? undefined : rule.group.toLowerCase(),
      matches: compileGlob(rule.operation),
    })),
    toolByClient: new Map(source.rules.clients.map((link) => [link.name.toLowerCase(), link.toolId])),
  };
}

/**
 * First match wins: the first rule whose client, group and operation all match the call decides;
 * when none does, the default decides. Client and group compare case-insensitively, as do
 * operation patterns. The client is the registered one — `clientInfoName` is never looked at.
 */
export function evaluateAgentPolicy(policy: CompiledAgentPolicy, caller: Pick<GatewayCaller, 'client' | 'groups'>, operation: string): RuleVerdict {
  const client = caller.client.toLowerCase();
  let groups: Set<string> | undefined;
  const toolId = policy.toolByClient.get(client);
  const base = { policyVersion: policy.source.policyVersion, ...(toolId !== undefined && { toolId }) };
  for (let index = 0; index < policy.rules.length; index += 1) {
    const rule = policy.rules[index]!;
    if (rule.client !== undefined && rule.client !== client) continue;
    if (rule.group !== undefined) {
      groups ??= new Set(caller.groups.map((group) => group.toLowerCase()));
      if (!groups.has(rule.group)) continue;
    }
    if (!rule.matches(operation)) continue;
    const source = policy.source.rules.rules[index]!;
    return { ...base, effect: source.effect, basis: 'rule', ruleIndex: index, requiresGrant: source.requireGrant, ...(source.note !== undefined && { note: source.note }) };
  }
  const { defaultEffect, defaultRequiresGrant } = policy.source.rules;
  return { ...base, effect: defaultEffect, basis: 'default', requiresGrant: defaultRequiresGrant };
}

/** How a rule reads in a reason: `rule 2 (delete* → deny for any client, any user)`. */
export function describeVerdict(policy: AgentPolicyVersion, verdict: Pick<RuleVerdict, 'basis' | 'ruleIndex'>): string {
  if (verdict.basis === 'default' || verdict.ruleIndex === undefined) return `the default decision (${policy.rules.defaultEffect})`;
  const rule = policy.rules.rules[verdict.ruleIndex]!;
  const who = `${rule.client === '*' ? 'any client' : rule.client}, ${rule.group === null ? 'any user' : `group ${rule.group}`}`;
  return `rule ${verdict.ruleIndex + 1} (${rule.operation} → ${rule.effect} for ${who})`;
}
