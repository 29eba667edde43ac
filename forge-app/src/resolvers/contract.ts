/**
 * The resolver API the UI Kit surfaces call: every key, the payload it takes (validated with zod
 * before anything runs), what it answers, and which surface's function defines it. The UI
 * imports the types from here (`import type`), and a test checks every `invoke` key it uses.
 *
 * Every call answers `{ ok: true, data }` or `{ ok: false, error }` — never a thrown error, so
 * the UI always gets a code and a message it can show.
 */
import type { ConnectionTestResult, ConnectorFormDescription } from '@clearway/connector-sdk';
import {
  agentPolicyRulesSchema,
  BULK_MAX_ITEMS,
  DASHBOARD_RANGES,
  decisionInputSchema,
  GRANT_STATUSES,
  governanceRulesSchema,
  illFormedTextPath,
  issueKeySchema,
  projectKeySchema,
  REQUEST_STATUSES,
  toolInputSchema,
  workPolicyInputSchema,
} from '@clearway/core';
import type {
  ActivityRecord,
  AgentPolicyVersion,
  AuditEvent,
  BulkItemResult,
  ConnectorUsage,
  DashboardRange,
  DecisionResult,
  EvidenceSettings,
  ExceptionReport,
  GatewayDashboard,
  GovernanceVersion,
  IdentityRecord,
  Job,
  SeedTool,
  Tool,
  WorkStatus,
} from '@clearway/core';
import { z } from 'zod';
import type { NamedItem, PersonSummary, ServiceDeskSummary } from '../adapters/jira/site-lookup';
import type { IntakeProblem } from '../intake/intake-problems';
import type { ResolverErrorBody } from './errors';
import type { ExceptionSummary, PendingRequestSummary } from './exception-views';
import type { ActivityDetailView, ConnectionView, ExplainView, GatewaySetupView, SelfTestCheckView } from './gateway-views';
import type {
  AdminOverview,
  AuditVerification,
  CatalogToolView,
  ConnectorView,
  CreatePanelView,
  EvidenceExport,
  FailedJobView,
  GrantSummary,
  InsightsView,
  InsightsMonthlyView,
  MyGrantSummary,
  ManualTaskView,
  Page,
  RequestStatusView,
  RequestSummary,
  ToolSummary,
  ViewerContext,
} from './views';
import type { WorkLinkView, WorkPoliciesView, WorkPolicyView, WorkPreviewView } from './work-linked-views';

export type * from './views';
export type * from './exception-views';
export type * from './gateway-views';
export type * from './work-linked-views';
export type { NamedItem, PersonSummary, ServiceDeskSummary } from '../adapters/jira/site-lookup';
export type { IntakeProblem, IntakeProblemKind } from '../intake/intake-problems';
export type { ResolverErrorBody, ResolverErrorCode } from './errors';

const id = z.string().trim().min(1).max(128);
const rationale = z.string().trim().min(3, 'give a short reason').max(1_000);
const timestamp = z.number().int().min(0).max(8_640_000_000_000_000);
const page = z.object({ cursor: z.string().min(1).max(4_096).optional(), limit: z.number().int().min(1).max(100).optional() }).strict();
const empty = z.object({}).strict();
const timeZone = z
  .string()
  .min(1)
  .max(64)
  .refine((zone) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  }, 'an IANA time zone such as Europe/Berlin');
/** The dashboard's ranges, as core names them: Today, 7 days, 30 days. */
const dashboardRange = z.enum(Object.keys(DASHBOARD_RANGES) as [DashboardRange, ...DashboardRange[]]);
const limits = z.object({ requestsPerSecond: z.number().positive().max(10_000).optional(), concurrency: z.number().int().positive().max(10_000).optional() }).strict();

/** At most this many requests per bulk decision: core's cap, refused here before anything runs. */
export const BULK_LIMIT = BULK_MAX_ITEMS;

