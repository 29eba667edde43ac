// The AI-agent gateway's core: the agent policy, its evaluation, the activity log and the dashboard.
export * from './call.js';
export { MAX_ARGUMENT_BYTES, activityEntry, activityKind, cappedArguments, redactArguments, type ActivityData, type ActivityKind } from './activity.js';
export { DASHBOARD_RANGES, gatewayDashboard, type DashboardRange, type GatewayDashboard } from './dashboard.js';
export { compileAgentPolicy, describeVerdict, evaluateAgentPolicy, type CompiledAgentPolicy, type RuleVerdict } from './evaluate.js';
export { explainAgentCall, type ExplainInput, type Explanation } from './explain.js';
export { createGatewayPolicy, decideCalls, holdsActiveGrant } from './gateway-policy.js';
export { globProblem } from './glob.js';
export { DEFAULT_AGENT_POLICY, DEFAULT_CLIENT_LINKS, MAX_AGENT_RULES, agentPolicyRulesSchema, type AgentPolicyRules, type AgentPolicyRulesInput, type AgentPolicyVersion, type AgentRule } from './policy.js';
export { currentAgentPolicy, listAgentPolicyVersions, saveAgentPolicy, type AgentPolicyDeps } from './policy-service.js';
export { MAX_SCANNED, atlassianAuditJson, listActivity, viewActivity, type ActivityFilter, type ActivityRecord } from './queries.js';
export { ActivityRecorder, MAX_BATCH, appendCalls } from './recorder.js';
export { MAX_ROLLUP_KEYS, rollupId, utcDay, type DayRollup } from './rollup.js';
export { signInEvents, type GatewaySignInEvent, type SignedInConnection } from './sign-in-events.js';
