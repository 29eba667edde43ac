/**
 * The WorkIssues adapter against Jira's documented answers, sent through the real `@forge/api`
 * (`asApp().requestJira`) to the fake platform:
 * - "Get issue", GET /rest/api/3/issue/{issueIdOrKey}?fields=…
 *   (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/#api-rest-api-3-issue-issueidorkey-get):
 *   `fields.status` is a `StatusDetails` with its `statusCategory` (`key` new / indeterminate / done),
 *   `resolution` is null until the issue is resolved, `assignee` / `reporter` are `User`s or null;
 *   404 "Returned if the issue is not found or the user does not have permission to view it", with
 *   the body `{"errorMessages":["Issue does not exist or you do not have permission to see it."],"errors":{}}`.
 * - "Search for issues using JQL enhanced search (POST)", POST /rest/api/3/search/jql
 *   (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-search/#api-rest-api-3-search-jql-post):
 *   body `{ jql, fields, maxResults, nextPageToken }`, answer `{ issues, nextPageToken, isLast }`; the
 *   last page may leave `nextPageToken` out (https://jira.atlassian.com/browse/JRACLOUD-92184).
 * - "Get all statuses for project", GET /rest/api/3/project/{projectIdOrKey}/statuses
 *   (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-projects/#api-rest-api-3-project-projectidorkey-statuses-get):
 *   a list of `IssueTypeWithStatus` (`{ id, name, self, subtask, statuses: StatusDetails[] }`).
 * - User-picker custom fields hold one `User` (single) or a list of them (multi), or null
 *   (https://developer.atlassian.com/cloud/jira/platform/rest/v3/intro/#expansion, field formats in "Get issue").
 */
import { describe, expect, it, vi } from 'vitest';
import { fakeForge } from '../../test-support/fake-forge/index';
import { JiraError } from './jira-request';
import { JiraWorkIssues, jqlString, MAX_PAGE, workIssueJql } from './work-issues';

const SITE = 'https://your-domain.atlassian.net';

/** A `User` as the REST reference's examples show it. */
function user(accountId: string, displayName: string) {
  return {
    self: `${SITE}/rest/api/3/user?accountId=${accountId}`,
    accountId,
    emailAddress: `${displayName.split(' ')[0]?.toLowerCase()}@example.com`,
    avatarUrls: { '48x48': `${SITE}/secure/useravatar?size=large&ownerId=${accountId}`, '24x24': `${SITE}/secure/useravatar?size=small&ownerId=${accountId}`, '16x16': `${SITE}/secure/useravatar?size=xsmall&ownerId=${accountId}`, '32x32': `${SITE}/secure/useravatar?size=medium&ownerId=${accountId}` },
    displayName,
    active: true,
    timeZone: 'Australia/Sydney',
    accountType: 'atlassian',
  };
}

const CATEGORIES = {
  new: { self: `${SITE}/rest/api/3/statuscategory/2`, id: 2, key: 'new', colorName: 'blue-gray', name: 'To Do' },
  indeterminate: { self: `${SITE}/rest/api/3/statuscategory/4`, id: 4, key: 'indeterminate', colorName: 'yellow', name: 'In Progress' },
  done: { self: `${SITE}/rest/api/3/statuscategory/3`, id: 3, key: 'done', colorName: 'green', name: 'Done' },
} as const;

function status(id: string, name: string, category: keyof typeof CATEGORIES) {
  return { self: `${SITE}/rest/api/3/status/${id}`, description: '', iconUrl: `${SITE}/images/icons/statuses/generic.png`, name, id, statusCategory: CATEGORIES[category] };
}

const IN_PROGRESS = status('10001', 'In Progress', 'indeterminate');
const TO_DO = status('10000', 'To Do', 'new');
const MIA = user('5b10a2844c20165700ede21g', 'Mia Krystof');
const EMMA = user('5b10ac8d82e05b22cc7d4ef5', 'Emma Richards');
const LEO = user('5b109f2e9729b51b54dc274d', 'Leo Hart');

