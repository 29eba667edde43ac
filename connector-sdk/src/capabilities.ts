import type { ProviderCapabilities, Subject } from './contract.js';

/**
 * Whether a provider can resolve a person from the Atlassian account id alone: what it declares,
 * else what manual providers can (a person fulfilling works from any handle) and directories cannot.
 */
export function resolvesByAccountId(capabilities: ProviderCapabilities): boolean {
  return capabilities.resolvesByAccountId ?? capabilities.manual;
}

/**
 * Whether a provider with these capabilities has anything to find this subject by. When not, only
 * an admin's explicit mapping can help, and asking the provider would only spend a call.
 */
export function canResolveSubject(capabilities: ProviderCapabilities, subject: Subject): boolean {
  return subject.mappedExternalId !== undefined || (subject.email !== undefined && subject.email.trim() !== '') || resolvesByAccountId(capabilities);
}
