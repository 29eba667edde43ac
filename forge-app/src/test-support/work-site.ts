/**
 * A Jira Software project for work-linked access on the fake site: its workflow's statuses and its
 * issues, answered as Atlassian documents the three calls the app's WorkIssues adapter makes, so
 * resolver and surface tests run the real adapter end to end:
 * - "Get all statuses for project", GET /rest/api/3/project/{projectIdOrKey}/statuses
 *   (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-projects/#api-rest-api-3-project-projectidorkey-statuses-get):
 *   one `IssueTypeWithStatus` per issue type, each `{ id, name, self, subtask, statuses: StatusDetails[] }`;
 *   404 "Returned if the project is not found or the user does not have permission to view it".
 * - "Search for issues using JQL enhanced search (POST)", POST /rest/api/3/search/jql
 *   (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-search/#api-rest-api-3-search-jql-post):
 *   `{ jql, fields, maxResults, nextPageToken }` → `{ issues, nextPageToken?, isLast }`; the fake
 *   reads the JQL the adapter writes (project, issue types, statuses or status categories by id,
 *   `resolution is EMPTY`, ids, `ORDER BY id ASC`) and answers 400 with Jira's error for a project
 *   the site does not have.
 * - "Get issue", GET /rest/api/3/issue/{issueIdOrKey}
 *   (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/#api-rest-api-3-issue-issueidorkey-get):
 *   `fields.status` is a `StatusDetails` with its `statusCategory`, `resolution` null until resolved,
 *   `assignee` / `reporter` a `User` or null, a user-picker custom field a `User`, a list, or null.
 * Every other call goes on to the fake site, which also holds the issues (so notes on them land).
 */
import { vi } from 'vitest';
import type { AppWorld } from './app-world';
import { isRecord, type FetchInit } from './fake-forge/http';
import { PEOPLE } from './scenario';

const SITE = 'https://your-domain.atlassian.net';

type CategoryKey = 'new' | 'indeterminate' | 'done';

/** Jira's status categories ("Get all status categories"): ids 2, 4, 3. */
const CATEGORIES: Readonly<Record<CategoryKey, { readonly id: number; readonly key: CategoryKey; readonly colorName: string; readonly name: string }>> = {
  new: { id: 2, key: 'new', colorName: 'blue-gray', name: 'To Do' },
  indeterminate: { id: 4, key: 'indeterminate', colorName: 'yellow', name: 'In Progress' },
  done: { id: 3, key: 'done', colorName: 'green', name: 'Done' },
};

export interface WorkSiteStatus {
  readonly id: string;
  readonly name: string;
  readonly category: CategoryKey;
}

export interface WorkSiteIssue {
  readonly id: string;
  readonly key: string;
  readonly issueTypeId: string;
  statusId: string;
  resolved: boolean;
  assignee?: string;
  reporter: string;
  /** User-picker fields by id: the account ids each holds. */
  readonly userFields: Record<string, readonly string[]>;
}

/** The project's workflow: Open → Investigating → Work in progress → Resolved. */
export const OPS_STATUSES: readonly WorkSiteStatus[] = [
  { id: '10000', name: 'Open', category: 'new' },
  { id: '10001', name: 'Investigating', category: 'indeterminate' },
  { id: '10002', name: 'Work in progress', category: 'indeterminate' },
  { id: '10003', name: 'Resolved', category: 'done' },
];

export const OPS_ISSUE_TYPES = [
  { id: '10004', name: 'Incident' },
  { id: '10006', name: 'Task' },
] as const;

/** Responders (a multi user picker) of the project's incidents. */
export const RESPONDERS_FIELD = 'customfield_10050';

/**
 * The project's issues: OPS-1 investigated by Sam Stranger (no Clearway access of his own), OPS-2
 * open, OPS-3 in progress with nobody assigned, OPS-4 resolved.
 */
