import { listMyGrants, listMyRequests, listTools } from '@clearway/core';
import { myGrantSummaries, requestSummaries, toolSummaries, type GlobalTab } from '../views';
import type { ActionTable } from './action';

/** My Access, Approved Tools, Request History, and who the viewer is: each shows the caller's own records only. */
export const requesterActions: Pick<ActionTable, 'viewer.context' | 'myAccess.list' | 'tools.requestable' | 'requests.mine'> = {
  'viewer.context': {
    policy: 'signedIn',
    async handle({ caller }) {
      const [actor, canApprove, canReviewExceptions] = await Promise.all([caller.actor(), caller.canApprove(), caller.isSecurityReviewer()]);
      const tabs: GlobalTab[] = ['myAccess', 'approvedTools', 'requestHistory', ...(canApprove ? (['approvals'] as const) : [])];
      return { accountId: actor.accountId, isAdmin: actor.isAdmin === true, canApprove, canReviewExceptions, tabs };
    },
  },

  'myAccess.list': {
    policy: 'signedIn',
    async handle({ app, caller }, payload) {
      const page = await listMyGrants(app.deps, { accountId: caller.accountId }, payload);
      return { ...page, items: await myGrantSummaries(app.deps.store, page.items, app.deps.clock.now(), payload.timeZone) };
    },
  },

  'tools.requestable': {
    policy: 'signedIn',
    async handle({ app, caller }, payload) {
      const [page, { rules }] = await Promise.all([listTools(app.deps, { requestableOnly: true, ...payload }), caller.governance()]);
      return { ...page, items: await toolSummaries(app.deps.store, app.providers, page.items, rules) };
    },
  },

  'requests.mine': {
    policy: 'signedIn',
    async handle({ app, caller }, payload) {
      const page = await listMyRequests(app.deps, { accountId: caller.accountId }, payload);
      return { ...page, items: await requestSummaries(app.deps.store, page.items) };
    },
  },
};
