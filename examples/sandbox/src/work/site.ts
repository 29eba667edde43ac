import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Clock, StatusCategoryKey, WorkEvent, WorkIssue, WorkIssuePage, WorkIssueQuery, WorkIssues, WorkPerson, WorkStatus } from '@clearway/core';

/** A user-picker custom field of a simulated project. */
export interface SimulatedUserField {
  readonly id: string;
  readonly name: string;
  /** A multi-user picker holds several accounts; a single one, at most one. */
  readonly multi: boolean;
}

/** A project of the simulated site: its issue types, the statuses its workflow uses, its user fields. */
export interface SimulatedProject {
  readonly key: string;
  readonly name: string;
  readonly issueTypes: readonly { readonly id: string; readonly name: string }[];
  readonly statuses: readonly WorkStatus[];
  readonly userFields: readonly SimulatedUserField[];
}

/** The incident project the sandbox's work-linked steps run on. */
export const INC_PROJECT: SimulatedProject = {
  key: 'INC',
  name: 'Incidents',
  issueTypes: [
    { id: '10100', name: 'Incident' },
    { id: '10101', name: 'Task' },
  ],
  statuses: [
    { id: '10001', name: 'Open', categoryKey: 'new' },
    { id: '10002', name: 'In Progress', categoryKey: 'indeterminate' },
    { id: '10003', name: 'Investigating', categoryKey: 'indeterminate' },
    { id: '10004', name: 'Resolved', categoryKey: 'done' },
    { id: '10005', name: 'Closed', categoryKey: 'done' },
  ],
  userFields: [{ id: 'customfield_10050', name: 'Responders', multi: true }],
};

/** A project no work-linked policy names: its events must be ignored without a Jira call. */
export const OPS_PROJECT: SimulatedProject = {
  key: 'OPS',
  name: 'IT Operations',
  issueTypes: [{ id: '10200', name: 'Task' }],
  statuses: [
    { id: '10011', name: 'To Do', categoryKey: 'new' },
    { id: '10012', name: 'Doing', categoryKey: 'indeterminate' },
    { id: '10013', name: 'Done', categoryKey: 'done' },
  ],
  userFields: [],
};

/** The Forge product events the site emits, one per Jira event. */
export type ForgeIssueEventName = 'avi:jira:created:issue' | 'avi:jira:updated:issue' | 'avi:jira:assigned:issue' | 'avi:jira:deleted:issue';

/** One delivery as Forge would make it: the event's name, its changelog id (updates only), and the event reduced for core. */
export interface SiteEvent {
  /** The order in which Jira emitted it. */
  readonly seq: number;
  readonly name: ForgeIssueEventName;
  readonly changelogId?: string;
  readonly event: WorkEvent;
}

interface StoredIssue {
  readonly id: string;
  readonly key: string;
  readonly projectKey: string;
  readonly issueTypeId: string;
  readonly summary: string;
  statusId: string;
  resolution?: string;
  assigneeAccountId?: string;
  reporterAccountId?: string;
  /** User-picker values by field id. */
  readonly fields: Record<string, string[]>;
  updatedAt: number;
}

interface SiteState {
  nextIssueId: number;
  nextChangelogId: number;
  /** Issue numbers per project key (INC-1, INC-2, …). */
  counters: Record<string, number>;
  issues: Record<string, StoredIssue>;
}

/** Where the site registers its issues so notes can be posted on them (the sandbox's Jira). */
export interface IssueRegistry {
  registerIssue(issue: { key: string; projectKey: string; issueTypeId: string; summary: string; description: string }): void;
  deleteIssue(key: string): void;
}

export interface SimulatedWorkSiteOptions {
  /** Keeps the issues in this file, for the CLI (absent: memory only). */
  readonly path?: string;
  readonly clock: Clock;
  readonly projects?: readonly SimulatedProject[];
  /** The sandbox's Jira, which takes the comments and notes posted on these issues. */
  readonly registry?: IssueRegistry;
  /** Jira's enhanced search may answer fewer issues than asked for; at most this many a page. */
  readonly maxPageSize?: number;
  /**
   * The site's users as Jira shows them on an issue (`displayName`, and `emailAddress` unless the
   * profile hides it), by account id; an account not listed comes back as its id alone.
   */
  readonly people?: Readonly<Record<string, WorkPerson>>;
}

export interface CreateIssueInput {
  readonly projectKey: string;
  readonly issueType: string;
  readonly summary: string;
  /** A status name; the workflow's first status when absent. */
  readonly status?: string;
  readonly assignee?: string;
  readonly reporter?: string;
  readonly fields?: Readonly<Record<string, readonly string[]>>;
}

