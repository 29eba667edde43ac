import {
  DAY_MS,
  DEFAULT_GOVERNANCE_RULES,
  HOUR_MS,
  SYSTEM_ACTOR,
  activateGrant,
  decide,
  put,
  refreshInsights,
  revokeGrant,
  saveTool,
  submitRequest,
  updateGovernance,
  type CoreDeps,
  type Grant,
  type Write,
} from '@clearway/core';
import { countingInstall } from '../counting-store.js';
import { progress, round, type BenchRow } from '../report.js';

const approver = { accountId: 'bench-approver' };
/** A day's changes, the same at every size: requests in and decided, grants turned active, grants given up. */
const CHANGES = { submitted: 40, approved: 30, denied: 10, revoked: 20 } as const;

/**
 * One day's traffic through the real services (so the audit chain records it as in production):
 * requests submitted and decided, the approved ones activated, some of the existing grants revoked.
 */
async function dayOfChanges(deps: CoreDeps, day: number, advance: (ms: number) => void): Promise<void> {
  for (let index = 0; index < CHANGES.submitted; index += 1) {
    const issueKey = `AIR-${(day + 1) * 1_000 + index}`;
    const { request } = await submitRequest(deps, { accountId: `new-${day}-${index}` }, { issueKey, projectKey: 'AIR', toolId: 'chatgpt', purpose: 'Benchmark access for the day', durationDays: 30 });
    advance(60_000);
    if (index >= CHANGES.approved + CHANGES.denied) continue;
    const approved = index < CHANGES.approved;
    const { grant } = await decide(deps, approver, { requestId: request.id, outcome: approved ? 'approved' : 'denied', rationale: 'benchmark' });
    advance(60_000);
    if (grant) await activateGrant(deps, grant.id, { by: 'clearway:engine', via: 'provider', outcome: 'added' });
  }
  for (let index = 0; index < CHANGES.revoked; index += 1) {
    // Its requester gives it up (seeded as the grant's requester below).
    await revokeGrant(deps, { accountId: `acc-${2 * index + day}` }, { grantId: `grant-${day}-${index}`, rationale: 'no longer needed' });
  }
}

/**
 * Builds an install with `total` active grants (written straight into the store), lets the first
 * rollup seed its running counts (the one scan of active grants, once per install), then runs the
 * same day's changes and counts the store reads of the insights sweep: once during the day, once
 * after midnight (closing the day).
 */
async function insightsReads(total: number): Promise<{ seed: number; duringDay: number; afterMidnight: number }> {
  let at = Date.parse('2026-11-23T08:00:00Z');
  const { deps, store, sqlite } = await countingInstall({ now: () => at });
  const advance = (ms: number) => void (at += ms);
  await updateGovernance(deps, SYSTEM_ACTOR, { rules: { ...DEFAULT_GOVERNANCE_RULES, intake: { projectKey: 'AIR', requestTypeIds: [] }, approvers: { ...DEFAULT_GOVERNANCE_RULES.approvers, default: [approver.accountId] } } });
  await saveTool(deps, SYSTEM_ACTOR, { id: 'chatgpt', name: 'ChatGPT Enterprise', vendor: 'OpenAI', status: 'approved', riskLevel: 'medium', defaultDurationDays: 30, maxDurationDays: 90 });
  const writes: Write[] = [];
  for (let index = 0; index < total; index += 1) {
    // The first grants are the ones the two days revoke, alternately.
    const id = index < 2 * CHANGES.revoked ? `grant-${index % 2}-${Math.floor(index / 2)}` : `grant-${index}`;
    const grant: Grant = { id, version: 0, requestId: `req-${index}`, issueKey: `OLD-${index + 1}`, requesterAccountId: `acc-${index}`, toolId: 'chatgpt', connectorId: 'manual', status: 'active', durationDays: 90, createdAt: at - 10 * DAY_MS, updatedAt: at - 10 * DAY_MS, activatedAt: at - 10 * DAY_MS, expiresAt: at + (60 + (index % 30)) * DAY_MS, deprovision: 'not_needed', extensions: [] };
    writes.push(put('grant', grant));
    if (writes.length === 25) await sqlite.commit(writes.splice(0));
  }
  await sqlite.commit(writes.splice(0));

  store.reads = 0;
  await refreshInsights(deps);
  const seed = store.reads;

  await dayOfChanges(deps, 0, advance);
  at = Date.parse('2026-11-23T18:00:00Z');
  store.reads = 0;
  await refreshInsights(deps);
  const duringDay = store.reads;

  at = Date.parse('2026-11-24T00:30:00Z');
  await dayOfChanges(deps, 1, advance);
  advance(HOUR_MS);
  store.reads = 0;
  await refreshInsights(deps);
  const afterMidnight = store.reads;
  sqlite.close();
  return { seed, duringDay, afterMidnight };
}

/** Store reads of the insights sweep, `large` vs `small` grants, with the same day's changes. */
export async function insightsScaling(small = 1_000, large = 100_000): Promise<BenchRow> {
  progress(`insights sweep over ${small} grants`);
  const few = await insightsReads(small);
  progress(`insights sweep over ${large} grants`);
  const many = await insightsReads(large);
  const ratio = (many.duringDay + many.afterMidnight) / (few.duringDay + few.afterMidnight);
  return {
    id: 'insights-scaling',
    name: `Store reads per insights sweep: ${large.toLocaleString('en')} vs ${small.toLocaleString('en')} grants, the same day's changes`,
    figure: round(ratio),
    unit: 'reads(large) ÷ reads(small)',
    target: '≤ 1.5',
    met: ratio <= 1.5,
    details: {
      duringDayReadsSmall: few.duringDay,
      duringDayReadsLarge: many.duringDay,
      afterMidnightReadsSmall: few.afterMidnight,
      afterMidnightReadsLarge: many.afterMidnight,
      oneTimeSeedReadsSmall: few.seed,
      oneTimeSeedReadsLarge: many.seed,
    },
  };
}
