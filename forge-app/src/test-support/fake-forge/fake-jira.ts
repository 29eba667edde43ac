/**
 * A small Jira Cloud + JSM site answering the REST calls the app makes through `requestJira`
 * (`__forge_fetch__` target `{ type: 'fpp', remote: 'jira' }`): users and their groups and admin
 * rights, issues with properties, comments, workflow transitions, issue creation and JSM request
 * details. `asUser` calls act as `actingUser` (or the account id the SDK names).
 */
import { bodyOf, empty, isRecord, json, type FetchInit } from './http';

export interface FakeUser {
  readonly accountId: string;
  readonly displayName: string;
  readonly emailAddress?: string;
  readonly groups: readonly string[];
  readonly admin: boolean;
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

export interface FakeServiceDesk {
  readonly id: string;
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
  /** Who `asUser()` calls act as when the SDK names nobody (the invoking user). */
  actingUser: string | undefined;
  /** Every call answers 503 while true: Jira is down. */
  outage = false;
  private nextIssue = 500;

  addUser(user: Partial<FakeUser> & { accountId: string }): FakeUser {
    const full: FakeUser = { displayName: user.accountId, groups: [], admin: false, ...user };
    this.users.set(full.accountId, full);
    return full;
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
      return json(200, { accountId: user.accountId, displayName: user.displayName, active: true, ...(user.emailAddress !== undefined && { emailAddress: user.emailAddress }) });
    }
    if (route === 'GET /rest/api/3/user/groups') {
      const user = this.users.get(url.searchParams.get('accountId') ?? '');
      if (!user) return json(404, { errorMessages: ['User not found'] });
      return json(200, user.groups.map((name, index) => ({ name, groupId: `g-${index}` })));
    }
    if (route === 'GET /rest/servicedeskapi/servicedesk') {
      return json(200, { values: this.serviceDesks.map(({ id, projectKey, projectName }) => ({ id, projectKey, projectName, projectId: `p${id}` })), isLastPage: true });
    }
    const requestTypes = /^\/rest\/servicedeskapi\/servicedesk\/([^/]+)\/requesttype$/.exec(url.pathname);
    if (method === 'GET' && requestTypes) {
      const desk = this.serviceDesks.find((candidate) => candidate.id === requestTypes[1]);
      return desk ? json(200, { values: desk.requestTypes, isLastPage: true }) : json(404, { errorMessage: 'Service desk not found.' });
    }
    const project = /^\/rest\/api\/3\/project\/([^/]+)$/.exec(url.pathname);
    if (method === 'GET' && project) {
      const types = this.issueTypes.get(project[1] ?? '');
      return types ? json(200, { key: project[1], issueTypes: types }) : json(404, { errorMessages: ['No project could be found.'] });
    }
    if (route === 'GET /rest/api/3/user/search') {
      const query = (url.searchParams.get('query') ?? '').toLowerCase();
      const found = [...this.users.values()].filter((user) => user.displayName.toLowerCase().includes(query) || user.emailAddress?.toLowerCase().includes(query));
      return json(200, found.map((user) => ({ accountId: user.accountId, displayName: user.displayName, accountType: 'atlassian', active: true })));
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
    const requestMatch = /^\/rest\/servicedeskapi\/request\/([^/]+)$/.exec(url.pathname);
    if (method === 'GET' && requestMatch) {
      const issue = this.issues.get(decodeURIComponent(requestMatch[1] ?? ''));
      if (!issue || issue.serviceDeskId === undefined) return json(404, { errorMessage: 'Request not found.' });
      const reporter = this.users.get(issue.reporterAccountId);
      return json(200, {
        issueId: issue.id,
        issueKey: issue.key,
        serviceDeskId: issue.serviceDeskId,
        requestTypeId: issue.requestTypeId,
        reporter: { accountId: issue.reporterAccountId, displayName: reporter?.displayName ?? issue.reporterAccountId, ...(reporter?.emailAddress !== undefined && { emailAddress: reporter.emailAddress }) },
      });
    }
    return json(404, { errorMessages: [`The fake site does not serve ${route}.`] });
  }

  private issueJson(issue: FakeIssue, url: URL): Record<string, unknown> {
    const wantsProperties = url.searchParams.get('properties') !== null;
    return {
      id: issue.id,
      key: issue.key,
      fields: {
        summary: issue.summary,
        description: issue.description ?? null,
        project: { key: issue.projectKey },
        reporter: { accountId: issue.reporterAccountId },
        status: { name: issue.status },
      },
      ...(wantsProperties && { properties: issue.properties }),
    };
  }
}
