import { readChainHead } from '../audit/audit-log.js';
import { iterateQuery, MAX_COMMIT_WRITES, put, type Write } from '../ports/store.js';
import type { MetaRecord } from '../ports/store-schema.js';
import type { CoreDeps } from '../shared/deps.js';
import { transact } from '../shared/transact.js';
import { InsightsFold, newLedger, parseLedger, startOfDay, type DayFigures, type InsightsLedger, type TimeToActive } from './insights-ledger.js';

/**
 * One UTC day's rollup. For a day that is over, its figures at the end of the day; for today, as
 * of the latest refresh.
 */
export interface DailyInsights {
  readonly day: string;
  /** Requests submitted during the day, by their status at the end of the day. */
  readonly requestsByStatus: Readonly<Record<string, number>>;
  /** Grants active at the end of the day, by tool. */
  readonly activeGrantsByTool: Readonly<Record<string, number>>;
  /** The same by the tool's risk level (as the catalog says when the row is written). */
  readonly activeGrantsByRisk: Readonly<Record<string, number>>;
  /**
   * Approval to first activation, for grants first activated during the day (a grant provisioned
   * again after a grace extension is not counted twice): median, rounded mean, count.
   */
  readonly timeToActiveMs: TimeToActive;
  /** Jobs that failed for good during the day, by error kind. */
  readonly failuresByKind: Readonly<Record<string, number>>;
  readonly refreshedAt: number;
}

export interface InsightsRefresh {
  /** The days whose rows are current after this refresh: each day it closed, then the open day. */
  readonly days: readonly string[];
  /** The open day's row (today, once the refresh has caught up). */
  readonly today: DailyInsights;
  /** Audit events folded in. */
  readonly events: number;
}

export function insightsId(day: string): string {
  return `insights:${day}`;
}

const LEDGER_ID = 'insights:ledger';
const PAGE = 100;
/** Events folded per commit, so a backlog moves forward in steps that each stay small. */
const EVENTS_PER_COMMIT = 1_000;
/** Closed days per commit: the store takes 25 writes, two of them the ledger and the open day's row. */
const CLOSED_DAYS_PER_COMMIT = MAX_COMMIT_WRITES - 2;

type Risks = () => Promise<ReadonlyMap<string, string>>;

/**
 * Brings the daily rollups up to date by folding in the audit events appended since the last
 * refresh (the chain records every transition the figures count, with its time): a day's row is
 * written as the events pass its end, so what it holds is the day as it ended, whenever the
 * refresh runs. Cost follows the events since the last refresh, not the number of grants.
 * Concurrent refreshes are safe: the ledger and the rows commit together under version checks,
 * and a refresh that lost the race folds again from where the winner stopped.
 */
export async function rollUpInsights(deps: CoreDeps, options: { maxEvents?: number; deadline?: number } = {}): Promise<InsightsRefresh> {
  const maxEvents = options.maxEvents ?? 10_000;
  let catalog: Promise<ReadonlyMap<string, string>> | undefined;
  const risks: Risks = () => (catalog ??= readRisks(deps));
  const days: string[] = [];
  let events = 0;
  for (;;) {
    const step = await transact(deps, () => rollUpStep(deps, risks));
    events += step.events;
    for (const day of step.days) if (days.at(-1) !== day) days.push(day);
    const outOfTime = options.deadline !== undefined && deps.clock.now() >= options.deadline;
    if (!step.more || events >= maxEvents || outOfTime) return { days, today: step.today, events };
  }
}

/** `rollUpInsights`, answering the open day's row (today's, once caught up). */
export async function refreshInsights(deps: CoreDeps, options: { maxEvents?: number; deadline?: number } = {}): Promise<DailyInsights> {
  return (await rollUpInsights(deps, options)).today;
}

export async function readInsights(deps: CoreDeps, day: string): Promise<DailyInsights | undefined> {
  return (await deps.store.get('meta', insightsId(day)))?.value as DailyInsights | undefined;
}

interface Step {
  readonly days: readonly string[];
  readonly today: DailyInsights;
  readonly events: number;
  readonly more: boolean;
}