/** An issue as "Get issue" and the enhanced search answer it, with the fields the adapter asks for. */
function issueJson(overrides: { id?: string; key?: string; fields?: Record<string, unknown> } = {}) {
  return {
    expand: 'renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations',
    id: overrides.id ?? '10002',
    self: `${SITE}/rest/api/3/issue/${overrides.id ?? '10002'}`,
    key: overrides.key ?? 'OPS-7',
    fields: {
      status: IN_PROGRESS,
      resolution: null,
      assignee: MIA,
      reporter: EMMA,
      issuetype: { self: `${SITE}/rest/api/3/issuetype/10004`, id: '10004', description: 'A problem that impairs a service.', iconUrl: `${SITE}/images/icons/issuetypes/incident.png`, name: 'Incident', subtask: false, avatarId: 10303, hierarchyLevel: 0 },
      project: { self: `${SITE}/rest/api/3/project/10000`, id: '10000', key: 'OPS', name: 'Operations', projectTypeKey: 'service_desk', simplified: false, avatarUrls: {} },
      ...overrides.fields,
    },
  };
}

interface Seen {
  readonly method: string;
  readonly path: string;
  readonly provider: string | undefined;
  readonly body: unknown;
}

type Answer = (request: Seen) => Response | Promise<Response>;

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/** Jira answers through the fake platform; every request the real SDK sends is recorded. */
function serve(answer: Answer): Seen[] {
  const seen: Seen[] = [];
  vi.spyOn(fakeForge().jira, 'handle').mockImplementation(((target: { provider?: string }, path: string, init?: { method?: string; body?: unknown }) => {
    const request: Seen = { method: (init?.method ?? 'GET').toUpperCase(), path, provider: target.provider, body: typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined };
    seen.push(request);
    return answer(request);
  }) as never);
  return seen;
}

const NOT_FOUND = { errorMessages: ['Issue does not exist or you do not have permission to see it.'], errors: {} };

