/**
 * The entities core stores and the indexes its queries use. Each index has partition fields
 * (equality) and one range field (ordered, filterable), like a Forge KVS custom-entity index. An
 * index's fields are computed from the record here, once, for every adapter; a record for which
 * `range` (or a partition value) is undefined is simply absent from that index, which keeps
 * "due work" indexes holding due work only.
 */
import type { AgentPolicyVersion } from '../agent-gateway/policy.js';
import type { AuditEvent } from '../audit/event.js';
import type { Tool } from '../catalog/tool.js';
import type { AccessException } from '../exceptions/exception.js';
import type { ConnectorRecord, IdentityRecord } from '../connectors/connector.js';
import type { Job } from '../fulfillment/job.js';
import type { Grant } from '../grants/grant.js';
import type { GovernanceVersion } from '../governance/policy.js';
import type { AccessRequest } from '../requests/request.js';
import type { WorkLink } from '../work-linked/link.js';
import type { WorkPoliciesVersion } from '../work-linked/policy.js';
import type { Scalar } from './store.js';
import { GATEWAY_CALL_EVENT } from '../agent-gateway/call.js';

/** A one-per-key marker that makes uniqueness atomic (one open request per user and tool, one request per issue). */
export interface Claim {
  readonly id: string;
  readonly version: number;
  readonly requestId?: string;
  readonly grantId?: string;
  readonly createdAt: number;
}

/** Small singleton documents: the audit chain head, counters, pointers. */
export interface MetaRecord {
  readonly id: string;
  readonly version: number;
  readonly value: unknown;
}

export interface EntityMap {
  tool: Tool;
  connector: ConnectorRecord;
  identity: IdentityRecord;
  governance: GovernanceVersion;
  agentPolicy: AgentPolicyVersion;
  workPolicies: WorkPoliciesVersion;
  workLink: WorkLink;
  request: AccessRequest;
  grant: Grant;
  exception: AccessException;
  job: Job;
  audit: AuditEvent;
  claim: Claim;
  meta: MetaRecord;
}

export type EntityName = keyof EntityMap;
export type EntityRecord<E extends EntityName = EntityName> = EntityMap[E];

export interface IndexSpec<T> {
  readonly partition: (record: T) => readonly Scalar[] | undefined;
  readonly range: (record: T) => Scalar | undefined;
}

type Schema = { readonly [E in EntityName]: Readonly<Record<string, IndexSpec<EntityMap[E]>>> };

const all = () => [] as const;

/** A string field of a gateway call's data ('' when absent, so the record still lands in the index). */
function activityField(event: AuditEvent, field: 'accountId' | 'decision'): string {
  const value = event.data[field];
  return typeof value === 'string' ? value : '';
}

const RUNNABLE_JOB_STATUSES = new Set(['queued', 'retry_wait', 'running']);

