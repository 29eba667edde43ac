import { exceptionReport, listExceptions, reviewException } from '@clearway/core';
import { requestFulfillment } from '../../queue/fulfillment-dispatch';
import { exceptionSummaries, exceptionSummaryFor } from '../exception-views';
import type { ActionTable } from './action';

/**
 * Exceptions: access approved outside a risk rule's bounds. Admins and security reviewers (or
 * their delegates) see the open list, the history and the report; only security reviewers review
 * (core also refuses anyone their own exception). A review that ends the exception revokes the
 * grant, so a fulfillment run is asked for at once to take the person out of the group.
 */
export const exceptionActions: Pick<ActionTable, 'exceptions.list' | 'exceptions.report' | 'exceptions.review'> = {
  'exceptions.list': {
    policy: 'adminOrSecurityReviewer',
    async handle({ app, caller }, payload) {
      const page = await listExceptions(app.deps, payload);
      return { ...page, items: await exceptionSummaries(caller, page.items, app.deps.clock.now()) };
    },
  },

  'exceptions.report': {
    policy: 'adminOrSecurityReviewer',
    async handle({ app }) {
      return exceptionReport(app.deps);
    },
  },

  'exceptions.review': {
    policy: 'securityReviewer',
    // A review is a decision on access, with its Jira comment and audit events: it draws on the decisions allowance.
    rateLimit: [{ budget: 'decisions' }],
    async handle({ app, caller }, payload) {
      const reviewed = await reviewException(app.deps, await caller.actor(), payload);
      if (reviewed.state === 'closed') await requestFulfillment(app, `exception of ${reviewed.grantId} ended at review`);
      return exceptionSummaryFor(caller, reviewed, app.deps.clock.now());
    },
  },
};
