import type { GovernanceRules, RiskLevel } from '@clearway/core';
import type { ClearwayError } from '../clearway-client';
import { DAY_MS } from '../components/format';

/**
 * Who decides which requests, as Intake & Approvals edits and shows it: per-project approvers,
 * delegations and the at-a-glance routing. Pure, so the rules core enforces
 * (`core/src/decisions/approvers.ts`) and the ones the form checks before sending can be read
 * side by side. The UI bundles no core code, so core's few constants are restated here.
 */

type Approvers = GovernanceRules['approvers'];
export type Delegation = Approvers['delegations'][number];

/** Core's `projectKeySchema` (core/src/ports/jira.ts). */
const PROJECT_KEY = /^[A-Z][A-Z0-9_]{1,19}$/;

/** Core refuses a delegation ending at or after this moment (`delegationSchema` in core's policy.ts). */
export const LAST_UNTIL = Date.UTC(2100, 0, 1);

const RISKS: readonly RiskLevel[] = ['low', 'medium', 'high', 'critical'];

/** What is wrong with a project key the admin chose or typed, in their words; undefined when core will take it. */
export function projectKeyProblem(key: string, listed: readonly string[]): string | undefined {
  if (key === '') return 'Choose a service project or type a project key.';
  if (!PROJECT_KEY.test(key)) return `“${key}” is not a Jira project key: use 2 to 20 capital letters, digits or underscores, starting with a letter, such as AIR.`;
  if (listed.includes(key)) return `${key} already has its own approvers: change them in its row.`;
  return undefined;
}

/** The projects the form lists, the intake project first: its requests are the ones most people send. */
export function listedProjects(rules: GovernanceRules): string[] {
  const intake = rules.intake.projectKey;
  const keys = Object.keys(rules.approvers.byProject).sort();
  return intake !== undefined && keys.includes(intake) ? [intake, ...keys.filter((key) => key !== intake)] : keys;
}

/**
 * Core routes a listed project's requests to its list alone, also when the list is empty: no one
 * but admins (with fallback) could then decide them. The form holds the save until it is fixed.
 */
export function emptyProjectProblem(projectKey: string): string {
  return `Name at least one approver for ${projectKey}, or remove the project: requests from a listed project go to its own approvers only.`;
}

export function projectsWithoutApprovers(rules: GovernanceRules): string[] {
  return Object.entries(rules.approvers.byProject)
    .filter(([, ids]) => ids.length === 0)
    .map(([key]) => key);
}

/** A delegation is in force until its `until` moment, as core decides (`until > now`). */
export function isInForce(delegation: Delegation, now: number): boolean {
  return delegation.until > now;
}

/** A day chosen as `YYYY-MM-DD` holds to its end (UTC): the delegation ends as the next day begins. */
export function untilOfDay(day: string): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return undefined;
  const start = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  // Date.UTC rolls 2026-02-31 over into March: a day that does not exist is no choice.
  if (new Date(start).toISOString().slice(0, 10) !== day) return undefined;
  return start + DAY_MS;
}

/** The last day a delegation holds (UTC), as the admin chose it. */
export function lastDayOf(until: number): string {
  return new Date(until - 1).toISOString().slice(0, 10);
}

/** Everyone who decides something: default, per-project approvers and security reviewers. */
export function everyApprover(approvers: Approvers): Set<string> {
  return new Set([...approvers.default, ...Object.values(approvers.byProject).flat(), ...approvers.securityReviewers]);
}

export interface DelegationDraft {
  readonly from: string | undefined;
  readonly to: string | undefined;
  readonly day: string;
}

export type DelegationProblems = Partial<Record<'from' | 'to' | 'until', string>>;

