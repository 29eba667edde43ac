import {
  bulkDecide,
  completeManualTask,
  decide,
  extendGrant,
  listFailedJobs,
  listManualTasks,
  MANUAL_COMPLETIONS,
  retryFailedJob,
  revokeGrant,
  type Job,
} from '@clearway/core';
import { requestFulfillment } from '../../queue/fulfillment-dispatch';
import type { Caller } from '../caller';
import { pendingRequestSummaries } from '../exception-views';
import { grantSummary, readRecords, type FailedJobView, type ManualTaskView } from '../views';
import type { ActionContext, ActionTable } from './action';

/**
 * Jobs of a page the caller may act on as approver for their grants (admins with fallback: all),
 * each with its tool's name. Each tool is read once, for both the routing check and the name.
 */
async function actionableJobs(app: ActionContext['app'], caller: Caller, jobs: readonly Job[]) {
  const { store } = app.deps;
  const grants = await Promise.all(jobs.map((job) => store.get('grant', job.grantId)));
  const [requests, tools] = await Promise.all([
    readRecords(store, 'request', grants.map((grant) => grant?.requestId)),
    readRecords(store, 'tool', [...jobs.map((job) => job.toolId), ...grants.map((grant) => grant?.toolId)]),
  ]);
  const allowed = await Promise.all(
    grants.map((grant) =>
      grant
        ? caller.mayApprove({ requesterAccountId: grant.requesterAccountId, projectKey: requests.get(grant.requestId)?.projectKey ?? '' }, tools.get(grant.toolId)?.riskLevel ?? 'high')
        : caller.isAdmin(),
    ),
  );
  return jobs.flatMap((job, index) => (allowed[index] ? [{ job, grant: grants[index], toolName: tools.get(job.toolId)?.name ?? job.toolId }] : []));
}

/**
 * The Approvals tab: pending requests, single and bulk decisions, manual provisioning tasks,
 * failed fulfillments, extensions and revokes. The `approver` policy admits only people who may
 * approve somewhere; core then applies the per-request rules (project routing, security review,
 * no self-approval). Whatever creates a provider job asks for a fulfillment run at once.
 */
export const approverActions: Pick<
  ActionTable,
  | 'approvals.pending'
  | 'approvals.decide'
  | 'approvals.bulkDecide'
  | 'approvals.manualTasks'
  | 'approvals.completeManualTask'
  | 'approvals.failedJobs'
  | 'approvals.retryFailedJob'
  | 'grants.extend'
  | 'grants.revoke'
> = {
  'approvals.pending': {
    policy: 'approver',
    async handle({ app, caller }, payload) {
      return pendingRequestSummaries(app, caller, payload);
    },
  },

  'approvals.decide': {
    policy: 'approver',
    rateLimit: [{ budget: 'decisions' }],
    async handle({ app, caller }, payload) {
      const result = await decide(app.deps, await caller.actor(), payload);
      if (result.grant) await requestFulfillment(app, `approved ${result.request.issueKey}`);
      return result;
    },
  },

  'approvals.bulkDecide': {
    policy: 'approver',
    // Each request decided counts as a single decision would; a call that decided none (all unknown,
    // already decided, not theirs) takes nothing, not even its bulk call.
    rateLimit: [
      { budget: 'bulkDecisions', settle: (results) => (results.some((item) => item.ok) ? 1 : 0) },
      { budget: 'decisions', reserve: (payload) => new Set(payload.requestIds).size, settle: (results) => results.filter((item) => item.ok).length },
    ],
    async handle({ app, caller }, payload) {
      const results = await bulkDecide(app.deps, await caller.actor(), payload);
      if (results.some((item) => item.ok && item.result.grant)) await requestFulfillment(app, 'bulk approval');
      return results;
    },
  },

  'approvals.manualTasks': {
    policy: 'approver',
    async handle({ app, caller }, payload) {
      const page = await listManualTasks(app.deps, payload);
      const actionable = await actionableJobs(app, caller, page.items);
      const items: ManualTaskView[] = actionable.flatMap(({ job, grant, toolName }) =>
        grant && job.type !== 'reconcile' ? [{ job, issueKey: grant.issueKey, requesterAccountId: grant.requesterAccountId, toolName, completion: MANUAL_COMPLETIONS[job.type] }] : [],
      );
      return { items, ...(page.nextCursor !== undefined && { nextCursor: page.nextCursor }) };
    },
  },

  'approvals.completeManualTask': {
    policy: 'approver',
    async handle({ app, caller }, payload) {
      return completeManualTask(app.deps, await caller.actor(), payload);
    },
  },

  'approvals.failedJobs': {
    policy: 'approver',
    async handle({ app, caller }, payload) {
      const page = await listFailedJobs(app.deps, payload);
      const actionable = await actionableJobs(app, caller, page.items);
      const items: FailedJobView[] = actionable.map(({ job, grant, toolName }) => ({
        job,
        toolName,
        ...(grant && { issueKey: grant.issueKey, grantStatus: grant.status }),
      }));
      return { items, ...(page.nextCursor !== undefined && { nextCursor: page.nextCursor }) };
    },
  },

  'approvals.retryFailedJob': {
    policy: 'approver',
    async handle({ app, caller }, payload) {
      const job = await retryFailedJob(app.deps, await caller.actor(), payload.jobId);
      await requestFulfillment(app, `retry of ${job.id}`);
      return job;
    },
  },

  'grants.extend': {
    policy: 'approver',
    async handle({ app, caller }, payload) {
      const grant = await extendGrant(app.deps, await caller.actor(), payload);
      // Extending an expired grant (within its grace window) provisions it again.
      if (grant.status === 'pending_provision') await requestFulfillment(app, `extension of ${grant.id}`);
      return grantSummary(app.deps.store, grant, app.deps.clock.now());
    },
  },

  'grants.revoke': {
    // A requester may give up their own grant; anyone else must be an approver for it (core checks).
    policy: 'signedIn',
    async handle({ app, caller }, payload) {
      const grant = await revokeGrant(app.deps, await caller.actor(), payload);
      await requestFulfillment(app, `revoke of ${grant.id}`);
      return grantSummary(app.deps.store, grant, app.deps.clock.now());
    },
  },
};
