import type { Store } from '../ports/store.js';
import { DEFAULT_EXCEPTION_RULES, DEFAULT_GOVERNANCE_RULES, type GovernanceVersion } from './policy.js';

/** Version 0: the built-in defaults, in force until an admin saves the first version. */
export const DEFAULT_GOVERNANCE: GovernanceVersion = {
  id: 'default',
  version: 0,
  policyVersion: 0,
  rules: DEFAULT_GOVERNANCE_RULES,
  createdAt: 0,
  createdBy: 'clearway:defaults',
};

/** The governance version in force: the highest saved, or the defaults. One indexed read. */
export async function currentGovernance(store: Store): Promise<GovernanceVersion> {
  const page = await store.query('governance', 'byVersion', { partition: [], direction: 'desc', limit: 1 });
  const saved = page.items[0];
  if (!saved) return DEFAULT_GOVERNANCE;
  // A version saved before exception rules existed runs with their defaults.
  return Object.hasOwn(saved.rules, 'exceptions') ? saved : { ...saved, rules: { ...saved.rules, exceptions: DEFAULT_EXCEPTION_RULES } };
}

export async function currentPolicyVersion(store: Store): Promise<number> {
  return (await currentGovernance(store)).policyVersion;
}
