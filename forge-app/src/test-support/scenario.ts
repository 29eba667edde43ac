/**
 * The installation every resolver test starts from: six people (one a security reviewer),
 * governance with intake on project AIR (portal 1, request type 10), four manual-fulfilled tools
 * and one bound to a disabled Okta connector, requests in every interesting state, and one
 * exception: a contractor's access approved past the rules by the security reviewer.
 */
import {
  connectorSecretName,
  completeManualTask,
  createConnector,
  decide,
  DEFAULT_EXCEPTION_RULES,
  DEFAULT_GOVERNANCE_RULES,
  listManualTasks,
  put,
  saveTool,
  submitRequest,
  updateGovernance,
  type Actor,
  type GovernanceRules,
  type ToolInput,
} from '@clearway/core';
import { FakeClock, makeAppWorld, type AppWorld } from './app-world';
import { resetFakeForge, type FakeJiraSite } from './fake-forge/index';

export const PEOPLE = {
  admin: 'acc-admin',
  approver: 'acc-approver',
  requester: 'acc-requester',
  customer: 'acc-customer',
  stranger: 'acc-stranger',
  /** Governance names them its security reviewer: they approve and review exceptions, and decide nothing else here. */
  securityReviewer: 'acc-security',
} as const;

export type Role = keyof typeof PEOPLE;
export const ROLES = Object.keys(PEOPLE) as Role[];

/** A secret value stored in the scenario; finding it anywhere outside secret storage is a leak. */
export const SECRET_CANARY = 'ssws-canary-7f3a9c2e5b1d4e6f8a0b';

export const ADMIN: Actor = { accountId: PEOPLE.admin, isAdmin: true };
export const APPROVER: Actor = { accountId: PEOPLE.approver };
export const SECURITY_REVIEWER: Actor = { accountId: PEOPLE.securityReviewer };

/** Whose access the scenario's exception is: someone outside the roles, so no role's own records change. */
export const CONTRACTOR = 'acc-contractor';

/** Why the scenario's exception was approved. */
export const EXCEPTION_REASON = 'The audit engagement runs four months; the usual 90 days would cut it off.';

export function scenarioRules(overrides: Partial<GovernanceRules> = {}): GovernanceRules {
  return {
    ...DEFAULT_GOVERNANCE_RULES,
    intake: { projectKey: 'AIR', portalId: '1', requestTypeIds: ['10'], recertIssueTypeId: '10005' },
    approvers: { ...DEFAULT_GOVERNANCE_RULES.approvers, default: [PEOPLE.approver], securityReviewers: [PEOPLE.securityReviewer] },
    // Exceptions may run past the tools' own 90 days, up to the 180-day lifetime of any grant.
    exceptions: { ...DEFAULT_EXCEPTION_RULES, maxDurationDays: 180 },
    ...overrides,
  };
}

export function tool(id: string, name: string, overrides: Partial<ToolInput> = {}): ToolInput {
  return { id, name, vendor: 'Vendor', status: 'approved', riskLevel: 'medium', defaultDurationDays: 30, maxDurationDays: 90, guidance: `Use ${name} for work.`, ...overrides };
}

/** Users and portal requests on the fake site (recreated per test: the site is not part of a storage snapshot). */
export function seedSite(site: FakeJiraSite): void {
  site.addUser({ accountId: PEOPLE.admin, displayName: 'Ada Admin', admin: true });
  site.addUser({ accountId: PEOPLE.approver, displayName: 'Alan Approver' });
  site.addUser({ accountId: PEOPLE.requester, displayName: 'Una User', emailAddress: 'una@example.com', groups: ['engineering'] });
  site.addUser({ accountId: PEOPLE.customer, displayName: 'Carla Customer', emailAddress: 'carla@example.com' });
  site.addUser({ accountId: PEOPLE.stranger, displayName: 'Sam Stranger' });
  site.addUser({ accountId: PEOPLE.securityReviewer, displayName: 'Sita Security' });
  site.addUser({ accountId: CONTRACTOR, displayName: 'Cole Contractor', emailAddress: 'cole@example.com' });
  const requests: Array<[string, string]> = [
    ['AIR-1', PEOPLE.requester],
    ['AIR-2', PEOPLE.customer],
    ['AIR-3', PEOPLE.requester],
    ['AIR-4', PEOPLE.requester],
    ['AIR-5', PEOPLE.requester],
    ['AIR-6', CONTRACTOR],
  ];
  for (const [key, reporter] of requests) site.addIssue({ key, reporterAccountId: reporter, serviceDeskId: '1', requestTypeId: '10' });
  site.serviceDesks.push({ id: '1', projectKey: 'AIR', projectName: 'AI Requests', requestTypes: [{ id: '10', name: 'Request an AI tool' }, { id: '11', name: 'Report a problem' }] });
  site.issueTypes.set('AIR', [{ id: '10001', name: 'Service Request' }, { id: '10005', name: 'Review' }, { id: '10009', name: 'Sub-task', subtask: true }]);
}

