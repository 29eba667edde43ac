import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Clock, CommentOptions, Jira, JiraAccount, LogFields, Logger, Secrets } from '@clearway/core';

function readJson<T>(path: string, fallback: T): T {
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as T) : fallback;
}

function writeJson(path: string, value: unknown, mode?: number): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`, mode === undefined ? {} : { mode });
}

/** Secret storage in one file readable by its owner only: the sandbox's stand-in for Forge secrets. */
export class FileSecrets implements Secrets {
  private readonly values: Record<string, string>;

  constructor(private readonly path: string) {
    this.values = readJson<Record<string, string>>(path, {});
  }

  async get(name: string): Promise<string | undefined> {
    return this.values[name];
  }

  async set(name: string, value: string): Promise<void> {
    this.values[name] = value;
    writeJson(this.path, this.values, 0o600);
  }

  async delete(name: string): Promise<void> {
    delete this.values[name];
    writeJson(this.path, this.values, 0o600);
  }
}

/**
 * A clock that runs with real time but can jump ahead (days of a grant's life in seconds). The
 * offset is saved so the CLI shows expiry labels as of the sandbox's "now".
 */
export class VirtualClock implements Clock {
  private offsetMs: number;

  constructor(private readonly path?: string) {
    this.offsetMs = path ? readJson<{ offsetMs: number }>(path, { offsetMs: 0 }).offsetMs : 0;
  }

  now(): number {
    return Date.now() + this.offsetMs;
  }

  advance(ms: number): void {
    this.offsetMs += ms;
    if (this.path) writeJson(this.path, { offsetMs: this.offsetMs });
  }

  reset(): void {
    this.offsetMs = 0;
    if (this.path) writeJson(this.path, { offsetMs: 0 });
  }
}

export interface SandboxIssue {
  readonly key: string;
  readonly projectKey: string;
  readonly issueTypeId: string;
  readonly summary: string;
  readonly description: string;
  /** What the requester reads. */
  readonly comments: string[];
  /** What only the team reads (JSM internal notes); absent in files written before there were any. */
  internalNotes?: string[];
  readonly transitions: string[];
}

/**
 * Jira as the sandbox plays it: issues with comments and applied transitions, kept in a file so
 * the CLI can show them. Every issue offers the usual approve/deny transition names.
 *
 * Its user directory is `accounts`: the site knows those and no one else, so governance and
 * identity mappings naming anyone else are refused as on a real site. Without `accounts` the site
 * models no directory and every account exists (runs that only exercise fulfillment, such as the
 * bench, name their own actors).
 */
export class SandboxJira implements Jira {
  readonly issues: Record<string, SandboxIssue>;
  private nextNumber: number;
  private readonly directory: ReadonlyMap<string, JiraAccount> | undefined;

  constructor(
    private readonly path?: string,
    accounts?: readonly JiraAccount[],
  ) {
    this.issues = path ? readJson<Record<string, SandboxIssue>>(path, {}) : {};
    this.nextNumber = 1_000 + Object.keys(this.issues).length;
    this.directory = accounts && new Map(accounts.map((account) => [account.accountId, account]));
  }

  /** Registers a portal request's issue (the sandbox's stand-in for JSM creating it). */
  openRequestIssue(projectKey: string, summary: string): string {
    const key = `${projectKey}-${++this.nextNumber}`;
    this.issues[key] = { key, projectKey, issueTypeId: 'request', summary, description: '', comments: [], transitions: [] };
    this.save();
    return key;
  }

  /** Registers an issue another simulated site created under its own key (the work site's INC issues), so notes can be posted on it. */
  registerIssue(input: { key: string; projectKey: string; issueTypeId: string; summary: string; description: string }): void {
    this.issues[input.key] ??= { ...input, comments: [], transitions: [] };
    this.save();
  }

  /** Forgets a deleted issue: comments on it fail from then on, as Jira answers 404. */
  deleteIssue(key: string): void {
    delete this.issues[key];
    this.save();
  }

  async comment(issueKey: string, text: string, options: CommentOptions = {}): Promise<void> {
    const issue = this.issue(issueKey);
    if (options.audience === 'internal') (issue.internalNotes ??= []).push(text);
    else issue.comments.push(text);
    this.save();
  }

  async transition(issueKey: string, candidates: readonly string[]): Promise<{ transitioned: boolean; name?: string }> {
    const name = candidates[0];
    if (!name) return { transitioned: false };
    this.issue(issueKey).transitions.push(name);
    this.save();
    return { transitioned: true, name };
  }

  async createIssue(input: { projectKey: string; issueTypeId: string; summary: string; description: string }): Promise<{ key: string }> {
    const key = `${input.projectKey}-${++this.nextNumber}`;
    this.issues[key] = { key, ...input, comments: [], transitions: [] };
    this.save();
    return { key };
  }

  async findAccounts(accountIds: readonly string[]): Promise<JiraAccount[]> {
    const directory = this.directory;
    if (!directory) return accountIds.map((accountId) => ({ accountId, accountType: 'atlassian', active: true }));
    return accountIds.flatMap((accountId) => {
      const account = directory.get(accountId);
      return account ? [account] : [];
    });
  }

  private issue(key: string): SandboxIssue {
    const issue = this.issues[key];
    if (!issue) throw new Error(`Issue ${key} does not exist`);
    return issue;
  }

  private save(): void {
    if (this.path) writeJson(this.path, this.issues);
  }
}

/** Warnings and errors collected for the timeline; everything printed when CLEARWAY_LOG=debug. */
export class CollectingLogger implements Logger {
  readonly warnings: string[] = [];
  private readonly verbose = process.env.CLEARWAY_LOG === 'debug';

  debug = (message: string, fields?: LogFields) => this.emit('debug', message, fields);
  info = (message: string, fields?: LogFields) => this.emit('info', message, fields);
  warn = (message: string, fields?: LogFields) => {
    this.warnings.push(message);
    this.emit('warn', message, fields);
  };
  error = (message: string, fields?: LogFields) => {
    this.warnings.push(message);
    this.emit('error', message, fields);
  };

  private emit(level: string, message: string, fields?: LogFields): void {
    if (this.verbose) console.error(`[${level}] ${message}${fields ? ` ${JSON.stringify(fields)}` : ''}`);
  }
}
