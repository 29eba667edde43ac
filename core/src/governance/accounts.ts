import { ValidationError, type ValidationIssue } from '../errors.js';
import type { Jira, JiraAccount } from '../ports/jira.js';
import type { GovernanceRules } from './policy.js';

/** An account id, and where the input names it (`approvers.default.0`) so a refusal can point there. */
export interface NamedAccount {
  readonly accountId: string;
  readonly path: string;
}

/**
 * What the account is named for. `approver`: approvers, security reviewers, delegates and whoever
 * escalations go to work in Jira's own pages, so they need a person's Atlassian account.
 * `requester`: an identity mapping is for someone who asks for access, a portal customer included.
 */
export type AccountRole = 'approver' | 'requester';

const ACCEPTED_TYPES: Readonly<Record<AccountRole, ReadonlySet<string>>> = {
  approver: new Set(['atlassian']),
  requester: new Set(['atlassian', 'customer']),
};

const TYPE_WORDS: Readonly<Record<string, string>> = {
  customer: 'a portal customer, who cannot use Jira’s pages',
  app: 'an app, not a person',
};

/** Every account the rules name: approvers (by project and default), security reviewers, both sides of each delegation, escalation. */
export function accountsNamedIn(rules: GovernanceRules): NamedAccount[] {
  const list = (ids: readonly string[], path: string) => ids.map((accountId, index) => ({ accountId, path: `${path}.${index}` }));
  const { approvers, escalation } = rules;
  return [
    ...list(approvers.default, 'approvers.default'),
    ...Object.entries(approvers.byProject).flatMap(([projectKey, ids]) => list(ids, `approvers.byProject.${projectKey}`)),
    ...list(approvers.securityReviewers, 'approvers.securityReviewers'),
    ...approvers.delegations.flatMap((delegation, index) => [
      { accountId: delegation.from, path: `approvers.delegations.${index}.from` },
      { accountId: delegation.to, path: `approvers.delegations.${index}.to` },
    ]),
    ...list(escalation.escalateTo, 'escalation.escalateTo'),
  ];
}

/** Why Jira's answer rules the account out for `role`, or undefined when it may be named. */
function problemWith(account: JiraAccount | undefined, role: AccountRole): string | undefined {
  if (!account) return 'no account with this id exists on this Jira site';
  if (!account.active) return 'this account is deactivated';
  // Jira leaves `accountType` out rarely; when it says nothing, existing and active is all it vouches for.
  if (account.accountType === undefined || ACCEPTED_TYPES[role].has(account.accountType)) return undefined;
  return `this account is ${TYPE_WORDS[account.accountType] ?? 'not a person’s Atlassian account'}`;
}

/**
 * Refuses, with a `validation_failed` naming each account and why, unless every named account
 * exists on the Jira site, is active and suits its role: a made-up id or a stranger's typo must
 * not become an approver. The directory is asked once for all of them; when it cannot be asked,
 * its error propagates and nothing is saved unchecked.
 */
export async function assertAccountsExist(jira: Jira, named: readonly NamedAccount[], what: string, role: AccountRole): Promise<void> {
  if (named.length === 0) return;
  const found = new Map((await jira.findAccounts([...new Set(named.map((account) => account.accountId))])).map((account) => [account.accountId, account]));
  const issues: ValidationIssue[] = [];
  const refused = new Map<string, string>();
  for (const { accountId, path } of named) {
    const problem = problemWith(found.get(accountId), role);
    if (problem === undefined) continue;
    issues.push({ path, message: `${accountId}: ${problem}` });
    refused.set(accountId, problem);
  }
  if (issues.length === 0) return;
  const listed = [...refused].map(([accountId, problem]) => `${accountId} (${problem})`).join('; ');
  throw new ValidationError(`The ${what} names accounts that cannot be used: ${listed}. Nothing was saved.`, issues);
}
