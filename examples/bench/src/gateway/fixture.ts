/**
 * What the gateway rows share: the AI client's caller, the agent policy a site would save, one
 * allowed `tools/call` as the wire adapter reports it, and an embedded install (SQLite on a temp
 * file) holding that policy and the caller's grant.
 */
import { join } from 'node:path';
import {
  DAY_MS,
  initializeClearway,
  put,
  randomIds,
  saveAgentPolicy,
  seedCatalog,
  systemClock,
  type ActivityInput,
  type Actor,
  type AgentPolicyDeps,
  type AgentPolicyRulesInput,
  type CallDecision,
  type GatewayCaller,
  type Grant,
} from '@clearway/core';
import { SqliteStore } from '@clearway/core/sqlite';
import { DEFAULT_ATLASSIAN_SEED } from '@clearway/idp-simulator';
import { CollectingLogger, FileSecrets, SandboxJira } from '@clearway/sandbox';

const admin: Actor = { accountId: 'bench-admin', isAdmin: true };

/** The person behind the AI client, as the identity port would verify them. */
export const BENCH_CALLER: GatewayCaller = { accountId: 'bench-ai-user', name: 'Bench User', email: 'bench.user@example.com', groups: ['developers'], client: 'claude' };

/** The site's groups, as Jira's group directory would answer for the policy's rules. */
const SITE_GROUPS = ['developers', 'contractors'];

/**
 * A policy as an admin would write it: deletes never, contractors kept out of Confluence, cursor
 * kept out, reads and searches for holders of the client's grant. `getJiraIssue` is decided by
 * the fourth rule, which asks for the grant, so every call also pays the grant check.
 */
export const BENCH_AGENT_RULES: AgentPolicyRulesInput = {
  defaultEffect: 'deny',
  rules: [
    { operation: 'delete*', effect: 'deny', note: 'AI may never delete' },
    { group: 'contractors', operation: '*Confluence*', effect: 'deny', note: 'contractors do not read the wiki through AI' },
    { client: 'cursor', operation: '*', effect: 'deny' },
    { operation: 'get*', effect: 'allow', requireGrant: true, note: 'reads with the client’s grant' },
    { operation: 'search*', effect: 'allow', requireGrant: true },
  ],
  clients: [{ name: 'claude', toolId: 'claude-enterprise' }],
};

/** The issue every benchmark call reads: its answer from the simulated site is about 1 KB of JSON. */
export const BENCH_ISSUE = 'OPS-1';

/** One allowed `getJiraIssue` call, as the wire adapter hands it to `record` once the upstream answered. */
export function allowedCall(decision: CallDecision, startedAt: number): ActivityInput {
  return {
    caller: BENCH_CALLER,
    method: 'tools/call',
    operation: 'getJiraIssue',
    arguments: { cloudId: DEFAULT_ATLASSIAN_SEED.cloudId, issueIdOrKey: BENCH_ISSUE },
    decision,
    upstreamStatus: 'ok',
    responseBytes: 1_180,
    latencyMs: 4.2,
    startedAt,
  };
}

/** What `decide` answers for that call under {@link BENCH_AGENT_RULES} v1 with the grant held. */
export const ALLOWED_BY_RULE_4: CallDecision = {
  effect: 'allow',
  basis: 'rule',
  ruleIndex: 3,
  policyVersion: 1,
  note: 'reads with the client’s grant',
  reason: 'Allowed by rule 4 (get* → allow for any client, any user) of agent policy v1 (an active Clearway grant is held).',
};

export interface GatewayInstall {
  readonly deps: AgentPolicyDeps;
  readonly store: SqliteStore;
  readonly logger: CollectingLogger;
}

/**
 * An initialized install on SQLite in `dir` (WAL, as the CLI and the sandbox run it), with the
 * Claude tool in the catalog, {@link BENCH_AGENT_RULES} saved as v1, and an active Claude grant
 * for {@link BENCH_CALLER}. The grant is written as a record: the gateway only reads it, and
 * how it came to be active is the fulfillment rows' business.
 */
export async function gatewayInstall(dir: string): Promise<GatewayInstall> {
  const store = new SqliteStore({ path: join(dir, 'clearway.db') });
  const logger = new CollectingLogger();
  const deps: AgentPolicyDeps = {
    store,
    clock: systemClock,
    ids: randomIds,
    secrets: new FileSecrets(join(dir, 'secrets.json')),
    jira: new SandboxJira(),
    logger,
    groups: { findGroups: async (names) => SITE_GROUPS.filter((group) => names.some((name) => name.toLowerCase() === group)) },
  };
  await initializeClearway(deps);
  await seedCatalog(deps, admin, { toolIds: ['claude-enterprise'] });
  await saveAgentPolicy(deps, admin, { rules: BENCH_AGENT_RULES, note: 'bench' });
  const now = systemClock.now();
  const grant: Grant = {
    id: 'grant_bench',
    version: 0,
    requestId: 'req_bench',
    issueKey: 'AIR-1',
    requesterAccountId: BENCH_CALLER.accountId,
    toolId: 'claude-enterprise',
    connectorId: 'manual',
    status: 'active',
    durationDays: 30,
    createdAt: now,
    updatedAt: now,
    activatedAt: now,
    expiresAt: now + 30 * DAY_MS,
    deprovision: 'not_needed',
    extensions: [],
  };
  await store.commit([put('grant', grant)]);
  return { deps, store, logger };
}
