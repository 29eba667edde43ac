import { z } from 'zod';

/**
 * Who a comment is for. `customer`: the requester reads it (on a JSM request every plain comment
 * is public to the customer), so it says what happens next in their words. `internal`: only the
 * team (agents, admins) may read it; provider details — classified messages, codes — go here only.
 */
export type CommentAudience = 'customer' | 'internal';

export interface CommentOptions {
  /** Defaults to `customer`. */
  readonly audience?: CommentAudience;
}

/**
 * A Jira account as the site's user directory describes it (`GET /rest/api/3/user/bulk`: Jira's
 * `User` object, of which only these fields matter here).
 */
export interface JiraAccount {
  readonly accountId: string;
  /**
   * Jira's `accountType`: `atlassian` (a person's Atlassian account), `customer` (a Jira Service
   * Management portal-only customer), `app` (an app or integration); absent when Jira does not say.
   */
  readonly accountType?: string;
  /** False for a deactivated account. */
  readonly active: boolean;
}

/** What core asks of Jira. Failures here never undo a decision: they are logged and audited. */
export interface Jira {
  /**
   * Adds a comment (plain text; the adapter renders it). An `internal` comment must never reach
   * the customer: an adapter that cannot keep it from them fails instead of posting it.
   */
  comment(issueKey: string, text: string, options?: CommentOptions): Promise<void>;
  /**
   * Applies the first available transition whose name matches a candidate (case-insensitive).
   * Answers which one, or that none matched.
   */
  transition(issueKey: string, candidates: readonly string[]): Promise<{ readonly transitioned: boolean; readonly name?: string }>;
  createIssue(input: {
    readonly projectKey: string;
    readonly issueTypeId: string;
    readonly summary: string;
    readonly description: string;
  }): Promise<{ readonly key: string }>;
  /**
   * The accounts among `accountIds` that the site's user directory knows; an id it does not know
   * is simply absent from the answer. Throws when the directory cannot be asked: callers then
   * refuse, rather than act on accounts nobody checked.
   */
  findAccounts(accountIds: readonly string[]): Promise<readonly JiraAccount[]>;
}

export const APPROVE_TRANSITIONS = ['approve', 'approved', 'accept', 'accepted'] as const;
export const DENY_TRANSITIONS = ['deny', 'denied', 'decline', 'declined', 'reject', 'rejected', 'cancel'] as const;

/** A Jira project key such as `AIR`, as Jira allows it. */
export const projectKeySchema = z.string().regex(/^[A-Z][A-Z0-9_]{1,19}$/, 'a Jira project key such as AIR');

/** A Jira issue key such as `AIR-12`: the one rule for intake, its retries, the portal and submitted requests. */
export const issueKeySchema = z.string().regex(/^[A-Z][A-Z0-9_]+-\d+$/, 'a Jira issue key such as AIR-12');
