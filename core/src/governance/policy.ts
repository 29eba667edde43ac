import { z } from 'zod';
import { MAX_DURATION_DAYS, RISK_LEVELS, type RiskLevel } from '../catalog/tool.js';
import { MAX_GRANT_LIFETIME_DAYS } from '../grants/lifecycle.js';
import { projectKeySchema } from '../ports/jira.js';

const accountId = z.string().trim().min(1).max(128);
const days = z.number().int().min(1).max(MAX_DURATION_DAYS);

const riskRuleSchema = z
  .object({
    /** false: requests for tools of this risk are approved on submission. */
    requiresApproval: z.boolean(),
    maxDurationDays: days,
    /** Only security reviewers (or admins, with admin fallback) may approve; never auto-approved. */
    requiresSecurityReview: z.boolean(),
  })
  .strict();

const autoApprovalPolicySchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/),
    name: z.string().trim().min(1).max(120),
    /** Projects and tools the policy covers; both empty means every tool in every intake project. */
    scope: z
      .object({ projectKeys: z.array(projectKeySchema).max(50).default([]), toolIds: z.array(z.string().min(1)).max(200).default([]) })
      .strict()
      .default({ projectKeys: [], toolIds: [] }),
    autoApprove: z.boolean(),
    /** The requester must belong to at least one of these Jira groups. */
    allowedGroups: z.array(z.string().min(1).max(255)).min(1).max(50),
    maxDurationDays: days.optional(),
  })
  .strict();

const delegationSchema = z
  // `until` is a moment in epoch ms before 2100: a larger number is no date a person meant.
  .object({ from: accountId, to: accountId, until: z.number().int().positive().max(Date.UTC(2100, 0, 1), 'a date before 2100') })
  .strict()
  .refine((delegation) => delegation.from !== delegation.to, { message: 'a delegation needs two different people' });

const intakeSchema = z
  .object({
    projectKey: projectKeySchema.optional(),
    portalId: z.string().min(1).max(32).optional(),
    /** Empty means every request type of the portal. */
    requestTypeIds: z.array(z.string().min(1).max(32)).max(50).default([]),
    recertIssueTypeId: z.string().min(1).max(32).optional(),
  })
  .strict();

/**
 * Exceptions: access approved outside a risk rule's bounds (longer than the effective maximum, or
 * a tool the catalog blocks) by a security reviewer with a reason. They are reviewed more often
 * than other grants, lapse when a review is missed, and each tool may have only so many open.
 */
const exceptionRulesSchema = z
  .object({
    /** Days between reviews of an open exception, counted from its approval and then from each review. */
    reviewEveryDays: z.number().int().min(1).max(90),
    /** An exception whose review is this many days overdue ends: its grant is revoked. */
    lapseAfterDays: z.number().int().min(1).max(30),
    /** The longest an exception may be approved for. */
    maxDurationDays: z.number().int().min(1).max(MAX_GRANT_LIFETIME_DAYS),
    /** Open exceptions allowed per tool, by the tool's risk level; 0 allows none. */
    openLimits: z.record(z.enum(RISK_LEVELS), z.number().int().min(0).max(1_000)),
  })
  .strict();

export const DEFAULT_EXCEPTION_RULES: z.output<typeof exceptionRulesSchema> = {
  reviewEveryDays: 7,
  lapseAfterDays: 3,
  maxDurationDays: 90,
  openLimits: { low: 10, medium: 5, high: 3, critical: 1 },
};

/** The versioned rules in force. Every change creates a new version; decisions record it. */
export const governanceRulesSchema = z
  .object({
    riskRules: z.record(z.enum(RISK_LEVELS), riskRuleSchema),
    unknownTools: z.enum(['block', 'allow_request']),
    autoApproval: z.array(autoApprovalPolicySchema).max(50),
    approvers: z
      .object({
        /** Approvers per intake project; projects not listed use `default`. */
        byProject: z.record(projectKeySchema, z.array(accountId).max(100)).default({}),
        default: z.array(accountId).max(100).default([]),
        securityReviewers: z.array(accountId).max(100).default([]),
        /** Jira admins may approve anything when true. */
        adminFallback: z.boolean().default(true),
        delegations: z.array(delegationSchema).max(100).default([]),
      })
      .strict(),
    escalation: z
      .object({ approvalSlaHours: z.number().int().min(1).max(24 * 30), escalateTo: z.array(accountId).max(50).default([]) })
      .strict(),
    reviewWindowDays: z.number().int().min(1).max(90),
    drift: z
      .object({
        /** How often each active grant's membership is checked against its group. */
        checkIntervalDays: z.number().int().min(1).max(90),
        /** Remove a member the group still has after their grant ended (otherwise only report it). */
        deprovisionUnexpected: z.boolean(),
        /**
         * Put back a member an active grant says belongs in the group and someone took out by hand
         * (otherwise only report it). Off by default: taking someone out may have been deliberate.
         */
        restoreMissing: z.boolean().default(false),
      })
      .strict()
      .default({ checkIntervalDays: 7, deprovisionUnexpected: false, restoreMissing: false }),
    exceptions: exceptionRulesSchema.default(DEFAULT_EXCEPTION_RULES),
    stalePendingDays: z.number().int().min(1).max(365),
    retentionDays: z.number().int().min(30).max(3_650),
    intake: intakeSchema,
  })
  .strict();

export type GovernanceRules = z.output<typeof governanceRulesSchema>;
export type GovernanceRulesInput = z.input<typeof governanceRulesSchema>;
export type AutoApprovalPolicy = GovernanceRules['autoApproval'][number];
export type RiskRule = GovernanceRules['riskRules'][RiskLevel];
export type ExceptionRules = GovernanceRules['exceptions'];

export interface GovernanceVersion {
  /** The record id: the version number, zero-padded so ids sort. */
  readonly id: string;
  readonly version: number;
  readonly policyVersion: number;
  readonly rules: GovernanceRules;
  readonly createdAt: number;
  readonly createdBy: string;
  readonly note?: string;
}

export function governanceVersionId(policyVersion: number): string {
  return String(policyVersion).padStart(8, '0');
}

/** The rules a fresh installation starts with (version 1): conservative, every risk needs approval. */
export const DEFAULT_GOVERNANCE_RULES: GovernanceRules = {
  riskRules: {
    low: { requiresApproval: true, maxDurationDays: 180, requiresSecurityReview: false },
    medium: { requiresApproval: true, maxDurationDays: 90, requiresSecurityReview: false },
    high: { requiresApproval: true, maxDurationDays: 30, requiresSecurityReview: false },
    critical: { requiresApproval: true, maxDurationDays: 14, requiresSecurityReview: true },
  },
  unknownTools: 'allow_request',
  autoApproval: [],
  approvers: { byProject: {}, default: [], securityReviewers: [], adminFallback: true, delegations: [] },
  escalation: { approvalSlaHours: 48, escalateTo: [] },
  reviewWindowDays: 14,
  drift: { checkIntervalDays: 7, deprovisionUnexpected: false, restoreMissing: false },
  exceptions: DEFAULT_EXCEPTION_RULES,
  stalePendingDays: 30,
  retentionDays: 365,
  intake: { requestTypeIds: [] },
};
