import { route } from '@forge/api';
import type { Logger } from '@clearway/core';
import { z } from 'zod';
import { bodyJson, callJira, jiraAsApp, jiraAsUser, JSON_HEADERS, type JiraRequest } from './jira-request';

/** What the app asks Jira about people; a port so resolver tests can swap in their own answers. */
export interface CallerDirectory {
  /** Whether the invoking user (who must be `accountId`) holds Jira's ADMINISTER permission. */
  isJiraAdmin(accountId: string): Promise<boolean>;
  /** The Jira groups a user is in, for auto-approval policies. */
  groupsOf(accountId: string): Promise<string[]>;
  profileOf(accountId: string): Promise<{ displayName?: string; email?: string }>;
}

const permissionsSchema = z.object({ permissions: z.object({ ADMINISTER: z.object({ havePermission: z.boolean() }).optional() }) });
const groupsSchema = z.array(z.object({ name: z.string() }));
/**
 * `GET /rest/api/3/user`: privacy controls apply to the answer, so a person who hides their email
 * (profile visibility) comes back without `emailAddress` — documented as "may be returned as null",
 * seen as absent. Both mean "no email": the request then carries none and fulfillment asks an admin
 * to map this Jira user. https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-users/#api-rest-api-3-user-get
 */
const userSchema = z.object({ displayName: z.string().nullish(), emailAddress: z.string().nullish() });

/**
 * The directory over Jira. Admin status is asked as the user (`mypermissions`), so it is exactly
 * what Jira grants that person; any failure counts as "not an admin" (fail closed). Groups and
 * profiles are read as the app; a failure there only means no auto-approval and no display name.
 */
export class JiraCallerDirectory implements CallerDirectory {
  constructor(
    private readonly logger: Logger,
    private readonly asUserRequest: JiraRequest = jiraAsUser,
    private readonly asAppRequest: JiraRequest = jiraAsApp,
  ) {}

  async isJiraAdmin(accountId: string): Promise<boolean> {
    const action = 'Checking admin permission';
    try {
      const response = await callJira(this.asUserRequest, action, () => route`/rest/api/3/mypermissions?permissions=ADMINISTER`, { headers: JSON_HEADERS });
      const parsed = permissionsSchema.safeParse(await bodyJson(response, action));
      return parsed.success && parsed.data.permissions.ADMINISTER?.havePermission === true;
    } catch (error) {
      this.logger.warn('Could not check admin permission; treating the caller as not an admin', { accountId, error: error instanceof Error ? error.message : 'unknown' });
      return false;
    }
  }

  async groupsOf(accountId: string): Promise<string[]> {
    const action = 'Reading group membership';
    try {
      const response = await callJira(this.asAppRequest, action, () => route`/rest/api/3/user/groups?accountId=${accountId}`, { headers: JSON_HEADERS });
      const parsed = groupsSchema.safeParse(await bodyJson(response, action));
      return parsed.success ? parsed.data.map((group) => group.name) : [];
    } catch (error) {
      this.logger.warn('Could not read group membership', { accountId, error: error instanceof Error ? error.message : 'unknown' });
      return [];
    }
  }

  async profileOf(accountId: string): Promise<{ displayName?: string; email?: string }> {
    const action = 'Reading the user profile';
    try {
      const response = await callJira(this.asAppRequest, action, () => route`/rest/api/3/user?accountId=${accountId}`, { headers: JSON_HEADERS });
      const parsed = userSchema.safeParse(await bodyJson(response, action));
      if (!parsed.success) return {};
      const displayName = parsed.data.displayName?.trim();
      const email = parsed.data.emailAddress?.trim();
      return { ...(displayName && { displayName }), ...(email && { email }) };
    } catch (error) {
      this.logger.warn('Could not read the user profile', { accountId, error: error instanceof Error ? error.message : 'unknown' });
      return {};
    }
  }
}
