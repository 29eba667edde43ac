import { SqliteStore } from '../adapters/sqlite/sqlite-store.js';
import { saveTool } from '../catalog/catalog-service.js';
import type { Tool, ToolInput } from '../catalog/tool.js';
import { updateGovernance } from '../governance/governance-service.js';
import { DEFAULT_GOVERNANCE_RULES, type GovernanceRules } from '../governance/policy.js';
import type { Ids } from '../ports/ids.js';
import type { CommentOptions, Jira, JiraAccount } from '../ports/jira.js';
import type { Secrets } from '../ports/secrets.js';
import type { Actor, CoreDeps } from '../shared/deps.js';
import { initializeClearway } from '../setup.js';
import { FakeClock, MemoryLogger } from '../testing/fakes.js';

export { FakeClock, MemoryLogger, T0 } from '../testing/fakes.js';

export function sequentialIds(): Ids {
  let next = 0;
  let seed = 42;
  return {
    newId: (prefix) => `${prefix}_${String(++next).padStart(4, '0')}`,
    random: () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    },
    randomBytes: (size) => Buffer.alloc(size, 7),
  };
}

export class MemorySecrets implements Secrets {
  readonly values = new Map<string, string>();
  async get(name: string) {
    return this.values.get(name);
  }
  async set(name: string, value: string) {
    this.values.set(name, value);
  }
  async delete(name: string) {
    this.values.delete(name);
  }
}

export class FakeJira implements Jira {
  /** What the requester can read (customer comments). */
  readonly comments: Array<{ issueKey: string; text: string }> = [];
  /** What only the team can read (internal notes). */
  readonly internalNotes: Array<{ issueKey: string; text: string }> = [];
  readonly transitions: Array<{ issueKey: string; candidates: readonly string[] }> = [];
  readonly issues: Array<{ key: string; projectKey: string; issueTypeId: string; summary: string; description: string }> = [];
  failing = false;
  async comment(issueKey: string, text: string, options: CommentOptions = {}) {
    if (this.failing) throw new Error('Jira is unavailable');
    (options.audience === 'internal' ? this.internalNotes : this.comments).push({ issueKey, text });
  }
  async transition(issueKey: string, candidates: readonly string[]) {
    if (this.failing) throw new Error('Jira is unavailable');
    this.transitions.push({ issueKey, candidates });
    return { transitioned: true, name: candidates[0] };
  }
  async createIssue(input: { projectKey: string; issueTypeId: string; summary: string; description: string }) {
    if (this.failing) throw new Error('Jira is unavailable');
    const key = `${input.projectKey}-${900 + this.issues.length}`;
    this.issues.push({ key, ...input });
    return { key };
  }
  /**
   * The site's user directory: any account id is an active person's account, except those set
   * here — `undefined` for an id the site does not know, or how Jira describes the account.
   */
  readonly directory = new Map<string, Omit<JiraAccount, 'accountId'> | undefined>();
  async findAccounts(accountIds: readonly string[]): Promise<JiraAccount[]> {
    if (this.failing) throw new Error('Jira is unavailable');
    return accountIds.flatMap((accountId) => {
      if (!this.directory.has(accountId)) return [{ accountId, accountType: 'atlassian', active: true }];
      const known = this.directory.get(accountId);
      return known ? [{ accountId, ...known }] : [];
    });
  }
}

export interface TestDeps extends CoreDeps {
  readonly store: SqliteStore;
  readonly clock: FakeClock;
  readonly secrets: MemorySecrets;
  readonly jira: FakeJira;
  readonly logger: MemoryLogger;
}

export const admin: Actor = { accountId: 'admin-1', isAdmin: true, displayName: 'Ada Admin' };
export const approver: Actor = { accountId: 'approver-1', displayName: 'Alan Approver' };
export const securityReviewer: Actor = { accountId: 'security-1' };
export const requester: Actor = { accountId: 'user-1', email: 'una@example.com', displayName: 'Una User', groups: ['engineering'] };
export const otherRequester: Actor = { accountId: 'user-2', email: 'otto@example.com', groups: ['sales'] };

/** Governance for tests: intake project AIR, portal 1, request type 10; approver-1 approves. */
export function testRules(overrides: Partial<GovernanceRules> = {}): GovernanceRules {
  return {
    ...DEFAULT_GOVERNANCE_RULES,
    intake: { projectKey: 'AIR', portalId: '1', requestTypeIds: ['10'], recertIssueTypeId: '10005' },
    approvers: { ...DEFAULT_GOVERNANCE_RULES.approvers, default: [approver.accountId], securityReviewers: [securityReviewer.accountId] },
    ...overrides,
  };
}

export async function makeDeps(): Promise<TestDeps> {
  const deps: TestDeps = {
    store: new SqliteStore(),
    clock: new FakeClock(),
    ids: sequentialIds(),
    secrets: new MemorySecrets(),
    jira: new FakeJira(),
    logger: new MemoryLogger(),
  };
  await initializeClearway(deps);
  return deps;
}

export const chatgpt: ToolInput = {
  id: 'chatgpt',
  name: 'ChatGPT Enterprise',
  vendor: 'OpenAI',
  status: 'approved',
  riskLevel: 'medium',
  defaultDurationDays: 30,
  maxDurationDays: 90,
  guidance: 'Company workspace only.',
};

/** Deps with governance (intake configured) and one approved medium-risk tool. */
export async function makeWorld(rules: Partial<GovernanceRules> = {}): Promise<TestDeps & { tool: Tool }> {
  const deps = await makeDeps();
  await updateGovernance(deps, admin, { rules: testRules(rules) });
  const tool = await saveTool(deps, admin, chatgpt);
  return { ...deps, tool };
}

export function requestInput(overrides: Record<string, unknown> = {}) {
  return {
    issueKey: 'AIR-1',
    projectKey: 'AIR',
    portalId: '1',
    requestTypeId: '10',
    toolId: 'chatgpt',
    purpose: 'Drafting customer-facing release notes',
    durationDays: 30,
    ...overrides,
  };
}

/** Every record of every entity, to prove a refused operation changed nothing. */
export function snapshot(store: SqliteStore): string {
  return JSON.stringify(store.db.prepare('SELECT entity, id, version, data FROM records ORDER BY entity, id').all());
}
