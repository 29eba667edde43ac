import { InvalidConfigError, type Connector, type ExternalIdentity, type GroupRef, type ManualConfirmation, type ProviderDefinition } from '@clearway/connector-sdk';
import type { ConnectorRecord } from '../connectors/connector.js';
import { readConnectorSecrets } from '../connectors/connector-service.js';
import type { ProviderRegistry } from '../connectors/provider-registry.js';
import type { Store } from '../ports/store.js';
import type { CoreDeps } from '../shared/deps.js';
import { ConnectorThrottle, DEFAULT_THROTTLE, type Sleep, type ThrottleLimits } from './throttle.js';

/** A connector ready to use: its record, provider, live instance and throttle. */
export interface Connection {
  readonly record: ConnectorRecord;
  readonly provider: ProviderDefinition;
  readonly connector: Connector;
  readonly throttle: ConnectorThrottle;
}

export function manualConfirmationId(connectorId: string, groupId: string, identityId: string): string {
  return `manual:${connectorId}:${groupId}:${identityId}`;
}

export async function readManualConfirmation(store: Store, connectorId: string, group: GroupRef, identity: ExternalIdentity): Promise<ManualConfirmation | undefined> {
  return (await store.get('meta', manualConfirmationId(connectorId, group.id, identity.id)))?.value as ManualConfirmation | undefined;
}

/**
 * Opens connectors for jobs: reads the record each time (so a disabled or edited connector takes
 * effect at once) and reuses the instance and its throttle while the record's version is unchanged.
 * A missing, disabled or misconfigured connector is a terminal `invalid_config` failure.
 */
export class ConnectionPool {
  private readonly instances = new Map<string, { version: number; connector: Connector }>();
  private readonly throttles = new Map<string, ConnectorThrottle>();

  constructor(
    private readonly deps: CoreDeps,
    private readonly registry: ProviderRegistry,
    private readonly sleep: Sleep,
    private readonly defaultLimits: ThrottleLimits = DEFAULT_THROTTLE,
  ) {}

  async open(connectorId: string): Promise<Connection> {
    const record = await this.deps.store.get('connector', connectorId);
    if (!record) throw new InvalidConfigError(`Connector ${connectorId} does not exist; bind the tool to another connector.`, { code: 'connector_missing' });
    if (!record.enabled) throw new InvalidConfigError(`Connector ${record.name} is disabled; enable it, then retry.`, { code: 'connector_disabled' });
    const provider = this.registry.get(record.providerType);
    if (!provider) throw new InvalidConfigError(`No "${record.providerType}" provider is installed for connector ${record.name}.`, { code: 'provider_missing' });
    return { record, provider, connector: await this.instance(record, provider), throttle: this.throttleFor(record) };
  }

  throttleFor(record: ConnectorRecord): ConnectorThrottle {
    const limits: ThrottleLimits = {
      requestsPerSecond: record.limits?.requestsPerSecond ?? this.defaultLimits.requestsPerSecond,
      concurrency: record.limits?.concurrency ?? this.defaultLimits.concurrency,
      ...(this.defaultLimits.burst !== undefined && { burst: this.defaultLimits.burst }),
    };
    const existing = this.throttles.get(record.id);
    if (existing && existing.limits.requestsPerSecond === limits.requestsPerSecond && existing.limits.concurrency === limits.concurrency) return existing;
    const throttle = new ConnectorThrottle(limits, () => this.deps.clock.now(), this.sleep);
    this.throttles.set(record.id, throttle);
    return throttle;
  }

  private async instance(record: ConnectorRecord, provider: ProviderDefinition): Promise<Connector> {
    const cached = this.instances.get(record.id);
    if (cached?.version === record.version) return cached.connector;
    const store = this.deps.store;
    const connector = provider.connect({
      config: record.settings,
      secrets: await readConnectorSecrets(this.deps, record),
      host: {
        now: () => this.deps.clock.now(),
        manualConfirmation: (group, identity) => readManualConfirmation(store, record.id, group, identity),
      },
    });
    this.instances.set(record.id, { version: record.version, connector });
    return connector;
  }
}