describe('JiraWorkIssues.read', () => {
  it('reads the issue as the app with exactly the fields it needs, and maps status, category, people and user-picker fields', async () => {
    const seen = serve(() => json(200, issueJson({ fields: { customfield_10050: LEO, customfield_10051: [LEO, MIA, LEO], customfield_10052: null } })));
    const issue = await new JiraWorkIssues().read('OPS-7', ['customfield_10050', 'customfield_10051', 'customfield_10052', 'customfield_10053']);
    expect(issue).toEqual({
      id: '10002',
      key: 'OPS-7',
      projectKey: 'OPS',
      issueTypeId: '10004',
      status: { id: '10001', name: 'In Progress', categoryKey: 'indeterminate' },
      resolved: false,
      assigneeAccountId: MIA.accountId,
      reporterAccountId: EMMA.accountId,
      // Single picker, multi picker (each account once), an empty picker, a field the issue does not have.
      userFields: { customfield_10050: [LEO.accountId], customfield_10051: [LEO.accountId, MIA.accountId], customfield_10052: [], customfield_10053: [] },
    });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: 'GET', provider: 'app' });
    const url = new URL(seen[0]?.path ?? '', SITE);
    expect(url.pathname).toBe('/rest/api/3/issue/OPS-7');
    expect(url.searchParams.get('fields')?.split(',')).toEqual(['status', 'resolution', 'assignee', 'reporter', 'issuetype', 'project', 'customfield_10050', 'customfield_10051', 'customfield_10052', 'customfield_10053']);
  });

  it('reads a resolved, unassigned issue as resolved with nobody assigned', async () => {
    serve(() => json(200, issueJson({ fields: { status: status('10005', 'Resolved', 'done'), resolution: { self: `${SITE}/rest/api/3/resolution/10000`, id: '10000', description: 'Work has been completed on this issue.', name: 'Done' }, assignee: null } })));
    const issue = await new JiraWorkIssues().read('10002', []);
    expect(issue).toMatchObject({ resolved: true, status: { categoryKey: 'done' } });
    expect(issue).not.toHaveProperty('assigneeAccountId');
    expect(issue?.reporterAccountId).toBe(EMMA.accountId);
  });

  it('answers undefined only for Jira’s documented 404', async () => {
    serve(() => json(404, NOT_FOUND));
    expect(await new JiraWorkIssues().read('OPS-404', [])).toBeUndefined();
  });

  it('throws a JiraError naming the status, never Jira’s body, when Jira refuses or is down', async () => {
    for (const [code, body] of [
      [401, { errorMessages: ['You are not logged in. secret-token-in-body'] }],
      [403, { errorMessages: ['You do not have the permission to see the specified issue. secret-token-in-body'] }],
      [429, { errorMessages: ['Rate limit exceeded. secret-token-in-body'] }],
      [503, { errorMessages: ['Service unavailable secret-token-in-body'] }],
    ] as const) {
      vi.restoreAllMocks();
      serve(() => json(code, body));
      const error = await new JiraWorkIssues().read('OPS-7', []).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(JiraError);
      expect(error).toMatchObject({ status: code, message: `Reading issue OPS-7: Jira answered HTTP ${code}.` });
      expect(String((error as Error).message)).not.toContain('secret-token-in-body');
    }
    vi.restoreAllMocks();
    fakeForge().jira.outage = true;
    await expect(new JiraWorkIssues().read('OPS-7', [])).rejects.toMatchObject({ status: 503 });
  });

  it('treats an answer it does not recognise as a failure, never as “not found”, “unresolved” or “nobody assigned”', async () => {
    const answers: Array<[string, () => Response]> = [
      ['an empty object', () => json(200, {})],
      ['a list', () => json(200, [])],
      ['HTML', () => new Response('<html><body>Atlassian</body></html>', { status: 200, headers: { 'content-type': 'text/html' } })],
      ['truncated JSON', () => new Response('{"id":"10002","key":"OPS-7","fields":{"status":', { status: 200 })],
      ['no status', () => json(200, issueJson({ fields: { status: undefined } }))],
      ['a status without a known category', () => json(200, issueJson({ fields: { status: { ...IN_PROGRESS, statusCategory: { id: 1, key: 'undefined', name: 'No Category' } } } }))],
      ['no resolution field', () => json(200, issueJson({ fields: { resolution: undefined } }))],
      ['an assignee without an account id', () => json(200, issueJson({ fields: { assignee: { displayName: 'Mia Krystof' } } }))],
      ['a blank id', () => json(200, issueJson({ id: '' }))],
      ['a user field holding text', () => json(200, issueJson({ fields: { customfield_10050: 'Leo Hart' } }))],
    ];
    for (const [name, answer] of answers) {
      vi.restoreAllMocks();
      serve(answer);
      const outcome = await new JiraWorkIssues().read('OPS-7', ['customfield_10050']).then(
        (issue) => ({ issue }),
        (error: unknown) => ({ error }),
      );
      expect(outcome, name).toHaveProperty('error');
      expect((outcome as { error: unknown }).error, name).toBeInstanceOf(JiraError);
      expect(((outcome as { error: Error }).error).message, name).toMatch(/^Reading issue OPS-7 \((unexpected answer|unreadable answer)\)/);
    }
  });
});

