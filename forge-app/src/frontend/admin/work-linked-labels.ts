import type { StatusCategoryKey } from '@clearway/core';
import type { WorkPolicyView } from '../../resolvers/contract';
import { plural } from '../components/format';

type WorkApprovalMode = WorkPolicyView['approval'];
type SubjectKind = WorkPolicyView['subject']['kind'];

/** Jira's status categories by key, as Jira names them (core's STATUS_CATEGORY_NAMES; the UI bundles no core code). */
export const CATEGORY_NAMES: Readonly<Record<StatusCategoryKey, string>> = { new: 'To Do', indeterminate: 'In Progress', done: 'Done' };

/**
 * The categories a policy may make live. Done is where work ends: core refuses it, so it is not offered.
 */
export const LIVE_CATEGORIES: ReadonlyArray<{ readonly key: Exclude<StatusCategoryKey, 'done'>; readonly label: string }> = [
  { key: 'new', label: 'Any To Do status' },
  { key: 'indeterminate', label: 'Any In Progress status' },
];

export const SUBJECT_OPTIONS: ReadonlyArray<{ readonly label: string; readonly value: SubjectKind }> = [
  { label: 'The assignee', value: 'assignee' },
  { label: 'The reporter', value: 'reporter' },
  { label: 'The users in a user-picker field', value: 'field' },
];

export const APPROVAL_OPTIONS: ReadonlyArray<{ readonly label: string; readonly value: WorkApprovalMode }> = [
  { label: 'Automatic: the policy grants as soon as the issue is live', value: 'automatic' },
  { label: 'An approver, once per issue: the first time the issue is live, an approver decides', value: 'approver' },
];

export const APPROVAL_LABELS: Readonly<Record<WorkApprovalMode, string>> = { automatic: 'automatic', approver: 'approver, once per issue' };

/** 36 hours → "1 day 12 hours"; whole hours and days as an admin would say them. */
export function hoursText(hours: number): string {
  const days = Math.floor(hours / 24);
  const rest = hours % 24;
  if (days === 0) return plural(rest, 'hour');
  return rest === 0 ? plural(days, 'day') : `${plural(days, 'day')} ${plural(rest, 'hour')}`;
}