/** What is wrong with a delegation before it is added; core checks the same bounds again on save. */
export function delegationProblems(draft: DelegationDraft, approvers: Approvers, now: number): DelegationProblems {
  const problems: DelegationProblems = {};
  if (draft.from === undefined) problems.from = 'Choose the approver who hands over their decisions.';
  // Core takes a delegation from anyone, but one from a person who decides nothing lets no one decide anything.
  else if (!everyApprover(approvers).has(draft.from)) problems.from = 'This person is not an approver or security reviewer: name them as one first, or choose someone who is.';
  if (draft.to === undefined) problems.to = 'Choose who decides in their place.';
  else if (draft.to === draft.from) problems.to = 'A delegation needs two different people.';
  const until = untilOfDay(draft.day);
  if (until === undefined) problems.until = 'Choose the last day the delegation holds.';
  else if (until <= now) problems.until = 'That day has passed: choose today or a later day.';
  else if (until > LAST_UNTIL) problems.until = 'Choose a day before 2100.';
  return problems;
}

/**
 * The words of a `validation_failed` refusal about the accounts named under `path`
 * (`approvers.byProject.AIR`), for the field that holds them. Only accounts still named there
 * count: once the admin removed the refused one, its problem is no longer the field's.
 */
export function accountProblem(error: ClearwayError | undefined, path: string, named: readonly string[]): string | undefined {
  if (!error || !('issues' in error) || !error.issues) return undefined;
  const found = error.issues.filter((issue) => (issue.path === path || issue.path.startsWith(`${path}.`)) && named.some((accountId) => issue.message.startsWith(`${accountId}:`)));
  return found.length === 0 ? undefined : found.map((issue) => issue.message).join('; ');
}

export interface RoutingRow {
  readonly key: string;
  readonly project: string;
  /** Who decides requests that need no security review. */
  readonly approvers: readonly string[];
  readonly source: 'own' | 'default';
  /** Delegations in force from one of `approvers`. */
  readonly delegates: readonly Delegation[];
}

export interface SecurityRouting {
  /** Risk levels whose tools only security reviewers decide. */
  readonly levels: readonly RiskLevel[];
  readonly reviewers: readonly string[];
  readonly delegates: readonly Delegation[];
}

export interface Routing {
  readonly rows: readonly RoutingRow[];
  readonly security: SecurityRouting;
  readonly adminFallback: boolean;
}

function delegatesOf(people: readonly string[], delegations: readonly Delegation[], now: number): Delegation[] {
  return delegations.filter((delegation) => isInForce(delegation, now) && people.includes(delegation.from));
}

/**
 * Who may decide what, as core decides it: a project's own approvers, else the default ones; the
 * delegates in force of either; security reviewers (and their delegates) for risk levels that need
 * review; Jira admins when admin fallback is on. The intake project comes first, and the last row
 * is every project without approvers of its own.
 */
export function approvalRouting(rules: GovernanceRules, now: number): Routing {
  const { approvers } = rules;
  const intake = rules.intake.projectKey;
  const keys = listedProjects(rules);
  const projects = intake !== undefined && !keys.includes(intake) ? [intake, ...keys] : keys;
  const rowOf = (key: string): RoutingRow => {
    const own = Object.hasOwn(approvers.byProject, key) ? approvers.byProject[key] : undefined;
    const people = own ?? approvers.default;
    return { key, project: key === intake ? `${key} (intake project)` : key, approvers: people, source: own ? 'own' : 'default', delegates: delegatesOf(people, approvers.delegations, now) };
  };
  const others: RoutingRow = {
    key: '*',
    project: projects.length === 0 ? 'Every project' : 'Every other project',
    approvers: approvers.default,
    source: 'default',
    delegates: delegatesOf(approvers.default, approvers.delegations, now),
  };
  return {
    rows: [...projects.map(rowOf), others],
    security: {
      levels: RISKS.filter((risk) => rules.riskRules[risk].requiresSecurityReview),
      reviewers: approvers.securityReviewers,
      delegates: delegatesOf(approvers.securityReviewers, approvers.delegations, now),
    },
    adminFallback: approvers.adminFallback,
  };
}
