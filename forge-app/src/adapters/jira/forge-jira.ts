import { route } from '@forge/api';
import type { CommentOptions, Jira, JiraAccount } from '@clearway/core';
import { z } from 'zod';
import { textToAdf } from './adf';
import { bodyJson, callJira, jiraAsApp, JiraError, JSON_HEADERS, type JiraRequest } from './jira-request';

const transitionsSchema = z.object({
  transitions: z.array(z.object({ id: z.string(), name: z.string(), to: z.object({ name: z.string() }).partial().optional() })),
});

const createdSchema = z.object({ key: z.string().min(1) });

/** `GET /rest/api/3/issue/{key}?fields=project`: the issue's project and its type (`service_desk` for JSM). */
const issueProjectSchema = z.object({ fields: z.object({ project: z.object({ projectTypeKey: z.string() }) }) });

/** Jira's summary field holds at most 255 characters. */
const MAX_SUMMARY = 255;

/**
 * `GET /rest/api/3/user/bulk` answers a `PageBeanUser` of Jira `User` objects; an id the site does
 * not know has no entry. `active` and `accountType` are what decide whether an account may be named.
 */
const userPageSchema = z.object({
  values: z.array(z.object({ accountId: z.string().min(1), accountType: z.string().optional(), active: z.boolean().optional() })),
  isLast: z.boolean().optional(),
});

/** Ids per request: short enough for any URL limit, and asked for as one page (the documented default page is 10). */
const ACCOUNTS_PER_REQUEST = 50;

/**
 * Core's `Jira` port, as the app: comments (for the customer in ADF, internal ones as JSM internal
 * notes), the first workflow transition whose name (or target status) matches a candidate, issue
 * creation for recertification, and account lookups for the people governance names.
 */
export class ForgeJira implements Jira {
  constructor(private readonly request: JiraRequest = jiraAsApp) {}

  async comment(issueKey: string, text: string, options: CommentOptions = {}): Promise<void> {
    if (options.audience === 'internal') await this.internalNote(issueKey, text);
    else await this.platformComment(issueKey, text);
  }

  /**
   * A comment through the platform API. On a JSM request it is public: the customer sees it
   * (`jsdPublic` defaults to true for comments made through the Jira platform API).
   */
  private async platformComment(issueKey: string, text: string): Promise<void> {
    await callJira(this.request, `Commenting on ${issueKey}`, () => route`/rest/api/3/issue/${issueKey}/comment`, {
      method: 'POST',
      headers: JSON_HEADERS,
      body: JSON.stringify({ body: textToAdf(text) }),
    });
  }

  /**
   * A JSM internal note: `POST /rest/servicedeskapi/request/{issueIdOrKey}/comment` with
   * `{ body, public: false }` (plain text, not ADF) — agents see it, the customer does not.
   * An issue that is not a JSM request has no customer and no internal notes: when the servicedesk
   * API refuses it (400/404), the note becomes a plain comment, but only once the platform API
   * confirms the issue's project is not a service project. A refusal on a real request (the app
   * may not see it, a permission, an outage) is raised instead: internals never go public.
   */
  private async internalNote(issueKey: string, text: string): Promise<void> {
    try {
      await callJira(this.request, `Adding an internal note to ${issueKey}`, () => route`/rest/servicedeskapi/request/${issueKey}/comment`, {
        method: 'POST',
        headers: JSON_HEADERS,
        body: JSON.stringify({ body: text, public: false }),
      });
      return;
    } catch (error) {
      if (!(error instanceof JiraError) || (error.status !== 400 && error.status !== 404)) throw error;
      if ((await this.projectTypeOf(issueKey)) !== 'plain') throw error;
    }
    await this.platformComment(issueKey, text);
  }

  /** Whether the issue's project is a JSM service project; `unknown` when Jira's answer says neither. */
  private async projectTypeOf(issueKey: string): Promise<'service' | 'plain' | 'unknown'> {
    const action = `Reading the project of ${issueKey}`;
    const response = await callJira(this.request, action, () => route`/rest/api/3/issue/${issueKey}?fields=project`, { headers: JSON_HEADERS });
    const parsed = issueProjectSchema.safeParse(await bodyJson(response, action));
    if (!parsed.success) return 'unknown';
    return parsed.data.fields.project.projectTypeKey === 'service_desk' ? 'service' : 'plain';
  }

  async transition(issueKey: string, candidates: readonly string[]): Promise<{ transitioned: boolean; name?: string }> {
    const action = `Reading the transitions of ${issueKey}`;
    const listed = transitionsSchema.safeParse(await bodyJson(await callJira(this.request, action, () => route`/rest/api/3/issue/${issueKey}/transitions`, { headers: JSON_HEADERS }), action));
    if (!listed.success) return { transitioned: false };
    const named = (name: string | undefined, candidate: string) => name !== undefined && name.trim().toLowerCase() === candidate.toLowerCase();
    for (const candidate of candidates) {
      const match = listed.data.transitions.find((transition) => named(transition.name, candidate)) ?? listed.data.transitions.find((transition) => named(transition.to?.name, candidate));
      if (!match) continue;
      await callJira(this.request, `Transitioning ${issueKey}`, () => route`/rest/api/3/issue/${issueKey}/transitions`, {
        method: 'POST',
        headers: JSON_HEADERS,
        body: JSON.stringify({ transition: { id: match.id } }),
      });
      return { transitioned: true, name: match.name };
    }
    return { transitioned: false };
  }

  /**
   * Bulk get users, as the app, in chunks; each chunk's pages are followed until Jira says the
   * last one came. An answer that is not a page of users is a failure, never "nobody exists".
   */
  async findAccounts(accountIds: readonly string[]): Promise<JiraAccount[]> {
    const ids = [...new Set(accountIds)];
    const found: JiraAccount[] = [];
    const action = 'Looking up Jira accounts';
    for (let from = 0; from < ids.length; from += ACCOUNTS_PER_REQUEST) {
      const chunk = ids.slice(from, from + ACCOUNTS_PER_REQUEST);
      for (let startAt = 0; ; ) {
        const params = new URLSearchParams([...chunk.map((id) => ['accountId', id]), ['startAt', String(startAt)], ['maxResults', String(chunk.length)]]);
        const response = await callJira(this.request, action, () => route`/rest/api/3/user/bulk?${params}`, { headers: JSON_HEADERS });
        const page = userPageSchema.safeParse(await bodyJson(response, action));
        if (!page.success) throw new JiraError(`${action} (unexpected answer)`, response.status);
        // Jira leaves `active` out only where it has nothing to say; the account is then taken as it stands.
        found.push(...page.data.values.map((user) => ({ accountId: user.accountId, active: user.active !== false, ...(user.accountType !== undefined && { accountType: user.accountType }) })));
        startAt += page.data.values.length;
        if (page.data.isLast !== false || page.data.values.length === 0) break;
      }
    }
    return found;
  }

  async createIssue(input: { projectKey: string; issueTypeId: string; summary: string; description: string }): Promise<{ key: string }> {
    const action = `Creating an issue in ${input.projectKey}`;
    const response = await callJira(this.request, action, () => route`/rest/api/3/issue`, {
      method: 'POST',
      headers: JSON_HEADERS,
      body: JSON.stringify({
        fields: {
          project: { key: input.projectKey },
          issuetype: { id: input.issueTypeId },
          summary: input.summary.slice(0, MAX_SUMMARY),
          description: textToAdf(input.description),
        },
      }),
    });
    return { key: createdSchema.parse(await bodyJson(response, action)).key };
  }
}
