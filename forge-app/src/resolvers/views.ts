/**
 * What resolvers answer: core's records shaped for the surfaces (tool names resolved, expiry
 * labels computed). None of these carries a secret: connector records hold only the names of the
 * secret fields that are set.
 */
import {
  durationCap,
  viewGrant,
  type AccessRequest,
  type DurationCap,
  type GovernanceRules,
  type ChainVerification,
  type ConnectorRecord,
  type DecisionSource,
  type DailyInsights,
  type LiveInsights,
  type MonthlyInsightsView,
  type PeopleInsights,
  type EntityName,
  type EntityRecord,
  type EvidenceAnchoring,
  type EvidenceManifest,
  type GrantLabel,
  type Grant,
  type GrantView,
  type Job,
  type ProviderRegistry,
  type Store,
  type Tool,
  type MANUAL_COMPLETIONS,
} from '@clearway/core';

export type { Page } from '@clearway/core';

export type GlobalTab = 'myAccess' | 'approvedTools' | 'requestHistory' | 'approvals';

export interface ViewerContext {
  readonly accountId: string;
  readonly isAdmin: boolean;
  /** The Approvals tab shows only when this is true. */
  readonly canApprove: boolean;
  /** A security reviewer or their delegate: Approvals also lists the exceptions whose review is due. */
  readonly canReviewExceptions: boolean;
  readonly tabs: readonly GlobalTab[];
}

export interface ToolSummary {
  readonly id: string;
  readonly name: string;
  readonly vendor: string;
  readonly status: Tool['status'];
  readonly riskLevel: Tool['riskLevel'];
  readonly defaultDurationDays: number;
  readonly maxDurationDays: number;
  /** The longest a requester may ask for now: the tool's maximum, or its risk rule's if lower. */
  readonly requestableMaxDays: number;
  readonly guidance: string;
  readonly url?: string;
  /** How access is fulfilled, for the "fulfillment notes" on Approved Tools. */
  readonly fulfillment: { readonly connectorId: string; readonly providerType?: string; readonly providerName?: string; readonly manual: boolean };
}

export type GrantSummary = GrantView & { readonly toolName: string };
/**
 * A grant as its requester sees it on My Access: without `failure`, the provider's classified
 * error, which is for the approvers and admins who can act on it (Approvals, Requests).
 */
export type MyGrantSummary = Omit<GrantSummary, 'failure'>;
export type RequestSummary = AccessRequest & { readonly toolName: string };

export interface ManualTaskView {
  readonly job: Job;
  readonly issueKey: string;
  readonly requesterAccountId: string;
  readonly toolName: string;
  /** The button that completes it: Mark fulfilled / Mark deprovisioned / Mark verified. */
  readonly completion: (typeof MANUAL_COMPLETIONS)[keyof typeof MANUAL_COMPLETIONS];
}

export interface FailedJobView {
  readonly job: Job;
  readonly issueKey?: string;
  readonly toolName: string;
  readonly grantStatus?: Grant['status'];
}

export type ConnectorView = ConnectorRecord & { readonly providerName?: string };

export interface AdminOverview {
  readonly governanceVersion: number;
  readonly intake: { readonly projectKey?: string; readonly portalId?: string; readonly requestTypeIds: readonly string[]; readonly recertIssueTypeId?: string };
  readonly catalog: { readonly approvedTools: number; readonly moreApproved: boolean };
  readonly connectors: { readonly configured: number; readonly enabled: number };
  readonly pendingRequests: { readonly count: number; readonly more: boolean };
  readonly failedFulfillments: { readonly count: number; readonly more: boolean };
  /** Setup steps still open, in the order the Overview's readiness cards show them. */
  readonly readiness: ReadonlyArray<{ readonly step: 'governance' | 'intake_project' | 'portal' | 'catalog' | 'approvers' | 'connectors'; readonly done: boolean; readonly detail?: string }>;
}

export interface CreatePanelView {
  /** False outside the configured project, portal and request types: the panel then renders nothing. */
  readonly enabled: boolean;
  readonly reason?: string;
  readonly tools: readonly ToolSummary[];
  /** "Request new tool" is offered only when governance allows requests for tools outside the catalog. */
  readonly allowNewTools: boolean;
  /** The longest a request for a tool outside the catalog may ask for (it is judged as high risk). */
  readonly newToolMaxDays: number;
}

export interface RequestStatusView {
  readonly issueKey: string;
  readonly toolName: string;
  readonly status: AccessRequest['status'];
  readonly createdAt: number;
  readonly durationDays: number;
  readonly decision?: { readonly outcome: 'approved' | 'denied'; readonly decidedAt: number; readonly source: DecisionSource; readonly rationale: string };
  readonly grant?: {
    readonly status: Grant['status'];
    readonly activatedAt?: number;
    readonly expiresAt: number;
    readonly expiryLabel: GrantLabel;
    readonly expiringSoon: boolean;
    readonly deprovision: Grant['deprovision'];
  };
}

export interface EvidenceExport {
  readonly format: 'jsonl' | 'csv';
  readonly fileName: string;
  readonly content: string;
  readonly manifest: EvidenceManifest;
  /** Where the export's anchor was recorded in Jira, or why it was not. */
  readonly anchor: EvidenceAnchoring;
}

export type AuditVerification = ChainVerification & { readonly headSeq: number };
/**
 * The Insights tab's period: the daily rollups (newest first; how each day ended), the figures read
 * live from the indexes (what "now" means), and the people figures of the period.
 */
