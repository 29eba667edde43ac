import {
  bulkDecide,
  completeManualTask,
  decide,
  extendGrant,
  listFailedJobs,
  listManualTasks,
  listPendingForApprover,
  MANUAL_COMPLETIONS,
  retryFailedJob,
  revokeGrant,
  type Job,
} from '@clearway/core';
import { requestFulfillment } from '../../queue/fulfillment-dispatch.js';
import type { Caller } from '../caller.js';
import { grantSummary, requestSummaries, toolNames, type FailedJobView, type ManualTaskView } from '../views.js';
import type { ActionContext, ActionTable } from './action.js';

/** Jobs of a page the caller may act on as approver for their grants (admins with fallback: all). */
async function actionableJobs(app: ActionContext['app'], caller: Caller, jobs: readonly Job[]) {
  const grants = await Promise.all(jobs.map((job) => app.deps.store.get('grant', job.grantId)));
  const allowed = await Promise.all(grants.map((grant) => (grant ? caller.mayApproveFor(grant) : caller.isAdmin())));
  return jobs.flatMap((job, index) => (allowed[index] ? [{ job, grant: grants[index] }] : []));
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
      const page = await listPendingForApprover(app.deps, await caller.actor(), payload);
      return { ...page, items: await requestSummaries(app.deps.store, page.items) };
    },
  },

  'approvals.decide': {
    policy: 'approver',
    async handle({ app, caller }, payload) {
      const result = await decide(app.deps, await caller.actor(), payload);
      if (result.grant) await requestFulfillment(app, `approved ${result.request.issueKey}`);
      return result;
    },
  },

  'approvals.bulkDecide': {
    policy: 'approver',
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
      const names = await toolNames(app.deps.store, actionable.map(({ job }) => job.toolId));
      const items: ManualTaskView[] = actionable.flatMap(({ job, grant }) =>
        grant ? [{ job, issueKey: grant.issueKey, requesterAccountId: grant.requesterAccountId, toolName: names.get(job.toolId) ?? job.toolId, completion: MANUAL_COMPLETIONS[job.type] }] : [],
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
      const names = await toolNames(app.deps.store, actionable.map(({ job }) => job.toolId));
      const items: FailedJobView[] = actionable.map(({ job, grant }) => ({
        job,
        toolName: names.get(job.toolId) ?? job.toolId,
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