export function opsIssues(): WorkSiteIssue[] {
  return [
    { id: '20001', key: 'OPS-1', issueTypeId: '10004', statusId: '10001', resolved: false, assignee: PEOPLE.stranger, reporter: PEOPLE.customer, userFields: { [RESPONDERS_FIELD]: [PEOPLE.stranger, PEOPLE.approver] } },
    { id: '20002', key: 'OPS-2', issueTypeId: '10004', statusId: '10000', resolved: false, assignee: PEOPLE.approver, reporter: PEOPLE.customer, userFields: {} },
    { id: '20003', key: 'OPS-3', issueTypeId: '10006', statusId: '10002', resolved: false, reporter: PEOPLE.stranger, userFields: {} },
    { id: '20004', key: 'OPS-4', issueTypeId: '10004', statusId: '10003', resolved: true, assignee: PEOPLE.stranger, reporter: PEOPLE.customer, userFields: {} },
  ];
}

function statusJson(status: WorkSiteStatus) {
  const category = CATEGORIES[status.category];
  return {
    self: `${SITE}/rest/api/3/status/${status.id}`,
    description: '',
    iconUrl: `${SITE}/images/icons/statuses/generic.png`,
    name: status.name,
    untranslatedName: status.name,
    id: status.id,
    statusCategory: { self: `${SITE}/rest/api/3/statuscategory/${category.id}`, ...category },
  };
}

function userJson(accountId: string | undefined) {
  if (accountId === undefined) return null;
  return { self: `${SITE}/rest/api/3/user?accountId=${accountId}`, accountId, displayName: accountId, active: true, timeZone: 'Europe/Berlin', accountType: 'atlassian' };
}

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

export class WorkSite {
  readonly issues: WorkSiteIssue[];
  /** The JQL of every search the site answered, in order. */
  readonly searches: string[] = [];

  constructor(
    readonly projectKey: string,
    readonly statuses: readonly WorkSiteStatus[],
    issues: WorkSiteIssue[],
  ) {
    this.issues = issues;
  }

  private status(id: string): WorkSiteStatus {
    const found = this.statuses.find((status) => status.id === id);
    if (!found) throw new Error(`The work site has no status ${id}.`);
    return found;
  }

  issueJson(issue: WorkSiteIssue, fields: readonly string[]) {
    const type = OPS_ISSUE_TYPES.find((candidate) => candidate.id === issue.issueTypeId);
    const all: Record<string, unknown> = {
      status: statusJson(this.status(issue.statusId)),
      resolution: issue.resolved ? { self: `${SITE}/rest/api/3/resolution/10000`, id: '10000', description: 'Work has been completed on this issue.', name: 'Done' } : null,
      assignee: userJson(issue.assignee),
      reporter: userJson(issue.reporter),
      issuetype: { self: `${SITE}/rest/api/3/issuetype/${issue.issueTypeId}`, id: issue.issueTypeId, name: type?.name ?? 'Task', subtask: false, hierarchyLevel: 0 },
      project: { self: `${SITE}/rest/api/3/project/10100`, id: '10100', key: this.projectKey, name: 'Operations', projectTypeKey: 'software', simplified: false },
      ...Object.fromEntries(Object.entries(issue.userFields).map(([fieldId, accounts]) => [fieldId, accounts.map(userJson)])),
    };
    // Jira answers the fields asked for; a custom field the issue does not have is left out.
    const asked = Object.fromEntries(fields.flatMap((field) => (field in all ? [[field, all[field]]] : field.startsWith('customfield_') ? [[field, null]] : [])));
    return { expand: 'renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations', id: issue.id, self: `${SITE}/rest/api/3/issue/${issue.id}`, key: issue.key, fields: asked };
  }

  /** Whether an issue matches the adapter's JQL: each clause it writes, read back. */
  matches(jql: string, issue: WorkSiteIssue): boolean {
    const where = jql.replace(/\s+ORDER BY .*$/i, '');
    const list = (field: string): string[] | undefined => {
      const found = new RegExp(`\\b${field} in \\(([^)]*)\\)`).exec(where);
      return found ? (found[1] ?? '').split(',').map((item) => item.trim()) : undefined;
    };
    const ids = list('id');
    if (ids) return ids.includes(issue.id);
    const types = list('issuetype');
    const statusIds = list('status');
    const categories = list('statusCategory');
    const category = String(CATEGORIES[this.status(issue.statusId).category].id);
    const live = (statusIds?.includes(issue.statusId) ?? false) || (categories?.includes(category) ?? false);
    const unresolved = !/resolution is EMPTY/.test(where) || !issue.resolved;
    return (types === undefined || types.includes(issue.issueTypeId)) && live && unresolved;
  }