/**
 * Every payload refuses text that is not well-formed Unicode (a lone surrogate such as `\uD800`)
 * in any string or key, as core refuses it at its own edge: such text cannot be put in a Jira
 * query, stored or hashed, so it is a `validation_failed` here and never reaches a lookup or
 * store to fail there as something else (`jira_unavailable`, `internal_error`).
 */
function refusingIllFormedText<T extends Readonly<Record<string, z.ZodType>>>(schemas: T): T {
  const refined = Object.entries(schemas).map(([key, schema]) => [
    key,
    schema.superRefine((value, context) => {
      const path = illFormedTextPath(value);
      if (path !== undefined) context.addIssue({ code: 'custom', path, message: 'contains characters that are not valid Unicode (a lone surrogate)' });
    }),
  ]);
  return Object.fromEntries(refined) as T;
}

export const PAYLOADS = refusingIllFormedText({
  // Global page: requester
  'viewer.context': empty,
  'myAccess.list': page.extend({ timeZone: timeZone.optional() }),
  'tools.requestable': page,
  'requests.mine': page,
  // Global page (and admin page): approver
  'approvals.pending': page,
  'approvals.decide': decisionInputSchema,
  'approvals.bulkDecide': z.object({ requestIds: z.array(id).min(1).max(BULK_LIMIT), outcome: z.enum(['approved', 'denied']), rationale }).strict(),
  'approvals.manualTasks': page,
  'approvals.completeManualTask': z
    .object({ jobId: id, completion: z.enum(['fulfilled', 'deprovisioned', 'verified']), member: z.boolean().optional(), note: z.string().max(1_000).optional() })
    .strict(),
  'approvals.failedJobs': page,
  'approvals.retryFailedJob': z.object({ jobId: id }).strict(),
  'grants.extend': z.object({ grantId: id, days: z.number().int().min(1).max(180), rationale }).strict(),
  'grants.revoke': z.object({ grantId: id, rationale }).strict(),
  // Global page and admin page: exceptions (admins and security reviewers; reviews by security reviewers)
  'exceptions.list': page.extend({ state: z.enum(['open', 'all']).optional() }),
  'exceptions.report': empty,
  'exceptions.review': z.object({ grantId: id, outcome: z.enum(['keep', 'end']), note: z.string().trim().min(3, 'say what the review found').max(1_000) }).strict(),
  // Admin page
  'admin.overview': empty,
  'intake.problems': empty,
  'catalog.list': page,
  'catalog.save': toolInputSchema,
  'catalog.seedTools': empty,
  'catalog.seed': z.object({ toolIds: z.array(z.string().min(1).max(64)).max(200).optional() }).strict(),
  'connectors.list': page,
  'connectors.providers': empty,
  'connectors.create': z
    .object({
      id: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/).optional(),
      providerType: z.string().min(1).max(64),
      name: z.string().trim().min(1).max(120),
      settings: z.record(z.string(), z.unknown()).default({}),
      /** Write-only: stored in Forge secret storage, never answered back. */
      secrets: z.record(z.string().max(64), z.string().max(16_384)).optional(),
      limits: limits.optional(),
    })
    .strict(),
  'connectors.update': z
    .object({
      connectorId: id,
      name: z.string().trim().min(1).max(120).optional(),
      settings: z.record(z.string(), z.unknown()).optional(),
      /** A value sets the secret, `null` clears it, a missing field keeps it. */
      secrets: z.record(z.string().max(64), z.string().max(16_384).nullable()).optional(),
      limits: limits.optional(),
    })
    .strict(),
  'connectors.setEnabled': z.object({ connectorId: id, enabled: z.boolean() }).strict(),
  'connectors.delete': z.object({ connectorId: id }).strict(),
  'connectors.usage': z.object({ connectorId: id }).strict(),
  'connectors.test': z.object({ connectorId: id, groupId: z.string().trim().min(1).max(256).optional() }).strict(),
  'connectors.mapIdentity': z.object({ connectorId: id, accountId: id, externalId: z.string().trim().min(1).max(256).nullable() }).strict(),
  'connectors.identities': page.extend({ connectorId: id }),
  // Pickers of Intake & Approvals, Governance and Connectors
  'lookup.serviceDesks': empty,
  'lookup.requestTypes': z.object({ serviceDeskId: z.string().regex(/^\d{1,12}$/, 'a service desk id') }).strict(),
  'lookup.issueTypes': z.object({ projectKey: projectKeySchema }).strict(),
  'lookup.people': z.object({ query: z.string().trim().min(1).max(100) }).strict(),
  'lookup.groups': z.object({ query: z.string().trim().max(100) }).strict(),
  'governance.current': empty,
  'governance.versions': page,
  'governance.update': z.object({ rules: governanceRulesSchema, note: z.string().max(500).optional() }).strict(),
  'requests.all': page.extend({ status: z.enum(REQUEST_STATUSES).optional() }),
  'grants.all': page.extend({ status: z.enum(GRANT_STATUSES).optional() }),
  'insights.daily': z.object({ days: z.number().int().min(1).max(31).optional() }).strict(),
  'insights.monthly': empty,
  'audit.events': page.extend({ from: timestamp.optional(), to: timestamp.optional() }),
  'audit.verify': empty,
  'evidence.export': z.object({ from: timestamp.optional(), to: timestamp.optional(), format: z.enum(['jsonl', 'csv']) }).strict(),
  'evidence.settings': empty,
  /** The issue each export's anchor is recorded on; null stops recording anchors. */
  'evidence.saveSettings': z.object({ anchorIssueKey: issueKeySchema.nullable() }).strict(),
  // Admin page: AI agents (the gateway's Getting Started, Agent Policy, Activity Log, Dashboard, connections)
  'gateway.setup': empty,
  'gateway.selfTest': empty,
  'gateway.policy': empty,
  'gateway.policyVersions': page,
  'gateway.savePolicy': z.object({ rules: agentPolicyRulesSchema, note: z.string().max(500).optional() }).strict(),
  /** Groups as given, or (naming a person without groups) that person's Jira groups. */
  'gateway.explain': z
    .object({
      client: z.string().trim().min(1).max(100),
      operation: z.string().trim().min(1).max(300),
      groups: z.array(z.string().trim().min(1).max(255)).max(50).optional(),
      accountId: id.optional(),
    })
    .strict(),
  'gateway.activity': page.extend({
    user: id.optional(),
    decision: z.enum(['allowed', 'blocked']).optional(),
    operation: z.string().trim().min(1).max(300).optional(),
    client: z.string().trim().min(1).max(100).optional(),
    text: z.string().trim().min(1).max(200).optional(),
    from: timestamp.optional(),
    to: timestamp.optional(),
  }),
  'gateway.activityDetail': z.object({ seq: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER) }).strict(),
  'gateway.dashboard': z.object({ range: dashboardRange }).strict(),
  'gateway.connections': z.object({ accountId: id }).strict(),
  'gateway.disconnect': z.object({ connectionId: id }).strict(),
  'gateway.forgetUser': z.object({ accountId: id }).strict(),
  // Admin page: Work-linked access (policies that grant a tool while a Jira issue is live)
  'workLinked.policies': empty,
  /** Adds a policy (no id) or replaces one (its id); core checks the tool and the admin again. */
  'workLinked.save': workPolicyInputSchema,
  'workLinked.setEnabled': z.object({ policyId: id, enabled: z.boolean() }).strict(),
  /** Which open issues a draft (saved or not) would grant on now. */
  'workLinked.preview': workPolicyInputSchema,
  'workLinked.projectStatuses': z.object({ projectKey: projectKeySchema }).strict(),
  'workLinked.grantLinks': page.extend({ grantId: id }),
  // Global page: the caller's own connected AI clients (the account is the caller's, never the payload's)
  'myClients.list': empty,
  'myClients.disconnect': z.object({ connectionId: id }).strict(),
  // Portal (create panel and request detail): portal customers
  'portal.createPanel': z.object({ portalId: z.string().min(1).max(32).optional(), requestTypeId: z.string().min(1).max(32).optional() }).strict(),
  'portal.requestStatus': z.object({ issueKey: issueKeySchema.optional() }).strict(),
} as const);

