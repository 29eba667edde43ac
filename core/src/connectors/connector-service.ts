import { createOperationContext, isConnectorError, type ConnectionTestResult, type ProviderDefinition } from '@clearway/connector-sdk';
import { providerHost } from '../fulfillment/connections.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import { assertAccountsExist } from '../governance/accounts.js';
import { connectorSecretName } from '../ports/secrets.js';
import { pageRequest, put, remove, type Page } from '../ports/store.js';
import { requireAdmin } from '../shared/authorize.js';
import type { Actor, CoreDeps } from '../shared/deps.js';
import { transact } from '../shared/transact.js';
import { assertWellFormed } from '../shared/validate.js';
import { MANUAL_CONNECTOR_ID, identityRecordId, type ConnectorRecord, type IdentityRecord } from './connector.js';
import type { ProviderRegistry } from './provider-registry.js';

export interface ConnectorDeps extends CoreDeps {
  readonly providers: ProviderRegistry;
}

export interface ConnectorInput {
  readonly id?: string;
  readonly providerType: string;
  readonly name: string;
  readonly settings: Readonly<Record<string, unknown>>;
  /** Secret values by field name. Written to secret storage; only the names are kept on the record. */
  readonly secrets?: Readonly<Record<string, string>>;
  readonly limits?: ConnectorRecord['limits'];
}

export interface ConnectorUpdate {
  readonly name?: string;
  readonly settings?: Readonly<Record<string, unknown>>;
  /** A value sets the secret, `null` clears it, a missing field keeps it. */
  readonly secrets?: Readonly<Record<string, string | null>>;
  readonly limits?: ConnectorRecord['limits'];
}

const ID_PATTERN = /^[a-z0-9][a-z0-9-]{1,62}$/;

function providerFor(deps: ConnectorDeps, type: string): ProviderDefinition {
  const provider = deps.providers.get(type);
  if (!provider) {
    const known = deps.providers.list().map((candidate) => candidate.type);
    throw new ValidationError(`There is no provider "${type}". Known providers: ${known.join(', ') || 'none'}.`, [
      { path: 'providerType', message: 'unknown provider' },
    ]);
  }
  return provider;
}

/** Proves settings and secrets are acceptable to the provider, without any network call. */
function validateWithProvider(provider: ProviderDefinition, settings: unknown, secrets: Readonly<Record<string, string | undefined>>): Record<string, unknown> {
  try {
    provider.connect({ config: settings, secrets });
  } catch (error) {
    if (isConnectorError(error)) throw new ValidationError(error.message, [{ path: 'settings', message: error.message }]);
    throw error;
  }
  return provider.configSchema.parse(settings) as Record<string, unknown>;
}

function checkLimits(limits: ConnectorRecord['limits']): void {
  const bad = Object.entries(limits ?? {}).filter(([, value]) => value !== undefined && (!Number.isFinite(value) || value <= 0 || value > 10_000));
  if (bad.length > 0) throw new ValidationError('Connector limits must be positive numbers up to 10,000.', bad.map(([key]) => ({ path: `limits.${key}`, message: 'out of range' })));
}

async function readSecrets(deps: CoreDeps, connector: ConnectorRecord): Promise<Record<string, string | undefined>> {
  const values = await Promise.all(connector.secretsSet.map((field) => deps.secrets.get(connectorSecretName(connector.id, field))));
  return Object.fromEntries(connector.secretsSet.map((field, index) => [field, values[index]]));
}

export async function getConnector(deps: CoreDeps, connectorId: string): Promise<ConnectorRecord> {
  const connector = await deps.store.get('connector', connectorId);
  if (!connector) throw new NotFoundError('Connector', connectorId);
  return connector;
}

export async function listConnectors(deps: CoreDeps, page: { limit?: number; cursor?: string } = {}): Promise<Page<ConnectorRecord>> {
  return deps.store.query('connector', 'byName', {
    partition: [],
    ...pageRequest(page, 50),
  });
}