/** One commit's worth: fold up to EVENTS_PER_COMMIT events, close the days they pass, write the rows and the ledger. */
async function rollUpStep(deps: CoreDeps, risks: Risks): Promise<{ writes: Write[]; audit: []; result: Step }> {
  const record = await deps.store.get('meta', LEDGER_ID);
  let ledger = parseLedger(record?.value);
  let seeded = false;
  if (!ledger) {
    if (record) deps.logger.warn('The insights ledger was not readable; counting active grants again', { ledgerVersion: record.version });
    ledger = await seedLedger(deps);
    seeded = true;
  }
  let page = await deps.store.query('audit', 'bySeq', { partition: [], range: { gt: ledger.seq }, limit: PAGE });
  const first = page.items[0];
  if (!seeded && first && first.seq > ledger.seq + 1) {
    // Retention pruned events this ledger never folded in (no refresh for longer than the
    // retention period): the running counts cannot be carried over the gap, so start again.
    deps.logger.warn('Insights missed audit events that retention already pruned; counting active grants again', { ledgerSeq: ledger.seq, firstAvailableSeq: first.seq });
    ledger = await seedLedger(deps);
    seeded = true;
    page = await deps.store.query('audit', 'bySeq', { partition: [], range: { gt: ledger.seq }, limit: PAGE });
  }

  const fold = new InsightsFold(ledger);
  const closed: DayFigures[] = [];
  let events = 0;
  let blocked = false;
  let caughtUp = false;
  for (;;) {
    for (const event of page.items) {
      if (!fold.closeThrough(event.at, closed, CLOSED_DAYS_PER_COMMIT)) {
        blocked = true;
        break;
      }
      fold.apply(event);
      events += 1;
    }
    if (blocked) break;
    if (page.nextCursor === undefined) {
      caughtUp = true;
      break;
    }
    if (events >= EVENTS_PER_COMMIT) break;
    page = await deps.store.query('audit', 'bySeq', { partition: [], range: { gt: ledger.seq }, limit: PAGE, cursor: page.nextCursor });
  }
  // With every event in, the days before now are over even if nothing happened since.
  if (caughtUp) blocked = !fold.closeThrough(deps.clock.now(), closed, CLOSED_DAYS_PER_COMMIT);

  const now = deps.clock.now();
  const writes: Write[] = [];
  const days: string[] = [];
  for (const figures of closed) {
    const row = await rowWrite(deps, figures, risks, now);
    days.push(row.insights.day);
    if (row.write) writes.push(row.write);
  }
  const open = await rowWrite(deps, fold.figures(), risks, now);
  if (open.write) writes.push(open.write);
  if (seeded || events > 0 || closed.length > 0) writes.push(put('meta', { id: LEDGER_ID, version: record?.version ?? 0, value: fold.toLedger() } satisfies MetaRecord));
  return { writes, audit: [], result: { days: [...days, open.insights.day], today: open.insights, events, more: blocked || !caughtUp } };
}

/** A day's row with its risk figures, and the write that stores it (none when the stored row says the same). */
async function rowWrite(deps: CoreDeps, figures: DayFigures, risks: Risks, now: number): Promise<{ insights: DailyInsights; write?: Write }> {
  const activeGrantsByRisk: Record<string, number> = {};
  const tools = Object.entries(figures.activeGrantsByTool);
  const riskOf = tools.length > 0 ? await risks() : new Map<string, string>();
  for (const [toolId, count] of tools) {
    const risk = riskOf.get(toolId) ?? 'unknown';
    activeGrantsByRisk[risk] = (activeGrantsByRisk[risk] ?? 0) + count;
  }
  const insights: DailyInsights = { ...figures, activeGrantsByRisk, refreshedAt: now };
  const id = insightsId(figures.day);
  const current = await deps.store.get('meta', id);
  const { refreshedAt: _before, ...stored } = (current?.value as DailyInsights | undefined) ?? {};
  const { refreshedAt: _now, ...fresh } = insights;
  // Rewriting unchanged figures would cost a storage write for nothing.
  if (current && JSON.stringify(stored) === JSON.stringify(fresh)) return { insights: current.value as DailyInsights };
  return { insights, write: put('meta', { id, version: current?.version ?? 0, value: insights }) };
}

/** Risk level by tool id, from the catalog (a page per hundred tools). */
async function readRisks(deps: CoreDeps): Promise<ReadonlyMap<string, string>> {
  const risks = new Map<string, string>();
  for await (const tool of iterateQuery(deps.store, 'tool', 'byName', { partition: [], limit: PAGE })) risks.set(tool.id, tool.riskLevel);
  return risks;
}

/**
 * Starts a ledger when there is none (an install from before rollups were folded from the chain)
 * or it fell behind retention. This is the rollup's only read of every active grant, done once:
 * the scan gives the running counts as of the chain head read after it; today's events from the
 * head of the day are folded again for today's other figures (their grant transitions are in the
 * scan already). Transitions committed while the scan runs may be counted as of either side.
 */
async function seedLedger(deps: CoreDeps): Promise<InsightsLedger> {
  const dayStart = startOfDay(deps.clock.now());
  const activeByTool: Record<string, number> = {};
  for await (const grant of iterateQuery(deps.store, 'grant', 'byStatus', { partition: ['active'], limit: PAGE })) {
    activeByTool[grant.toolId] = (activeByTool[grant.toolId] ?? 0) + 1;
  }
  const head = (await readChainHead(deps.store)).position.seq;
  const firstToday = (await deps.store.query('audit', 'byTime', { partition: [], range: { gte: dayStart }, limit: 1 })).items[0];
  const seq = firstToday && firstToday.seq <= head ? firstToday.seq - 1 : head;
  return newLedger({ seq, dayStart, activeByTool, seededThrough: head });
}
