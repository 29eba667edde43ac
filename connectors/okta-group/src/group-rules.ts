/**
 * Which Okta groups a tool may be bound to, and which of the name search's results is meant.
 */
import { InvalidRequestError, UnsupportedError, type GroupRef } from '@clearway/connector-sdk';
import type { OktaGroup } from './okta-directory.js';

/** Okta lets an API change the membership of its own groups only, not imported or built-in ones. */
export function manageable(group: OktaGroup): GroupRef {
  if (group.type !== 'OKTA_GROUP') throw notManageable(group);
  return { id: group.id, name: group.name };
}

export function notManageable(group: OktaGroup): UnsupportedError {
  const what =
    group.type === 'APP_GROUP'
      ? 'an imported app group (APP_GROUP, for example from Active Directory): its source manages its membership'
      : `a ${group.type} group (for example Everyone) whose membership Okta manages`;
  return new UnsupportedError(`The Okta group "${group.name}" is ${what}. Choose or create an Okta group (OKTA_GROUP) instead.`, {
    code: 'group_not_manageable',
  });
}

/**
 * `q` is a prefix match ("ai-users" also finds "ai-users-admins"), so only exact names count. Okta
 * keeps Okta group names unique, but an imported group may share the name: prefer the Okta group.
 */
export function pickExactName(name: string, groups: readonly OktaGroup[]): OktaGroup | undefined {
  const exact = groups.filter((group) => group.name === name);
  const oktaGroups = exact.filter((group) => group.type === 'OKTA_GROUP');
  if (oktaGroups.length > 1) {
    throw new InvalidRequestError(`${oktaGroups.length} Okta groups are named "${name}"; bind the group by id.`, { code: 'group_name_ambiguous' });
  }
  return oktaGroups[0] ?? exact[0];
}
