import { DEFAULT_GOVERNANCE_RULES, initializeClearway, randomIds, updateGovernance, type CoreDeps } from '@clearway/core';
import { SqliteStore } from '@clearway/core/sqlite';
import { describe, expect, it } from 'vitest';
import { CollectingLogger, SandboxJira, VirtualClock } from './adapters.js';
import { SITE_ACCOUNTS, STAFF } from './simulator-seed.js';

describe('the sandbox’s Jira directory', () => {
  it('knows the sandbox’s people and no one else', async () => {
    const jira = new SandboxJira(undefined, SITE_ACCOUNTS);
    expect(await jira.findAccounts([STAFF.approver.accountId, 'jira-nobody', 'jira-ana'])).toEqual([
      { accountId: 'jira-pat', accountType: 'atlassian', active: true },
      { accountId: 'jira-ana', accountType: 'atlassian', active: true },
    ]);
    // Without a directory (the bench and chaos runs) every account exists.
    expect(await new SandboxJira().findAccounts(['anyone'])).toEqual([{ accountId: 'anyone', accountType: 'atlassian', active: true }]);
  });

  it('makes governance refuse an approver the site does not know, as Jira would', async () => {
    const store = new SqliteStore();
    const secrets = new Map<string, string>();
    const deps: CoreDeps = {
      store,
      clock: new VirtualClock(),
      ids: randomIds,
      secrets: { get: async (name) => secrets.get(name), set: async (name, value) => void secrets.set(name, value), delete: async (name) => void secrets.delete(name) },
      jira: new SandboxJira(undefined, SITE_ACCOUNTS),
      logger: new CollectingLogger(),
    };
    await initializeClearway(deps);
    const rules = (approvers: string[]) => ({ ...DEFAULT_GOVERNANCE_RULES, approvers: { ...DEFAULT_GOVERNANCE_RULES.approvers, default: approvers } });
    await expect(updateGovernance(deps, STAFF.admin, { rules: rules(['jira-pat', 'jira-nobody']) })).rejects.toMatchObject({ code: 'validation_failed', message: /jira-nobody/ });
    await expect(updateGovernance(deps, STAFF.admin, { rules: rules(['jira-pat']) })).resolves.toMatchObject({ policyVersion: 1 });
    store.close();
  });
});