describe('the JQL of a work-linked query', () => {
  it('names the project, the issue types, the live statuses by id or by category id, unresolved, in id order', () => {
    expect(workIssueJql({ kind: 'live', projectKey: 'OPS', issueTypeIds: ['10004', '10005'], statusIds: ['10001', '10007'], categoryKeys: ['indeterminate'] })).toBe(
      'project = "OPS" AND issuetype in (10004, 10005) AND (status in (10001, 10007) OR statusCategory in (4)) AND resolution is EMPTY ORDER BY id ASC',
    );
    // Every issue type; categories only: Jira's category ids, To Do is 2 and In Progress 4.
    expect(workIssueJql({ kind: 'live', projectKey: 'OPS', issueTypeIds: [], statusIds: [], categoryKeys: ['new', 'indeterminate', 'new'] })).toBe(
      'project = "OPS" AND (statusCategory in (2, 4)) AND resolution is EMPTY ORDER BY id ASC',
    );
    expect(workIssueJql({ kind: 'ids', issueIds: ['10002', '10009', '10002'] })).toBe('id in (10002, 10009) ORDER BY id ASC');
  });

  it('matches nothing without a call when the query names no live status or no issue', () => {
    expect(workIssueJql({ kind: 'live', projectKey: 'OPS', issueTypeIds: [], statusIds: [], categoryKeys: [] })).toBeUndefined();
    expect(workIssueJql({ kind: 'ids', issueIds: [] })).toBeUndefined();
  });

  it('quotes text so it cannot end the string, and refuses ids that are not digits', () => {
    expect(jqlString('OPS" OR project = "HR')).toBe('"OPS\\" OR project = \\"HR"');
    expect(jqlString('back\\slash')).toBe('"back\\\\slash"');
    expect(workIssueJql({ kind: 'live', projectKey: 'O"PS', issueTypeIds: [], statusIds: ['1'], categoryKeys: [] })).toBe('project = "O\\"PS" AND (status in (1)) AND resolution is EMPTY ORDER BY id ASC');
    expect(() => workIssueJql({ kind: 'ids', issueIds: ['10002) OR (id > 0'] })).toThrow(RangeError);
    expect(() => workIssueJql({ kind: 'live', projectKey: 'OPS', issueTypeIds: ['10004 OR 1=1'], statusIds: ['1'], categoryKeys: [] })).toThrow(RangeError);
    expect(() => workIssueJql({ kind: 'ids', issueIds: Array.from({ length: MAX_PAGE + 1 }, (_, index) => String(index + 1)) })).toThrow(RangeError);
  });
});

