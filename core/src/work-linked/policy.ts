import { z } from 'zod';
import { projectKeySchema } from '../ports/jira.js';
import { STATUS_CATEGORY_KEYS, STATUS_CATEGORY_NAMES, type StatusCategoryKey } from '../ports/work-issues.js';

/** Whom a work-linked access policy gives the tool to: the issue's assignee, its reporter, or the users in a user-picker field. */
export type WorkSubject = { readonly kind: 'assignee' } | { readonly kind: 'reporter' } | { readonly kind: 'field'; readonly fieldId: string; readonly fieldName?: string };

/** How a link's grant is decided: by the policy, or by an approver once per issue. */
export const WORK_APPROVAL_MODES = ['automatic', 'approver'] as const;
export type WorkApprovalMode = (typeof WORK_APPROVAL_MODES)[number];

/** Longest a work-linked grant may last: 90 days. */
export const MAX_WORK_DURATION_HOURS = 90 * 24;

/** A work-linked access policy: while an issue of the project is in a live status, its subject holds the tool. */
export interface WorkLinkedPolicy {
  readonly id: string;
  readonly name: string;
  readonly enabled: boolean;
  readonly projectKey: string;
  /** Empty: every issue type of the project. */
  readonly issueTypeIds: readonly string[];
  /** Live statuses, by id, and whole status categories; either may be empty, not both. */
  readonly statusIds: readonly string[];
  readonly categoryKeys: readonly StatusCategoryKey[];
  /** Status names as the admin saw them when saving (for notes and lists); ids decide. */
  readonly statusNames: Readonly<Record<string, string>>;
  readonly subject: WorkSubject;
  readonly toolId: string;
  /** Access ends this long after the issue entered a live status, even if the work goes on. */
  readonly maxDurationHours: number;
  readonly approval: WorkApprovalMode;
}

/** Every work-linked access policy, saved together as one version (like governance). */
export interface WorkPoliciesVersion {
  readonly id: string;
  readonly version: number;
  readonly policyVersion: number;
  readonly policies: readonly WorkLinkedPolicy[];
  readonly createdAt: number;
  readonly createdBy: string;
}

export const workPoliciesVersionId = (policyVersion: number): string => `work-policies-v${policyVersion}`;

/** Version 0: no policies, in force until an admin saves the first. */
export const NO_WORK_POLICIES: WorkPoliciesVersion = { id: 'work-policies-none', version: 0, policyVersion: 0, policies: [], createdAt: 0, createdBy: 'clearway:defaults' };

const subjectSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('assignee') }).strict(),
  z.object({ kind: z.literal('reporter') }).strict(),
  z
    .object({
      kind: z.literal('field'),
      fieldId: z.string().regex(/^customfield_\d{1,10}$/, 'a user-picker field id such as customfield_10050'),
      fieldName: z.string().trim().min(1).max(100).optional(),
    })
    .strict(),
]);

const idSchema = z.string().regex(/^\d{1,18}$/, 'a Jira id (digits)');

/** What an admin submits to add (no id) or edit (with id) a policy. */
export const workPolicyInputSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a policy id').optional(),
    name: z.string().trim().min(3, 'give the policy a name').max(80),
    enabled: z.boolean().default(true),
    projectKey: projectKeySchema,
    issueTypeIds: z.array(idSchema).max(20).default([]),
    statusIds: z.array(idSchema).max(30).default([]),
    categoryKeys: z.array(z.enum(STATUS_CATEGORY_KEYS)).max(3).default([]),
    statusNames: z.record(idSchema, z.string().trim().min(1).max(60)).default({}),
    subject: subjectSchema,
    toolId: z.string().min(1).max(64),
    maxDurationHours: z.number().int().min(1).max(MAX_WORK_DURATION_HOURS),
    approval: z.enum(WORK_APPROVAL_MODES).default('automatic'),
  })
  .strict()
  .refine((policy) => policy.statusIds.length + policy.categoryKeys.length > 0, { path: ['statusIds'], message: 'name at least one live status or status category' })
  .refine((policy) => !policy.categoryKeys.includes('done'), { path: ['categoryKeys'], message: 'Done is where work ends: access cannot be live in it' });

export type WorkPolicyInput = z.input<typeof workPolicyInputSchema>;

/** The user fields a set of policies reads from issues. */
export function userFieldIdsOf(policies: readonly WorkLinkedPolicy[]): string[] {
  return [...new Set(policies.flatMap((policy) => (policy.subject.kind === 'field' ? [policy.subject.fieldId] : [])))];
}

/** The live statuses in words: "In Progress (category), Investigating". */
export function liveStatusesLabel(policy: Pick<WorkLinkedPolicy, 'statusIds' | 'categoryKeys' | 'statusNames'>): string {
  const categories = policy.categoryKeys.map((key) => `any ${STATUS_CATEGORY_NAMES[key]} status`);
  const statuses = policy.statusIds.map((id) => policy.statusNames[id] ?? `status ${id}`);
  return [...statuses, ...categories].join(', ');
}

export function subjectLabel(subject: WorkSubject): string {
  if (subject.kind === 'field') return `the users in ${subject.fieldName ?? subject.fieldId}`;
  return `the ${subject.kind}`;
}
