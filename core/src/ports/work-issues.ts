/**
 * What work-linked access asks of Jira: an issue's current state, and pages of issues. Product
 * events arrive at least once, late and out of order, so core never trusts an event's copy of the
 * issue: it reads the issue as it is now, through this port.
 */

/** Jira's status categories by key: `new` (To Do), `indeterminate` (In Progress), `done` (Done). */
export const STATUS_CATEGORY_KEYS = ['new', 'indeterminate', 'done'] as const;
export type StatusCategoryKey = (typeof STATUS_CATEGORY_KEYS)[number];

export const STATUS_CATEGORY_NAMES: Readonly<Record<StatusCategoryKey, string>> = { new: 'To Do', indeterminate: 'In Progress', done: 'Done' };

export interface WorkStatus {
  readonly id: string;
  readonly name: string;
  readonly categoryKey: StatusCategoryKey;
}

/** A Jira issue as work-linked access needs it. */
export interface WorkIssue {
  readonly id: string;
  readonly key: string;
  readonly projectKey: string;
  readonly issueTypeId: string;
  readonly status: WorkStatus;
  /** Jira's `resolution` is set. */
  readonly resolved: boolean;
  readonly assigneeAccountId?: string;
  readonly reporterAccountId?: string;
  /** The user-picker fields asked for, by field id (`customfield_10050`): the account ids each holds, single or multi. */
  readonly userFields: Readonly<Record<string, readonly string[]>>;  /**
   * What Jira showed of the people the issue names (assignee, reporter, user fields), by account id:
   * Jira's user objects carry `displayName` and, unless the profile hides it, `emailAddress`. The
   * email is how a provider finds the person; without it an admin maps them.
   */
  readonly people?: Readonly<Record<string, WorkPerson>>;
}

export interface WorkPerson {
  readonly displayName?: string;
  readonly email?: string;
}

/**
 * Which issues to page through: a policy's live issues (its project and issue types, in one of its
 * statuses or status categories, unresolved), or given issues by id (at most 100).
 */
export type WorkIssueQuery =
  | {
      readonly kind: 'live';
      readonly projectKey: string;
      /** Empty: every issue type. */
      readonly issueTypeIds: readonly string[];
      readonly statusIds: readonly string[];
      readonly categoryKeys: readonly StatusCategoryKey[];
    }
  | { readonly kind: 'ids'; readonly issueIds: readonly string[] };

export interface WorkIssuePage {
  readonly issues: readonly WorkIssue[];
  /** Present when more issues follow; pass it back. */
  readonly nextPageToken?: string;
}

export interface WorkIssues {
  /**
   * The issue as it is now, with the user fields named in `userFieldIds`; `undefined` only when
   * Jira says it does not exist (deleted, or moved out of the app's sight). Any other failure throws.
   */
  read(issueIdOrKey: string, userFieldIds: readonly string[]): Promise<WorkIssue | undefined>;
  /** One page (1–100 issues) of the issues a query names, in a stable order. */
  search(query: WorkIssueQuery, userFieldIds: readonly string[], page: { readonly maxResults: number; readonly nextPageToken?: string }): Promise<WorkIssuePage>;
  /** The statuses a project's workflows use (for the admin's status picker). */
  projectStatuses(projectKey: string): Promise<readonly WorkStatus[]>;
}

/** A product event, as an adapter reduces it: which issue, what kind, when, and a status it entered. */
export interface WorkEvent {
  readonly kind: 'created' | 'updated' | 'assigned' | 'deleted';
  readonly issueId: string;
  readonly issueKey: string;
  readonly projectKey?: string;
  /** When Jira says it happened (epoch ms). */
  readonly at: number;
  /** The status the issue moved into, when the event's changelog records a status change. */
  readonly enteredStatusId?: string;
}
