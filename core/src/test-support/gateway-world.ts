import { decide } from '../decisions/decide.js';
import { activateGrant } from '../grants/grant-service.js';
import { submitRequest } from '../requests/submit-request.js';
import { admin, approver, makeWorld, requestInput, requester } from './harness.js';
import type { GatewayCaller } from '../agent-gateway/call.js';
import { saveAgentPolicy, type AgentPolicyDeps } from '../agent-gateway/policy-service.js';
import type { AgentPolicyRulesInput } from '../agent-gateway/policy.js';

/** A site with these groups (as Jira's group directory answers), one tool `chatgpt`, and governance. */
export const SITE_GROUPS = ['developers', 'administrators', 'jira-users', 'Support Team'];

export async function gatewayWorld() {
  const world = await makeWorld();
  const groups = { asked: [] as string[][], findGroups: async (names: readonly string[]) => ((groups.asked.push([...names])), SITE_GROUPS.filter((group) => names.some((name) => name.toLowerCase() === group.toLowerCase()))) };
  const deps: AgentPolicyDeps & typeof world & { groups: typeof groups } = { ...world, groups };
  return deps;
}

export type GatewayWorld = Awaited<ReturnType<typeof gatewayWorld>>;

export const una: GatewayCaller = { accountId: requester.accountId, name: 'Una User', email: 'una@example.com', groups: ['developers', 'jira-users'], client: 'chatgpt' };

export function policy(world: GatewayWorld, rules: AgentPolicyRulesInput) {
  return saveAgentPolicy(world, admin, { rules });
}

/** Una asks for ChatGPT, an approver approves, the provider's add succeeded: an active grant. */
export async function activeGrantForUna(world: GatewayWorld, issueKey = 'AIR-1') {
  const { request } = await submitRequest(world, requester, requestInput({ issueKey, durationDays: 30 }));
  const { grant } = await decide(world, approver, { requestId: request.id, outcome: 'approved', rationale: 'Needed for the release', durationDays: 30 });
  return activateGrant(world, grant!.id, { by: 'admin-1', via: 'manual', outcome: 'added' });
}
