/**
 * A small Jira Cloud + JSM site answering the REST calls the app makes through `requestJira`
 * (`__forge_fetch__` target `{ type: 'fpp', remote: 'jira' }`): users and their groups and admin
 * rights, issues with properties, comments, workflow transitions, issue creation and JSM request
 * details. `asUser` calls act as `actingUser` (or the account id the SDK names).
 *
 * JSM answers are shaped after Atlassian's documented response bodies
 * (https://developer.atlassian.com/cloud/jira/service-desk/rest/api-group-servicedesk/ and
 * /api-group-request/): a service desk and its customer portal have different ids, and each
 * request type names both (`serviceDeskId`, `portalId`).
 */
import { createHash } from 'node:crypto';
import { bodyOf, empty, isRecord, json, type FetchInit } from './http';

/**
 * The installed app's id (the UUID part of `app.id`): the key JSM stores the portal create
 * panel's fields under. The value is the example on Atlassian's module page
 * (https://developer.atlassian.com/platform/forge/manifest-reference/modules/jira-service-management-portal-request-create-property-panel/).
 */
export const FAKE_APP_ID = 'd3adb33f-2ed0-4502-82f5-54ae21ea2f72';

const SITE = 'https://your-domain.atlassian.net';

export interface FakeUser {
  readonly accountId: string;
  readonly displayName: string;
  readonly emailAddress?: string;
  readonly groups: readonly string[];
  readonly admin: boolean;
  /** Jira's `accountType`: `atlassian` (a person), `customer` (a portal-only customer) or `app`. */
  readonly accountType: 'atlassian' | 'customer' | 'app';
  /** False once the account is deactivated. */
  readonly active: boolean;
}

export interface FakeIssue {
  readonly key: string;
  readonly id: string;
  readonly projectKey: string;
  summary: string;
  description?: unknown;
  readonly reporterAccountId: string;
  readonly properties: Record<string, unknown>;
  readonly transitions: ReadonlyArray<{ readonly id: string; readonly name: string }>;
  status: string;
  readonly comments: unknown[];
  readonly serviceDeskId?: string;
  readonly requestTypeId?: string;
  readonly issueTypeId?: string;
}

export interface FakeRequestComment {
  readonly id: string;
  readonly body: string;
  readonly public: boolean;
}

export interface FakeServiceDesk {
  readonly id: string;
  /** Its customer portal's id; the same number as the desk's unless a test sets it apart. */
  readonly portalId?: string;
  readonly projectKey: string;
  readonly projectName: string;
  readonly requestTypes: ReadonlyArray<{ readonly id: string; readonly name: string }>;
}

export class FakeJiraSite {
  readonly users = new Map<string, FakeUser>();
  readonly serviceDesks: FakeServiceDesk[] = [];
  /** Issue types per project key (the recertification issue type is chosen from these). */
  readonly issueTypes = new Map<string, ReadonlyArray<{ readonly id: string; readonly name: string; readonly subtask?: boolean }>>();
  readonly issues = new Map<string, FakeIssue>();
  readonly requests: Array<{ method: string; path: string; provider: string; accountId?: string; body: unknown }> = [];
  /** Comments made through JSM's request comment API, per issue key: `public: false` is an internal note. */
  readonly requestComments = new Map<string, FakeRequestComment[]>();
  /** Who `asUser()` calls act as when the SDK names nobody (the invoking user). */
  actingUser: string | undefined;
  /** Every call answers 503 while true: Jira is down. */
  outage = false;
  /** Issues the app may see but not edit: setting a property on them answers 403. */
  readonly uneditable = new Set<string>();
  /** Groups with no member yet (every group a user is in exists too). */
  readonly emptyGroups = new Set<string>();
  /** The most groups one "Bulk get groups" page holds, whatever `maxResults` asks: the server decides. */
  groupPageLimit = 50;
  private nextIssue = 500;

  addUser(user: Partial<FakeUser> & { accountId: string }): FakeUser {
    const full: FakeUser = { displayName: user.accountId, groups: [], admin: false, accountType: 'atlassian', active: true, ...user };
    this.users.set(full.accountId, full);
    return full;
  }

  /**
   * What JSM stores for the portal create panel's `view.submit` payload, per the module docs:
   * "an object containing your fields, under a property key matching the UUID component of the
   * app.id" (each field's `key` → its `value`). `fields` that is not a list of field objects is
   * dropped without a word, as a site does; no fields store nothing.
   */
  portalPanelProperties(submission: unknown): Record<string, unknown> {
    const fields = isRecord(submission) && Array.isArray(submission.fields) ? submission.fields : [];
    const entries = fields.flatMap((field: unknown) => (isRecord(field) && typeof field.key === 'string' ? [[field.key, field.value] as const] : []));
    return entries.length === 0 ? {} : { [FAKE_APP_ID]: Object.fromEntries(entries) };
  }