const SEARCH_PAGE_MAX = 100;
const IDS_QUERY_MAX = 100;

/**
 * A Jira site as work-linked access meets it: issues of a few projects, read by id or key and
 * searched in pages, and product events for every change. Each operation changes the issue and
 * emits the events Forge would deliver — an assignment both `avi:jira:assigned:issue` and
 * `avi:jira:updated:issue` (https://developer.atlassian.com/platform/forge/events-reference/jira/,
 * and ../shared/PLATFORM-NOTES.md) — into an outbox the caller delivers, so a test or a step can
 * deliver them twice, out of order, late or never.
 */
export class SimulatedWorkSite implements WorkIssues {
  readonly calls = { read: 0, search: 0, projectStatuses: 0 };
  private readonly state: SiteState;
  private readonly projects: ReadonlyMap<string, SimulatedProject>;
  private outbox: SiteEvent[] = [];
  private emitted = 0;

  constructor(private readonly options: SimulatedWorkSiteOptions) {
    this.projects = new Map((options.projects ?? [INC_PROJECT, OPS_PROJECT]).map((project) => [project.key, project]));
    this.state = options.path && existsSync(options.path) ? (JSON.parse(readFileSync(options.path, 'utf8')) as SiteState) : { nextIssueId: 30_000, nextChangelogId: 50_000, counters: {}, issues: {} };
  }

  // ── The port ──────────────────────────────────────────────────────────────────────────────

  async read(issueIdOrKey: string, userFieldIds: readonly string[]): Promise<WorkIssue | undefined> {
    this.calls.read += 1;
    const issue = this.find(issueIdOrKey);
    return issue && this.view(issue, userFieldIds);
  }

  async search(query: WorkIssueQuery, userFieldIds: readonly string[], page: { readonly maxResults: number; readonly nextPageToken?: string }): Promise<WorkIssuePage> {
    this.calls.search += 1;
    if (!Number.isInteger(page.maxResults) || page.maxResults < 1 || page.maxResults > SEARCH_PAGE_MAX) throw new Error(`maxResults must be between 1 and ${SEARCH_PAGE_MAX}; got ${page.maxResults}.`);
    const after = page.nextPageToken === undefined ? -1 : decodeToken(page.nextPageToken);
    const matches = this.matching(query)
      .filter((issue) => Number(issue.id) > after)
      .sort((a, b) => Number(a.id) - Number(b.id));
    const size = Math.min(page.maxResults, this.options.maxPageSize ?? SEARCH_PAGE_MAX);
    const served = matches.slice(0, size);
    const last = served.at(-1);
    // As Jira's enhanced search: the last page carries no nextPageToken at all (JRACLOUD-92184).
    return { issues: served.map((issue) => this.view(issue, userFieldIds)), ...(matches.length > size && last && { nextPageToken: encodeToken(Number(last.id)) }) };
  }

  async projectStatuses(projectKey: string): Promise<readonly WorkStatus[]> {
    this.calls.projectStatuses += 1;
    return this.project(projectKey).statuses;
  }

  // ── What people do on the site ────────────────────────────────────────────────────────────

  /** Creates an issue (`avi:jira:created:issue`); answers its key. */
  create(input: CreateIssueInput): string {
    const project = this.project(input.projectKey);
    const issueType = project.issueTypes.find((type) => type.name.toLowerCase() === input.issueType.toLowerCase());
    if (!issueType) throw new Error(`Project ${project.key} has no issue type "${input.issueType}".`);
    const status = input.status === undefined ? project.statuses[0] : this.statusNamed(project, input.status);
    if (!status) throw new Error(`Project ${project.key} has no statuses.`);
    const number = (this.state.counters[project.key] ?? 0) + 1;
    this.state.counters[project.key] = number;
    const id = String(this.state.nextIssueId++);
    const key = `${project.key}-${number}`;
    const fields: Record<string, string[]> = {};
    for (const [fieldId, accounts] of Object.entries(input.fields ?? {})) fields[fieldId] = this.checkField(project, fieldId, accounts);
    const issue: StoredIssue = {
      id,
      key,
      projectKey: project.key,
      issueTypeId: issueType.id,
      summary: input.summary,
      statusId: status.id,
      ...(status.categoryKey === 'done' && { resolution: 'Done' }),
      ...(input.assignee !== undefined && { assigneeAccountId: input.assignee }),
      ...(input.reporter !== undefined && { reporterAccountId: input.reporter }),
      fields,
      updatedAt: this.options.clock.now(),
    };
    this.state.issues[id] = issue;
    this.options.registry?.registerIssue({ key, projectKey: project.key, issueTypeId: issueType.id, summary: input.summary, description: '' });
    this.emit('avi:jira:created:issue', issue);
    this.save();
    return key;
  }

