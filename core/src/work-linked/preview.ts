import { requireAdmin } from '../shared/authorize.js';
import type { Actor } from '../shared/deps.js';
import type { WorkDeps } from './deps.js';
import { subjectsOf } from './liveness.js';
import { parseWorkPolicy } from './policy-service.js';
import { subjectLabel, type WorkPolicyInput } from './policy.js';

export interface WorkPreviewItem {
  readonly issueKey: string;
  readonly issueId: string;
  readonly statusName: string;
  readonly accountIds: readonly string[];
  /** `grant`: access would start now; `ask`: an approver would be asked; `none`: the issue names nobody. */
  readonly outcome: 'grant' | 'ask' | 'none';
  readonly reason?: string;
}

export interface WorkPreview {
  readonly items: readonly WorkPreviewItem[];
  /** More live issues exist than the preview shows. */
  readonly more: boolean;
}

/** Which open issues a (draft) policy would grant for now: its first 50 live issues, changing nothing. */
export async function previewWorkPolicy(deps: WorkDeps, actor: Actor, input: WorkPolicyInput): Promise<WorkPreview> {
  requireAdmin(actor, 'preview work-linked access policies');
  const policy = await parseWorkPolicy(deps, input);
  const fields = policy.subject.kind === 'field' ? [policy.subject.fieldId] : [];
  const page = await deps.issues.search({ kind: 'live', projectKey: policy.projectKey, issueTypeIds: policy.issueTypeIds, statusIds: policy.statusIds, categoryKeys: policy.categoryKeys }, fields, { maxResults: 50 });
  const items = page.issues.map((issue): WorkPreviewItem => {
    const accountIds = subjectsOf({ ...policy, id: policy.id ?? 'draft' }, issue);
    if (accountIds.length === 0) return { issueKey: issue.key, issueId: issue.id, statusName: issue.status.name, accountIds, outcome: 'none', reason: `no one is ${subjectLabel(policy.subject)}` };
    return { issueKey: issue.key, issueId: issue.id, statusName: issue.status.name, accountIds, outcome: policy.approval === 'approver' ? 'ask' : 'grant' };
  });
  return { items, more: page.nextPageToken !== undefined };
}
