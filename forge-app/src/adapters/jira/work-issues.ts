import { route } from '@forge/api';
import { STATUS_CATEGORY_KEYS, type StatusCategoryKey, type WorkIssue, type WorkIssuePage, type WorkIssueQuery, type WorkIssues, type WorkStatus } from '@clearway/core';
import { z } from 'zod';
import { bodyJson, callJira, JiraError, jiraAsApp, JSON_HEADERS, readIfFound, type JiraRequest } from './jira-request';

/**
 * Jira's status categories by id, as "Get all status categories" lists them
 * (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-workflow-status-categories/):
 * 2 `new` (To Do), 4 `indeterminate` (In Progress), 3 `done`. JQL is given the ids: a category's
 * name is shown in the site's language, its id is not.
 */
export const STATUS_CATEGORY_IDS: Readonly<Record<StatusCategoryKey, number>> = { new: 2, indeterminate: 4, done: 3 };

/** What work-linked access reads of every issue; the policies' user-picker fields are added per call. */
export const WORK_ISSUE_FIELDS = ['status', 'resolution', 'assignee', 'reporter', 'issuetype', 'project'] as const;

/** The most issues one search page holds (the port's contract, and what Jira serves for these few fields). */
export const MAX_PAGE = 100;

const jiraId = z.string().regex(/^\d{1,18}$/);

/** A user as Jira's issue JSON holds it (assignee, reporter, a user-picker value): only the account id matters. */
const userSchema = z.object({ accountId: z.string().min(1) }).loose();

/**
 * A status with its category (`Status` in the issue JSON, `StatusDetails` in a project's statuses):
 * https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/#api-rest-api-3-issue-issueidorkey-get
 * A category outside the three is not one work-linked access can judge, so it is an unexpected answer.
 */
const statusSchema = z
  .object({
    id: jiraId,
    name: z.string().min(1),
    statusCategory: z.object({ key: z.enum(STATUS_CATEGORY_KEYS) }).loose(),
  })
  .loose();

/**
 * The issue as "Get issue" and the enhanced search answer it, with the fields asked for. Jira
 * writes `null` for an unresolved issue's resolution and for an unassigned issue; a field left out
 * altogether is one the issue's configuration hides, which for assignee and reporter means nobody.
 */
const issueSchema = z
  .object({
    id: jiraId,
    key: z.string().regex(/^[A-Z][A-Z0-9_]+-\d+$/),
    fields: z
      .object({
        status: statusSchema,
        resolution: z.union([z.null(), z.object({}).loose()]),
        assignee: userSchema.nullish(),
        reporter: userSchema.nullish(),
        issuetype: z.object({ id: jiraId }).loose(),
        project: z.object({ key: z.string().min(1) }).loose(),
      })
      .loose(),
  })
  .loose();

/** A user-picker field's value: one user (single picker), a list of users (multi picker), or nothing. */
const userFieldSchema = z.union([z.null(), userSchema, z.array(userSchema)]);

/** "Search for issues using JQL enhanced search (POST)": `{ issues, nextPageToken?, isLast? }`. */
const searchPageSchema = z
  .object({
    issues: z.array(z.unknown()),
    nextPageToken: z.string().min(1).nullish(),
    isLast: z.boolean().optional(),
  })
  .loose();

/** "Get all statuses for project": one entry per issue type, each with the statuses its workflow uses. */
const projectStatusesSchema = z.array(z.object({ statuses: z.array(statusSchema) }).loose());

type IssueJson = z.infer<typeof issueSchema>;

/** A JQL string literal: double quotes, with `"` and `\` escaped (JQL's own escaping). */
export function jqlString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** A JQL list of Jira ids; anything but digits is refused, so no id can change the query. */
function jqlIds(ids: readonly string[]): string {
  for (const id of ids) {
    if (!jiraId.safeParse(id).success) throw new RangeError(`"${id}" is not a Jira id; work-linked queries take ids made of digits.`);
  }
  return `(${ids.join(', ')})`;
}

/**
 * The JQL of a query, in a stable order (by id) so pages follow each other; undefined when the
 * query cannot match anything (no live status, no id), which needs no call at all.
 */
export function workIssueJql(query: WorkIssueQuery): string | undefined {
  if (query.kind === 'ids') {
    if (query.issueIds.length === 0) return undefined;
    if (query.issueIds.length > MAX_PAGE) throw new RangeError(`At most ${MAX_PAGE} issues are looked up by id at once, not ${query.issueIds.length}.`);
    return `id in ${jqlIds([...new Set(query.issueIds)])} ORDER BY id ASC`;
  }
  const live = [
    ...(query.statusIds.length > 0 ? [`status in ${jqlIds(query.statusIds)}`] : []),
    ...(query.categoryKeys.length > 0 ? [`statusCategory in (${[...new Set(query.categoryKeys)].map((key) => STATUS_CATEGORY_IDS[key]).join(', ')})`] : []),
  ];
  if (live.length === 0) return undefined;
  const clauses = [
    `project = ${jqlString(query.projectKey)}`,
    ...(query.issueTypeIds.length > 0 ? [`issuetype in ${jqlIds(query.issueTypeIds)}`] : []),
    `(${live.join(' OR ')})`,
    'resolution is EMPTY',
  ];
  return `${clauses.join(' AND ')} ORDER BY id ASC`;
}

function fieldsFor(userFieldIds: readonly string[]): string[] {
  return [...new Set([...WORK_ISSUE_FIELDS, ...userFieldIds])];
}