  /** The enhanced search's request body as the adapter sends it: `{ jql, fields, maxResults, nextPageToken? }`. */
  search(request: unknown): Response {
    const body = isRecord(request) ? request : {};
    const jql = typeof body.jql === 'string' ? body.jql : '';
    const fields = Array.isArray(body.fields) ? body.fields.filter((field): field is string => typeof field === 'string') : [];
    this.searches.push(jql);
    const project = /project = "([^"]+)"/.exec(jql)?.[1];
    if (project !== undefined && project !== this.projectKey) {
      return json(400, { errorMessages: [`The value '${project}' does not exist for the field 'project'.`], errors: {}, warningMessages: [] });
    }
    const matching = this.issues.filter((issue) => this.matches(jql, issue)).sort((a, b) => Number(a.id) - Number(b.id));
    const start = typeof body.nextPageToken === 'string' ? Number(body.nextPageToken) : 0;
    const size = typeof body.maxResults === 'number' ? body.maxResults : 50;
    const page = matching.slice(start, start + size);
    const more = start + size < matching.length;
    return json(200, { issues: page.map((issue) => this.issueJson(issue, fields)), ...(more && { nextPageToken: String(start + size) }), isLast: !more });
  }

  projectStatuses(): unknown {
    return OPS_ISSUE_TYPES.map((type) => ({ self: `${SITE}/rest/api/3/issuetype/${type.id}`, id: type.id, name: type.name, subtask: false, statuses: this.statuses.map(statusJson) }));
  }

  find(idOrKey: string): WorkSiteIssue | undefined {
    return this.issues.find((issue) => issue.id === idOrKey || issue.key === idOrKey);
  }
}

/**
 * Puts the OPS project on the world's fake site: its issue types, statuses and issues, each issue
 * also on the site (notes on it land there). Calls the project's routes answer are recorded like
 * every other call the site receives.
 */
export function installWorkSite(world: AppWorld, issues: WorkSiteIssue[] = opsIssues()): WorkSite {
  const work = new WorkSite('OPS', OPS_STATUSES, issues);
  const site = world.forge.jira;
  site.issueTypes.set('OPS', OPS_ISSUE_TYPES.map(({ id, name }) => ({ id, name })));
  for (const issue of issues) site.addIssue({ key: issue.key, id: issue.id, reporterAccountId: issue.reporter, issueTypeId: issue.issueTypeId, status: 'Investigating' });
  const handle = site.handle.bind(site);
  vi.spyOn(site, 'handle').mockImplementation((target: { provider?: string; accountId?: string }, path: string, init: FetchInit | undefined) => {
    const method = (init?.method ?? 'GET').toUpperCase();
    const url = new URL(path, SITE);
    const body: unknown = typeof init?.body === 'string' && init.body.length > 0 ? JSON.parse(init.body) : undefined;
    const record = () => site.requests.push({ method, path, provider: target.provider ?? 'app', body });
    if (method === 'GET' && url.pathname === `/rest/api/3/project/${work.projectKey}/statuses`) {
      record();
      return json(200, work.projectStatuses());
    }
    const statuses = /^\/rest\/api\/3\/project\/([^/]+)\/statuses$/.exec(url.pathname);
    if (method === 'GET' && statuses) {
      record();
      return json(404, { errorMessages: [`No project could be found with key '${decodeURIComponent(statuses[1] ?? '')}'.`], errors: {} });
    }
    if (method === 'POST' && url.pathname === '/rest/api/3/search/jql') {
      record();
      return work.search(body);
    }
    const read = /^\/rest\/api\/3\/issue\/([^/]+)$/.exec(url.pathname);
    const issue = read && method === 'GET' ? work.find(decodeURIComponent(read[1] ?? '')) : undefined;
    if (issue) {
      record();
      return json(200, work.issueJson(issue, (url.searchParams.get('fields') ?? '').split(',').filter(Boolean)));
    }
    return handle(target, path, init);
  });
  return work;
}