export type ResolverKey = keyof typeof PAYLOADS;
export const RESOLVER_KEYS = Object.keys(PAYLOADS) as ResolverKey[];

/** What the UI sends for each key. */
export type ResolverPayload<K extends ResolverKey> = z.input<(typeof PAYLOADS)[K]>;
export type ParsedPayload<K extends ResolverKey> = z.output<(typeof PAYLOADS)[K]>;

/** What each key answers on success. */
export interface ResolverResults {
  'viewer.context': ViewerContext;
  'myAccess.list': Page<MyGrantSummary>;
  'tools.requestable': Page<ToolSummary>;
  'requests.mine': Page<RequestSummary>;
  'approvals.pending': Page<PendingRequestSummary>;
  'approvals.decide': DecisionResult;
  'approvals.bulkDecide': readonly BulkItemResult[];
  'approvals.manualTasks': Page<ManualTaskView>;
  'approvals.completeManualTask': Job;
  'approvals.failedJobs': Page<FailedJobView>;
  'approvals.retryFailedJob': Job;
  'grants.extend': GrantSummary;
  'grants.revoke': GrantSummary;
  'exceptions.list': Page<ExceptionSummary>;
  'exceptions.report': ExceptionReport;
  'exceptions.review': ExceptionSummary;
  'admin.overview': AdminOverview;
  'intake.problems': readonly IntakeProblem[];
  'catalog.list': Page<CatalogToolView>;
  'catalog.save': Tool;
  'catalog.seedTools': ReadonlyArray<SeedTool & { readonly inCatalog: boolean }>;
  'catalog.seed': { readonly added: readonly string[]; readonly skipped: readonly string[] };
  'connectors.list': Page<ConnectorView>;
  'connectors.providers': readonly ConnectorFormDescription[];
  'connectors.create': ConnectorView;
  'connectors.update': ConnectorView;
  'connectors.setEnabled': ConnectorView;
  'connectors.delete': { readonly deleted: string };
  'connectors.usage': ConnectorUsage;
  'connectors.test': ConnectionTestResult;
  'connectors.mapIdentity': { readonly mapping: IdentityRecord | null };
  'connectors.identities': Page<IdentityRecord>;
  'lookup.serviceDesks': readonly ServiceDeskSummary[];
  'lookup.requestTypes': readonly NamedItem[];
  'lookup.issueTypes': readonly NamedItem[];
  'lookup.people': readonly PersonSummary[];
  'lookup.groups': readonly NamedItem[];
  'governance.current': GovernanceVersion;
  'governance.versions': Page<GovernanceVersion>;
  'governance.update': GovernanceVersion;
  'requests.all': Page<RequestSummary>;
  'grants.all': Page<GrantSummary>;
  'insights.daily': InsightsView;
  'insights.monthly': InsightsMonthlyView;
  'audit.events': Page<AuditEvent>;
  'audit.verify': AuditVerification;
  'evidence.export': EvidenceExport;
  'evidence.settings': EvidenceSettings;
  'evidence.saveSettings': EvidenceSettings;
  'gateway.setup': GatewaySetupView;
  'gateway.selfTest': readonly SelfTestCheckView[];
  'gateway.policy': AgentPolicyVersion;
  'gateway.policyVersions': Page<AgentPolicyVersion>;
  'gateway.savePolicy': AgentPolicyVersion;
  'gateway.explain': ExplainView;
  'gateway.activity': Page<ActivityRecord> & { readonly scanned: number };
  'gateway.activityDetail': ActivityDetailView;
  'gateway.dashboard': GatewayDashboard;
  'gateway.connections': readonly ConnectionView[];
  'gateway.disconnect': ConnectionView;
  'gateway.forgetUser': { readonly disconnected: number };
  'workLinked.policies': WorkPoliciesView;
  'workLinked.save': WorkPolicyView;
  'workLinked.setEnabled': WorkPolicyView;
  'workLinked.preview': WorkPreviewView;
  'workLinked.projectStatuses': readonly WorkStatus[];
  'workLinked.grantLinks': Page<WorkLinkView>;
  'myClients.list': readonly ConnectionView[];
  'myClients.disconnect': ConnectionView;
  'portal.createPanel': CreatePanelView;
  'portal.requestStatus': RequestStatusView;
}

