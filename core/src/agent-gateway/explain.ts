import type { CoreDeps } from '../shared/deps.js';
import type { CallDecision } from './call.js';
import { describeVerdict, evaluateAgentPolicy } from './evaluate.js';
import { decideCalls } from './gateway-policy.js';
import type { AgentRule } from './policy.js';
import { compiledPolicy, currentAgentPolicy } from './policy-service.js';

export interface ExplainInput {
  readonly client: string;
  readonly groups: readonly string[];
  readonly operation: string;
  /** When given, the grant condition is checked for this account as a real call would be. */
  readonly accountId?: string;
  /** The account's display name, for the reason. */
  readonly name?: string;
}

export interface Explanation {
  readonly policyVersion: number;
  /** `rule 2 (delete* → deny for any client, any user)` or `the default decision (allow)`. */
  readonly decidedBy: string;
  readonly rule?: AgentRule;
  readonly effect: 'allow' | 'deny';
  /** Whether an allow needs an active grant for the client's tool, and which tool that is. */
  readonly requiresGrant: boolean;
  readonly toolId?: string;
  /** The full decision, when an account was given. */
  readonly decision?: CallDecision;
}

/** Which rule of the policy in force decides a call, and why — the "explain a call" box and the CLI. */
export async function explainAgentCall(deps: CoreDeps, input: ExplainInput): Promise<Explanation> {
  const policy = await currentAgentPolicy(deps.store);
  const verdict = evaluateAgentPolicy(compiledPolicy(deps.store, policy), input, input.operation);
  const decision =
    input.accountId === undefined ? undefined : (await decideCalls(deps, { accountId: input.accountId, ...(input.name !== undefined && { name: input.name }), groups: input.groups, client: input.client }, [input.operation]))[0];
  return {
    policyVersion: policy.policyVersion,
    decidedBy: describeVerdict(policy, verdict),
    ...(verdict.ruleIndex !== undefined && { rule: policy.rules.rules[verdict.ruleIndex]! }),
    effect: verdict.effect,
    requiresGrant: verdict.effect === 'allow' && verdict.requiresGrant,
    ...(verdict.toolId !== undefined && { toolId: verdict.toolId }),
    ...(decision !== undefined && { decision }),
  };
}
