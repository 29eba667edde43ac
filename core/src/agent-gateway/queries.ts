import type { AuditEvent } from '../audit/event.js';
import { MAX_PAGE_SIZE, type Page } from '../ports/store.js';
import type { CoreDeps } from '../shared/deps.js';
import type { ActivityData } from './activity.js';

export interface ActivityFilter {
  readonly user?: string;
  readonly decision?: 'allowed' | 'blocked';
  /** An operation name, compared case-insensitively. */
  readonly operation?: string;
  readonly client?: string;
  /** Case-insensitive text over the user (id, name, email), the operation and the arguments. */
  readonly text?: string;
  readonly from?: number;
  readonly to?: number;
}

/** One row of the activity log: the event with its data typed. */
export interface ActivityRecord {
  readonly seq: number;
  readonly at: number;
  readonly entryHash: string;
  readonly data: ActivityData;
}

/** Filters the indexes cannot answer read at most this many records per page asked for. */
export const MAX_SCANNED = 2_000;

function toRecord(event: AuditEvent): ActivityRecord {
  return { seq: event.seq, at: event.at, entryHash: event.entryHash, data: event.data as unknown as ActivityData };
}

function matcher(filter: ActivityFilter): (record: ActivityRecord) => boolean {
  const operation = filter.operation?.toLowerCase();
  const client = filter.client?.toLowerCase();
  const text = filter.text?.toLowerCase();
  return ({ data }) => {
    if (filter.user !== undefined && data.accountId !== filter.user) return false;
    if (filter.decision !== undefined && data.decision !== filter.decision) return false;
    if (operation !== undefined && data.operation.toLowerCase() !== operation) return false;
    if (client !== undefined && data.client.toLowerCase() !== client) return false;
    if (text !== undefined) {
      const haystack = [data.accountId, data.name, data.email, data.operation, data.arguments === undefined ? '' : JSON.stringify(data.arguments)].join('\u0000').toLowerCase();
      if (!haystack.includes(text)) return false;
    }
    return true;
  };
}

/**
 * The activity log, newest first, one page at a time. User and decision use their indexes; the
 * operation, client and text filters are applied to what those return, reading at most
 * `MAX_SCANNED` records per page (`scanned` says how many, and `nextCursor` continues the scan).
 * Each store page asks for no more records than are still wanted, so every match it returns fits
 * the answer and the store's cursor resumes exactly after it.
 */
export async function listActivity(deps: CoreDeps, options: ActivityFilter & { limit?: number; cursor?: string } = {}): Promise<Page<ActivityRecord> & { scanned: number }> {
  const limit = Math.max(1, Math.min(options.limit ?? 50, MAX_PAGE_SIZE));
  const matches = matcher(options);
  const range = options.from !== undefined || options.to !== undefined ? { ...(options.from !== undefined && { gte: options.from }), ...(options.to !== undefined && { lte: options.to }) } : undefined;
  const [index, partition] =
    options.user !== undefined ? (['activityByUser', [options.user]] as const) : options.decision !== undefined ? (['activityByDecision', [options.decision]] as const) : (['activity', []] as const);
  const items: ActivityRecord[] = [];
  let cursor = options.cursor;
  let scanned = 0;
  do {
    const page = await deps.store.query('audit', index, { partition, direction: 'desc', limit: limit - items.length, ...(range && { range }), ...(cursor !== undefined && { cursor }) });
    scanned += page.items.length;
    for (const event of page.items) {
      const record = toRecord(event);
      if (matches(record)) items.push(record);
    }
    cursor = page.nextCursor;
  } while (cursor !== undefined && items.length < limit && scanned < MAX_SCANNED);
  return { items, scanned, ...(cursor !== undefined && { nextCursor: cursor }) };
}

/** One call by its audit sequence number, or undefined when it is not a gateway call. */
export async function viewActivity(deps: CoreDeps, seq: number): Promise<ActivityRecord | undefined> {
  const page = await deps.store.query('audit', 'bySeq', { partition: [], range: { gte: seq, lte: seq }, limit: 1 });
  const event = page.items[0];
  return event && event.type === 'gateway.call' ? toRecord(event) : undefined;
}

/**
 * The call as an Atlassian audit-log record (the shape of `GET /rest/api/3/auditing/record`):
 * what an admin used to Atlassian's audit log recognises, with Clearway's details kept alongside.
 */
export function atlassianAuditJson(record: ActivityRecord): Record<string, unknown> {
  const { data } = record;
  return {
    id: record.seq,
    summary: `AI ${data.decision === 'allowed' ? 'call allowed' : 'call blocked'}: ${data.operation}`,
    remoteAddress: '',
    authorAccountId: data.accountId,
    created: new Date(record.at).toISOString(),
    category: 'AI agent gateway',
    eventSource: `clearway:${data.client || 'unknown-client'}`,
    description: data.reason,
    objectItem: { id: data.operation, name: data.operation, typeName: data.kind === 'call' ? 'MCP_OPERATION' : 'MCP_PROTOCOL' },
    changedValues: [],
    associatedItems: [{ id: data.accountId, name: data.name ?? data.accountId, typeName: 'USER', parentId: '', parentName: '' }, ...data.groups.map((group) => ({ id: group, name: group, typeName: 'GROUP', parentId: '', parentName: '' }))],
    clearway: {
      method: data.method,
      arguments: data.arguments,
      decision: data.decision,
      basis: data.basis,
      ...(data.ruleIndex !== undefined && { rule: data.ruleIndex + 1 }),
      agentPolicyVersion: data.agentPolicyVersion,
      upstreamStatus: data.upstreamStatus,
      responseBytes: data.responseBytes,
      latencyMs: data.latencyMs,
      entryHash: record.entryHash,
    },
  };
}
