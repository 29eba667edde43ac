/** An admin-configured instance of a provider. Secret values live in the `Secrets` port, never here. */
export interface ConnectorRecord {
  readonly id: string;
  readonly version: number;
  readonly providerType: string;
  readonly name: string;
  /** Non-secret settings, validated against the provider's config schema. */
  readonly settings: Readonly<Record<string, unknown>>;
  /** Names of the secret fields that have a value in secret storage (never the values). */
  readonly secretsSet: readonly string[];
  readonly enabled: boolean;
  /**
   * Throughput the engine keeps to for this connector, overriding the provider's defaults:
   * membership operations (add / remove / check) per second, lookups (resolve / bind) per second,
   * and calls in flight at once.
   */
  readonly limits?: { readonly requestsPerSecond?: number; readonly lookupsPerSecond?: number; readonly concurrency?: number };
  readonly createdAt: number;
  readonly updatedAt: number;
}

/**
 * A Jira user's identity at a connector: an admin's explicit mapping, or a cached resolution.
 * Cached resolutions are pruned after the retention period; mappings are kept until removed.
 */
export interface IdentityRecord {
  readonly id: string;
  readonly version: number;
  readonly connectorId: string;
  readonly accountId: string;
  readonly source: 'mapping' | 'resolved';
  /** The admin's explicit mapping (an id or login the provider understands). */
  readonly mappedExternalId?: string;
  /** The provider user id, once resolved; jobs use it without asking the provider again. */
  readonly externalId?: string;
  readonly login?: string;
  readonly email?: string;
  readonly displayName?: string;
  readonly updatedAt: number;
  readonly lastUsedAt: number;
}

export function identityRecordId(connectorId: string, accountId: string): string {
  return `${connectorId}:${accountId}`;
}

/** The built-in connector every tool can fall back to: a person fulfils access by hand. */
export const MANUAL_CONNECTOR_ID = 'manual';
