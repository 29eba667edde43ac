/**
 * What the resolvers answer about work-linked access: the policies in force with their labels in
 * words, a preview of the issues a draft would grant on now, and the issues a grant lives by.
 * Fields are copied one by one, so whatever else core's records come to carry never reaches a page.
 */
import {
  END_REASON_TEXT,
  liveStatusesLabel,
  subjectLabel,
  type Store,
  type WorkEndReason,
  type WorkLink,
  type WorkLinkedPolicy,
  type WorkLinkState,
  type WorkPoliciesVersion,
  type WorkPreview,
  type WorkPreviewItem,
  type WorkSubject,
} from '@clearway/core';
import type { NamedItem } from '../adapters/jira/site-lookup';
import { readRecords } from './views';

/** A work-linked access policy as the admin's table and form show it: the policy, with its parts in words. */
export interface WorkPolicyView extends WorkLinkedPolicy {
  /** "Every issue type", or the types by name (by id where Jira could not name them). */
  readonly issueTypesLabel: string;
  /** "Investigating, any In Progress status". */
  readonly liveStatusesLabel: string;
  /** "the assignee", "the users in Responders". */
  readonly subjectLabel: string;
  /** The tool's catalog name (its id when the catalog no longer has it). */
  readonly toolName: string;
}

/** The policies in force and which version holds them (0: none saved yet). */
export interface WorkPoliciesView {
  readonly policyVersion: number;
  readonly createdAt: number;
  readonly createdBy: string;
  readonly policies: readonly WorkPolicyView[];
}

/** One open issue of a preview: whom it names, and what the draft would do for them now. */
export interface WorkPreviewItemView {
  readonly issueKey: string;
  readonly issueId: string;
  readonly statusName: string;
  readonly accountIds: readonly string[];
  /** `grant`: access would start now; `ask`: an approver would be asked for this issue; `none`: it would not grant. */
  readonly outcome: WorkPreviewItem['outcome'];
  /** Why not, in words, when it would not grant. */
  readonly reason?: string;
}

export interface WorkPreviewView {
  readonly items: readonly WorkPreviewItemView[];
  /** More issues match than the preview read. */
  readonly more: boolean;
}

/** One issue a grant lives (or lived) by. */
export interface WorkLinkView {
  readonly id: string;
  readonly issueKey: string;
  readonly projectKey: string;
  readonly accountId: string;
  readonly policyId: string;
  /** The policy's name as it is now; absent when the policy no longer exists. */
  readonly policyName?: string;
  readonly policyVersion: number;
  readonly state: WorkLinkState;
  readonly startedAt: number;
  /** When the link ends at the latest: the policy's maximum duration from its start. */
  readonly deadline: number;
  readonly endedAt?: number;
  readonly endReason?: WorkEndReason;
  /** Why it ended, in words. */
  readonly endReasonText?: string;
}

/** Issue type names by project; a project missing from the map could not be read (its ids are shown). */
export type IssueTypeNames = ReadonlyMap<string, ReadonlyMap<string, string>>;

function issueTypesLabel(policy: WorkLinkedPolicy, names: IssueTypeNames): string {
  if (policy.issueTypeIds.length === 0) return 'Every issue type';
  const known = names.get(policy.projectKey);
  return policy.issueTypeIds.map((id) => known?.get(id) ?? `issue type ${id}`).join(', ');
}

function subjectCopy(subject: WorkSubject): WorkSubject {
  if (subject.kind !== 'field') return { kind: subject.kind };
  return { kind: 'field', fieldId: subject.fieldId, ...(subject.fieldName !== undefined && { fieldName: subject.fieldName }) };
}

export function workPolicyView(policy: WorkLinkedPolicy, toolName: string, names: IssueTypeNames): WorkPolicyView {
  return {
    id: policy.id,
    name: policy.name,
    enabled: policy.enabled,
    projectKey: policy.projectKey,
    issueTypeIds: [...policy.issueTypeIds],
    issueTypesLabel: issueTypesLabel(policy, names),
    statusIds: [...policy.statusIds],
    categoryKeys: [...policy.categoryKeys],
    statusNames: { ...policy.statusNames },
    liveStatusesLabel: liveStatusesLabel(policy),
    subject: subjectCopy(policy.subject),
    subjectLabel: subjectLabel(policy.subject),
    toolId: policy.toolId,
    toolName,
    maxDurationHours: policy.maxDurationHours,
    approval: policy.approval,
  };
}

/**
 * The issue types of the projects the policies name, by id. Names are a courtesy (ids decide), so a
 * project Jira cannot list now is left out and its policies show ids rather than failing the page.
 */
export async function issueTypeNames(policies: readonly WorkLinkedPolicy[], listIssueTypes: (projectKey: string) => Promise<readonly NamedItem[]>): Promise<IssueTypeNames> {
  const projects = [...new Set(policies.filter((policy) => policy.issueTypeIds.length > 0).map((policy) => policy.projectKey))];
  const listed = await Promise.all(projects.map((projectKey) => listIssueTypes(projectKey).then((types) => new Map(types.map((type) => [type.id, type.name])), () => undefined)));
  return new Map(projects.flatMap((projectKey, index) => {
    const types = listed[index];
    return types ? [[projectKey, types] as const] : [];
  }));
}

export async function workPolicyViews(store: Store, policies: readonly WorkLinkedPolicy[], names: IssueTypeNames): Promise<WorkPolicyView[]> {
  const tools = await readRecords(store, 'tool', policies.map((policy) => policy.toolId));
  return policies.map((policy) => workPolicyView(policy, tools.get(policy.toolId)?.name ?? policy.toolId, names));
}

export async function workPoliciesView(store: Store, version: WorkPoliciesVersion, names: IssueTypeNames): Promise<WorkPoliciesView> {
  return { policyVersion: version.policyVersion, createdAt: version.createdAt, createdBy: version.createdBy, policies: await workPolicyViews(store, version.policies, names) };
}

export function workPreviewView(preview: WorkPreview): WorkPreviewView {
  return {
    items: preview.items.map((item) => ({
      issueKey: item.issueKey,
      issueId: item.issueId,
      statusName: item.statusName,
      accountIds: [...item.accountIds],
      outcome: item.outcome,
      ...(item.reason !== undefined && { reason: item.reason }),
    })),
    more: preview.more,
  };
}

export function workLinkView(link: WorkLink, policyNames: ReadonlyMap<string, string>): WorkLinkView {
  const policyName = policyNames.get(link.policyId);
  return {
    id: link.id,
    issueKey: link.issueKey,
    projectKey: link.projectKey,
    accountId: link.accountId,
    policyId: link.policyId,
    ...(policyName !== undefined && { policyName }),
    policyVersion: link.policyVersion,
    state: link.state,
    startedAt: link.startedAt,
    deadline: link.deadline,
    ...(link.endedAt !== undefined && { endedAt: link.endedAt }),
    ...(link.endReason !== undefined && { endReason: link.endReason, endReasonText: END_REASON_TEXT[link.endReason] }),
  };
}