  /**
   * A customer presses Create on the portal with the panel's last submission: the request is
   * created with the panel's fields stored as JSM stores them. The portal keeps Create disabled
   * while the panel says `isValid: false`, so such a submission cannot create a request.
   */
  createPortalRequest(issue: Partial<FakeIssue> & { key: string; reporterAccountId: string; serviceDeskId: string }, submission: unknown): FakeIssue {
    if (!isRecord(submission) || submission.isValid !== true) throw new Error('The portal does not create a request while the panel says its form is not valid.');
    return this.addIssue({ ...issue, properties: { ...issue.properties, ...this.portalPanelProperties(submission) } });
  }

  addIssue(issue: Partial<FakeIssue> & { key: string; reporterAccountId: string }): FakeIssue {
    const full: FakeIssue = {
      id: String(10_000 + this.issues.size),
      projectKey: issue.key.split('-')[0] ?? 'AIR',
      summary: `Issue ${issue.key}`,
      properties: {},
      transitions: [
        { id: '11', name: 'Approve' },
        { id: '21', name: 'Decline' },
      ],
      status: 'Waiting for approval',
      comments: [],
      ...issue,
    };
    this.issues.set(full.key, full);
    return full;
  }

  handle(target: { provider?: string; accountId?: string }, path: string, init: FetchInit | undefined): Response {
    const method = (init?.method ?? 'GET').toUpperCase();
    const body = bodyOf(init);
    const provider = target.provider ?? 'app';
    this.requests.push({ method, path, provider, ...(target.accountId !== undefined && { accountId: target.accountId }), body });
    if (this.outage) return json(503, { errorMessages: ['Service unavailable'] });
    const url = new URL(path, 'https://site.example');
    const route = `${method} ${url.pathname}`;
    const asUser = provider === 'user' ? (target.accountId ?? this.actingUser) : undefined;

    if (route === 'GET /rest/api/3/mypermissions') {
      const user = asUser ? this.users.get(asUser) : undefined;
      if (!user) return json(401, { errorMessages: ['You are not logged in.'] });
      return json(200, { permissions: { ADMINISTER: { key: 'ADMINISTER', havePermission: user.admin } } });
    }
    if (route === 'GET /rest/api/3/user') {
      const user = this.users.get(url.searchParams.get('accountId') ?? '');
      if (!user) return json(404, { errorMessages: ['User not found'] });
      return json(200, this.userJson(user));
    }
    if (route === 'GET /rest/api/3/user/bulk') return this.bulkUsers(url.searchParams);
    if (route === 'GET /rest/api/3/group/bulk') return this.bulkGroups(url.searchParams);
    if (route === 'GET /rest/api/3/user/groups') {
      const user = this.users.get(url.searchParams.get('accountId') ?? '');
      if (!user) return json(404, { errorMessages: ['User not found'] });
      return json(200, user.groups.map((name) => ({ name, groupId: groupIdOf(name), self: `${SITE}/rest/api/3/group?groupId=${groupIdOf(name)}` })));
    }
    if (route === 'GET /rest/servicedeskapi/servicedesk') {
      const values = this.serviceDesks.map(({ id, projectKey, projectName }) => ({ id, projectId: `1${id.padStart(4, '0')}`, projectName, projectKey, _links: { self: `${SITE}/rest/servicedeskapi/servicedesk/${id}` } }));
      return json(200, pageOf(values));
    }
    const requestTypes = /^\/rest\/servicedeskapi\/servicedesk\/([^/]+)\/requesttype$/.exec(url.pathname);
    if (method === 'GET' && requestTypes) {
      const desk = this.serviceDesks.find((candidate) => candidate.id === requestTypes[1]);
      if (!desk) return json(404, { errorMessage: 'Service desk not found.' });
      const values = desk.requestTypes.map(({ id, name }) => ({
        _expands: [],
        id,
        _links: { self: `${SITE}/rest/servicedeskapi/servicedesk/${desk.id}/requesttype/${id}` },
        name,
        description: name,
        helpText: '',
        issueTypeId: '10001',
        serviceDeskId: desk.id,
        portalId: portalOf(desk),
        groupIds: ['12'],
      }));
      return json(200, pageOf(values));
    }
    const project = /^\/rest\/api\/3\/project\/([^/]+)$/.exec(url.pathname);
    if (method === 'GET' && project) {
      const types = this.issueTypes.get(project[1] ?? '');
      return types ? json(200, { key: project[1], issueTypes: types }) : json(404, { errorMessages: ['No project could be found.'] });
    }
    if (route === 'GET /rest/api/3/user/search') {
      const query = (url.searchParams.get('query') ?? '').toLowerCase();
      const found = [...this.users.values()].filter((user) => user.displayName.toLowerCase().includes(query) || user.emailAddress?.toLowerCase().includes(query));
      return json(200, found.map((user) => ({ accountId: user.accountId, displayName: user.displayName, accountType: user.accountType, active: user.active })));
    }
    if (route === 'GET /rest/api/3/groups/picker') {
      const query = (url.searchParams.get('query') ?? '').toLowerCase();
      const names = [...new Set([...this.users.values()].flatMap((user) => user.groups))].filter((name) => name.toLowerCase().includes(query));
      return json(200, { header: `Showing ${names.length} groups`, total: names.length, groups: names.map((name) => ({ name, groupId: `id-${name}` })) });
    }
    if (route === 'POST /rest/api/3/issue') {
      const fields = isRecord(body) && isRecord(body.fields) ? body.fields : {};
      const projectKey = isRecord(fields.project) && typeof fields.project.key === 'string' ? fields.project.key : undefined;
      if (!projectKey || typeof fields.summary !== 'string') return json(400, { errors: { project: 'required' } });
      this.nextIssue += 1;
      const key = `${projectKey}-${this.nextIssue}`;
      this.addIssue({ key, reporterAccountId: 'app', summary: fields.summary, description: fields.description, ...(isRecord(fields.issuetype) && typeof fields.issuetype.id === 'string' && { issueTypeId: fields.issuetype.id }) });
      return json(201, { id: this.issues.get(key)?.id, key, self: `https://site.example/rest/api/3/issue/${key}` });
    }

    const propertyMatch = /^\/rest\/api\/3\/issue\/([^/]+)\/properties\/([^/]+)$/.exec(url.pathname);
    if (propertyMatch) return this.issueProperty(method, decodeURIComponent(propertyMatch[1] ?? ''), decodeURIComponent(propertyMatch[2] ?? ''), init?.body);
    const issueMatch = /^\/rest\/api\/3\/issue\/([^/]+)(\/comment|\/transitions)?$/.exec(url.pathname);
    if (issueMatch) {
      const issue = this.issues.get(decodeURIComponent(issueMatch[1] ?? ''));
      if (!issue) return json(404, { errorMessages: ['Issue does not exist or you do not have permission to see it.'] });
      const tail = issueMatch[2];
      if (method === 'GET' && tail === undefined) return json(200, this.issueJson(issue, url));
      if (method === 'POST' && tail === '/comment') {
        if (!isRecord(body) || !isRecord(body.body) || body.body.type !== 'doc') return json(400, { errors: { comment: 'Comment body must be an ADF document.' } });
        issue.comments.push(body.body);
        return json(201, { id: String(issue.comments.length) });
      }
      if (method === 'GET' && tail === '/transitions') return json(200, { transitions: issue.transitions.map((transition) => ({ ...transition, to: { name: transition.name } })) });
      if (method === 'POST' && tail === '/transitions') {
        const id = isRecord(body) && isRecord(body.transition) ? body.transition.id : undefined;
        const transition = issue.transitions.find((candidate) => candidate.id === id);
        if (!transition) return json(400, { errorMessages: ['Transition id is not valid.'] });
        issue.status = transition.name;
        return empty();
      }
    }
    const requestComment = /^\/rest\/servicedeskapi\/request\/([^/]+)\/comment$/.exec(url.pathname);
    if (method === 'POST' && requestComment) return this.addRequestComment(decodeURIComponent(requestComment[1] ?? ''), body);
    const requestMatch = /^\/rest\/servicedeskapi\/request\/([^/]+)$/.exec(url.pathname);
    if (method === 'GET' && requestMatch) {
      const issue = this.issues.get(decodeURIComponent(requestMatch[1] ?? ''));
      if (!issue || issue.serviceDeskId === undefined) return json(404, { errorMessage: 'Request not found.' });
      const reporter = this.users.get(issue.reporterAccountId);
      const desk = this.serviceDesks.find((candidate) => candidate.id === issue.serviceDeskId);
      return json(200, {
        issueId: issue.id,
        issueKey: issue.key,
        requestTypeId: issue.requestTypeId,
        serviceDeskId: issue.serviceDeskId,
        reporter: { accountId: issue.reporterAccountId, displayName: reporter?.displayName ?? issue.reporterAccountId, ...(reporter?.emailAddress !== undefined && { emailAddress: reporter.emailAddress }) },
        // The web link names the portal, not the service desk: `/servicedesk/customer/portal/{portalId}/{issueKey}`.
        _links: {
          jiraRest: `${SITE}/rest/api/2/issue/${issue.id}`,
          web: `${SITE}/servicedesk/customer/portal/${desk ? portalOf(desk) : issue.serviceDeskId}/${issue.key}`,
          agent: `${SITE}/browse/${issue.key}`,
          self: `${SITE}/rest/servicedeskapi/request/${issue.id}`,
        },
      });
    }
    return json(404, { errorMessages: [`The fake site does not serve ${route}.`] });
  }

