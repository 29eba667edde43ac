import { route } from '@forge/api';
import type { GroupDirectory, UserGroups } from '@clearway/core';
import { z } from 'zod';
import { bodyJson, callJira, JiraError, jiraAsApp, JSON_HEADERS, type JiraRequest } from './jira-request';

/**
 * "Bulk get groups" answers a `PageBeanGroupDetails`: `{ startAt, maxResults, total, isLast,
 * values: [{ name, groupId }] }`; "Get user groups" answers a list of `GroupName`
 * (`{ name, groupId, self }`). https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-groups/#api-rest-api-3-group-bulk-get
 * and https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-users/#api-rest-api-3-user-groups-get
 */
const groupPageSchema = z.object({
  isLast: z.boolean().optional(),
  values: z.array(z.object({ name: z.string().min(1) })),
});
const userGroupsSchema = z.array(z.object({ name: z.string().min(1) }));

/** Names asked per request: each is a query parameter, and a page holds as many groups as it was asked for. */
const NAMES_PER_REQUEST = 50;
/** A bound on pages per batch: Jira never needs more for 50 names, and a misbehaving answer cannot loop forever. */
const MAX_PAGES = 20;

/**
 * The site's groups as the agent gateway needs them, read as the app: whether the groups an
 * admin's rule names exist (`findGroups`), and which groups a signed-in user is in (`groupsOf`).
 * Unlike the resolvers' directory, a failure here is never "no groups": the gateway would then
 * judge a call without the groups a rule names, so it fails closed on the `JiraError`.
 */
export class JiraGroups implements GroupDirectory, UserGroups {
  constructor(private readonly request: JiraRequest = jiraAsApp) {}

  async findGroups(names: readonly string[]): Promise<readonly string[]> {
    const wanted = [...new Set(names.map((name) => name.trim()).filter((name) => name.length > 0))];
    const found = new Map<string, string>();
    for (let start = 0; start < wanted.length; start += NAMES_PER_REQUEST) {
      for (const name of await this.existing(wanted.slice(start, start + NAMES_PER_REQUEST))) found.set(name.toLowerCase(), name);
    }
    // Site group names are unique regardless of case; answer each as the site spells it, once.
    return [...new Set(wanted.flatMap((name) => found.get(name.toLowerCase()) ?? []))];
  }

  async groupsOf(accountId: string): Promise<readonly string[]> {
    const action = 'Reading the user’s groups';
    let response;
    try {
      response = await callJira(this.request, action, () => route`/rest/api/3/user/groups?accountId=${accountId}`, { headers: JSON_HEADERS });
    } catch (error) {
      // An account Jira does not know is in no group.
      if (error instanceof JiraError && error.status === 404) return [];
      throw error;
    }
    const parsed = userGroupsSchema.safeParse(await bodyJson(response, action));
    if (!parsed.success) throw new JiraError(`${action} (unexpected answer)`, response.status);
    return [...new Set(parsed.data.map((group) => group.name))];
  }

  /** One batch of names, every page of the answer. */
  private async existing(names: readonly string[]): Promise<string[]> {
    const action = 'Looking up groups';
    const found: string[] = [];
    let status = 200;
    for (let page = 0; page < MAX_PAGES; page += 1) {
      const params = new URLSearchParams({ startAt: String(found.length), maxResults: String(NAMES_PER_REQUEST) });
      for (const name of names) params.append('groupName', name);
      const response = await callJira(this.request, action, () => route`/rest/api/3/group/bulk?${params}`, { headers: JSON_HEADERS });
      status = response.status;
      const parsed = groupPageSchema.safeParse(await bodyJson(response, action));
      if (!parsed.success) throw new JiraError(`${action} (unexpected answer)`, response.status);
      found.push(...parsed.data.values.map((group) => group.name));
      // `isLast` ends the list; an empty page without it would otherwise ask for the same page again.
      if (parsed.data.isLast !== false || parsed.data.values.length === 0) return found;
    }
    throw new JiraError(`${action} (unexpected answer: the list did not end)`, status);
  }
}
