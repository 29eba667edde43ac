import type { Grant } from '../grants/grant.js';
import type { Store } from '../ports/store.js';
import type { CoreDeps } from '../shared/deps.js';
import type { CallDecision, GatewayCaller, GatewayPolicyPort } from './call.js';
import { describeVerdict, evaluateAgentPolicy, type RuleVerdict } from './evaluate.js';
import type { AgentPolicyVersion } from './policy.js';
import { compiledPolicy, currentAgentPolicy } from './policy-service.js';
import { ActivityRecorder } from './recorder.js';

/** A caller's grants looked at for the grant condition (newest first); more than this is no person's history. */
const MAX_GRANTS_READ = 200;

/**
 * Core's side of the gateway: decisions read the policy in force on every call (a save applies
 * to the very next one) and never throw — when the policy, the catalog or the grants cannot be
 * read, every operation is denied with basis `policy_unavailable` and the reason says why.
 */
export function createGatewayPolicy(deps: CoreDeps): GatewayPolicyPort {
  const recorder = new ActivityRecorder(deps);
  return {
    decide: (caller, operations) => decideCalls(deps, caller, operations),
    record: (activity) => recorder.record(activity),
  };
}

export async function decideCalls(deps: CoreDeps, caller: GatewayCaller, operations: readonly string[]): Promise<readonly CallDecision[]> {
  try {
    const policy = await currentAgentPolicy(deps.store);
    const compiled = compiledPolicy(deps.store, policy);
    const verdicts = operations.map((operation) => evaluateAgentPolicy(compiled, caller, operation));
    const needsGrant = verdicts.some((verdict) => verdict.effect === 'allow' && verdict.requiresGrant);
    const holds = needsGrant ? await grantStanding(deps, caller, verdicts.find((verdict) => verdict.requiresGrant)?.toolId) : undefined;
    return verdicts.map((verdict) => toDecision(policy, verdict, caller, holds));
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    deps.logger.error('gateway: the agent policy could not be read; denying', { reason: why });
    const reason = `Blocked: Clearway could not read the agent policy (${why.slice(0, 200)}), so every call is denied until it can.`;
    return operations.map(() => ({ effect: 'deny', basis: 'policy_unavailable', policyVersion: -1, reason }) satisfies CallDecision);
  }
}

type GrantStanding = { readonly held: true } | { readonly held: false; readonly toolId?: string; readonly toolName?: string };

/** Whether the caller holds an active, unexpired grant for the client's catalog tool. */
async function grantStanding(deps: CoreDeps, caller: GatewayCaller, toolId: string | undefined): Promise<GrantStanding> {
  if (toolId === undefined) return { held: false };
  if (await holdsActiveGrant(deps.store, caller.accountId, toolId, deps.clock.now())) return { held: true };
  const tool = await deps.store.get('tool', toolId);
  return { held: false, toolId, ...(tool && { toolName: tool.name }) };
}

export async function holdsActiveGrant(store: Store, accountId: string, toolId: string, now: number): Promise<boolean> {
  let cursor: string | undefined;
  let read = 0;
  do {
    const page = await store.query('grant', 'byRequester', { partition: [accountId], direction: 'desc', limit: 50, ...(cursor !== undefined && { cursor }) });
    if (page.items.some((grant: Grant) => grant.toolId === toolId && grant.status === 'active' && grant.expiresAt > now)) return true;
    read += page.items.length;
    cursor = page.nextCursor;
  } while (cursor !== undefined && read < MAX_GRANTS_READ);
  return false;
}

function toDecision(policy: AgentPolicyVersion, verdict: RuleVerdict, caller: GatewayCaller, holds: GrantStanding | undefined): CallDecision {
  const base = {
    basis: verdict.basis,
    ...(verdict.ruleIndex !== undefined && { ruleIndex: verdict.ruleIndex }),
    policyVersion: verdict.policyVersion,
    ...(verdict.note !== undefined && { note: verdict.note }),
  };
  const which = `${describeVerdict(policy, verdict)} of agent policy v${policy.policyVersion}`;
  const because = verdict.note ? `: ${verdict.note}` : '';
  if (verdict.effect === 'deny') return { ...base, effect: 'deny', reason: `Blocked by ${which}${because}.` };
  if (!verdict.requiresGrant || holds?.held) return { ...base, effect: 'allow', reason: `Allowed by ${which}${verdict.requiresGrant ? ' (an active Clearway grant is held)' : ''}.` };
  const who = caller.name ?? caller.accountId;
  if (!holds || holds.toolId === undefined) {
    return {
      ...base,
      effect: 'deny',
      basis: 'no_grant',
      reason: `Blocked: ${which} allows this only with an active Clearway grant for the AI client's catalog tool, and the client “${caller.client}” is not linked to one. An admin links it under the agent policy's clients.`,
    };
  }
  const tool = holds.toolName ? `${holds.toolName} (${holds.toolId})` : holds.toolId;
  return {
    ...base,
    effect: 'deny',
    basis: 'no_grant',
    reason: `Blocked: ${which} allows this only with active Clearway access to ${tool}, and ${who} has none. Request ${holds.toolName ?? holds.toolId} from the Clearway portal; calls work once the grant is active.`,
  };
}
