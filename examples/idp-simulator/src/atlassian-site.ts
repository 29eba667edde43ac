import { createHash } from 'node:crypto';
import { AtlassianAuthorizationServer } from './atlassian-oauth.js';
import { DEFAULT_ATLASSIAN_SEED, type AtlassianSeed, type JiraStatusName } from './seed.js';

/*
 * A simulated Atlassian Cloud site: Jira issues on a small workflow and Confluence pages, in
 * memory. Shapes and error texts follow Jira's REST API v3 and Confluence's v2 API, the data the
 * Atlassian MCP server returns:
 * - issue and search shapes, Jira's "Issue does not exist or you do not have permission to see it."
 *   and the `errorMessages` of a rejected JQL query ("Field '…' does not exist or you do not have
 *   permission to view it", "The value '…' does not exist for the field 'project'.",
 *   "Error in the JQL Query: Expecting operator but got '…'. … (line 1, character 9)")
 *   https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/
 *   https://support.atlassian.com/jira/kb/how-to-handle-http-400-bad-request-errors-on-jira-search-rest-api-endpoint
 *   https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-jql/ (parse: the errors of "invalid query")
 * - JQL fields statusCategory ("To Do", "In Progress", "Done"), text, currentUser()
 *   https://support.atlassian.com/jira-software-cloud/docs/jql-fields/
 */

export interface AtlassianAccount {
  readonly accountId: string;
  readonly displayName: string;
  readonly emailAddress: string;
  readonly active: boolean;
}

export interface JiraProjectRecord {
  readonly id: string;
  readonly key: string;
  readonly name: string;
  nextNumber: number;
}

export interface JiraCommentRecord {
  readonly id: string;
  readonly authorId: string;
  readonly body: string;
  readonly created: number;
}

export interface JiraIssueRecord {
  readonly id: string;
  readonly key: string;
  readonly projectKey: string;
  summary: string;
  description: string | null;
  issueType: string;
  status: JiraStatusName;
  assigneeId: string | null;
  readonly reporterId: string;
  readonly comments: JiraCommentRecord[];
  readonly created: number;
  updated: number;
}

export interface ConfluenceSpaceRecord {
  readonly id: string;
  readonly key: string;
  readonly name: string;
}

export interface ConfluencePageRecord {
  readonly id: string;
  readonly spaceId: string;
  readonly parentId: string | null;
  title: string;
  body: string;
  readonly authorId: string;
  readonly createdAt: number;
  version: { number: number; message: string; authorId: string; createdAt: number };
}

/** Jira's three status categories, with the ids and keys Jira Cloud gives them. */
export const STATUS_CATEGORIES = {
  'To Do': { id: 2, key: 'new', name: 'To Do', colorName: 'blue-gray' },
  'In Progress': { id: 4, key: 'indeterminate', name: 'In Progress', colorName: 'yellow' },
  Done: { id: 3, key: 'done', name: 'Done', colorName: 'green' },
} as const;

export const STATUSES: Readonly<Record<JiraStatusName, { id: string; name: JiraStatusName }>> = {
  'To Do': { id: '10000', name: 'To Do' },
  'In Progress': { id: '3', name: 'In Progress' },
  Done: { id: '10001', name: 'Done' },
};

/**
 * The simplified workflow of a team-managed project: one global transition into each status,
 * available from every other status (so To Do → In Progress → Done, and back).
 */
export const TRANSITIONS = [
  { id: '11', name: 'To Do', to: 'To Do' },
  { id: '21', name: 'In Progress', to: 'In Progress' },
  { id: '31', name: 'Done', to: 'Done' },
] as const satisfies ReadonlyArray<{ id: string; name: string; to: JiraStatusName }>;

export const ISSUE_TYPES = ['Task', 'Bug', 'Story', 'Epic'] as const;

export type AtlassianErrorCode = 'not_found' | 'invalid_request' | 'invalid_jql' | 'conflict';