export type ResolverResponse<K extends ResolverKey> = { readonly ok: true; readonly data: ResolverResults[K] } | { readonly ok: false; readonly error: ResolverErrorBody };

/** The Forge functions that serve resolvers, each bound to its surfaces' modules in manifest.yml. */
export type SurfaceFunction = 'globalPage' | 'adminPage' | 'portal';

const APPROVER_KEYS = [
  'approvals.pending',
  'approvals.decide',
  'approvals.bulkDecide',
  'approvals.manualTasks',
  'approvals.completeManualTask',
  'approvals.failedJobs',
  'approvals.retryFailedJob',
  'grants.extend',
  'grants.revoke',
] as const satisfies readonly ResolverKey[];

/** The admin page's AI agents group. */
const GATEWAY_KEYS = [
  'gateway.setup',
  'gateway.selfTest',
  'gateway.policy',
  'gateway.policyVersions',
  'gateway.savePolicy',
  'gateway.explain',
  'gateway.activity',
  'gateway.activityDetail',
  'gateway.dashboard',
  'gateway.connections',
  'gateway.disconnect',
  'gateway.forgetUser',
] as const satisfies readonly ResolverKey[];

/** The admin page's Work-linked access tab, and the linked issues of a grant in its Grants view. */
const WORK_LINKED_KEYS = ['workLinked.policies', 'workLinked.save', 'workLinked.setEnabled', 'workLinked.preview', 'workLinked.projectStatuses', 'workLinked.grantLinks'] as const satisfies readonly ResolverKey[];

