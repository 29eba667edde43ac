/** What core asks of Jira. Failures here never undo a decision: they are logged and audited. */
export interface Jira {
  /** Adds a comment (plain text; the adapter renders it as ADF). */
  comment(issueKey: string, text: string): Promise<void>;
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
}

export const APPROVE_TRANSITIONS = ['approve', 'approved', 'accept', 'accepted'] as const;
export const DENY_TRANSITIONS = ['deny', 'denied', 'decline', 'declined', 'reject', 'rejected', 'cancel'] as const;
