import type { GroupDirectory, UserGroups } from '@clearway/core';
import { PEOPLE, STAFF } from '../simulator-seed.js';

/** What the sandbox knows of a person: what Jira tells the gateway about them after sign-in. */
const DIRECTORY = new Map<string, { name: string; email?: string; groups: readonly string[] }>(
  [...Object.values(PEOPLE), ...Object.values(STAFF)].map((person) => [
    person.accountId,
    { name: person.displayName, ...('email' in person && { email: person.email }), groups: 'groups' in person ? person.groups : person.accountId === STAFF.admin.accountId ? ['jira-administrators'] : [] },
  ]),
);

/** A sandbox person by Jira account id: name, email and groups, as sign-in would report them. */
export function sandboxPerson(accountId: string): { readonly name: string; readonly email?: string; readonly groups: readonly string[] } | undefined {
  return DIRECTORY.get(accountId);
}

/** The sandbox site's groups, as Jira's group directory would answer. */
export const SITE_GROUPS: readonly string[] = [...new Set([...Object.values(PEOPLE).flatMap((person) => person.groups), 'jira-administrators', 'jira-software-users'])];

/** The site's group directory as Jira answers it: group names for saving rules, a person's groups for sign-in. */
export const sandboxGroups: GroupDirectory & UserGroups = {
  findGroups: async (names: readonly string[]): Promise<readonly string[]> => SITE_GROUPS.filter((group) => names.some((name) => name.toLowerCase() === group.toLowerCase())),
  groupsOf: async (accountId: string): Promise<readonly string[]> => DIRECTORY.get(accountId)?.groups ?? [],
};
