import { BULK_MAX_PER_MINUTE } from '../decisions/bulk-decide.js';
import { MINUTE_MS } from '../ports/clock.js';
import type { Budget } from './allowance.js';

/**
 * Decisions per approver per minute, single or in bulk: a single decision counts 1, a bulk call
 * counts each request it decided. A person deciding one at a time (reading the request, writing a
 * rationale) makes a handful a minute; 100 still lets a demanding approver clear a backlog with two
 * full bulk calls (2 × 50) a minute, 6,000 an hour, while a script replaying calls cannot write
 * more than that many Jira comments, transitions and audit events in someone's name.
 */
export const DECISIONS_PER_MINUTE = 100;

/**
 * The decision rules' budgets, shared by every way of deciding. `bulk` keeps the id of the window
 * bulk calls always used (`ratelimit:bulk:<accountId>`), so windows in flight carry over.
 */
export const DECISION_BUDGETS = {
  decisions: { name: 'decisions', max: DECISIONS_PER_MINUTE, windowMs: MINUTE_MS, counts: 'decisions' },
  bulk: { name: 'bulk', max: BULK_MAX_PER_MINUTE, windowMs: MINUTE_MS, counts: 'bulk decisions' },
} as const satisfies Record<string, Budget>;
