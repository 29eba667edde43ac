import { canResolveSubject, InvalidConfigError, NotFoundError as ConnectorNotFound, type ConnectorError, type ExternalIdentity, type GroupRef, type Subject } from '@clearway/connector-sdk';
import { recordGroupBinding } from '../catalog/catalog-service.js';
import type { Tool } from '../catalog/tool.js';
import { identityRecordId, type IdentityRecord } from '../connectors/connector.js';
import type { Grant } from '../grants/grant.js';
import { DAY_MS } from '../ports/clock.js';
import { put } from '../ports/store.js';
import type { CoreDeps } from '../shared/deps.js';
import { transact } from '../shared/transact.js';
import { releaseBindingLease, takeBindingLease } from './binding-lease.js';
import type { CallThrough, Connection } from './connections.js';
import { Deferral } from './deferral.js';

/**
 * The provider user a grant is for: from the cache when resolved before (no provider call), else
 * resolved through the provider (an explicit mapping first, then the email, from the request) and
 * cached. `cached` is the cache record the identity came from, for `touchIdentity` after use.
 * An unresolvable user is a terminal `not_found` failure with the reason in its code — except a
 * person the provider has nothing to find by (Jira showed the app no email, no admin mapped them):
 * that is `identity_mapping_required`, decided before any provider call, telling the admin to map them.
 */
export async function identityForGrant(
  deps: CoreDeps,
  connection: Connection,
  callThrough: CallThrough,
  grant: Grant,
): Promise<{ identity: ExternalIdentity; cached?: IdentityRecord }> {
  const id = identityRecordId(connection.record.id, grant.requesterAccountId);
  const cached = await deps.store.get('identity', id);
  if (cached?.externalId) {
    const identity = {
      id: cached.externalId,
      ...(cached.login !== undefined && { login: cached.login }),
      ...(cached.email !== undefined && { email: cached.email }),
      ...(cached.displayName !== undefined && { displayName: cached.displayName }),
    };
    return { identity, cached };
  }
  const request = await deps.store.get('request', grant.requestId);
  const email = request?.requesterEmail?.trim();
  const subject: Subject = {
    accountId: grant.requesterAccountId,
    ...(email && { email }),
    ...(request?.requesterName !== undefined && { displayName: request.requesterName }),
    ...(cached?.mappedExternalId !== undefined && { mappedExternalId: cached.mappedExternalId }),
  };
  const who = request?.requesterName ? `${request.requesterName} (Jira account ${grant.requesterAccountId})` : `Jira account ${grant.requesterAccountId}`;
  if (!canResolveSubject(connection.connector.capabilities, subject)) {
    throw mappingRequired(connection, `${who} has no identity mapping at ${connection.record.name}, and Jira shows Clearway no email address for them (their Atlassian profile may hide it).`);
  }
  const resolution = await callThrough(connection.lookups, (ctx) => connection.connector.resolveIdentity(ctx, subject));
  if (resolution.outcome === 'unresolved') {
    if (resolution.reason === 'mapping_required') throw mappingRequired(connection, `${connection.record.name} cannot find ${who} without an identity mapping: ${resolution.message}`);
    throw new ConnectorNotFound(`${connection.record.name} has no usable user for ${request?.requesterName ?? grant.requesterAccountId}: ${resolution.message}`, {
      code: `identity_${resolution.reason}`,
    });
  }
  const identity = resolution.identity;
  await transact(deps, async () => {
    const current = await deps.store.get('identity', id);
    const now = deps.clock.now();
    const record: IdentityRecord = {
      id,
      version: current?.version ?? 0,
      connectorId: connection.record.id,
      accountId: grant.requesterAccountId,
      source: current?.source ?? 'resolved',
      ...(current?.mappedExternalId !== undefined && { mappedExternalId: current.mappedExternalId }),
      externalId: identity.id,
      ...(identity.login !== undefined && { login: identity.login }),
      ...(identity.email !== undefined && { email: identity.email }),
      ...(identity.displayName !== undefined && { displayName: identity.displayName }),
      updatedAt: now,
      lastUsedAt: now,
    };
    return {
      writes: [put('identity', record)],
      audit: [{ actor: 'clearway:engine', type: 'identity.resolved', refs: { connectorId: connection.record.id, grantId: grant.id }, data: { accountId: grant.requesterAccountId, externalId: identity.id, matchedBy: resolution.matchedBy } }],
      result: undefined,
    };
  });
  return { identity };
}

/**
 * The admin, not the provider, has to act: an `invalid_config` failure (an identity mapping is part
 * of a connector's configuration) whose message says whom to map, where, and what to do next.
 */
function mappingRequired(connection: Connection, why: string): ConnectorError {
  const name = connection.record.name;
  const reason = /[.!?]$/.test(why.trim()) ? why.trim() : `${why.trim()}.`;
  return new InvalidConfigError(
    `Map this Jira user: ${reason} In Clearway → Connectors → ${name} → Identity mappings, map them to their ${name} user id or login, then retry this fulfillment.`,
    { code: 'identity_mapping_required' },
  );
}

/**
 * Marks a cached identity as used, at most once a day, so retention keeps identities in use. An
 * identity just resolved was stored as used; one changed meanwhile is left for its next use.
 */
export async function touchIdentity(deps: CoreDeps, cached: IdentityRecord | undefined): Promise<void> {
  const now = deps.clock.now();
  if (!cached || now - cached.lastUsedAt < DAY_MS) return;
  await deps.store.commit([put('identity', { ...cached, lastUsedAt: now })]).catch(() => undefined);
}

/** Who binds: this worker, holding the tool's binding lease for at most `leaseMs`. */
export interface Binder {
  readonly owner: string;
  readonly leaseMs: number;
}

/**
 * The tool's configured group: the stored binding, or bound (or created) now and stored — by one
 * worker at a time (see `takeBindingLease`). While another worker binds it, the job is deferred.
 */
export async function groupForTool(deps: CoreDeps, connection: Connection, callThrough: CallThrough, tool: Tool, binder: Binder): Promise<GroupRef> {
  if (tool.fulfillment.bound) return boundRef(tool.fulfillment.bound);
  const lease = await takeBindingLease(deps, tool.id, binder.owner, binder.leaseMs);
  if (!lease.held) throw new Deferral(lease.retryInMs, `Another worker is binding the group of ${tool.name}`);
  try {
    // The worker that held the lease before may have bound it meanwhile.
    const current = await deps.store.get('tool', tool.id);
    if (current?.fulfillment.bound) return boundRef(current.fulfillment.bound);
    const spec = tool.fulfillment.group;
    const binding = await callThrough(connection.lookups, (ctx) =>
      connection.connector.bindGroup(ctx, {
        ...(spec.groupId !== undefined && { groupId: spec.groupId }),
        name: spec.name ?? tool.name,
        ...(spec.description !== undefined && { description: spec.description }),
        ...(spec.createIfMissing !== undefined && { createIfMissing: spec.createIfMissing }),
      }),
    );
    await recordGroupBinding(deps, tool.id, { groupId: binding.group.id, ...(binding.group.name !== undefined && { groupName: binding.group.name }), outcome: binding.outcome });
    return binding.group;
  } finally {
    await releaseBindingLease(deps, tool.id, binder.owner);
  }
}

function boundRef(bound: NonNullable<Tool['fulfillment']['bound']>): GroupRef {
  return { id: bound.groupId, ...(bound.groupName !== undefined && { name: bound.groupName }) };
}