/** The account ids a user field holds; undefined when the value is not a user field's. */
function accountsIn(value: unknown): string[] | undefined {
  if (value === undefined) return [];
  const parsed = userFieldSchema.safeParse(value);
  if (!parsed.success) return undefined;
  const users = parsed.data === null ? [] : Array.isArray(parsed.data) ? parsed.data : [parsed.data];
  return [...new Set(users.map((user) => user.accountId))];
}

/** Jira's issue JSON as a `WorkIssue`, or undefined when it is not an answer this adapter recognises. */
export function toWorkIssue(json: unknown, userFieldIds: readonly string[]): WorkIssue | undefined {
  const parsed = issueSchema.safeParse(json);
  if (!parsed.success) return undefined;
  const issue: IssueJson = parsed.data;
  const fields = issue.fields as IssueJson['fields'] & Record<string, unknown>;
  const userFields: Record<string, readonly string[]> = {};
  for (const fieldId of new Set(userFieldIds)) {
    const accounts = accountsIn(fields[fieldId]);
    if (accounts === undefined) return undefined;
    userFields[fieldId] = accounts;
  }
  const status: WorkStatus = { id: fields.status.id, name: fields.status.name, categoryKey: fields.status.statusCategory.key };
  return {
    id: issue.id,
    key: issue.key,
    projectKey: fields.project.key,
    issueTypeId: fields.issuetype.id,
    status,
    resolved: fields.resolution !== null,
    ...(fields.assignee ? { assigneeAccountId: fields.assignee.accountId } : {}),
    ...(fields.reporter ? { reporterAccountId: fields.reporter.accountId } : {}),
    userFields,
  };
}

/**
 * Core's `WorkIssues` port, as the app: an issue as it is now (`GET /rest/api/3/issue/{idOrKey}`),
 * pages of issues by JQL through the enhanced search (`POST /rest/api/3/search/jql`; the old
 * `/rest/api/3/search` is gone), and a project's statuses for the admin's picker. Every answer is
 * checked against Jira's documented shape: one this adapter does not recognise is a `JiraError`
 * ("unexpected answer"), never a fact such as "not resolved" or "nobody assigned". Errors name the
 * call and the HTTP status only, never Jira's body.
 */
export class JiraWorkIssues implements WorkIssues {
  constructor(private readonly request: JiraRequest = jiraAsApp) {}

  async read(issueIdOrKey: string, userFieldIds: readonly string[]): Promise<WorkIssue | undefined> {
    const action = `Reading issue ${issueIdOrKey}`;
    const params = new URLSearchParams({ fields: fieldsFor(userFieldIds).join(',') });
    const body = await readIfFound(this.request, action, () => route`/rest/api/3/issue/${issueIdOrKey}?${params}`);
    if (body === undefined) return undefined;
    const issue = toWorkIssue(body, userFieldIds);
    if (!issue) throw new JiraError(`${action} (unexpected answer)`, 200);
    return issue;
  }

  async search(query: WorkIssueQuery, userFieldIds: readonly string[], page: { readonly maxResults: number; readonly nextPageToken?: string }): Promise<WorkIssuePage> {
    const jql = workIssueJql(query);
    if (jql === undefined) return { issues: [] };
    const action = query.kind === 'live' ? `Searching the live issues of ${query.projectKey}` : 'Looking up issues by id';
    const maxResults = Math.min(MAX_PAGE, Math.max(1, Math.floor(page.maxResults)));
    const response = await callJira(this.request, action, () => route`/rest/api/3/search/jql`, {
      method: 'POST',
      headers: JSON_HEADERS,
      body: JSON.stringify({ jql, fields: fieldsFor(userFieldIds), maxResults, ...(page.nextPageToken !== undefined && { nextPageToken: page.nextPageToken }) }),
    });
    const parsed = searchPageSchema.safeParse(await bodyJson(response, action));
    if (!parsed.success) throw new JiraError(`${action} (unexpected answer)`, response.status);
    const issues = parsed.data.issues.map((json) => toWorkIssue(json, userFieldIds));
    if (issues.some((issue) => issue === undefined)) throw new JiraError(`${action} (unexpected answer: an issue without its status, type or project)`, response.status);
    const token = parsed.data.nextPageToken ?? undefined;
    // The last page may carry no token at all (JRACLOUD-92184); `isLast: false` without one, or the
    // token just sent, would ask for the same page forever.
    if (parsed.data.isLast === false && token === undefined) throw new JiraError(`${action} (unexpected answer: more pages but no token)`, response.status);
    if (token !== undefined && parsed.data.isLast !== true && token === page.nextPageToken) throw new JiraError(`${action} (unexpected answer: the same page again)`, response.status);
    const more = parsed.data.isLast !== true && token !== undefined;
    return { issues: issues as WorkIssue[], ...(more && { nextPageToken: token }) };
  }

  async projectStatuses(projectKey: string): Promise<readonly WorkStatus[]> {
    const action = `Reading the statuses of project ${projectKey}`;
    const response = await callJira(this.request, action, () => route`/rest/api/3/project/${projectKey}/statuses`, { headers: JSON_HEADERS });
    const parsed = projectStatusesSchema.safeParse(await bodyJson(response, action));
    if (!parsed.success) throw new JiraError(`${action} (unexpected answer)`, response.status);
    const byId = new Map<string, WorkStatus>();
    for (const issueType of parsed.data) {
      for (const status of issueType.statuses) {
        if (!byId.has(status.id)) byId.set(status.id, { id: status.id, name: status.name, categoryKey: status.statusCategory.key });
      }
    }
    return [...byId.values()];
  }
}
