/**
 * The site's group directory (Jira: `GET /rest/api/3/group/bulk?groupName=…`). Rules naming a group
 * are checked against it before they are saved, so a typo never becomes a rule that matches no one.
 */
export interface GroupDirectory {
  /** Of the given names, those that exist on the site (compared case-insensitively), as the site spells them. */
  findGroups(names: readonly string[]): Promise<readonly string[]>;
}

/**
 * A user's groups on the site (Jira: `GET /rest/api/3/user/groups?accountId=…`): what rules naming
 * a group are matched against. The gateway caches the answer briefly per user.
 */
export interface UserGroups {
  /** The account's group names as the site spells them; an unknown account has none. */
  groupsOf(accountId: string): Promise<readonly string[]>;
}
