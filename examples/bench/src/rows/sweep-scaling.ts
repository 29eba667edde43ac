import { DAY_MS, SYSTEM_ACTOR, expireDueGrants, openRecertifications, put, updateGovernance, DEFAULT_GOVERNANCE_RULES, type Grant, type Write } from '@clearway/core';
import { VirtualClock } from '@clearway/sandbox';
import { countingInstall } from '../counting-store.js';
import { progress, round, type BenchRow } from '../report.js';

/**
 * Builds a store with `total` active grants of which 50 are past expiry and 50 others are inside
 * the review window, then counts the store reads the expiry sweep and the recertification sweep
 * make. Grants are written straight into the store (this row measures the sweeps, not intake).
 */
async function sweepReads(total: number): Promise<{ expiry: number; recertification: number }> {
  const clock = new VirtualClock();
  const { deps, store, sqlite } = await countingInstall(clock);
  await updateGovernance(deps, SYSTEM_ACTOR, { rules: { ...DEFAULT_GOVERNANCE_RULES, intake: { projectKey: 'AIR', requestTypeIds: [], recertIssueTypeId: '10050' }, reviewWindowDays: 7 } });
  const now = clock.now();
  const writes: Write[] = [];
  const flush = async () => {
    await sqlite.commit(writes.splice(0));
  };
  for (let index = 0; index < total; index += 1) {
    // 50 overdue, 50 expiring in 3 days (review window), the rest expiring in 60–90 days.
    const expiresAt = index < 50 ? now - DAY_MS : index < 100 ? now + 3 * DAY_MS : now + (60 + (index % 30)) * DAY_MS;
    const grant: Grant = { id: `grant-${index}`, version: 0, requestId: `req-${index}`, issueKey: `AIR-${index + 1}`, requesterAccountId: `acc-${index}`, toolId: 'chatgpt', connectorId: 'manual', status: 'active', durationDays: 30, createdAt: now - 30 * DAY_MS, updatedAt: now - 30 * DAY_MS, activatedAt: now - 30 * DAY_MS, expiresAt, deprovision: 'not_needed', extensions: [] };
    writes.push(put('grant', grant));
    if (writes.length === 25) await flush();
  }
  await flush();
  store.reads = 0;
  await expireDueGrants(deps);
  const expiry = store.reads;
  store.reads = 0;
  await openRecertifications(deps);
  const recertification = store.reads;
  sqlite.close();
  return { expiry, recertification };
}

/** Row 3: store reads per expiry + recertification sweep, 1,000 vs 100,000 grants, the same 50 due. */
export async function sweepScaling(small = 1_000, large = 100_000): Promise<BenchRow> {
  progress(`row 3: sweeps over ${small} grants`);
  const few = await sweepReads(small);
  progress(`row 3: sweeps over ${large} grants`);
  const many = await sweepReads(large);
  const ratio = (many.expiry + many.recertification) / (few.expiry + few.recertification);
  return {
    id: 'sweep-scaling',
    name: `Store reads per sweep: ${large.toLocaleString('en')} vs ${small.toLocaleString('en')} grants, 50 due`,
    figure: round(ratio),
    unit: 'reads(large) ÷ reads(small)',
    target: '≤ 1.5',
    met: ratio <= 1.5,
    details: { expiryReadsSmall: few.expiry, expiryReadsLarge: many.expiry, recertReadsSmall: few.recertification, recertReadsLarge: many.recertification },
  };
}
