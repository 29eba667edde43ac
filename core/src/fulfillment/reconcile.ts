import { TransientError, type ExternalIdentity, type GroupRef } from '@clearway/connector-sdk';
import type { AuditEntry } from '../audit/event.js';
import type { Tool } from '../catalog/tool.js';
import type { Grant } from '../grants/grant.js';
import { isEndedOrFailed } from '../grants/lifecycle.js';
import { iterateQuery, put, type Write } from '../ports/store.js';
import type { CoreDeps } from '../shared/deps.js';
import { transact } from '../shared/transact.js';
import type { CallThrough, Connection } from './connections.js';
import type { Job } from './job.js';
import { enqueueJob } from './jobs.js';

/** A member of a tool's group that no grant Clearway knows of explains: added by hand, or by another system. */
export interface UnmanagedMember {
  readonly id: string;
  readonly login?: string;
  readonly email?: string;
  readonly displayName?: string;
  readonly firstSeenAt: number;
}

/** What the latest reconciliation of a tool's group found that no grant explains. */
export interface UnmanagedMembers {
  readonly toolId: string;
  readonly connectorId: string;
  readonly groupId: string;
  readonly checkedAt: number;
  readonly members: readonly UnmanagedMember[];
  /** Further unmanaged members not kept in the report (it holds at most `MAX_REPORTED`). */
  readonly truncated: number;
}

/** The report keeps this many members; the rest are counted. */
export const MAX_REPORTED = 500;
/** A directory that keeps answering with a next page this often is looping: the run fails and is retried. */
const MAX_PAGES = 1_000;
/** Ended grants checked per run; the next reconciliation takes the rest. */
const MAX_CHECKS = 100;

/** The id a reconciliation job carries where other jobs name their grant. */
export function groupJobKey(toolId: string): string {
  return `group:${toolId}`;
}

export function unmanagedReportId(toolId: string): string {
  return `drift:unmanaged:${toolId}`;
}

export async function listUnmanagedMembers(deps: Pick<CoreDeps, 'store'>, toolId: string): Promise<UnmanagedMembers | undefined> {
  return (await deps.store.get('meta', unmanagedReportId(toolId)))?.value as UnmanagedMembers | undefined;
}

export type ReconcileResult =
  | { readonly kind: 'skipped'; readonly reason: string }
  | { readonly kind: 'reconciled'; readonly members: number; readonly unmanaged: number; readonly checksQueued: number };

export function boundGroupOf(tool: Tool): GroupRef | undefined {
  const bound = tool.fulfillment.bound;
  return bound && { id: bound.groupId, ...(bound.groupName !== undefined && { name: bound.groupName }) };
}

/**
 * Compares a tool's group with the grants that explain its members. A member whose person holds
 * a live grant for the tool is expected. A member whose person's grant for the tool has ended gets
 * a membership check of that grant, so the usual drift rule decides (record it, and remove them
 * when the admin enabled it). A member no grant explains — added by hand, or a user Clearway never
 * resolved — is reported, never removed: the group may hold people another process manages.
 */
export async function reconcileGroup(deps: CoreDeps, connection: Connection, callThrough: CallThrough, job: Job): Promise<ReconcileResult> {
  const tool = await deps.store.get('tool', job.toolId);
  const group = tool && tool.fulfillment.connectorId === job.connectorId ? boundGroupOf(tool) : undefined;
  if (!tool || !group) return { kind: 'skipped', reason: 'the tool has no group bound at this connector' };
  if (!connection.connector.listMembers) return { kind: 'skipped', reason: `${connection.record.name} cannot list a group's members` };
  const members = await allMembers(callThrough, connection, group);
  const [live, accounts] = await Promise.all([liveHolders(deps, tool.id), accountsOf(deps, connection.record.id)]);
  const unexplained = members.filter((member) => !live.has(accounts.get(member.id) ?? ''));
  const ended: Grant[] = [];
  const unmanaged: ExternalIdentity[] = [];
  for (const member of unexplained) {
    const account = accounts.get(member.id);
    const grant = account === undefined ? undefined : await latestEndedGrant(deps, account, tool.id);
    if (!grant) unmanaged.push(member);
    else if (ended.length < MAX_CHECKS) ended.push(grant);
  }
  await recordFindings(deps, job, group, unmanaged, ended);
  return { kind: 'reconciled', members: members.length, unmanaged: unmanaged.length, checksQueued: ended.length };
}

