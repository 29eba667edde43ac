import { InvalidConfigError, type Connector, type ExternalIdentity, type GroupRef, type ManualConfirmation, type OperationContext, type ProviderDefinition, type ProviderHost } from '@clearway/connector-sdk';
import type { ConnectorRecord } from '../connectors/connector.js';
import { readConnectorSecrets } from '../connectors/connector-service.js';
import type { ProviderRegistry } from '../connectors/provider-registry.js';
import type { Store } from '../ports/store.js';
import type { CoreDeps } from '../shared/deps.js';
import { ConnectorThrottle, DEFAULT_THROTTLE, type Sleep, type ThrottleLimits } from './throttle.js';

/**
 * A connector ready to use: its record, provider, live instance, and two throttles — one for
 * membership operations (the vendors' tightest limits sit on group membership) and one for
 * lookups (resolving users, binding groups), so a burst of new users' lookups never eats the
 * membership budget.
 */
export interface Connection {
  readonly record: ConnectorRecord;
  readonly provider: ProviderDefinition;
  readonly connector: Connector;
  readonly throttle: ConnectorThrottle;
  readonly lookups: ConnectorThrottle;
}

/**
 * Runs one provider call through one of a connection's throttles, under a context made when the
 * call starts, so time spent waiting for a slot never eats the call's own time.
 */
export type CallThrough = <T>(throttle: ConnectorThrottle, call: (ctx: OperationContext) => Promise<T>) => Promise<T>;

export function manualConfirmationId(connectorId: string, groupId: string, identityId: string): string {
  return `manual:${connectorId}:${groupId}:${identityId}`;
}

export async function readManualConfirmation(store: Store, connectorId: string, group: GroupRef, identity: ExternalIdentity): Promise<ManualConfirmation | undefined> {
  return (await store.get('meta', manualConfirmationId(connectorId, group.id, identity.id)))?.value as ManualConfirmation | undefined;
}

/** What a connector instance may ask of Clearway: the time, and the confirmations people recorded for it. */
export function providerHost(deps: Pick<CoreDeps, 'clock' | 'store'>, connectorId: string): ProviderHost {
  return {
    now: () => deps.clock.now(),
    manualConfirmation: (group, identity) => readManualConfirmation(deps.store, connectorId, group, identity),
  };
}

/**
 * Opens connectors for jobs: reads the record each time (so a disabled or edited connector takes
 * effect at once) and reuses the instance and its throttle while the record's version is unchanged.
 * A missing, disabled or misconfigured connector is a terminal `invalid_config` failure.
 */
export class ConnectionPool {
  // Promises, so jobs opening the same connector at once share one instance (and one token cache).
  private readonly instances = new Map<string, { version: number; connector: Promise<Connector> }>();
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
    const limits = this.limitsFor(record, provider);
    return {
      record,
      provider,
      connector: await this.instance(record, provider),
      throttle: this.throttle(`${record.id}:membership`, limits),
      lookups: this.throttle(`${record.id}:lookups`, { ...limits, requestsPerSecond: record.limits?.lookupsPerSecond ?? limits.requestsPerSecond * 2 }),
    };
  }

  /** The connector's own limits, else the provider's documented defaults, else the engine's. */
  private limitsFor(record: ConnectorRecord, provider: ProviderDefinition): ThrottleLimits {
    const fallback = provider.capabilities.defaultLimits ?? this.defaultLimits;
    return {
      requestsPerSecond: record.limits?.requestsPerSecond ?? fallback.requestsPerSecond,
      concurrency: record.limits?.concurrency ?? fallback.concurrency,
      ...(this.defaultLimits.burst !== undefined && { burst: this.defaultLimits.burst }),
    };
  }

  /**
   * How long any call to this connector must still wait (a provider's Retry-After pauses it),
   * from the throttles this pool already has; 0 for a connector it has not opened.
   */
  waitMs(connectorId: string): number {
    const membership = this.throttles.get(`${connectorId}:membership`)?.nextWaitMs() ?? 0;
    const lookups = this.throttles.get(`${connectorId}:lookups`)?.nextWaitMs() ?? 0;
    return Math.max(membership, lookups);
  }

  private throttle(key: string, limits: ThrottleLimits): ConnectorThrottle {
    const existing = this.throttles.get(key);
    if (existing && existing.limits.requestsPerSecond === limits.requestsPerSecond && existing.limits.concurrency === limits.concurrency) return existing;
    const throttle = new ConnectorThrottle(limits, () => this.deps.clock.now(), this.sleep);
    this.throttles.set(key, throttle);
    return throttle;
  }

  private instance(record: ConnectorRecord, provider: ProviderDefinition): Promise<Connector> {
    const cached = this.instances.get(record.id);
    if (cached?.version === record.version) return cached.connector;
    const connector = readConnectorSecrets(this.deps, record).then((secrets) => provider.connect({ config: record.settings, secrets, host: providerHost(this.deps, record.id) }));
    this.instances.set(record.id, { version: record.version, connector });
    connector.catch(() => this.instances.delete(record.id));
    return connector;
  }
}
