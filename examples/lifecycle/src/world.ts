import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEFAULT_GOVERNANCE_RULES,
  createConnector,
  initializeClearway,
  saveTool,
  silentLogger,
  updateGovernance,
  type Actor,
  type CoreDeps,
  type FulfillmentEngine,
  type GovernanceRulesInput,
  type Ids,
  type RiskLevel,
} from '@clearway/core';
import { SqliteStore } from '@clearway/core/sqlite';
import { FakeClock } from '@clearway/core/testing';
import { IdpSimulator, ensureCertificate } from '@clearway/idp-simulator';
import { FileSecrets, SandboxJira, bothDirectoriesSeed, paths, sandboxEngine, simulatorConnectors, withProviders, type Random } from '@clearway/sandbox';

/** Who sets Clearway up, and who decides, extends, revokes and completes manual tasks. */
export const admin: Actor = { accountId: 'lifecycle-admin', isAdmin: true };
export const approver: Actor = { accountId: 'lifecycle-approver' };
/** The one person governance names to approve exceptions, review them and extend their grants. */
export const securityReviewer: Actor = { accountId: 'lifecycle-security' };

export const INTAKE_PROJECT = 'AIR';
/** The Jira issue type recertification issues are opened as. */
export const REVIEW_ISSUE_TYPE = '10050';
export const REVIEW_WINDOW_DAYS = 14;
export const RETENTION_DAYS = 30;

/**
 * Governance's longest approval per risk level. Low risk is capped below the Okta tool's own
 * maximum, so the effective maximum of every tool is under the exceptions' own (90 days): each
 * tool can be granted longer as an exception, and both ways a cap is set (by the tool, by its
 * risk rule) are exercised.
 */
export const RISK_MAX_DAYS: Readonly<Record<RiskLevel, number>> = { low: 60, medium: 90, high: 30, critical: 14 };

/** Governance's exception rules in the world; only the open limits change during a run (see `ExceptionLimits`). */
export const EXCEPTION_RULES = { reviewEveryDays: 7, lapseAfterDays: 3, maxDurationDays: 90 } as const;

/** Open exceptions allowed per tool, by the tool's risk level. */
export type ExceptionLimits = Readonly<Record<RiskLevel, number>>;

/** Where a tool's configured group lives: a directory in the simulator, or a person's console. */
export type Directory = 'okta' | 'entra' | 'manual';

export interface HarnessTool {
  readonly id: string;
  readonly name: string;
  readonly connectorId: string;
  readonly directory: Directory;
  readonly groupName: string;
  readonly riskLevel: RiskLevel;
  /** The tool's own maximum in the catalog; the effective one may be lower (see `effectiveMaxDays`). */
  readonly maxDurationDays: number;
  /** The durations people ask for, short ones more often (a duration may appear more than once). */
  readonly durations: readonly number[];
}

export const TOOLS: readonly HarnessTool[] = [
  { id: 'okta-tool', name: 'Lifecycle Okta Tool', connectorId: 'okta', directory: 'okta', groupName: 'AI - Lifecycle Okta Tool', riskLevel: 'low', maxDurationDays: 180, durations: [1, 2, 3, 5, 7, 10, 14, 20, 30, 30, 45, 60] },
  { id: 'entra-tool', name: 'Lifecycle Entra Tool', connectorId: 'entra', directory: 'entra', groupName: 'AI - Lifecycle Entra Tool', riskLevel: 'medium', maxDurationDays: 45, durations: [1, 2, 3, 5, 7, 10, 14, 21, 30, 30, 45] },
  { id: 'manual-tool', name: 'Lifecycle Manual Tool', connectorId: 'manual', directory: 'manual', groupName: 'Lifecycle Manual Tool seats', riskLevel: 'high', maxDurationDays: 30, durations: [3, 5, 7, 10, 14, 21, 30] },
];