  /**
   * Moves an issue to the named status (`avi:jira:updated:issue` with the status in its
   * changelog). A Done status sets the resolution and any other clears it, as the usual
   * workflow's screens do; `resolution` sets it explicitly (`null` clears it).
   */
  transition(issueKey: string, statusName: string, options: { resolution?: string | null } = {}): void {
    const issue = this.existing(issueKey);
    const status = this.statusNamed(this.project(issue.projectKey), statusName);
    if (status.id === issue.statusId) throw new Error(`${issue.key} is already in ${status.name}.`);
    issue.statusId = status.id;
    const resolution = options.resolution === undefined ? (status.categoryKey === 'done' ? (issue.resolution ?? 'Done') : undefined) : (options.resolution ?? undefined);
    if (resolution === undefined) delete issue.resolution;
    else issue.resolution = resolution;
    this.touch(issue);
    this.emit('avi:jira:updated:issue', issue, status.id);
    this.save();
  }

  /** Assigns (or, with `undefined`, unassigns): Jira sends `avi:jira:assigned:issue` and `avi:jira:updated:issue`. */
  assign(issueKey: string, accountId: string | undefined): void {
    const issue = this.existing(issueKey);
    if (issue.assigneeAccountId === accountId) return;
    if (accountId === undefined) delete issue.assigneeAccountId;
    else issue.assigneeAccountId = accountId;
    this.touch(issue);
    this.emit('avi:jira:assigned:issue', issue);
    this.emit('avi:jira:updated:issue', issue);
    this.save();
  }

  /** Sets a user-picker field (`avi:jira:updated:issue`). */
  setField(issueKey: string, fieldId: string, accountIds: readonly string[]): void {
    const issue = this.existing(issueKey);
    issue.fields[fieldId] = this.checkField(this.project(issue.projectKey), fieldId, accountIds);
    this.touch(issue);
    this.emit('avi:jira:updated:issue', issue);
    this.save();
  }

  /** Deletes the issue (`avi:jira:deleted:issue`, no changelog): reads answer nothing from now on. */
  delete(issueKey: string): void {
    const issue = this.existing(issueKey);
    delete this.state.issues[issue.id];
    this.options.registry?.deleteIssue(issue.key);
    this.emit('avi:jira:deleted:issue', issue);
    this.save();
  }

  // ── The outbox ─────────────────────────────────────────────────────────────────────────────

  /** The events emitted since the last call, in the order Jira emitted them; the caller delivers them (or not). */
  takeEvents(): SiteEvent[] {
    const taken = this.outbox;
    this.outbox = [];
    return taken;
  }

  get pendingEvents(): number {
    return this.outbox.length;
  }

  // ── For steps and tests ────────────────────────────────────────────────────────────────────

  /** The issue as it is now, or undefined once deleted. */
  issue(issueIdOrKey: string, userFieldIds: readonly string[] = []): WorkIssue | undefined {
    const issue = this.find(issueIdOrKey);
    return issue && this.view(issue, userFieldIds);
  }

  /** A status of a project by its name (for policies naming statuses by id). */
  status(projectKey: string, name: string): WorkStatus {
    return this.statusNamed(this.project(projectKey), name);
  }

  issueTypeId(projectKey: string, name: string): string {
    const type = this.project(projectKey).issueTypes.find((candidate) => candidate.name.toLowerCase() === name.toLowerCase());
    if (!type) throw new Error(`Project ${projectKey} has no issue type "${name}".`);
    return type.id;
  }

  // ── Inside ─────────────────────────────────────────────────────────────────────────────────

  private matching(query: WorkIssueQuery): StoredIssue[] {
    const issues = Object.values(this.state.issues);
    if (query.kind === 'ids') {
      if (query.issueIds.length > IDS_QUERY_MAX) throw new Error(`A search by id takes at most ${IDS_QUERY_MAX} ids; got ${query.issueIds.length}.`);
      const wanted = new Set(query.issueIds);
      return issues.filter((issue) => wanted.has(issue.id));
    }
    const project = this.project(query.projectKey);
    const categories = new Set<StatusCategoryKey>(query.categoryKeys);
    const statuses = new Set(query.statusIds);
    return issues.filter((issue) => {
      if (issue.projectKey !== project.key || issue.resolution !== undefined) return false;
      if (query.issueTypeIds.length > 0 && !query.issueTypeIds.includes(issue.issueTypeId)) return false;
      const status = this.statusOf(issue);
      return statuses.has(status.id) || categories.has(status.categoryKey);
    });
  }