describe('JiraWorkIssues.search', () => {
  const LIVE = { kind: 'live', projectKey: 'OPS', issueTypeIds: ['10004'], statusIds: [], categoryKeys: ['indeterminate'] } as const;

  it('posts the JQL to the enhanced search as the app, and follows nextPageToken until the last page', async () => {
    const pages = [
      { issues: [issueJson({ id: '10002', key: 'OPS-7' })], nextPageToken: 'CAEaAggD', isLast: false },
      // The last page: `isLast` and no token at all (JRACLOUD-92184).
      { issues: [issueJson({ id: '10009', key: 'OPS-9', fields: { assignee: LEO, customfield_10050: [MIA] } })], isLast: true },
    ];
    const seen = serve(() => json(200, pages[seen.length - 1]));
    const adapter = new JiraWorkIssues();
    const first = await adapter.search(LIVE, ['customfield_10050'], { maxResults: 1 });
    expect(first.issues.map((issue) => issue.key)).toEqual(['OPS-7']);
    expect(first.nextPageToken).toBe('CAEaAggD');
    const second = await adapter.search(LIVE, ['customfield_10050'], { maxResults: 1, nextPageToken: 'CAEaAggD' });
    expect(second).toEqual({ issues: [expect.objectContaining({ key: 'OPS-9', assigneeAccountId: LEO.accountId, userFields: { customfield_10050: [MIA.accountId] } })] });
    expect(seen.map((request) => [request.method, request.path, request.provider])).toEqual([
      ['POST', '/rest/api/3/search/jql', 'app'],
      ['POST', '/rest/api/3/search/jql', 'app'],
    ]);
    const fields = ['status', 'resolution', 'assignee', 'reporter', 'issuetype', 'project', 'customfield_10050'];
    const jql = 'project = "OPS" AND issuetype in (10004) AND (statusCategory in (4)) AND resolution is EMPTY ORDER BY id ASC';
    expect(seen[0]?.body).toEqual({ jql, fields, maxResults: 1 });
    expect(seen[1]?.body).toEqual({ jql, fields, maxResults: 1, nextPageToken: 'CAEaAggD' });
  });

  it('ends on a page without a token even when isLast is left out, and keeps the page size within 1–100', async () => {
    const seen = serve(() => json(200, { issues: [] }));
    expect(await new JiraWorkIssues().search({ kind: 'ids', issueIds: ['10002'] }, [], { maxResults: 500 })).toEqual({ issues: [] });
    await new JiraWorkIssues().search({ kind: 'ids', issueIds: ['10002'] }, [], { maxResults: 0 });
    expect(seen.map((request) => (request.body as { maxResults: number }).maxResults)).toEqual([100, 1]);
  });

  it('asks Jira nothing for a query that matches nothing', async () => {
    const seen = serve(() => json(500, {}));
    expect(await new JiraWorkIssues().search({ kind: 'ids', issueIds: [] }, [], { maxResults: 50 })).toEqual({ issues: [] });
    expect(await new JiraWorkIssues().search({ ...LIVE, statusIds: [], categoryKeys: [] }, [], { maxResults: 50 })).toEqual({ issues: [] });
    expect(seen).toEqual([]);
  });

  it('fails with a JiraError on a page it cannot trust: unrecognisable, an issue without its status, more pages without a token, the same page again', async () => {
    const answers: Array<[string, unknown, string | undefined]> = [
      ['no issues list', {}, undefined],
      ['an issue without its status', { issues: [issueJson({ fields: { status: undefined } })], isLast: true }, undefined],
      ['more pages but no token', { issues: [issueJson()], isLast: false }, undefined],
      ['the token just sent', { issues: [issueJson()], nextPageToken: 'CAEaAggD', isLast: false }, 'CAEaAggD'],
    ];
    for (const [name, body, token] of answers) {
      vi.restoreAllMocks();
      serve(() => json(200, body));
      const error = await new JiraWorkIssues().search(LIVE, [], { maxResults: 50, ...(token !== undefined && { nextPageToken: token }) }).catch((caught: unknown) => caught);
      expect(error, name).toBeInstanceOf(JiraError);
      expect((error as Error).message, name).toMatch(/^Searching the live issues of OPS \(unexpected answer/);
    }
  });

  it('passes Jira’s refusal of the query on as a JiraError with its status (a status id that no longer exists answers 400)', async () => {
    serve(() => json(400, { errorMessages: ["The value '10099' does not exist for the field 'status'."], errors: {} }));
    await expect(new JiraWorkIssues().search({ ...LIVE, statusIds: ['10099'] }, [], { maxResults: 50 })).rejects.toMatchObject({ status: 400, message: 'Searching the live issues of OPS: Jira answered HTTP 400.' });
  });
});

describe('JiraWorkIssues.projectStatuses', () => {
  it('lists each status the project’s workflows use once, with its category', async () => {
    const seen = serve(() =>
      json(200, [
        { id: '3', name: 'Task', self: `${SITE}/rest/api/3/issueType/3`, subtask: false, statuses: [TO_DO, IN_PROGRESS, status('5', 'Closed', 'done')] },
        { id: '10004', name: 'Incident', self: `${SITE}/rest/api/3/issueType/10004`, subtask: false, statuses: [IN_PROGRESS, status('10006', 'Investigating', 'indeterminate')] },
      ]),
    );
    expect(await new JiraWorkIssues().projectStatuses('OPS')).toEqual([
      { id: '10000', name: 'To Do', categoryKey: 'new' },
      { id: '10001', name: 'In Progress', categoryKey: 'indeterminate' },
      { id: '5', name: 'Closed', categoryKey: 'done' },
      { id: '10006', name: 'Investigating', categoryKey: 'indeterminate' },
    ]);
    expect(seen.map((request) => [request.method, request.path, request.provider])).toEqual([['GET', '/rest/api/3/project/OPS/statuses', 'app']]);
  });

  it('fails with a JiraError for a project Jira does not know or an answer it does not recognise', async () => {
    serve(() => json(404, { errorMessages: ["No project could be found with key 'NOPE'."], errors: {} }));
    await expect(new JiraWorkIssues().projectStatuses('NOPE')).rejects.toMatchObject({ status: 404, message: 'Reading the statuses of project NOPE: Jira answered HTTP 404.' });
    vi.restoreAllMocks();
    serve(() => json(200, [{ id: '3', name: 'Task', statuses: [{ id: '10000', name: 'To Do' }] }]));
    await expect(new JiraWorkIssues().projectStatuses('OPS')).rejects.toBeInstanceOf(JiraError);
  });
});