  /**
   * Jira's "Set issue property" and "Get issue property"
   * (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-properties/):
   * PUT takes the value as the body ("a valid, non-empty JSON blob", at most 32,768 characters; the
   * key at most 255) and answers 201 when it creates the property, 200 when it updates it, 400 for
   * an invalid request, 403 without permission to edit the issue, 404 when the issue is not found
   * or not visible. GET answers `{ key, value }`. Issues in `uneditable` refuse edits with 403.
   */
  private issueProperty(method: string, issueIdOrKey: string, propertyKey: string, raw: unknown): Response {
    const issue = [...this.issues.values()].find((candidate) => candidate.key === issueIdOrKey || candidate.id === issueIdOrKey);
    if (!issue) return json(404, { errorMessages: ['Issue does not exist or you do not have permission to see it.'] });
    if (method === 'GET') {
      return propertyKey in issue.properties ? json(200, { key: propertyKey, value: issue.properties[propertyKey] }) : json(404, { errorMessages: [`The property with key '${propertyKey}' does not exist.`] });
    }
    if (method !== 'PUT') return json(405, { errorMessages: ['Method not allowed.'] });
    if (this.uneditable.has(issue.key)) return json(403, { errorMessages: ['You do not have permission to edit issues in this project.'] });
    if (propertyKey.length > 255) return json(400, { errorMessages: ['The property key cannot be longer than 255 characters.'] });
    if (typeof raw !== 'string' || raw.trim() === '' || raw.length > 32_768) return json(400, { errorMessages: ['The property value must be a valid, non-empty JSON of at most 32768 characters.'] });
    const existed = propertyKey in issue.properties;
    issue.properties[propertyKey] = JSON.parse(raw) as unknown;
    return empty(existed ? 200 : 201);
  }