export interface Scenario {
  /** AIR-1: the requester's ChatGPT access, active (its manual task was completed). */
  readonly activeGrantId: string;
  readonly activeRequestId: string;
  /** AIR-2: the portal customer's pending request. */
  readonly customerRequestId: string;
  /** AIR-3: Copilot, bound to a disabled connector: its provisioning failed. */
  readonly failedJobId: string;
  /** AIR-4: Claude, approved, its manual provisioning task waiting for a person. */
  readonly manualTaskJobId: string;
  /** AIR-5: Gemini, pending. */
  readonly pendingRequestId: string;
  /** AIR-6: the contractor's ChatGPT access for 120 days where 90 are allowed, approved by the security reviewer as an exception; active. */
  readonly exceptionGrantId: string;
}

const portal = { projectKey: 'AIR', portalId: '1', requestTypeId: '10' };

export async function buildScenario(world: AppWorld): Promise<Scenario> {
  const { deps, connectorDeps } = world.app;
  seedSite(world.forge.jira);
  await world.app.ready();
  await updateGovernance(deps, ADMIN, { rules: scenarioRules() });
  for (const input of [tool('chatgpt', 'ChatGPT Enterprise'), tool('claude', 'Claude'), tool('gemini', 'Gemini')]) await saveTool(deps, ADMIN, input);
  // A disabled connector whose secret is a canary: no answer, log or error may ever contain it.
  await deps.secrets.set(connectorSecretName('okta-off', 'apiToken'), SECRET_CANARY);
  await deps.store.commit([
    put('connector', { id: 'okta-off', version: 0, providerType: 'okta-group', name: 'Okta (disabled)', settings: {}, secretsSet: ['apiToken'], enabled: false, createdAt: world.clock.now(), updatedAt: world.clock.now() }),
  ]);
  await saveTool(deps, ADMIN, tool('copilot', 'GitHub Copilot', { fulfillment: { connectorId: 'okta-off', group: { name: 'ai-copilot' } } }));
  await createConnector(connectorDeps, ADMIN, { id: 'desk', providerType: 'manual', name: 'Service desk', settings: {} });

  const requester: Actor = { accountId: PEOPLE.requester, email: 'una@example.com' };
  const submit = async (actor: Actor, issueKey: string, toolId: string) =>
    (await submitRequest(deps, actor, { ...portal, issueKey, toolId, purpose: `Work that needs ${toolId} every day`, durationDays: 30 })).request;
  const active = await submit(requester, 'AIR-1', 'chatgpt');
  const customer = await submit({ accountId: PEOPLE.customer, email: 'carla@example.com' }, 'AIR-2', 'chatgpt');
  const failed = await submit(requester, 'AIR-3', 'copilot');
  const manual = await submit(requester, 'AIR-4', 'claude');
  const pending = await submit(requester, 'AIR-5', 'gemini');
  for (const request of [active, failed, manual]) await decide(deps, APPROVER, { requestId: request.id, outcome: 'approved', rationale: 'needed for the job' });
  await world.app.engine.runDueJobs({ deadline: world.clock.now() + 60_000 });

  const tasks = (await listManualTasks(deps)).items;
  const activeTask = tasks.find((job) => job.toolId === 'chatgpt');
  const claudeTask = tasks.find((job) => job.toolId === 'claude');
  const failedJob = (await deps.store.query('job', 'byStatus', { partition: ['failed'], limit: 10 })).items[0];
  if (!activeTask || !claudeTask || !failedJob) throw new Error('the scenario did not reach the expected states');
  await completeManualTask(deps, APPROVER, { jobId: activeTask.id, completion: 'fulfilled' });
  const activeGrantId = (await deps.store.get('request', active.id))?.grantId;
  if (!activeGrantId) throw new Error('the scenario has no active grant');

  const outside = await submit({ accountId: CONTRACTOR, email: 'cole@example.com' }, 'AIR-6', 'chatgpt');
  const approved = await decide(deps, SECURITY_REVIEWER, { requestId: outside.id, outcome: 'approved', rationale: 'audit support', durationDays: 120, exception: { reason: EXCEPTION_REASON } });
  const exceptionGrantId = approved.grant?.id;
  await world.app.engine.runDueJobs({ deadline: world.clock.now() + 60_000 });
  const exceptionTask = (await listManualTasks(deps)).items.find((job) => job.grantId === exceptionGrantId);
  if (!exceptionGrantId || !exceptionTask) throw new Error('the scenario has no exception to review');
  await completeManualTask(deps, APPROVER, { jobId: exceptionTask.id, completion: 'fulfilled' });
  world.forge.queues.take();
  return { activeGrantId, activeRequestId: active.id, customerRequestId: customer.id, failedJobId: failedJob.id, manualTaskJobId: claudeTask.id, pendingRequestId: pending.id, exceptionGrantId };
}

let cached: { readonly snapshot: string; readonly scenario: Scenario; readonly at: number } | undefined;

/**
 * A world at the scenario's state. The scenario is built once per test file; every call starts
 * from a restored copy of its storage with a fresh app, site and queue, so cases never leak.
 */
export async function freshScenario(): Promise<{ world: AppWorld; scenario: Scenario }> {
  if (!cached) {
    const first = makeAppWorld();
    const scenario = await buildScenario(first);
    cached = { snapshot: first.forge.kvs.snapshot(), scenario, at: first.clock.at };
  }
  resetFakeForge().kvs.restore(cached.snapshot);
  const world = makeAppWorld({ clock: new FakeClock(cached.at) });
  seedSite(world.forge.jira);
  return { world, scenario: cached.scenario };
}