/** The longest an ordinary approval may give: the tool's own maximum or its risk rule's, whichever is lower. */
export function effectiveMaxDays(tool: HarnessTool): number {
  return Math.min(tool.maxDurationDays, RISK_MAX_DAYS[tool.riskLevel]);
}

/** The world's governance, with `limits` as the exceptions' open limits. */
export function lifecycleGovernance(limits: ExceptionLimits): GovernanceRulesInput {
  const rule = (level: RiskLevel) => ({ ...DEFAULT_GOVERNANCE_RULES.riskRules[level], maxDurationDays: RISK_MAX_DAYS[level] });
  return {
    ...DEFAULT_GOVERNANCE_RULES,
    riskRules: { low: rule('low'), medium: rule('medium'), high: rule('high'), critical: rule('critical') },
    intake: { projectKey: INTAKE_PROJECT, requestTypeIds: [], recertIssueTypeId: REVIEW_ISSUE_TYPE },
    approvers: { ...DEFAULT_GOVERNANCE_RULES.approvers, default: [approver.accountId], securityReviewers: [securityReviewer.accountId] },
    reviewWindowDays: REVIEW_WINDOW_DAYS,
    drift: { checkIntervalDays: 1, deprovisionUnexpected: true, restoreMissing: true },
    exceptions: { ...EXCEPTION_RULES, openLimits: { ...limits } },
    retentionDays: RETENTION_DAYS,
  };
}

/** The open limits a world starts with when the run names none. */
export const DEFAULT_EXCEPTION_LIMITS: ExceptionLimits = { low: 3, medium: 2, high: 1, critical: 1 };

/** One person of the run. `email` is their current address: a rename changes it everywhere. */
export interface Person {
  readonly index: number;
  readonly accountId: string;
  email: string;
  readonly emails: string[];
  /** When each rename after the first address happened. */
  readonly renamedAt: number[];
  readonly oktaId: string;
  readonly entraId: string;
  /** Never asks for access; an admin may add them to a group by hand. */
  readonly outsider: boolean;
}

export interface LifecycleDeps extends CoreDeps {
  readonly store: SqliteStore;
  readonly clock: FakeClock;
  readonly jira: SandboxJira;
}

export interface LifecycleWorld {
  readonly deps: LifecycleDeps;
  readonly simulator: IdpSimulator;
  readonly engine: FulfillmentEngine;
  readonly people: readonly Person[];
  readonly start: number;
  /** The members of a tool's group in the simulator, or undefined before Clearway created it. */
  groupMembers(tool: HarnessTool): Set<string> | undefined;
  close(): Promise<void>;
}

/** Ids in creation order (`grant_000001`…) and jitter from the seed, so a run repeats. */
function seededIds(random: Random): Ids {
  const counters = new Map<string, number>();
  return {
    newId: (prefix) => {
      const next = (counters.get(prefix) ?? 0) + 1;
      counters.set(prefix, next);
      return `${prefix}_${String(next).padStart(6, '0')}`;
    },
    random: () => random.next(),
    // Only the audit chain's MAC key: it never shapes the scenario.
    randomBytes: (size) => randomBytes(size),
  };
}

export function emailOf(index: number, outsider: boolean): string {
  return outsider ? `outsider${String(index).padStart(3, '0')}@example.com` : `person${String(index).padStart(4, '0')}@example.com`;
}

/** The instant the run starts: a Monday at 08:00 UTC, so days and sweeps line up with UTC days. */
export const RUN_START = Date.parse('2027-01-04T08:00:00Z');

/**
 * A fresh Clearway on an in-memory SQLite store and a fake clock: governance with an intake
 * project and a review issue type, a 14-day review window, daily drift checks that remove
 * unexpected members and put back missing ones, 30-day retention, a security reviewer and the
 * exception rules (`EXCEPTION_RULES`, open limits from the run); the real Okta and Entra connectors against the simulator
 * (TLS, in this process), each with a tool whose group is created on first use, and a manual tool.
 */
