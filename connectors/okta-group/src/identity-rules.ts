/**
 * How an Okta user found for a Jira user becomes a resolution: who counts as inactive, and which
 * of several users sharing an email is meant.
 */
import type { ExternalIdentity, IdentityResolution, UnresolvedReason } from '@clearway/connector-sdk';
import type { OktaUser } from './okta-directory.js';

/** Suspended and deactivated users cannot use the tool: resolving them is a terminal outcome. */
const INACTIVE_STATUSES: ReadonlyMap<string, string> = new Map([
  ['SUSPENDED', 'suspended'],
  ['DEPROVISIONED', 'deactivated'],
]);

export function resolution(user: OktaUser, matchedBy: 'mapping' | 'login' | 'email'): IdentityResolution {
  const inactive = INACTIVE_STATUSES.get(user.status);
  if (inactive) {
    return unresolved('inactive', `The Okta user ${user.login} is ${inactive} (${user.status}); reactivate them in Okta or map another user.`);
  }
  return { outcome: 'resolved', identity: identityOf(user), matchedBy };
}

/**
 * The identity the engine keeps for an Okta user: the same whether the user was resolved or listed
 * as a group member, so drift finds a listed member under the id resolving gave them.
 */
export function identityOf(user: OktaUser): ExternalIdentity {
  return {
    id: user.id,
    login: user.login,
    ...(user.email !== undefined && { email: user.email }),
    ...(user.displayName !== undefined && { displayName: user.displayName }),
  };
}

/**
 * Okta's email search also returns deactivated users, so a reused email resolves to the one live
 * account; several live accounts are ambiguous, and only deactivated ones are inactive.
 */
export function resolveByEmail(email: string, candidates: readonly OktaUser[]): IdentityResolution {
  const matches = candidates.filter((user) => user.email?.toLowerCase() === email.toLowerCase());
  const live = matches.filter((user) => user.status !== 'DEPROVISIONED');
  const [first] = live.length > 0 ? live : matches;
  if (!first) return unresolved('not_found', `No Okta user has the login or primary email ${email}; map the Jira user to an Okta user.`);
  if (live.length > 1) {
    return unresolved('ambiguous', `${live.length} Okta users have the primary email ${email}; map the Jira user to one of them explicitly.`);
  }
  return resolution(first, 'email');
}

export function unresolved(reason: UnresolvedReason, message: string): IdentityResolution {
  return { outcome: 'unresolved', reason, message };
}