export const STORE_SCHEMA = {
  tool: {
    byName: { partition: all, range: (tool) => tool.name.toLowerCase() },
    byStatus: { partition: (tool) => [tool.status], range: (tool) => tool.name.toLowerCase() },
    byConnector: { partition: (tool) => [tool.fulfillment.connectorId], range: (tool) => tool.name.toLowerCase() },
  },
  connector: {
    byName: { partition: all, range: (connector) => connector.name.toLowerCase() },
  },
  identity: {
    byConnector: { partition: (identity) => [identity.connectorId], range: (identity) => identity.accountId },
    // Only cached resolutions expire; explicit mappings stay until an admin removes them.
    resolvedByLastUse: { partition: (identity) => (identity.source === 'resolved' ? [] : undefined), range: (identity) => identity.lastUsedAt },
  },
  governance: {
    byVersion: { partition: all, range: (governance) => governance.policyVersion },
  },
  agentPolicy: {
    byVersion: { partition: all, range: (policy) => policy.policyVersion },
  },
  workPolicies: {
    byVersion: { partition: all, range: (version) => version.policyVersion },
  },
  workLink: {
    byIssue: { partition: (link) => [link.issueId], range: (link) => link.updatedAt },
    // Links not ended, by deadline: the work sweep ends those past it and re-reads the rest.
    open: { partition: (link) => (link.state === 'ended' ? undefined : []), range: (link) => link.deadline },
    byGrant: { partition: (link) => (link.grantId === undefined ? undefined : [link.grantId]), range: (link) => link.startedAt },
  },
  request: {
    byRequester: { partition: (request) => [request.requesterAccountId], range: (request) => request.createdAt },
    byStatus: { partition: (request) => [request.status], range: (request) => request.createdAt },
    // Pending requests not yet escalated, by age: the escalation sweep reads only these.
    awaitingEscalation: {
      partition: (request) => (request.status === 'pending' && request.escalatedAt === undefined ? [] : undefined),
      range: (request) => request.createdAt,
    },
    all: { partition: all, range: (request) => request.createdAt },
  },
  grant: {
    byRequester: { partition: (grant) => [grant.requesterAccountId], range: (grant) => grant.createdAt },
    byStatus: { partition: (grant) => [grant.status], range: (grant) => grant.expiresAt },
    byTool: { partition: (grant) => [grant.toolId, grant.status], range: (grant) => grant.expiresAt },
    // Active grants without a recertification issue, by expiry: the recertification sweep reads only these.
    awaitingReview: {
      // Work-linked grants end with their work, never by review: they are not in it.
      partition: (grant) => (grant.status === 'active' && grant.recertification === undefined && grant.work === undefined ? [] : undefined),
      range: (grant) => grant.expiresAt,
    },
    // Active grants by when their membership was last checked (or, never checked, when they began): the drift sweep reads only those due.
    byLastCheck: {
      partition: (grant) => (grant.status === 'active' ? [] : undefined),
      range: (grant) => grant.lastCheckedAt ?? grant.activatedAt ?? grant.createdAt,
    },
    all: { partition: all, range: (grant) => grant.createdAt },
  },
  exception: {
    // Open exceptions by when their next review is due: the exception sweep reads only those due.
    open: { partition: (exception) => (exception.state === 'open' ? [] : undefined), range: (exception) => exception.nextReviewAt },
    all: { partition: all, range: (exception) => exception.approvedAt },
  },
  job: {
    // Runnable jobs only, by the time they may (re)run or their lease expires.
    due: { partition: (job) => (RUNNABLE_JOB_STATUSES.has(job.status) ? [] : undefined), range: (job) => job.wakeAt },
    byGrant: { partition: (job) => [job.grantId], range: (job) => job.createdAt },
    byStatus: { partition: (job) => [job.status], range: (job) => job.updatedAt },
  },
  audit: {
    bySeq: { partition: all, range: (event) => event.seq },
    byTime: { partition: all, range: (event) => event.at },
    // The gateway's activity log: its calls only, newest first, and by user or decision (other filters scan these).
    activity: { partition: (event) => (event.type === GATEWAY_CALL_EVENT ? [] : undefined), range: (event) => event.at },
    activityByUser: { partition: (event) => (event.type === GATEWAY_CALL_EVENT ? [activityField(event, 'accountId')] : undefined), range: (event) => event.at },
    activityByDecision: { partition: (event) => (event.type === GATEWAY_CALL_EVENT ? [activityField(event, 'decision')] : undefined), range: (event) => event.at },
  },
  claim: {},
  meta: {},
} as const satisfies Schema;

export type IndexName<E extends EntityName> = keyof (typeof STORE_SCHEMA)[E] & string;

export const ENTITY_NAMES = Object.keys(STORE_SCHEMA) as EntityName[];

/** The index entries (name → partition key and range value) a record has. */
export function indexEntriesOf<E extends EntityName>(
  entity: E,
  record: EntityRecord<E>,
): Array<{ index: string; partition: readonly Scalar[]; range: Scalar }> {
  const specs = STORE_SCHEMA[entity] as Readonly<Record<string, IndexSpec<EntityRecord<E>>>>;
  const entries: Array<{ index: string; partition: readonly Scalar[]; range: Scalar }> = [];
  for (const [index, spec] of Object.entries(specs)) {
    const partition = spec.partition(record);
    const range = spec.range(record);
    if (partition !== undefined && range !== undefined) entries.push({ index, partition, range });
  }
  return entries;
}
