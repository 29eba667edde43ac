/**
 * The site's group directory (Jira: `GET /rest/api/3/group/bulk?groupName=…`). Rules naming a group
 * are checked against it before they are saved, so a typo never becomes a rule that matches no one.
 */
export interface GroupDirectory {
  /** Of the given names, those that exist on the site (compared case-insensitively), as the site spells them. */
  findGroups(names: readonly string[]): Promise<readonly string[]>;
}
