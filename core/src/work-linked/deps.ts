import type { WorkIssues } from '../ports/work-issues.js';
import type { CoreDeps } from '../shared/deps.js';

/** What work-linked access needs beyond core's ports: Jira's issues as they are now. */
export type WorkDeps = CoreDeps & { readonly issues: WorkIssues };

export function hasWorkIssues(deps: CoreDeps): deps is WorkDeps {
  return deps.issues !== undefined;
}

/** What one pass over an issue (or many) changed. */
export interface WorkOutcome {
  readonly started: number;
  readonly ended: number;
  readonly awaiting: number;
  readonly covered: number;
  readonly unchanged: number;
}

export const NO_CHANGE: WorkOutcome = { started: 0, ended: 0, awaiting: 0, covered: 0, unchanged: 0 };

export function addOutcomes(a: WorkOutcome, b: WorkOutcome): WorkOutcome {
  return { started: a.started + b.started, ended: a.ended + b.ended, awaiting: a.awaiting + b.awaiting, covered: a.covered + b.covered, unchanged: a.unchanged + b.unchanged };
}

/** The actor work-linked access records for what it does on its own. */
export const WORK_ACTOR = 'clearway:work';