async function allMembers(callThrough: CallThrough, connection: Connection, group: GroupRef): Promise<ExternalIdentity[]> {
  const list = connection.connector.listMembers;
  const members: ExternalIdentity[] = [];
  let cursor: string | undefined;
  for (let pages = 0; list; pages += 1) {
    if (pages >= MAX_PAGES) throw new TransientError(`${connection.record.name} kept answering with another page of members; the group was not reconciled.`, { code: 'unexpected_response' });
    const asked = cursor;
    const answer = await callThrough(connection.lookups, (ctx) => list(ctx, group, asked));
    members.push(...answer.members);
    cursor = answer.nextCursor;
    if (cursor === undefined) break;
  }
  return members;
}

/** Accounts holding a live grant for the tool (active, or being provisioned). */
async function liveHolders(deps: CoreDeps, toolId: string): Promise<Set<string>> {
  const accounts = new Set<string>();
  for (const status of ['active', 'pending_provision'] as const) {
    for await (const grant of iterateQuery(deps.store, 'grant', 'byTool', { partition: [toolId, status], limit: 100 })) accounts.add(grant.requesterAccountId);
  }
  return accounts;
}

/** Provider user id → Jira account, from the identities resolved or mapped at the connector. */
async function accountsOf(deps: CoreDeps, connectorId: string): Promise<Map<string, string>> {
  const accounts = new Map<string, string>();
  for await (const identity of iterateQuery(deps.store, 'identity', 'byConnector', { partition: [connectorId], limit: 100 })) {
    const id = identity.externalId ?? identity.mappedExternalId;
    if (id !== undefined) accounts.set(id, identity.accountId);
  }
  return accounts;
}

async function latestEndedGrant(deps: CoreDeps, accountId: string, toolId: string): Promise<Grant | undefined> {
  let latest: Grant | undefined;
  for await (const grant of iterateQuery(deps.store, 'grant', 'byRequester', { partition: [accountId], limit: 50 })) {
    if (grant.toolId === toolId && isEndedOrFailed(grant.status) && (!latest || grant.createdAt > latest.createdAt)) latest = grant;
  }
  return latest;
}

/** Checks queued per commit, well inside the store's limit on writes per change. */
const CHECKS_PER_COMMIT = 20;

/**
 * The report, with each member's first sighting kept (newly seen and no longer seen members
 * audited), then a check for each ended grant whose person is in the group again — queued a few
 * per commit, each commit on its own (a check that exists already is the same check).
 */
async function recordFindings(deps: CoreDeps, job: Job, group: GroupRef, found: readonly ExternalIdentity[], ended: readonly Grant[]): Promise<void> {
  await transact(deps, async () => {
    const now = deps.clock.now();
    const id = unmanagedReportId(job.toolId);
    const current = await deps.store.get('meta', id);
    const before = new Map(((current?.value as UnmanagedMembers | undefined)?.members ?? []).map((member) => [member.id, member]));
    const members: UnmanagedMember[] = found.map((member) => ({ ...member, firstSeenAt: before.get(member.id)?.firstSeenAt ?? now }));
    const refs = { jobId: job.id, toolId: job.toolId, connectorId: job.connectorId };
    const audit: AuditEntry[] = [];
    const appeared = members.filter((member) => !before.has(member.id));
    const gone = [...before.keys()].filter((memberId) => !members.some((member) => member.id === memberId));
    if (appeared.length > 0) audit.push({ actor: 'clearway:engine', type: 'drift.unmanaged_members_found', refs, data: { groupId: group.id, count: appeared.length, members: appeared.slice(0, 20).map(describe) } });
    if (gone.length > 0) audit.push({ actor: 'clearway:engine', type: 'drift.unmanaged_members_gone', refs, data: { groupId: group.id, count: gone.length } });
    const report: UnmanagedMembers = { toolId: job.toolId, connectorId: job.connectorId, groupId: group.id, checkedAt: now, members: members.slice(0, MAX_REPORTED), truncated: Math.max(0, members.length - MAX_REPORTED) };
    return { writes: [put('meta', { id, version: current?.version ?? 0, value: report })], audit, result: undefined };
  });
  for (let start = 0; start < ended.length; start += CHECKS_PER_COMMIT) {
    await transact(deps, async () => {
      const now = deps.clock.now();
      const writes: Write[] = [];
      for (const grant of ended.slice(start, start + CHECKS_PER_COMMIT)) writes.push(...(await enqueueJob(deps.store, 'check', grant, `reconcile-${job.createdAt}`, now)).writes);
      return { writes, audit: [], result: undefined };
    });
  }
}

function describe(member: UnmanagedMember): Record<string, string> {
  return { id: member.id, ...(member.login !== undefined && { login: member.login }), ...(member.email !== undefined && { email: member.email }) };
}
