import { NotFoundError as ConnectorNotFound, type ExternalIdentity, type GroupRef, type OperationContext } from '@clearway/connector-sdk';
import { recordGroupBinding } from '../catalog/catalog-service.js';
import type { Tool } from '../catalog/tool.js';
import { identityRecordId, type IdentityRecord } from '../connectors/connector.js';
import type { Grant } from '../grants/grant.js';
import { DAY_MS } from '../ports/clock.js';
import { put } from '../ports/store.js';
import type { CoreDeps } from '../shared/deps.js';
import { transact } from '../shared/transact.js';
import type { Connection } from './connections.js';

/**
 * The provider user a grant is for: from the cache when resolved before (no provider call), else
 * resolved through the provider (an explicit mapping first, then the email, from the request) and
 * cached. `cached` is the cache record the identity came from, for `touchIdentity` after use.
 * An unresolvable user is a terminal `not_found` failure with the reason in its code.
 */
export async function identityForGrant(
  deps: CoreDeps,
  connection: Connection,
  ctx: OperationContext,
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
  const subject = {
    accountId: grant.requesterAccountId,
    ...(request?.requesterEmail !== undefined && { email: request.requesterEmail }),
    ...(request?.requesterName !== undefined && { displayName: request.requesterName }),
    ...(cached?.mappedExternalId !== undefined && { mappedExternalId: cached.mappedExternalId }),
  };
  const resolution = await connection.lookups.run(() => connection.connector.resolveIdentity(ctx, subject));
  if (resolution.outcome === 'unresolved') {
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
 * Marks a cached identity as used, at most once a day, so retention keeps identities in use. An
 * identity just resolved was stored as used; one changed meanwhile is left for its next use.
 */
export async function touchIdentity(deps: CoreDeps, cached: IdentityRecord | undefined): Promise<void> {
  const now = deps.clock.now();
  if (!cached || now - cached.lastUsedAt < DAY_MS) return;
  await deps.store.commit([put('identity', { ...cached, lastUsedAt: now })]).catch(() => undefined);
}

/** The tool's configured group: the stored binding, or bound (or created) now and stored. */
export async function groupForTool(deps: CoreDeps, connection: Connection, ctx: OperationContext, tool: Tool): Promise<GroupRef> {
  const bound = tool.fulfillment.bound;
  if (bound) return { id: bound.groupId, ...(bound.groupName !== undefined && { name: bound.groupName }) };
  const spec = tool.fulfillment.group;
  const binding = await connection.lookups.run(() =>
    connection.connector.bindGroup(ctx, {
      ...(spec.groupId !== undefined && { groupId: spec.groupId }),
      name: spec.name ?? tool.name,
      ...(spec.description !== undefined && { description: spec.description }),
      ...(spec.createIfMissing !== undefined && { createIfMissing: spec.createIfMissing }),
    }),
  );
  await recordGroupBinding(deps, tool.id, { groupId: binding.group.id, ...(binding.group.name !== undefined && { groupName: binding.group.name }), outcome: binding.outcome });
  return binding.group;
}
