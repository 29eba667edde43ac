import type { WorkIssue, WorkIssuePage, WorkIssueQuery, WorkIssues, WorkStatus } from '../ports/work-issues.js';

export const STATUSES: Record<'open' | 'progress' | 'investigating' | 'resolved' | 'closed', WorkStatus> = {
  open: { id: '1', name: 'Open', categoryKey: 'new' },
  progress: { id: '3', name: 'In Progress', categoryKey: 'indeterminate' },
  investigating: { id: '10010', name: 'Investigating', categoryKey: 'indeterminate' },
  resolved: { id: '5', name: 'Resolved', categoryKey: 'done' },
  closed: { id: '6', name: 'Closed', categoryKey: 'done' },
};

/** Jira's issues as a test sets them; counts what core asked. */
export class MemoryWorkIssues implements WorkIssues {
  readonly issues = new Map<string, WorkIssue>();
  reads = 0;
  searches = 0;
  failing = false;

  set(issue: Partial<WorkIssue> & Pick<WorkIssue, 'id'>): WorkIssue {
    const previous = this.issues.get(issue.id);
    const next: WorkIssue = { key: `INC-${issue.id}`, projectKey: 'INC', issueTypeId: '10001', status: STATUSES.open, resolved: false, userFields: {}, ...previous, ...issue };
    this.issues.set(next.id, next);
    return next;
  }

  delete(id: string): void {
    this.issues.delete(id);
  }

  async read(issueIdOrKey: string): Promise<WorkIssue | undefined> {
    this.reads += 1;
    if (this.failing) throw new Error('Jira is unavailable');
    return this.issues.get(issueIdOrKey) ?? [...this.issues.values()].find((issue) => issue.key === issueIdOrKey);
  }

  async search(query: WorkIssueQuery, _fields: readonly string[], page: { maxResults: number; nextPageToken?: string }): Promise<WorkIssuePage> {
    this.searches += 1;
    if (this.failing) throw new Error('Jira is unavailable');
    const all = [...this.issues.values()]
      .filter((issue) =>
        query.kind === 'ids'
          ? query.issueIds.includes(issue.id)
          : issue.projectKey === query.projectKey &&
            (query.issueTypeIds.length === 0 || query.issueTypeIds.includes(issue.issueTypeId)) &&
            !issue.resolved &&
            (query.statusIds.includes(issue.status.id) || query.categoryKeys.includes(issue.status.categoryKey)),
      )
      .sort((a, b) => Number(a.id) - Number(b.id));
    const from = page.nextPageToken === undefined ? 0 : Number(page.nextPageToken);
    const issues = all.slice(from, from + page.maxResults);
    return { issues, ...(from + page.maxResults < all.length && { nextPageToken: String(from + page.maxResults) }) };
  }

  async projectStatuses(): Promise<WorkStatus[]> {
    return Object.values(STATUSES);
  }
}