/** A request the site refuses, with the text Jira or Confluence would answer. */
export class AtlassianSiteError extends Error {
  override readonly name = 'AtlassianSiteError';
  constructor(
    readonly code: AtlassianErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const issueNotFound = () => new AtlassianSiteError('not_found', 'Issue does not exist or you do not have permission to see it.');

/** An Atlassian account id derived from the email: the same seed gives the same ids every run. */
function derivedAccountId(email: string): string {
  return `712020:${createHash('sha256').update(email.toLowerCase()).digest('hex').slice(0, 32).replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-')}`;
}

const SEED_EPOCH = Date.parse('2026-01-05T09:00:00.000Z');

export interface AtlassianSiteOptions {
  /** The clock for created/updated stamps; `Date.now` by default. */
  readonly now?: () => number;
}

/**
 * The simulated site. Tests and the sandbox read it directly (`issue`, `search`, `pages`) and
 * issue bearer tokens for the MCP endpoint per account (`issueToken`), or sign people in through
 * its authorization server (`oauth`, with the browser's session set by `signInAs`).
 */
export class AtlassianSite {
  readonly siteUrl: string;
  readonly cloudId: string;
  readonly accounts = new Map<string, AtlassianAccount>();
  readonly projects = new Map<string, JiraProjectRecord>();
  readonly issues = new Map<string, JiraIssueRecord>();
  readonly spaces = new Map<string, ConfluenceSpaceRecord>();
  readonly pages = new Map<string, ConfluencePageRecord>();
  /** The authorization server of the MCP endpoint: registered clients, grants, tokens and their logs. */
  readonly oauth: AtlassianAuthorizationServer;
  private readonly clock: () => number;
  private clockOffsetMs = 0;
  private lastStamp = 0;
  private nextIssueId = 10001;
  private nextProjectId = 10000;
  private nextCommentId = 10100;
  private nextSpaceId = 98305;
  private nextPageId = 65537;

  constructor(seed: AtlassianSeed, options: AtlassianSiteOptions = {}) {
    this.clock = options.now ?? Date.now;
    this.oauth = new AtlassianAuthorizationServer({ account: (accountIdOrEmail) => this.account(accountIdOrEmail), all: () => [...this.accounts.values()] }, () => this.now(), seed.oauth);
    this.siteUrl = (seed.siteUrl ?? DEFAULT_ATLASSIAN_SEED.siteUrl).replace(/\/+$/, '');
    this.cloudId = seed.cloudId ?? DEFAULT_ATLASSIAN_SEED.cloudId;
    for (const account of seed.accounts ?? []) {
      const record: AtlassianAccount = { accountId: account.accountId ?? derivedAccountId(account.email), displayName: account.name, emailAddress: account.email, active: account.active ?? true };
      this.accounts.set(record.accountId, record);
    }
    for (const project of seed.projects ?? []) this.addProject(project.key, project.name ?? project.key);
    (seed.issues ?? []).forEach((issue, index) => {
      const created = issue.created ? Date.parse(issue.created) : SEED_EPOCH + index * 3_600_000;
      const project = this.projects.get(issue.project.toUpperCase()) ?? this.addProject(issue.project, issue.project);
      const reporter = issue.reporter ?? [...this.accounts.keys()][0];
      if (!reporter) throw new Error('An Atlassian seed with issues needs at least one account to report them');
      const record = this.insertIssue(project, { summary: issue.summary, description: issue.description ?? null, issueType: issue.issueType ?? 'Task', status: issue.status ?? 'To Do', assigneeId: issue.assignee ? this.seedAccount(issue.assignee) : null, reporterId: this.seedAccount(reporter) }, created);
      for (const comment of issue.comments ?? []) record.comments.push({ id: String(this.nextCommentId++), authorId: this.seedAccount(comment.author), body: comment.body, created: created + 60_000 });
    });
    for (const space of seed.spaces ?? []) this.addSpace(space.key, space.name ?? space.key);
    (seed.pages ?? []).forEach((page, index) => {
      const space = this.spaceByKey(page.space) ?? this.addSpace(page.space, page.space);
      const author = page.author ?? [...this.accounts.keys()][0];
      if (!author) throw new Error('An Atlassian seed with pages needs at least one account to author them');
      const parent = page.parent === undefined ? undefined : [...this.pages.values()].find((candidate) => candidate.spaceId === space.id && candidate.title === page.parent);
      if (page.parent !== undefined && !parent) throw new Error(`Seed page "${page.title}" names a parent "${page.parent}" listed nowhere before it`);
      this.insertPage(space, { title: page.title, body: page.body, authorId: this.seedAccount(author), parentId: parent?.id ?? null }, SEED_EPOCH + index * 3_600_000);
    });
  }

  /** The site's time: its clock, plus what `advanceTime` added. Token and code lifetimes run on it. */
  now(): number {
    return this.clock() + this.clockOffsetMs;
  }

  /** Moves the site's time forward, so codes and tokens expire without waiting. */
  advanceTime(seconds: number): void {
    this.clockOffsetMs += seconds * 1000;
  }

  /** An opaque bearer token the MCP endpoint accepts as this account (by account id or email); it stands for an API token: no expiry. */
  issueToken(accountIdOrEmail: string): string {
    const account = this.account(accountIdOrEmail);
    if (!account) throw new Error(`No Atlassian account ${accountIdOrEmail} on the simulated site`);
    return this.oauth.issueSiteToken(account);
  }

  revokeToken(token: string): void {
    this.oauth.revokeAccessToken(token);
  }

  /** The active account a token was issued to; undefined for an unknown, expired or revoked token. */
  accountForToken(token: string): AtlassianAccount | undefined {
    const check = this.oauth.checkAccessToken(token);
    return 'account' in check ? check.account : undefined;
  }

  /** The browser's Atlassian session: authorizations sign in as this account (by id or email) until `signOut`. */
  signInAs(accountIdOrEmail: string): void {
    this.oauth.signInAs(accountIdOrEmail);
  }

  signOut(): void {
    this.oauth.signOut();
  }

  /** The user denies the next consent screen: that authorization redirects with `error=access_denied`. */
  denyNextConsent(): void {
    this.oauth.denyNextConsent();
  }

  /** Ends every live access token (of one account) now; refresh tokens keep working. */
  expireAccessTokens(accountIdOrEmail?: string): number {
    return this.oauth.expireAccessTokens(accountIdOrEmail);
  }

  account(accountIdOrEmail: string): AtlassianAccount | undefined {
    const wanted = accountIdOrEmail.toLowerCase();
    return this.accounts.get(accountIdOrEmail) ?? [...this.accounts.values()].find((account) => account.emailAddress.toLowerCase() === wanted);
  }

  /** Whether a tool's `cloudId` names this site: its cloud id, its URL, or its host name. */
  isThisSite(cloudId: string): boolean {
    const trimmed = cloudId.trim().replace(/\/+$/, '').toLowerCase();
    const host = new URL(this.siteUrl).host.toLowerCase();
    return trimmed === this.cloudId.toLowerCase() || trimmed === this.siteUrl.toLowerCase() || trimmed === host;
  }

  /** By key (any case, as Jira accepts) or numeric id. */
  issue(idOrKey: string): JiraIssueRecord | undefined {
    const key = idOrKey.trim().toUpperCase();
    return this.issues.get(key) ?? [...this.issues.values()].find((issue) => issue.id === idOrKey.trim());
  }

  getIssue(idOrKey: string): JiraIssueRecord {
    const issue = this.issue(idOrKey);
    if (!issue) throw issueNotFound();
    return issue;
  }

  /** The issues a JQL query selects, in its order, as `callerId` (for `currentUser()`) would see them. */
  search(jql: string, callerId: string): JiraIssueRecord[] {
    const query = parseJql(jql);
    if (query.clauses.length === 0) throw new AtlassianSiteError('invalid_jql', 'Unbounded JQL queries are not allowed here. Please add a search restriction to your query.');
    const predicates = query.clauses.map((clause) => this.predicateFor(clause, callerId));
    const matches = [...this.issues.values()].filter((issue) => predicates.every((predicate) => predicate(issue)));
    const order: JqlQuery['orderBy'] = query.orderBy.length > 0 ? query.orderBy : [{ field: 'created', descending: true }];
    return matches.sort((a, b) => {
      for (const { field, descending } of order) {
        const difference = sortValue(a, field) - sortValue(b, field);
        if (difference !== 0) return descending ? -difference : difference;
      }
      return 0;
    });
  }

  createIssue(input: { projectKey: string; issueTypeName: string; summary: string; description?: string; assigneeId?: string }, reporterId: string): JiraIssueRecord {
    const project = this.project(input.projectKey);
    if (!project) throw new AtlassianSiteError('invalid_request', 'project: valid project is required');
    const issueType = ISSUE_TYPES.find((type) => type.toLowerCase() === input.issueTypeName.trim().toLowerCase());
    if (!issueType) throw new AtlassianSiteError('invalid_request', 'issuetype: Specify a valid issue type');
    if (input.summary.trim() === '') throw new AtlassianSiteError('invalid_request', 'summary: You must specify a summary of the issue.');
    const assigneeId = input.assigneeId === undefined ? null : this.userField('assignee', input.assigneeId);
    return this.insertIssue(project, { summary: input.summary, description: input.description ?? null, issueType, status: 'To Do', assigneeId, reporterId }, this.stamp());
  }

  /** Jira's edit: only the named fields change; a field the edit screen does not have is refused. */
  editIssue(idOrKey: string, fields: Readonly<Record<string, unknown>>): JiraIssueRecord {
    const issue = this.getIssue(idOrKey);
    const changes: Partial<Pick<JiraIssueRecord, 'summary' | 'description' | 'assigneeId'>> = {};
    for (const [field, value] of Object.entries(fields)) {
      if (field === 'summary') {
        if (typeof value !== 'string' || value.trim() === '') throw new AtlassianSiteError('invalid_request', 'summary: You must specify a summary of the issue.');
        changes.summary = value;
      } else if (field === 'description') {
        if (value !== null && typeof value !== 'string') throw new AtlassianSiteError('invalid_request', 'description: Operation value must be a string');
        changes.description = value;
      } else if (field === 'assignee') {
        const accountId = value === null ? null : typeof value === 'object' && 'accountId' in value && typeof value.accountId === 'string' ? value.accountId : undefined;
        if (accountId === undefined) throw new AtlassianSiteError('invalid_request', "assignee: expected an object with an 'accountId', or null");
        changes.assigneeId = accountId === null ? null : this.userField('assignee', accountId);
      } else {
        throw new AtlassianSiteError('invalid_request', `${field}: Field '${field}' cannot be set. It is not on the appropriate screen, or unknown.`);
      }
    }
    Object.assign(issue, changes, { updated: this.stamp() });
    return issue;
  }

  /** The transitions the issue can take now: every global transition but the one into its status. */
  transitionsOf(issue: JiraIssueRecord): ReadonlyArray<(typeof TRANSITIONS)[number]> {
    return TRANSITIONS.filter((transition) => transition.to !== issue.status);
  }

  transitionIssue(idOrKey: string, transitionId: string): JiraIssueRecord {
    const issue = this.getIssue(idOrKey);
    const transition = this.transitionsOf(issue).find((candidate) => candidate.id === transitionId.trim());
    if (!transition) throw new AtlassianSiteError('invalid_request', `Transition id '${transitionId}' is not valid for this issue.`);
    issue.status = transition.to;
    issue.updated = this.stamp();
    return issue;
  }

  addComment(idOrKey: string, body: string, authorId: string): JiraCommentRecord {
    const issue = this.getIssue(idOrKey);
    if (body.trim() === '') throw new AtlassianSiteError('invalid_request', 'Comment body can not be empty!');
    const comment: JiraCommentRecord = { id: String(this.nextCommentId++), authorId, body, created: this.stamp() };
    issue.comments.push(comment);
    issue.updated = comment.created;
    return comment;
  }

  deleteIssue(idOrKey: string): JiraIssueRecord {
    const issue = this.getIssue(idOrKey);
    this.issues.delete(issue.key);
    return issue;
  }

  getPage(pageId: string): ConfluencePageRecord {
    const page = this.pages.get(pageId.trim());
    if (!page) throw new AtlassianSiteError('not_found', `No content found with id: ContentId{id=${pageId}}`);
    return page;
  }

  createPage(input: { spaceId: string; title: string; body: string; parentId?: string }, authorId: string): ConfluencePageRecord {
    const space = this.spaces.get(input.spaceId.trim());
    if (!space) throw new AtlassianSiteError('not_found', `No space found with id: ${input.spaceId}`);
    const parentId = input.parentId === undefined ? null : this.getPage(input.parentId).id;
    this.assertTitleFree(space.id, input.title);
    return this.insertPage(space, { title: input.title, body: input.body, authorId, parentId }, this.stamp());
  }

  /** Replaces the body (and title), as the next version: Confluence numbers versions from 1. */
  updatePage(input: { pageId: string; body: string; title?: string; versionMessage?: string }, authorId: string): ConfluencePageRecord {
    const page = this.getPage(input.pageId);
    if (input.title !== undefined && input.title !== page.title) this.assertTitleFree(page.spaceId, input.title);
    page.title = input.title ?? page.title;
    page.body = input.body;
    page.version = { number: page.version.number + 1, message: input.versionMessage ?? '', authorId, createdAt: this.stamp() };
    return page;
  }

  spaceByKey(key: string): ConfluenceSpaceRecord | undefined {
    return [...this.spaces.values()].find((space) => space.key.toLowerCase() === key.toLowerCase());
  }

  /** A project by key, name or id, ignoring case, as JQL resolves `project = X`. */
  project(keyNameOrId: string): JiraProjectRecord | undefined {
    const wanted = keyNameOrId.trim().toLowerCase();
    return [...this.projects.values()].find((project) => project.key.toLowerCase() === wanted || project.name.toLowerCase() === wanted || project.id === wanted);
  }

  private addProject(key: string, name: string): JiraProjectRecord {
    const record: JiraProjectRecord = { id: String(this.nextProjectId++), key: key.toUpperCase(), name, nextNumber: 1 };
    this.projects.set(record.key, record);
    return record;
  }

  private addSpace(key: string, name: string): ConfluenceSpaceRecord {
    const record: ConfluenceSpaceRecord = { id: String(this.nextSpaceId++), key, name };
    this.spaces.set(record.id, record);
    return record;
  }

  private insertIssue(project: JiraProjectRecord, fields: Pick<JiraIssueRecord, 'summary' | 'description' | 'issueType' | 'status' | 'assigneeId' | 'reporterId'>, created: number): JiraIssueRecord {
    const record: JiraIssueRecord = { id: String(this.nextIssueId++), key: `${project.key}-${project.nextNumber++}`, projectKey: project.key, ...fields, comments: [], created, updated: created };
    this.lastStamp = Math.max(this.lastStamp, created);
    this.issues.set(record.key, record);
    return record;
  }

  private insertPage(space: ConfluenceSpaceRecord, fields: Pick<ConfluencePageRecord, 'title' | 'body' | 'authorId' | 'parentId'>, createdAt: number): ConfluencePageRecord {
    const record: ConfluencePageRecord = { id: String(this.nextPageId++), spaceId: space.id, ...fields, createdAt, version: { number: 1, message: '', authorId: fields.authorId, createdAt } };
    this.lastStamp = Math.max(this.lastStamp, createdAt);
    this.pages.set(record.id, record);
    return record;
  }

  private assertTitleFree(spaceId: string, title: string): void {
    if (title.trim() === '') throw new AtlassianSiteError('invalid_request', 'Title cannot be empty');
    if ([...this.pages.values()].some((page) => page.spaceId === spaceId && page.title.toLowerCase() === title.trim().toLowerCase())) {
      throw new AtlassianSiteError('conflict', 'A page with this title already exists: A page already exists with the same TITLE in this space');
    }
  }

  /** A seed names people by email or id; a name that matches nobody is a broken seed. */
  private seedAccount(accountIdOrEmail: string): string {
    const account = this.account(accountIdOrEmail);
    if (!account) throw new Error(`The Atlassian seed names ${accountIdOrEmail}, who is not among its accounts`);
    return account.accountId;
  }

  private userField(field: string, accountId: string): string {
    const account = this.accounts.get(accountId);
    if (!account) throw new AtlassianSiteError('invalid_request', `${field}: The value '${accountId}' does not exist for the field '${field}'.`);
    return account.accountId;
  }

  /** Strictly increasing, so `ORDER BY created` never ties two issues made in the same millisecond. */
  private stamp(): number {
    this.lastStamp = Math.max(this.now(), this.lastStamp + 1);
    return this.lastStamp;
  }

  private predicateFor(clause: JqlClause, callerId: string): (issue: JiraIssueRecord) => boolean {
    const { field, operator, value } = clause;
    const valueError = () => new AtlassianSiteError('invalid_jql', `The value '${value.text}' does not exist for the field '${clause.fieldName}'.`);
    const equality = (matches: (issue: JiraIssueRecord) => boolean | undefined) => (issue: JiraIssueRecord) => {
      const result = matches(issue);
      // Like Jira, `!=` never selects an issue whose field is empty.
      return result === undefined ? false : operator === '=' ? result : !result;
    };
    if (value.kind === 'function' && (value.text.toLowerCase() !== 'currentuser' || (field !== 'assignee' && field !== 'reporter'))) {
      throw new AtlassianSiteError('invalid_jql', `Unable to find JQL function '${value.text}()'.`);
    }
    switch (field) {
      case 'project': {
        const project = this.project(value.text);
        if (!project) throw valueError();
        return equality((issue) => issue.projectKey === project.key);
      }
      case 'status': {
        const status = Object.values(STATUSES).find((candidate) => candidate.name.toLowerCase() === value.text.toLowerCase() || candidate.id === value.text);
        if (!status) throw valueError();
        return equality((issue) => issue.status === status.name);
      }
      case 'statuscategory': {
        const category = Object.entries(STATUS_CATEGORIES).find(([, candidate]) => [candidate.name.toLowerCase(), candidate.key, String(candidate.id)].includes(value.text.toLowerCase()));
        if (!category) throw valueError();
        return equality((issue) => issue.status === category[0]);
      }
      case 'issuetype': {
        const type = ISSUE_TYPES.find((candidate) => candidate.toLowerCase() === value.text.toLowerCase());
        if (!type) throw valueError();
        return equality((issue) => issue.issueType === type);
      }
      case 'assignee':
      case 'reporter': {
        const accountId = value.kind === 'function' ? callerId : this.accounts.get(value.text)?.accountId;
        if (!accountId) throw valueError();
        return equality((issue) => {
          const holder = field === 'assignee' ? issue.assigneeId : issue.reporterId;
          return holder === null ? undefined : holder === accountId;
        });
      }
      case 'text':
      case 'summary': {
        const terms = value.text.toLowerCase().split(/\W+/).filter((term) => term.length > 0);
        // Jira's text search matches words (with stemming); matching the start of a word finds at least those.
        const contains = (issue: JiraIssueRecord) => {
          const haystack = field === 'summary' ? issue.summary : [issue.summary, issue.description ?? '', ...issue.comments.map((comment) => comment.body)].join(' ');
          const words = haystack.toLowerCase().split(/\W+/);
          return terms.every((term) => words.some((word) => word.startsWith(term)));
        };
        return (issue) => (operator === '~' ? contains(issue) : !contains(issue));
      }
    }
  }
}

function sortValue(issue: JiraIssueRecord, field: SortField): number {
  if (field === 'created') return issue.created;
  if (field === 'updated') return issue.updated;
  return Number(issue.id);
}

// ---- JQL: the subset the simulator reads, with Jira's own error texts ----

type JqlField = 'project' | 'status' | 'statuscategory' | 'issuetype' | 'assignee' | 'reporter' | 'text' | 'summary';
type SortField = 'created' | 'updated' | 'key';

interface JqlClause {
  readonly field: JqlField;
  /** As written, for error texts. */
  readonly fieldName: string;
  readonly operator: '=' | '!=' | '~' | '!~';
  readonly value: { kind: 'value' | 'function'; text: string };
}

export interface JqlQuery {
  readonly clauses: readonly JqlClause[];
  readonly orderBy: ReadonlyArray<{ field: SortField; descending: boolean }>;
}

const FIELDS: Readonly<Record<string, JqlField>> = { project: 'project', status: 'status', statuscategory: 'statuscategory', issuetype: 'issuetype', type: 'issuetype', assignee: 'assignee', reporter: 'reporter', text: 'text', summary: 'summary' };
const TEXT_FIELDS = new Set<JqlField>(['text', 'summary']);
/** Jira fields a real site searches that the simulator does not: valid JQL, refused as unread rather than unknown. */
const UNREAD_FIELDS = new Set(['created', 'updated', 'priority', 'labels', 'resolution', 'key', 'issuekey', 'id', 'creator', 'duedate', 'due', 'component', 'fixversion', 'affectedversion', 'sprint', 'parent', 'comment', 'description', 'environment', 'resolved', 'watcher', 'category']);
const OPERATORS = ['!=', '!~', '<=', '>=', '=', '~', '<', '>'] as const;
const RESERVED = new Set(['and', 'or', 'not', 'empty', 'null', 'order', 'by', 'in', 'is', 'was', 'changed']);
const VALID_OPERATORS = "The valid operators are '=', '!=', '<', '>', '<=', '>=', '~', '!~', 'IN', 'NOT IN', 'IS' and 'IS NOT'.";
const SUPPORTED = 'The simulated site reads project, status, statusCategory, issuetype, assignee and reporter with = or !=, text and summary with ~ or !~, clauses joined by AND, and ORDER BY created, updated or key.';

interface Token {
  readonly kind: 'word' | 'string' | 'operator' | 'lparen' | 'rparen' | 'comma' | 'eof';
  readonly text: string;
  /** 1-based, as Jira counts characters in its error texts. */
  readonly at: number;
}

const jqlError = (message: string, token: Token) => new AtlassianSiteError('invalid_jql', `Error in the JQL Query: ${message} (line 1, character ${token.at})`);
const quoted = (token: Token) => (token.kind === 'eof' ? 'the end of the query' : `'${token.text}'`);

function tokenize(jql: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < jql.length) {
    const char = jql.charAt(index);
    const at = index + 1;
    if (/\s/.test(char)) {
      index += 1;
    } else if (char === '"' || char === "'") {
      let text = '';
      index += 1;
      while (index < jql.length && jql.charAt(index) !== char) {
        text += jql.charAt(index) === '\\' ? jql.charAt(++index) : jql.charAt(index);
        index += 1;
      }
      if (index >= jql.length) throw jqlError(`The quoted string ${char}${text} has not been completed.`, { kind: 'string', text, at });
      index += 1;
      tokens.push({ kind: 'string', text, at });
    } else if ('(),'.includes(char)) {
      tokens.push({ kind: char === '(' ? 'lparen' : char === ')' ? 'rparen' : 'comma', text: char, at });
      index += 1;
    } else {
      const operator = OPERATORS.find((candidate) => jql.startsWith(candidate, index));
      if (operator) {
        tokens.push({ kind: 'operator', text: operator, at });
        index += operator.length;
        continue;
      }
      const word = /^[^\s=!~<>()"',]+/.exec(jql.slice(index))?.[0] ?? char;
      tokens.push({ kind: 'word', text: word, at });
      index += word.length;
    }
  }
  tokens.push({ kind: 'eof', text: '', at: jql.length + 1 });
  return tokens;
}

/** `clause (AND clause)* [ORDER BY field [ASC|DESC] (, …)*]`; anything else is a JQL error. */
export function parseJql(jql: string): JqlQuery {
  const tokens = tokenize(jql);
  let position = 0;
  const peek = (): Token => tokens[position] ?? { kind: 'eof', text: '', at: jql.length + 1 };
  const next = (): Token => {
    const token = peek();
    position = Math.min(position + 1, tokens.length - 1);
    return token;
  };
  const isWord = (token: Token, word: string) => token.kind === 'word' && token.text.toLowerCase() === word;
  const unsupported = (token: Token) => jqlError(`${quoted(token)} is valid JQL the simulator does not read. ${SUPPORTED}`, token);

  const written: Array<{ fieldToken: Token; operatorToken: Token; value: JqlClause['value'] }> = [];
  while (peek().kind !== 'eof' && !isWord(peek(), 'order')) {
    if (written.length > 0) {
      const joiner = next();
      if (isWord(joiner, 'or')) throw unsupported(joiner);
      if (!isWord(joiner, 'and')) throw jqlError(`Expecting either 'OR' or 'AND' but got ${quoted(joiner)}.`, joiner);
    }
    const fieldToken = next();
    if (fieldToken.kind === 'lparen' || isWord(fieldToken, 'not')) throw unsupported(fieldToken);
    if (fieldToken.kind !== 'word' && fieldToken.kind !== 'string') throw jqlError(`Expecting a field name but got ${quoted(fieldToken)}.`, fieldToken);
    const operatorToken = next();
    if (operatorToken.kind !== 'operator') {
      if (['in', 'not', 'is', 'was', 'changed'].some((word) => isWord(operatorToken, word))) throw unsupported(operatorToken);
      throw jqlError(`Expecting operator but got ${quoted(operatorToken)}. ${VALID_OPERATORS}`, operatorToken);
    }
    const valueToken = next();
    if (valueToken.kind === 'lparen' || valueToken.kind === 'rparen' || valueToken.kind === 'comma' || valueToken.kind === 'operator' || valueToken.kind === 'eof') {
      throw jqlError(`Expecting either a value, list or function but got ${quoted(valueToken)}.`, valueToken);
    }
    if (valueToken.kind === 'word' && RESERVED.has(valueToken.text.toLowerCase())) {
      throw jqlError(`Expecting either a value, list or function but got '${valueToken.text}'. You must surround '${valueToken.text}' in quotation marks to use it as a value.`, valueToken);
    }
    let value: JqlClause['value'] = { kind: 'value', text: valueToken.text };
    if (valueToken.kind === 'word' && peek().kind === 'lparen') {
      next();
      const close = next();
      if (close.kind !== 'rparen') throw unsupported(close);
      value = { kind: 'function', text: valueToken.text };
    }
    written.push({ fieldToken, operatorToken, value });
  }

  const orderBy: Array<{ field: SortField; descending: boolean }> = [];
  if (isWord(peek(), 'order')) {
    next();
    const by = next();
    if (!isWord(by, 'by')) throw jqlError(`Expecting 'by' but got ${quoted(by)}.`, by);
    do {
      if (orderBy.length > 0) next();
      const fieldToken = next();
      const field = (['created', 'updated', 'key'] as const).find((candidate) => candidate === fieldToken.text.toLowerCase());
      if (!field && (UNREAD_FIELDS.has(fieldToken.text.toLowerCase()) || FIELDS[fieldToken.text.toLowerCase()])) throw unsupported(fieldToken);
      if (!field) throw new AtlassianSiteError('invalid_jql', `Not able to sort using field '${fieldToken.text}'.`);
      const direction = peek();
      const descending = isWord(direction, 'desc');
      if (descending || isWord(direction, 'asc')) next();
      orderBy.push({ field, descending });
    } while (peek().kind === 'comma');
  }
  const trailing = peek();
  if (trailing.kind !== 'eof') throw jqlError(orderBy.length > 0 ? `Expecting ',' but got ${quoted(trailing)}.` : `Expecting either 'OR' or 'AND' but got ${quoted(trailing)}.`, trailing);

  // Like Jira: the query must parse before its fields and operators are checked.
  const clauses = written.map(({ fieldToken, operatorToken, value }): JqlClause => {
    const field = FIELDS[fieldToken.text.toLowerCase()];
    if (!field) {
      if (UNREAD_FIELDS.has(fieldToken.text.toLowerCase())) throw unsupported(fieldToken);
      throw new AtlassianSiteError('invalid_jql', `Field '${fieldToken.text}' does not exist or you do not have permission to view it.`);
    }
    const operator = operatorToken.text;
    if (operator !== '=' && operator !== '!=' && operator !== '~' && operator !== '!~') throw unsupported(operatorToken);
    if (!(TEXT_FIELDS.has(field) ? ['~', '!~'] : ['=', '!=']).includes(operator)) throw new AtlassianSiteError('invalid_jql', `The operator '${operator}' is not supported by the '${fieldToken.text}' field.`);
    return { field, fieldName: fieldToken.text, operator, value };
  });
  return { clauses, orderBy };
}
