import type { ProviderDefinition } from '@clearway/connector-sdk';

/** The providers this installation knows, by type. The composition root fills it. */
export interface ProviderRegistry {
  get(type: string): ProviderDefinition | undefined;
  list(): readonly ProviderDefinition[];
}
