import { pageRequest, put, type Page } from '../ports/store.js';
import type { Actor, CoreDeps } from '../shared/deps.js';
import { requireAdmin } from '../shared/authorize.js';
import { transact } from '../shared/transact.js';
import { parseInput } from '../shared/validate.js';
import { accountsNamedIn, assertAccountsExist } from './accounts.js';
import { currentGovernance } from './current.js';
import { governanceRulesSchema, governanceVersionId, type GovernanceRulesInput, type GovernanceVersion } from './policy.js';

/**
 * Saves new governance rules as the next version. Versions are never edited: decisions keep
 * pointing at the version they were made under. Every account the rules name must be an active
 * person on the Jira site: an unknown id is refused before anything is written.
 */
export async function updateGovernance(
  deps: CoreDeps,
  actor: Actor,
  input: { rules: GovernanceRulesInput; note?: string },
): Promise<GovernanceVersion> {
  requireAdmin(actor, 'change governance');
  const rules = parseInput(governanceRulesSchema, input.rules, 'governance policy');
  await assertAccountsExist(deps.jira, accountsNamedIn(rules), 'governance policy', 'approver');
  return transact(deps, async () => {
    const current = await currentGovernance(deps.store);
    const policyVersion = current.policyVersion + 1;
    const next: GovernanceVersion = {
      id: governanceVersionId(policyVersion),
      version: 0,
      policyVersion,
      rules,
      createdAt: deps.clock.now(),
      createdBy: actor.accountId,
      ...(input.note !== undefined && { note: input.note.slice(0, 500) }),
    };
    const changed = Object.keys(rules).filter(
      (key) => JSON.stringify(rules[key as keyof typeof rules]) !== JSON.stringify(current.rules[key as keyof typeof rules]),
    );
    return {
      writes: [put('governance', next)],
      audit: [{ actor: actor.accountId, type: 'governance.updated', data: { fromVersion: current.policyVersion, toVersion: policyVersion, changed } }],
      result: { ...next, version: 1 },
      policyVersion,
    };
  });
}

export async function listGovernanceVersions(deps: CoreDeps, page: { limit?: number; cursor?: string } = {}): Promise<Page<GovernanceVersion>> {
  return deps.store.query('governance', 'byVersion', {
    partition: [],
    direction: 'desc',
    ...pageRequest(page, 20),
  });
}