  private view(issue: StoredIssue, userFieldIds: readonly string[]): WorkIssue {
    const defined = new Set(this.project(issue.projectKey).userFields.map((field) => field.id));
    const userFields: Record<string, readonly string[]> = {};
    // As Jira answers `fields=`: a field the project has comes back (empty when unset); an unknown one does not.
    for (const fieldId of userFieldIds) if (defined.has(fieldId)) userFields[fieldId] = [...(issue.fields[fieldId] ?? [])];
    const named = [issue.assigneeAccountId, issue.reporterAccountId, ...Object.values(userFields).flat()].filter((accountId): accountId is string => accountId !== undefined);
    const people: Record<string, WorkPerson> = {};
    for (const accountId of named) {
      const person = this.options.people?.[accountId];
      if (person) people[accountId] = person;
    }
    return {
      id: issue.id,
      key: issue.key,
      projectKey: issue.projectKey,
      issueTypeId: issue.issueTypeId,
      status: this.statusOf(issue),
      resolved: issue.resolution !== undefined,
      ...(issue.assigneeAccountId !== undefined && { assigneeAccountId: issue.assigneeAccountId }),
      ...(issue.reporterAccountId !== undefined && { reporterAccountId: issue.reporterAccountId }),
      userFields,
      people,
    };
  }

  private emit(name: ForgeIssueEventName, issue: StoredIssue, enteredStatusId?: string): void {
    const kind = ({ 'avi:jira:created:issue': 'created', 'avi:jira:updated:issue': 'updated', 'avi:jira:assigned:issue': 'assigned', 'avi:jira:deleted:issue': 'deleted' } as const)[name];
    this.emitted += 1;
    const event: WorkEvent = { kind, issueId: issue.id, issueKey: issue.key, projectKey: issue.projectKey, at: this.options.clock.now(), ...(enteredStatusId !== undefined && { enteredStatusId }) };
    this.outbox.push({ seq: this.emitted, name, ...(name === 'avi:jira:updated:issue' && { changelogId: String(this.state.nextChangelogId++) }), event });
  }

  private touch(issue: StoredIssue): void {
    issue.updatedAt = this.options.clock.now();
  }

  private find(issueIdOrKey: string): StoredIssue | undefined {
    return this.state.issues[issueIdOrKey] ?? Object.values(this.state.issues).find((issue) => issue.key === issueIdOrKey);
  }

  private existing(issueIdOrKey: string): StoredIssue {
    const issue = this.find(issueIdOrKey);
    if (!issue) throw new Error(`Issue ${issueIdOrKey} does not exist or you do not have permission to see it.`);
    return issue;
  }

  private project(key: string): SimulatedProject {
    const project = this.projects.get(key);
    // Jira's JQL answer for a project it does not have.
    if (!project) throw new Error(`The value '${key}' does not exist for the field 'project'.`);
    return project;
  }

  private statusNamed(project: SimulatedProject, name: string): WorkStatus {
    const status = project.statuses.find((candidate) => candidate.name.toLowerCase() === name.toLowerCase());
    if (!status) throw new Error(`Project ${project.key}'s workflow has no status "${name}".`);
    return status;
  }

  private statusOf(issue: StoredIssue): WorkStatus {
    const status = this.project(issue.projectKey).statuses.find((candidate) => candidate.id === issue.statusId);
    if (!status) throw new Error(`${issue.key} is in a status its project's workflow does not have (${issue.statusId}).`);
    return status;
  }

  private checkField(project: SimulatedProject, fieldId: string, accountIds: readonly string[]): string[] {
    const field = project.userFields.find((candidate) => candidate.id === fieldId);
    if (!field) throw new Error(`Field '${fieldId}' cannot be set. It is not on the appropriate screen, or unknown.`);
    if (!field.multi && accountIds.length > 1) throw new Error(`${field.name} holds one user.`);
    return [...new Set(accountIds)];
  }

  private save(): void {
    if (!this.options.path) return;
    mkdirSync(dirname(this.options.path), { recursive: true });
    writeFileSync(this.options.path, `${JSON.stringify(this.state, null, 2)}\n`);
  }
}

/** Page tokens are opaque to callers; this one carries the last issue id served (keyset paging: no skip, no repeat when issues change between pages). */
function encodeToken(afterId: number): string {
  return Buffer.from(JSON.stringify({ after: afterId })).toString('base64url');
}

function decodeToken(token: string): number {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { after?: unknown };
    if (typeof parsed.after === 'number' && Number.isInteger(parsed.after)) return parsed.after;
  } catch {
    // Falls through to Jira's refusal below.
  }
  throw new Error('The nextPageToken is invalid or has expired.');
}
