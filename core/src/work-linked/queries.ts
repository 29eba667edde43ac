import { pageRequest, type Page } from '../ports/store.js';
import type { CoreDeps } from '../shared/deps.js';
import type { WorkLink } from './link.js';

export type WorkLinkQuery = { readonly grantId: string } | { readonly issueId: string } | { readonly open: true };

/** Work links of a grant (oldest first), of an issue (newest first), or every link not ended (soonest deadline first). */
export async function listWorkLinks(deps: CoreDeps, query: WorkLinkQuery, page: { limit?: number; cursor?: string } = {}): Promise<Page<WorkLink>> {
  const request = pageRequest(page, 50);
  if ('grantId' in query) return deps.store.query('workLink', 'byGrant', { partition: [query.grantId], ...request });
  if ('issueId' in query) return deps.store.query('workLink', 'byIssue', { partition: [query.issueId], direction: 'desc', ...request });
  return deps.store.query('workLink', 'open', { partition: [], ...request });
}