export async function createConnector(deps: ConnectorDeps, actor: Actor, input: ConnectorInput): Promise<ConnectorRecord> {
  requireAdmin(actor, 'add connectors');
  assertWellFormed(input, 'connector');
  const provider = providerFor(deps, input.providerType);
  const id = input.id ?? `${input.providerType}-${deps.ids.newId('c').slice(-6)}`;
  if (!ID_PATTERN.test(id)) throw new ValidationError('A connector id uses 2–63 lowercase letters, digits and dashes.', [{ path: 'id', message: 'invalid id' }]);
  const name = input.name.trim();
  if (name.length === 0 || name.length > 120) throw new ValidationError('A connector needs a name of 1–120 characters.', [{ path: 'name', message: 'required' }]);
  checkLimits(input.limits);
  for (const field of Object.keys(input.secrets ?? {})) {
    if (!Object.hasOwn(provider.secrets, field)) throw new ValidationError(`The ${provider.displayName} provider has no secret "${field}".`, [{ path: `secrets.${field}`, message: 'unknown secret' }]);
  }
  const secrets = Object.fromEntries(Object.entries(input.secrets ?? {}).filter(([, value]) => value.length > 0));
  const settings = validateWithProvider(provider, input.settings, secrets);
  if (await deps.store.get('connector', id)) throw new ConflictError('conflict', `Connector ${id} already exists.`);
  // Written before the record (a worker building the connector must find them), undone if the record is not.
  const undo = await writeSecrets(deps, id, secrets, {});
  return withSecretsUndone(undo, transact(deps, async () => {
    const now = deps.clock.now();
    const record: ConnectorRecord = {
      id,
      version: 0,
      providerType: provider.type,
      name,
      settings,
      secretsSet: Object.keys(secrets).sort(),
      enabled: true,
      ...(input.limits !== undefined && { limits: input.limits }),
      createdAt: now,
      updatedAt: now,
    };
    return {
      writes: [put('connector', record)],
      audit: [{ actor: actor.accountId, type: 'connector.created', refs: { connectorId: id }, data: { providerType: provider.type, name, settings, secretsSet: record.secretsSet } }],
      result: { ...record, version: 1 },
    };
  }));
}

export async function updateConnector(deps: ConnectorDeps, actor: Actor, connectorId: string, update: ConnectorUpdate): Promise<ConnectorRecord> {
  requireAdmin(actor, 'edit connectors');
  assertWellFormed(update, 'connector');
  checkLimits(update.limits);
  const current = await getConnector(deps, connectorId);
  const provider = providerFor(deps, current.providerType);
  const before = await readSecrets(deps, current);
  const secrets = { ...before };
  for (const [field, value] of Object.entries(update.secrets ?? {})) {
    if (!Object.hasOwn(provider.secrets, field)) throw new ValidationError(`The ${provider.displayName} provider has no secret "${field}".`, [{ path: `secrets.${field}`, message: 'unknown secret' }]);
    secrets[field] = value ?? undefined;
  }
  const settings = validateWithProvider(provider, update.settings ?? current.settings, secrets);
  requireSecretsWhereSent(provider, current, settings, update.secrets ?? {});
  const undo = await writeSecrets(deps, connectorId, update.secrets ?? {}, before);
  return withSecretsUndone(undo, transact(deps, async () => {
    const latest = await getConnector(deps, connectorId);
    const record: ConnectorRecord = {
      ...latest,
      name: update.name?.trim() || latest.name,
      settings,
      secretsSet: Object.entries(secrets).filter(([, value]) => value).map(([field]) => field).sort(),
      ...(update.limits !== undefined && { limits: update.limits }),
      updatedAt: deps.clock.now(),
    };
    return {
      writes: [put('connector', record)],
      audit: [
        {
          actor: actor.accountId,
          type: 'connector.updated',
          refs: { connectorId },
          data: { settings, secretsChanged: Object.keys(update.secrets ?? {}).sort(), secretsSet: record.secretsSet },
        },
      ],
      result: { ...record, version: record.version + 1 },
    };
  }));
}

