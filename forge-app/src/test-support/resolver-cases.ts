/**
 * For every resolver key: the surface it is called on, the roles allowed to call it, and a payload
 * that succeeds for them in the scenario. The authorization matrix runs it for every role; the
 * fuzz test mutates these payloads to reach past validation.
 */
import { ActivityRecorder, listActivity, saveWorkPolicy, SEED_TOOLS, type WorkPolicyInput } from '@clearway/core';
import type { ResolverKey, SurfaceFunction } from '../resolvers/contract';
import type { AppWorld } from './app-world';
import { installGatewayDouble, UNA_CLAUDE } from './gateway-world';
import { ADMIN, PEOPLE, ROLES, scenarioRules, tool, type Role, type Scenario } from './scenario';
import { installWorkSite } from './work-site';

const LICENSED: readonly Role[] = ['admin', 'approver', 'requester', 'stranger', 'securityReviewer'];
const APPROVERS: readonly Role[] = ['admin', 'approver'];
/** Queues the `approver` policy admits a security reviewer to: they see what they may act on (here: nothing but exceptions). */
const APPROVER_QUEUES: readonly Role[] = [...APPROVERS, 'securityReviewer'];
const ADMINS: readonly Role[] = ['admin'];
const EXCEPTION_READERS: readonly Role[] = ['admin', 'securityReviewer'];

export interface Case {
  readonly surface: SurfaceFunction;
  /** The roles allowed to call it; everyone else is refused. */
  readonly allowed: readonly Role[];
  readonly payload: (scenario: Scenario) => unknown;
  /** How a refusal answers, when not `forbidden`: a lookup that must not tell who has what answers `not_found`. */
  readonly refusedAs?: 'not_found';
  /**
   * Readies the world beyond the scenario before the call (the gateway's stand-in, a recorded
   * call); what it answers joins the payload (ids only the readied world knows).
   */
  readonly prepare?: (world: AppWorld) => Promise<Record<string, unknown> | undefined>;
}

/** The gateway's stand-in: its connections (the requester's Claude one) and the site's groups. */
async function withGateway(world: AppWorld): Promise<undefined> {
  installGatewayDouble(world);
  return undefined;
}

/** The stand-in and one recorded call, whose audit sequence number the payload names. */
async function withRecordedCall(world: AppWorld): Promise<Record<string, unknown>> {
  installGatewayDouble(world);
  const { deps } = world.app;
  const decision = { effect: 'deny', basis: 'rule', ruleIndex: 0, policyVersion: 1, reason: 'Blocked by rule 1 of agent policy v1.' } as const;
  await new ActivityRecorder(deps).record({
    caller: { accountId: PEOPLE.requester, name: 'Una User', groups: ['engineering'], client: 'claude' },
    method: 'tools/call',
    operation: 'deleteJiraIssue',
    arguments: { issueIdOrKey: 'AIR-1' },
    decision,
    upstreamStatus: 'not_forwarded',
    responseBytes: 120,
    latencyMs: 3,
    startedAt: deps.clock.now(),
  });
  const [call] = (await listActivity(deps, { limit: 1 })).items;
  return { seq: call?.seq };
}

const GATEWAY_ADMIN = { surface: 'adminPage', allowed: ADMINS, prepare: withGateway } as const;

/** A work-linked access policy: Claude for whoever is assigned an OPS issue in progress. */
export const WORK_POLICY: WorkPolicyInput = { name: 'Incident responders', projectKey: 'OPS', categoryKeys: ['indeterminate'], subject: { kind: 'assignee' }, toolId: 'claude', maxDurationHours: 72 };

/** The OPS project on the site (its statuses and issues) and one saved policy, whose id the payload names. */
async function withWorkPolicy(world: AppWorld): Promise<Record<string, unknown>> {
  installWorkSite(world);
  const policy = await saveWorkPolicy(world.app.deps, ADMIN, WORK_POLICY);
  return { policyId: policy.id };
}

async function withWorkSite(world: AppWorld): Promise<undefined> {
  installWorkSite(world);
  return undefined;
}

const WORK_ADMIN = { surface: 'adminPage', allowed: ADMINS, prepare: withWorkSite } as const;

const unseededTool = SEED_TOOLS.find((seed) => !['chatgpt', 'claude', 'gemini', 'copilot'].includes(seed.id))?.id ?? 'none';