  /**
   * JSM's "Create request comment" (https://developer.atlassian.com/cloud/jira/service-desk/rest/api-group-request/#api-rest-servicedeskapi-request-issueidorkey-comment-post):
   * body `{ body: string, public: boolean }` (plain text; `public: false` is internal), answered
   * 201 with the comment (`CommentDTO`: id, body, public, author, created, _links). An issue that is
   * not a customer request answers 404. The docs give no default for a missing `public`; the fake
   * makes it public, the outcome a caller must never rely on for internals.
   */
  private addRequestComment(issueIdOrKey: string, body: unknown): Response {
    const issue = [...this.issues.values()].find((candidate) => candidate.key === issueIdOrKey || candidate.id === issueIdOrKey);
    if (!issue || issue.serviceDeskId === undefined) return json(404, { errorMessage: 'Request not found.' });
    if (!isRecord(body) || typeof body.body !== 'string' || body.body.trim() === '') return json(400, { errorMessage: 'The comment body is required.' });
    const comments = this.requestComments.get(issue.key) ?? [];
    const comment: FakeRequestComment = { id: String(20_000 + comments.length), body: body.body, public: body.public !== false };
    this.requestComments.set(issue.key, [...comments, comment]);
    const created = Date.now();
    return json(201, {
      id: comment.id,
      body: comment.body,
      public: comment.public,
      author: { accountId: 'app-clearway', displayName: 'Clearway', active: true, timeZone: 'UTC', _links: { self: `${SITE}/rest/api/2/user?accountId=app-clearway` } },
      created: { iso8601: new Date(created).toISOString(), jira: new Date(created).toISOString(), friendly: 'Today', epochMillis: created },
      _links: { self: `${SITE}/rest/servicedeskapi/request/${issue.id}/comment/${comment.id}` },
    });
  }

