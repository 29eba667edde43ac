import { approversForProject, type ConnectorRecord, type GovernanceRules, type Tool } from '@clearway/core';

/**
 * What the Overview's readiness cards check beyond "is it configured": whether a request could be
 * taken in and decided now. Each check says, in the admin's words, what it found.
 */
export interface ReadinessCheck {
  readonly done: boolean;
  readonly detail: string;
}

const people = (count: number) => (count === 1 ? '1 approver' : `${count} approvers`);

/**
 * Who would decide a request from the intake project: its own approvers, else the default ones,
 * else Jira admins when admin fallback is on. A tool whose risk level needs a security review also
 * needs a security reviewer (or admin fallback).
 */
export function approversReadiness(rules: GovernanceRules, projectKey: string | undefined, approvedTools: readonly Tool[]): ReadinessCheck {
  const { approvers } = rules;
  // Core's routing: a listed project uses its own list, even an empty one; `listed` only words the answer.
  const listed = projectKey !== undefined && Object.hasOwn(approvers.byProject, projectKey);
  const named = projectKey === undefined ? approvers.default : approversForProject(rules, projectKey);
  const where = listed ? `project ${projectKey}'s own` : 'the default';
  const reviewLevels = new Set(approvedTools.filter((tool) => rules.riskRules[tool.riskLevel].requiresSecurityReview).map((tool) => tool.riskLevel));
  if (reviewLevels.size > 0 && approvers.securityReviewers.length === 0 && !approvers.adminFallback) {
    return { done: false, detail: `Approved ${[...reviewLevels].join(' and ')} risk tools need a security review, and no security reviewer is named while admin fallback is off: name a security reviewer or turn admin fallback on.` };
  }
  if (named.length > 0) {
    return { done: true, detail: `Requests are decided by ${where} ${people(named.length)}${approvers.adminFallback ? ', with Jira admins as fallback' : ''}.` };
  }
  const none = listed ? `Project ${projectKey} is listed with no approvers of its own` : 'No approvers are named';
  if (approvers.adminFallback) {
    return { done: true, detail: `${none}: Jira admins decide every request (admin fallback). Name approvers so requests reach the people who should decide them.` };
  }
  return {
    done: false,
    detail: listed
      ? `No one could decide a request: project ${projectKey} is listed with no approvers, which overrides the default approvers. Name its approvers, remove it, or turn admin fallback on.`
      : 'No one could decide a request: name approvers for the intake project or default approvers, or turn admin fallback on.',
  };
}

/** Approved tools a requester could be granted now: their connector exists and is enabled (the manual one included). */
export function requestableTools(approved: readonly Tool[], connectors: readonly ConnectorRecord[]): Tool[] {
  const enabled = new Set(connectors.filter((connector) => connector.enabled).map((connector) => connector.id));
  return approved.filter((tool) => enabled.has(tool.fulfillment.connectorId));
}