/** On both pages: security reviewers work exceptions from Approvals (they may not be Jira admins), admins from Governance. */
const EXCEPTION_KEYS = ['exceptions.list', 'exceptions.report', 'exceptions.review'] as const satisfies readonly ResolverKey[];

/** Which keys each function defines: a portal module can reach only the portal's two. */
export const SURFACE_KEYS: { readonly [S in SurfaceFunction]: readonly ResolverKey[] } = {
  globalPage: ['viewer.context', 'myAccess.list', 'myClients.list', 'myClients.disconnect', 'tools.requestable', 'requests.mine', ...APPROVER_KEYS, ...EXCEPTION_KEYS],
  adminPage: [
    'viewer.context',
    'admin.overview',
    'intake.problems',
    'catalog.list',
    'catalog.save',
    'catalog.seedTools',
    'catalog.seed',
    'connectors.list',
    'connectors.providers',
    'connectors.create',
    'connectors.update',
    'connectors.setEnabled',
    'connectors.delete',
    'connectors.usage',
    'connectors.test',
    'connectors.mapIdentity',
    'connectors.identities',
    'lookup.serviceDesks',
    'lookup.requestTypes',
    'lookup.issueTypes',
    'lookup.people',
    'lookup.groups',
    'governance.current',
    'governance.versions',
    'governance.update',
    'requests.all',
    'grants.all',
    'insights.daily',
    'insights.monthly',
    'audit.events',
    'audit.verify',
    'evidence.export',
    'evidence.settings',
    'evidence.saveSettings',
    ...GATEWAY_KEYS,
    ...WORK_LINKED_KEYS,
    ...APPROVER_KEYS,
    ...EXCEPTION_KEYS,
  ],
  portal: ['portal.createPanel', 'portal.requestStatus'],
};

/** The module types allowed to call each function (checked when the platform says where a call comes from). */
export const SURFACE_MODULE_TYPES: { readonly [S in SurfaceFunction]: readonly string[] } = {
  globalPage: ['jira:globalPage'],
  adminPage: ['jira:adminPage'],
  portal: ['jiraServiceManagement:portalRequestCreatePropertyPanel', 'jiraServiceManagement:portalRequestDetail'],
};