  /** Jira's `User` object (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-users/#api-rest-api-3-user-get). */
  private userJson(user: FakeUser): Record<string, unknown> {
    return {
      self: `${SITE}/rest/api/3/user?accountId=${user.accountId}`,
      accountId: user.accountId,
      accountType: user.accountType,
      displayName: user.displayName,
      active: user.active,
      ...(user.emailAddress !== undefined && { emailAddress: user.emailAddress }),
    };
  }

  /**
   * "Bulk get users" (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-users/#api-rest-api-3-user-bulk-get):
   * the users named by repeated `accountId` parameters as a `PageBeanUser` (`maxResults` defaults
   * to 10, `startAt` to 0); 400 when no `accountId` is given, the only error the docs name for bad
   * input. An id the site does not know is left out of `values`: the page lists users, and there is
   * none to list for it (`GET /rest/api/3/user` answers that id 404, "the user is not found").
   */
  private bulkUsers(params: URLSearchParams): Response {
    const ids = params.getAll('accountId');
    if (ids.length === 0) return json(400, { errorMessages: ['accountId is required.'] });
    const startAt = Number(params.get('startAt') ?? 0);
    const maxResults = Number(params.get('maxResults') ?? 10);
    const known = [...new Set(ids)].flatMap((id) => {
      const user = this.users.get(id);
      return user ? [user] : [];
    });
    const values = known.slice(startAt, startAt + maxResults).map((user) => this.userJson(user));
    return json(200, { self: `${SITE}/rest/api/3/user/bulk`, maxResults, startAt, total: known.length, isLast: startAt + maxResults >= known.length, values });
  }

  /**
   * "Bulk get groups" (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-groups/#api-rest-api-3-group-bulk-get):
   * a `PageBeanGroupDetails` (`{ self, maxResults, startAt, total, isLast, values: [{ name, groupId }] }`)
   * of the groups named by repeated `groupName` parameters (all groups when none is named); a name
   * the site does not have is simply not listed. Names match regardless of case, as site group
   * names are unique regardless of case (verify on a site). Pages hold at most `groupPageLimit`.
   */
  private bulkGroups(params: URLSearchParams): Response {
    const startAt = Number(params.get('startAt') ?? 0);
    const maxResults = Math.min(Number(params.get('maxResults') ?? 50), this.groupPageLimit);
    const asked = params.getAll('groupName').map((name) => name.toLowerCase());
    const all = [...new Set([...[...this.users.values()].flatMap((user) => user.groups), ...this.emptyGroups])].sort();
    const matching = asked.length === 0 ? all : all.filter((name) => asked.includes(name.toLowerCase()));
    const values = matching.slice(startAt, startAt + maxResults).map((name) => ({ name, groupId: groupIdOf(name) }));
    return json(200, { self: `${SITE}/rest/api/3/group/bulk`, maxResults, startAt, total: matching.length, isLast: startAt + maxResults >= matching.length, values });
  }

  /** A project with a service desk is a JSM service project (`projectTypeKey: service_desk`); others are software projects here. */
  private projectTypeOf(projectKey: string): string {
    return this.serviceDesks.some((desk) => desk.projectKey === projectKey) ? 'service_desk' : 'software';
  }

  private issueJson(issue: FakeIssue, url: URL): Record<string, unknown> {
    const wantsProperties = url.searchParams.get('properties') !== null;
    return {
      id: issue.id,
      key: issue.key,
      fields: {
        summary: issue.summary,
        description: issue.description ?? null,
        project: { key: issue.projectKey, projectTypeKey: this.projectTypeOf(issue.projectKey) },
        reporter: { accountId: issue.reporterAccountId },
        status: { name: issue.status },
      },
      ...(wantsProperties && { properties: issue.properties }),
    };
  }
}

/** A stable, id-shaped group id (Jira's are UUIDs, e.g. `276f955c-63d7-42c8-9520-92d01dca0625`). */
function groupIdOf(name: string): string {
  const hex = createHash('sha256').update(name.toLowerCase()).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

function portalOf(desk: FakeServiceDesk): string {
  return desk.portalId ?? desk.id;
}

/** JSM's paged answer (`PagedDTO`): every list fits one page here. */
function pageOf(values: readonly unknown[]): Record<string, unknown> {
  return { _expands: [], size: values.length, start: 0, limit: 50, isLastPage: true, _links: { base: `${SITE}/rest/servicedeskapi`, context: 'context' }, values };
}