/**
 * A stored secret goes where some settings say (an org URL, a token endpoint): a change of those
 * would send it somewhere new — an attacker's org on an allowed domain, say — so it is refused
 * unless the secret is entered again in the same change.
 */
function requireSecretsWhereSent(provider: ProviderDefinition, current: ConnectorRecord, settings: Readonly<Record<string, unknown>>, reentered: Readonly<Record<string, unknown>>): void {
  const before = current.settings;
  const issues: Array<{ path: string; message: string }> = [];
  for (const [field, spec] of Object.entries(provider.secrets)) {
    if (!current.secretsSet.includes(field) || reentered[field] !== undefined) continue;
    const moved = (spec.sentTo ?? []).filter((setting) => JSON.stringify(before[setting]) !== JSON.stringify(settings[setting]));
    if (moved.length > 0) issues.push({ path: `secrets.${field}`, message: `changing ${moved.join(', ')} sends the ${spec.label} somewhere new: enter it again with this change` });
  }
  if (issues.length > 0) throw new ValidationError(`The connector change is not valid: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}.`, issues);
}

/**
 * Writes (or, for an empty value, deletes) a connector's secrets, answering how to put back what
 * was there before — so a record that then fails to commit leaves no secret changed or orphaned.
 */
async function writeSecrets(deps: ConnectorDeps, connectorId: string, changes: Readonly<Record<string, string | null | undefined>>, before: Readonly<Record<string, string | undefined>>): Promise<() => Promise<void>> {
  const written: string[] = [];
  const undo = async () => {
    for (const field of written) {
      const previous = before[field];
      if (previous) await deps.secrets.set(connectorSecretName(connectorId, field), previous);
      else await deps.secrets.delete(connectorSecretName(connectorId, field));
    }
  };
  try {
    for (const [field, value] of Object.entries(changes)) {
      written.push(field);
      if (value) await deps.secrets.set(connectorSecretName(connectorId, field), value);
      else await deps.secrets.delete(connectorSecretName(connectorId, field));
    }
  } catch (error) {
    await undo();
    throw error;
  }
  return undo;
}

async function withSecretsUndone<T>(undo: () => Promise<void>, committing: Promise<T>): Promise<T> {
  try {
    return await committing;
  } catch (error) {
    await undo();
    throw error;
  }
}

export async function setConnectorEnabled(deps: CoreDeps, actor: Actor, connectorId: string, enabled: boolean): Promise<ConnectorRecord> {
  requireAdmin(actor, enabled ? 'enable connectors' : 'disable connectors');
  return transact(deps, async () => {
    const current = await getConnector(deps, connectorId);
    if (current.enabled === enabled) return { writes: [], audit: [], result: current };
    const record = { ...current, enabled, updatedAt: deps.clock.now() };
    return {
      writes: [put('connector', record)],
      audit: [{ actor: actor.accountId, type: enabled ? 'connector.enabled' : 'connector.disabled', refs: { connectorId } }],
      result: { ...record, version: record.version + 1 },
    };
  });
}

/** Deletes a connector no tool is bound to, and its secrets. The built-in manual connector stays. */
export async function deleteConnector(deps: CoreDeps, actor: Actor, connectorId: string): Promise<void> {
  requireAdmin(actor, 'delete connectors');
  if (connectorId === MANUAL_CONNECTOR_ID) throw new ConflictError('conflict', 'The built-in manual connector cannot be deleted.');
  const current = await getConnector(deps, connectorId);
  const bound = await deps.store.query('tool', 'byConnector', { partition: [connectorId], limit: 5 });
  if (bound.items.length > 0) {
    throw new ConflictError('conflict', `Connector ${connectorId} is bound to ${bound.items.map((tool) => tool.name).join(', ')}${bound.nextCursor ? ' and more' : ''}; rebind those tools first.`);
  }
  await transact(deps, async () => {
    const latest = await getConnector(deps, connectorId);
    return {
      writes: [remove('connector', latest)],
      audit: [{ actor: actor.accountId, type: 'connector.deleted', refs: { connectorId }, data: { providerType: latest.providerType, name: latest.name } }],
      result: undefined,
    };
  });
  for (const field of current.secretsSet) await deps.secrets.delete(connectorSecretName(connectorId, field));
}