export async function lifecycleWorld(options: { seed: number; people: number; outsiders: number; exceptionLimits?: ExceptionLimits }, random: Random): Promise<LifecycleWorld> {
  const requesters = Array.from({ length: options.people }, (_, index) => emailOf(index, false));
  const outsiders = Array.from({ length: options.outsiders }, (_, index) => emailOf(index, true));
  const simulator = await IdpSimulator.start({ seed: bothDirectoriesSeed([...requesters, ...outsiders]), tls: await ensureCertificate(paths.certificate), randomSeed: options.seed });
  const okta = simulator.okta;
  const graph = simulator.graph;
  if (!okta || !graph) throw new Error('The simulator started without the Okta org or the Entra tenant');
  const secretsDir = mkdtempSync(join(tmpdir(), 'clearway-lifecycle-'));
  const deps: LifecycleDeps = {
    store: new SqliteStore(),
    clock: new FakeClock(RUN_START),
    ids: seededIds(random),
    secrets: new FileSecrets(join(secretsDir, 'secrets.json')),
    jira: new SandboxJira(),
    logger: silentLogger,
  };

  await initializeClearway(deps);
  await updateGovernance(deps, admin, { note: 'lifecycle harness', rules: lifecycleGovernance(options.exceptionLimits ?? DEFAULT_EXCEPTION_LIMITS) });
  const connectors = simulatorConnectors(simulator.url);
  const connectorDeps = withProviders(deps);
  const limits = { requestsPerSecond: 50, concurrency: 8 };
  await createConnector(connectorDeps, admin, { id: 'okta', providerType: 'okta-group', name: 'Okta', settings: connectors['okta-group'].settings, secrets: connectors['okta-group'].secrets, limits });
  await createConnector(connectorDeps, admin, { id: 'entra', providerType: 'entra-group', name: 'Entra', settings: connectors['entra-group'].settings, secrets: connectors['entra-group'].secrets, limits });
  for (const tool of TOOLS) {
    await saveTool(deps, admin, {
      id: tool.id,
      name: tool.name,
      vendor: 'Lifecycle',
      status: 'approved',
      riskLevel: tool.riskLevel,
      defaultDurationDays: Math.min(30, tool.maxDurationDays),
      maxDurationDays: tool.maxDurationDays,
      guidance: '',
      fulfillment: { connectorId: tool.connectorId, group: { name: tool.groupName, ...(tool.directory !== 'manual' && { createIfMissing: true }) } },
    });
  }

  const person = (email: string, index: number, outsider: boolean): Person => {
    const oktaId = okta.findUser(email)?.id;
    const entraId = graph.findUser(email)?.id;
    if (!oktaId || !entraId) throw new Error(`${email} is missing from the simulator's directories`);
    return { index, accountId: `jira-${email.split('@')[0] ?? email}`, email, emails: [email], renamedAt: [], oktaId, entraId, outsider };
  };
  const people = [...requesters.map((email, index) => person(email, index, false)), ...outsiders.map((email, index) => person(email, options.people + index, true))];

  // The engine waits (for a rate slot, for the next due job) on the fake clock: no `sleep` is passed.
  const engine = sandboxEngine(deps, { workerId: 'lifecycle', callTimeoutMs: 10_000 });
  return {
    deps,
    simulator,
    engine,
    people,
    start: RUN_START,
    groupMembers: (tool) => {
      if (tool.directory === 'okta') return okta.findGroupByName(tool.groupName)?.members;
      if (tool.directory === 'entra') return graph.findGroupByName(tool.groupName)?.members;
      return undefined;
    },
    close: async () => {
      await simulator.stop();
      deps.store.close();
      rmSync(secretsDir, { recursive: true, force: true });
    },
  };
}

export function directoryIdOf(person: Person, tool: HarnessTool): string {
  return tool.directory === 'entra' ? person.entraId : person.oktaId;
}