export interface InsightsView {
  readonly rollups: ReadonlyArray<DailyInsights>;
  readonly live: LiveInsights;
  readonly people: PeopleInsights;
}
export type InsightsMonthlyView = MonthlyInsightsView;

/** Records by id, each read once however often a page names it (undefined where none exists). */
export async function readRecords<E extends EntityName>(store: Store, entity: E, ids: Iterable<string | undefined>): Promise<Map<string, EntityRecord<E> | undefined>> {
  const unique = [...new Set([...ids].filter((id): id is string => id !== undefined))];
  const records = await Promise.all(unique.map((id) => store.get(entity, id)));
  return new Map(unique.map((id, index) => [id, records[index]]));
}

/** Tool names by id, read once per call (a request for a tool outside the catalog shows its requested name). */
async function toolNames(store: Store, toolIds: Iterable<string | undefined>): Promise<Map<string, string>> {
  const tools = await readRecords(store, 'tool', toolIds);
  return new Map([...tools].map(([id, tool]) => [id, tool?.name ?? id]));
}

function toolSummary(tool: Tool, connectors: ReadonlyMap<string, ConnectorRecord | undefined>, providers: ProviderRegistry, rules: GovernanceRules): ToolSummary {
  const connector = connectors.get(tool.fulfillment.connectorId);
  const provider = connector ? providers.get(connector.providerType) : undefined;
  return {
    id: tool.id,
    name: tool.name,
    vendor: tool.vendor,
    status: tool.status,
    riskLevel: tool.riskLevel,
    defaultDurationDays: tool.defaultDurationDays,
    maxDurationDays: tool.maxDurationDays,
    requestableMaxDays: durationCap(rules, tool).days,
    guidance: tool.guidance,
    ...(tool.url !== undefined && { url: tool.url }),
    fulfillment: {
      connectorId: tool.fulfillment.connectorId,
      ...(connector && { providerType: connector.providerType }),
      ...(provider && { providerName: provider.displayName }),
      manual: provider?.capabilities.manual ?? true,
    },
  };
}

/**
 * A tool as the Catalog shows it: its own settings, and the longest a requester may ask for now
 * with what sets it, so the admin sees the maximum requesters see (and why) next to the tool's own.
 */
export type CatalogToolView = Tool & { readonly requestableMaxDays: number; readonly maxCappedBy: DurationCap['cappedBy'] };

export function catalogToolViews(tools: readonly Tool[], rules: GovernanceRules): CatalogToolView[] {
  return tools.map((tool) => {
    const cap = durationCap(rules, tool);
    return { ...tool, requestableMaxDays: cap.days, maxCappedBy: cap.cappedBy };
  });
}

/**
 * The tools a requester may be offered, as the portal panel and Approved Tools show them. A tool
 * whose connector is disabled (or gone) is left out: its fulfillment is paused, so offering it
 * would promise access that cannot be granted. `rules`: the governance in force, already read.
 */
export async function toolSummaries(store: Store, providers: ProviderRegistry, tools: readonly Tool[], rules: GovernanceRules): Promise<ToolSummary[]> {
  const connectors = await readRecords(store, 'connector', tools.map((tool) => tool.fulfillment.connectorId));
  return tools.filter((tool) => connectors.get(tool.fulfillment.connectorId)?.enabled === true).map((tool) => toolSummary(tool, connectors, providers, rules));
}

export function requestStatusView(request: AccessRequest, toolName: string, grant: Grant | undefined, now: number): RequestStatusView {
  const view = grant ? viewGrant(grant, now) : undefined;
  return {
    issueKey: request.issueKey,
    toolName,
    status: request.status,
    createdAt: request.createdAt,
    durationDays: request.durationDays,
    ...(request.decision && {
      decision: { outcome: request.decision.outcome, decidedAt: request.decision.decidedAt, source: request.decision.source, rationale: request.decision.rationale },
    }),
    ...(view && {
      grant: {
        status: view.status,
        ...(view.activatedAt !== undefined && { activatedAt: view.activatedAt }),
        expiresAt: view.expiresAt,
        expiryLabel: view.expiryLabel,
        expiringSoon: view.expiringSoon,
        deprovision: view.deprovision,
      },
    }),
  };
}

export async function requestSummaries(store: Store, requests: readonly AccessRequest[]): Promise<RequestSummary[]> {
  const names = await toolNames(store, requests.map((request) => request.toolId));
  return requests.map((request) => ({
    ...request,
    toolName: request.toolId !== undefined ? (names.get(request.toolId) ?? request.toolId) : (request.newTool?.name ?? 'a new tool'),
  }));
}

export async function grantSummaries(store: Store, grants: readonly Grant[], now: number, timeZone?: string): Promise<GrantSummary[]> {
  const names = await toolNames(store, grants.map((grant) => grant.toolId));
  return grants.map((grant) => ({ ...viewGrant(grant, now, timeZone), toolName: names.get(grant.toolId) ?? grant.toolId }));
}

export async function myGrantSummaries(store: Store, grants: readonly Grant[], now: number, timeZone?: string): Promise<MyGrantSummary[]> {
  const summaries = await grantSummaries(store, grants, now, timeZone);
  return summaries.map(({ failure: _failure, ...mine }) => mine);
}

export async function grantSummary(store: Store, grant: Grant, now: number): Promise<GrantSummary> {
  const tool = await store.get('tool', grant.toolId);
  return { ...viewGrant(grant, now), toolName: tool?.name ?? grant.toolId };
}