/** Every resolver key: where it is called, who may call it, and a payload that succeeds for those who may. */
export const CASES: { readonly [K in ResolverKey]: Case } = {
  'viewer.context': { surface: 'globalPage', allowed: LICENSED, payload: () => ({}) },
  'myAccess.list': { surface: 'globalPage', allowed: LICENSED, payload: () => ({}) },
  'tools.requestable': { surface: 'globalPage', allowed: LICENSED, payload: () => ({}) },
  'requests.mine': { surface: 'globalPage', allowed: LICENSED, payload: () => ({}) },
  'approvals.pending': { surface: 'globalPage', allowed: APPROVER_QUEUES, payload: () => ({}) },
  'approvals.decide': { surface: 'globalPage', allowed: APPROVERS, payload: (s) => ({ requestId: s.pendingRequestId, outcome: 'approved', rationale: 'fine for the project' }) },
  // Admitted like any approver; a request the security reviewer may not decide is refused in the answer, item by item.
  'approvals.bulkDecide': { surface: 'globalPage', allowed: APPROVER_QUEUES, payload: (s) => ({ requestIds: [s.pendingRequestId], outcome: 'denied', rationale: 'not this quarter' }) },
  'approvals.manualTasks': { surface: 'globalPage', allowed: APPROVER_QUEUES, payload: () => ({}) },
  'approvals.completeManualTask': { surface: 'globalPage', allowed: APPROVERS, payload: (s) => ({ jobId: s.manualTaskJobId, completion: 'fulfilled' }) },
  'approvals.failedJobs': { surface: 'globalPage', allowed: APPROVER_QUEUES, payload: () => ({}) },
  'approvals.retryFailedJob': { surface: 'globalPage', allowed: APPROVERS, payload: (s) => ({ jobId: s.failedJobId }) },
  'grants.extend': { surface: 'globalPage', allowed: APPROVERS, payload: (s) => ({ grantId: s.activeGrantId, days: 10, rationale: 'the project runs longer' }) },
  // The requester may give up their own grant; approvers may revoke it.
  'grants.revoke': { surface: 'globalPage', allowed: ['admin', 'approver', 'requester'], payload: (s) => ({ grantId: s.activeGrantId, rationale: 'no longer needed' }) },
  // Admins and security reviewers see exceptions; only a security reviewer reviews one (core refuses admins too).
  'exceptions.list': { surface: 'globalPage', allowed: EXCEPTION_READERS, payload: () => ({ state: 'all', limit: 10 }) },
  'exceptions.report': { surface: 'globalPage', allowed: EXCEPTION_READERS, payload: () => ({}) },
  'exceptions.review': { surface: 'globalPage', allowed: ['securityReviewer'], payload: (s) => ({ grantId: s.exceptionGrantId, outcome: 'keep', note: 'Still needed for the audit' }) },
  'admin.overview': { surface: 'adminPage', allowed: ADMINS, payload: () => ({}) },
  'intake.problems': { surface: 'adminPage', allowed: ADMINS, payload: () => ({}) },
  'catalog.list': { surface: 'adminPage', allowed: ADMINS, payload: () => ({}) },
  'catalog.save': { surface: 'adminPage', allowed: ADMINS, payload: () => tool('mistral', 'Mistral Le Chat') },
  'catalog.seedTools': { surface: 'adminPage', allowed: ADMINS, payload: () => ({}) },
  'catalog.seed': { surface: 'adminPage', allowed: ADMINS, payload: () => ({ toolIds: [unseededTool] }) },
  'connectors.list': { surface: 'adminPage', allowed: ADMINS, payload: () => ({}) },
  'connectors.providers': { surface: 'adminPage', allowed: ADMINS, payload: () => ({}) },
  'connectors.create': { surface: 'adminPage', allowed: ADMINS, payload: () => ({ id: 'desk-2', providerType: 'manual', name: 'Second desk', settings: {} }) },
  'connectors.update': { surface: 'adminPage', allowed: ADMINS, payload: () => ({ connectorId: 'desk', name: 'Front desk' }) },
  'connectors.setEnabled': { surface: 'adminPage', allowed: ADMINS, payload: () => ({ connectorId: 'desk', enabled: false }) },
  'connectors.delete': { surface: 'adminPage', allowed: ADMINS, payload: () => ({ connectorId: 'desk' }) },
  'connectors.usage': { surface: 'adminPage', allowed: ADMINS, payload: () => ({ connectorId: 'okta-off' }) },
  'connectors.test': { surface: 'adminPage', allowed: ADMINS, payload: () => ({ connectorId: 'desk' }) },
  'connectors.mapIdentity': { surface: 'adminPage', allowed: ADMINS, payload: () => ({ connectorId: 'desk', accountId: PEOPLE.requester, externalId: 'una@corp.example' }) },
  'connectors.identities': { surface: 'adminPage', allowed: ADMINS, payload: () => ({ connectorId: 'desk' }) },
  'lookup.serviceDesks': { surface: 'adminPage', allowed: ADMINS, payload: () => ({}) },
  'lookup.requestTypes': { surface: 'adminPage', allowed: ADMINS, payload: () => ({ serviceDeskId: '1' }) },
  'lookup.issueTypes': { surface: 'adminPage', allowed: ADMINS, payload: () => ({ projectKey: 'AIR' }) },
  'lookup.people': { surface: 'adminPage', allowed: ADMINS, payload: () => ({ query: 'alan' }) },
  'lookup.groups': { surface: 'adminPage', allowed: ADMINS, payload: () => ({ query: 'eng' }) },
  'governance.current': { surface: 'adminPage', allowed: ADMINS, payload: () => ({}) },
  'governance.versions': { surface: 'adminPage', allowed: ADMINS, payload: () => ({}) },
  'governance.update': { surface: 'adminPage', allowed: ADMINS, payload: () => ({ rules: scenarioRules({ stalePendingDays: 20 }), note: 'shorter stale period' }) },
  'requests.all': { surface: 'adminPage', allowed: ADMINS, payload: () => ({ status: 'pending' }) },
  'grants.all': { surface: 'adminPage', allowed: ADMINS, payload: () => ({ status: 'active' }) },
  'insights.daily': { surface: 'adminPage', allowed: ADMINS, payload: () => ({ days: 2 }) },
  'insights.monthly': { surface: 'adminPage', allowed: ADMINS, payload: () => ({}) },
  'audit.events': { surface: 'adminPage', allowed: ADMINS, payload: () => ({ limit: 10 }) },
  'audit.verify': { surface: 'adminPage', allowed: ADMINS, payload: () => ({}) },
  'evidence.export': { surface: 'adminPage', allowed: ADMINS, payload: () => ({ format: 'jsonl' }) },
  'evidence.settings': { surface: 'adminPage', allowed: ADMINS, payload: () => ({}) },
  'evidence.saveSettings': { surface: 'adminPage', allowed: ADMINS, payload: () => ({ anchorIssueKey: 'AIR-1' }) },
  'gateway.setup': { ...GATEWAY_ADMIN, payload: () => ({}) },
  'gateway.selfTest': { ...GATEWAY_ADMIN, payload: () => ({}) },
  'gateway.policy': { ...GATEWAY_ADMIN, payload: () => ({}) },
  'gateway.policyVersions': { ...GATEWAY_ADMIN, payload: () => ({ limit: 5 }) },
  'gateway.savePolicy': {
    ...GATEWAY_ADMIN,
    payload: () => ({ rules: { defaultEffect: 'allow', rules: [{ operation: 'delete*', effect: 'deny', note: 'AI may never delete' }, { group: 'engineering', operation: 'create*', effect: 'allow' }] }, note: 'no deletes' }),
  },
  'gateway.explain': { ...GATEWAY_ADMIN, payload: () => ({ client: 'claude', operation: 'deleteJiraIssue', accountId: PEOPLE.requester }) },
  'gateway.activity': { ...GATEWAY_ADMIN, payload: () => ({ decision: 'blocked', operation: 'deleteJiraIssue', limit: 20 }) },
  'gateway.activityDetail': { ...GATEWAY_ADMIN, prepare: withRecordedCall, payload: () => ({}) },
  'gateway.dashboard': { ...GATEWAY_ADMIN, payload: () => ({ range: '7d' }) },
  'gateway.connections': { ...GATEWAY_ADMIN, payload: () => ({ accountId: PEOPLE.requester }) },
  'gateway.disconnect': { ...GATEWAY_ADMIN, payload: () => ({ connectionId: UNA_CLAUDE.id }) },
  'gateway.forgetUser': { ...GATEWAY_ADMIN, payload: () => ({ accountId: PEOPLE.requester }) },
  'workLinked.policies': {
    ...WORK_ADMIN,
    prepare: async (world) => {
      await withWorkPolicy(world);
      return undefined;
    },
    payload: () => ({}),
  },
  'workLinked.save': { ...WORK_ADMIN, payload: () => WORK_POLICY },
  'workLinked.setEnabled': { ...WORK_ADMIN, prepare: withWorkPolicy, payload: () => ({ enabled: false }) },
  'workLinked.preview': { ...WORK_ADMIN, payload: () => WORK_POLICY },
  'workLinked.projectStatuses': { ...WORK_ADMIN, payload: () => ({ projectKey: 'OPS' }) },
  'workLinked.grantLinks': { ...WORK_ADMIN, payload: (s) => ({ grantId: s.activeGrantId }) },
  // Anyone signed in lists their own connected AI clients (none but the requester has any).
  'myClients.list': { surface: 'globalPage', allowed: LICENSED, prepare: withGateway, payload: () => ({}) },
  // Only the requester owns the connection: for anyone else it is as if it did not exist.
  'myClients.disconnect': { surface: 'globalPage', allowed: ['requester'], prepare: withGateway, payload: () => ({ connectionId: UNA_CLAUDE.id }), refusedAs: 'not_found' },
  // The create panel is the request form: anyone on the portal may load it.
  'portal.createPanel': { surface: 'portal', allowed: ROLES, payload: () => ({}) },
  // AIR-1 is the requester's: the portal customer and strangers are refused, as if there were no request on it.
  'portal.requestStatus': { surface: 'portal', allowed: ['admin', 'approver', 'requester'], payload: () => ({ issueKey: 'AIR-1' }), refusedAs: 'not_found' },
};