/** Runs the provider's "Test connection" against the stored settings and secrets. */
export async function testConnector(
  deps: ConnectorDeps,
  actor: Actor,
  connectorId: string,
  options: { groupId?: string; timeoutMs?: number } = {},
): Promise<ConnectionTestResult> {
  requireAdmin(actor, 'test connectors');
  const connector = await getConnector(deps, connectorId);
  const provider = providerFor(deps, connector.providerType);
  const ctx = createOperationContext({ timeoutMs: options.timeoutMs ?? 20_000, logger: deps.logger, now: () => deps.clock.now() });
  try {
    const instance = provider.connect({ config: connector.settings, secrets: await readSecrets(deps, connector), host: providerHost(deps, connector.id) });
    return await instance.test(ctx, options.groupId ? { group: { id: options.groupId } } : {});
  } catch (error) {
    if (!isConnectorError(error)) throw error;
    return { ok: false, checks: [{ name: 'Connector settings', passed: false, message: error.message }] };
  }
}

/** A connector's identities: cached provider users and explicit mappings, by Jira account. */
export async function listConnectorIdentities(deps: CoreDeps, connectorId: string, page: { limit?: number; cursor?: string } = {}): Promise<Page<IdentityRecord>> {
  return deps.store.query('identity', 'byConnector', { partition: [connectorId], ...pageRequest(page, 50) });
}

/**
 * Maps a Jira user to a provider user explicitly (wins over email matching); `null` removes it.
 * A mapping is made only for an account the Jira site knows; removing one never asks Jira, so a
 * mapping outlives the account it was for only until an admin clears it.
 */
export async function setIdentityMapping(
  deps: CoreDeps,
  actor: Actor,
  input: { connectorId: string; accountId: string; externalId: string | null },
): Promise<IdentityRecord | undefined> {
  requireAdmin(actor, 'map identities');
  assertWellFormed(input, 'identity mapping');
  await getConnector(deps, input.connectorId);
  const externalId = input.externalId?.trim();
  if (externalId !== undefined && (externalId.length === 0 || externalId.length > 256)) {
    throw new ValidationError('An external id has 1–256 characters.', [{ path: 'externalId', message: 'invalid' }]);
  }
  if (externalId !== undefined) await assertAccountsExist(deps.jira, [{ accountId: input.accountId, path: 'accountId' }], 'identity mapping', 'requester');
  return transact(deps, async () => {
    const id = identityRecordId(input.connectorId, input.accountId);
    const current = await deps.store.get('identity', id);
    const refs = { connectorId: input.connectorId };
    if (externalId === undefined) {
      if (!current) return { writes: [], audit: [], result: undefined };
      return {
        writes: [remove('identity', current)],
        audit: [{ actor: actor.accountId, type: 'identity.mapping_removed', refs, data: { accountId: input.accountId } }],
        result: undefined,
      };
    }
    const now = deps.clock.now();
    const record: IdentityRecord = {
      id,
      version: current?.version ?? 0,
      connectorId: input.connectorId,
      accountId: input.accountId,
      source: 'mapping',
      mappedExternalId: externalId,
      updatedAt: now,
      lastUsedAt: now,
    };
    return {
      writes: [put('identity', record)],
      audit: [{ actor: actor.accountId, type: 'identity.mapped', refs, data: { accountId: input.accountId, externalId } }],
      result: { ...record, version: record.version + 1 },
    };
  });
}

export { readSecrets as readConnectorSecrets };
