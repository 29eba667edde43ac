/**
 * The insights rollup as a fold over the audit chain: every figure a day row holds is a
 * transition the chain records with its time, so the day's figures follow from the events of the
 * day plus one running count (active grants by tool). Pure: no store, no clock.
 */
import { z } from 'zod';
import type { AuditEvent } from '../audit/event.js';
import { DAY_MS } from '../ports/clock.js';

/**
 * The ledger lives in one store record (≤ 240 KiB). What grows with a day's traffic is the ids of
 * that day's still-pending requests (~27 bytes each) and its activation times (~11 bytes each):
 * past these caps a day's figures degrade (a later request is counted but its same-day decision
 * not seen; the median uses the first samples, count and mean stay exact) instead of the ledger
 * outgrowing its record and stopping every later rollup.
 */
export const MAX_TRACKED_PENDING = 4_000;
export const MAX_ACTIVATION_SAMPLES = 4_000;

type Counts = Record<string, number>;

export interface TimeToActive {
  readonly median?: number;
  readonly mean?: number;
  readonly count: number;
}

/** A day's figures, except active grants by risk (that needs the catalog, which the caller reads). */
export interface DayFigures {
  readonly day: string;
  readonly requestsByStatus: Readonly<Counts>;
  readonly activeGrantsByTool: Readonly<Counts>;
  readonly timeToActiveMs: TimeToActive;
  readonly failuresByKind: Readonly<Counts>;
}

const countsSchema = z.record(z.string(), z.number().int().nonnegative());

const ledgerSchema = z.object({
  format: z.literal(1),
  /** The last audit seq folded in. */
  seq: z.number().int().nonnegative(),
  /** Start of the UTC day still open: events are bucketed into it or a later day, never an earlier one. */
  dayStart: z.number().int(),
  /** Grants active as of `seq`, by tool. */
  activeByTool: countsSchema,
  /** Events up to this seq are already in `activeByTool` (counted by the seeding scan of active grants). */
  seededThrough: z.number().int().optional(),
  open: z.object({
    /** Requests submitted during the open day, by their status now. */
    requestsByStatus: countsSchema,
    /** Those still pending: a decision on any other request belongs to an earlier day's submission. */
    pendingRequestIds: z.array(z.string()),
    /** First activations during the open day: approval → active, in ms. */
    activations: z.object({ count: z.number().int().nonnegative(), totalMs: z.number().nonnegative(), samplesMs: z.array(z.number().nonnegative()) }),
    failuresByKind: countsSchema,
  }),
});

export type InsightsLedger = z.infer<typeof ledgerSchema>;

/** The stored ledger, or undefined when there is none or it is not one this code wrote. */
export function parseLedger(value: unknown): InsightsLedger | undefined {
  const parsed = ledgerSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

export function startOfDay(at: number): number {
  return Math.floor(at / DAY_MS) * DAY_MS;
}

export function dayName(dayStart: number): string {
  return new Date(dayStart).toISOString().slice(0, 10);
}

/** A ledger that starts folding after `seq`, on the day of `dayStart`, with the active counts given. */
export function newLedger(input: { seq: number; dayStart: number; activeByTool: Counts; seededThrough?: number }): InsightsLedger {
  return {
    format: 1,
    seq: input.seq,
    dayStart: startOfDay(input.dayStart),
    activeByTool: { ...input.activeByTool },
    ...(input.seededThrough !== undefined && input.seededThrough > input.seq && { seededThrough: input.seededThrough }),
    open: emptyDay(),
  };
}

function emptyDay(): InsightsLedger['open'] {
  return { requestsByStatus: {}, pendingRequestIds: [], activations: { count: 0, totalMs: 0, samplesMs: [] }, failuresByKind: {} };
}

function add(counts: Counts, key: string, delta: number): void {
  const next = (counts[key] ?? 0) + delta;
  // Zero entries are dropped so a figure lists only what happened (and a count never goes below zero).
  if (next > 0) counts[key] = next;
  else delete counts[key];
}

/** Median (the mean of the two middle values for an even count) and rounded mean. */
export function timeToActive(activations: InsightsLedger['open']['activations']): TimeToActive {
  if (activations.count === 0) return { count: 0 };
  const sorted = [...activations.samplesMs].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[middle] : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
  return { count: activations.count, ...(median !== undefined && { median }), mean: Math.round(activations.totalMs / activations.count) };
}

const DECISIONS: ReadonlyMap<string, string> = new Map([
  ['request.approved', 'approved'],
  ['request.denied', 'denied'],
  ['request.expired', 'expired'],
]);

/**
 * Folds events, in `seq` order, into the ledger. `closeThrough` ends every open day before a
 * given time (yielding its figures); `apply` adds one event to the open day. Events are applied
 * to the open day whatever their `at`, so a slightly late `at` never reopens a closed day.
 */
export class InsightsFold {
  private readonly ledger: {
    seq: number;
    dayStart: number;
    activeByTool: Counts;
    seededThrough?: number;
    requestsByStatus: Counts;
    pending: Set<string>;
    activations: { count: number; totalMs: number; samplesMs: number[] };
    failuresByKind: Counts;
  };

  constructor(ledger: InsightsLedger) {
    this.ledger = {
      seq: ledger.seq,
      dayStart: ledger.dayStart,
      activeByTool: { ...ledger.activeByTool },
      ...(ledger.seededThrough !== undefined && { seededThrough: ledger.seededThrough }),
      requestsByStatus: { ...ledger.open.requestsByStatus },
      pending: new Set(ledger.open.pendingRequestIds),
      activations: { ...ledger.open.activations, samplesMs: [...ledger.open.activations.samplesMs] },
      failuresByKind: { ...ledger.open.failuresByKind },
    };
  }

  get seq(): number {
    return this.ledger.seq;
  }

  get dayStart(): number {
    return this.ledger.dayStart;
  }

  /**
   * Closes open days until the one `at` falls in is open, at most `room` of them; the closed
   * days' figures are appended to `closed`. False when `room` ran out first.
   */
  closeThrough(at: number, closed: DayFigures[], room: number): boolean {
    while (this.ledger.dayStart < startOfDay(at)) {
      if (closed.length >= room) return false;
      closed.push(this.figures());
      this.ledger.dayStart += DAY_MS;
      this.ledger.requestsByStatus = {};
      this.ledger.pending = new Set();
      this.ledger.activations = { count: 0, totalMs: 0, samplesMs: [] };
      this.ledger.failuresByKind = {};
    }
    return true;
  }

  apply(event: AuditEvent): void {
    const ledger = this.ledger;
    ledger.seq = event.seq;
    // Up to `seededThrough`, the scan that seeded the counts already saw the event's transition.
    const seenByScan = ledger.seededThrough !== undefined && event.seq <= ledger.seededThrough;
    if (ledger.seededThrough !== undefined && event.seq >= ledger.seededThrough) delete ledger.seededThrough;
    const requestId = event.refs.requestId;
    if (event.type === 'request.submitted' && requestId !== undefined) {
      add(ledger.requestsByStatus, 'pending', 1);
      if (ledger.pending.size < MAX_TRACKED_PENDING) ledger.pending.add(requestId);
      return;
    }
    const decided = DECISIONS.get(event.type);
    if (decided !== undefined) {
      // A request leaves pending at most once; one submitted on an earlier day is that day's figure.
      if (requestId !== undefined && ledger.pending.delete(requestId)) {
        add(ledger.requestsByStatus, 'pending', -1);
        add(ledger.requestsByStatus, decided, 1);
      }
      return;
    }
    if (event.type === 'job.failed') {
      add(ledger.failuresByKind, typeof event.data.kind === 'string' ? event.data.kind : 'unknown', 1);
      return;
    }
    if (event.type.startsWith('grant.')) this.applyGrantTransition(event, seenByScan);
  }

  private applyGrantTransition(event: AuditEvent, seenByScan: boolean): void {
    const { from, to, firstActivation, approvedAt } = event.data;
    const toolId = event.refs.toolId;
    if (typeof from !== 'string' || typeof to !== 'string' || from === to || toolId === undefined) return;
    const ledger = this.ledger;
    if (!seenByScan) {
      if (from === 'active') add(ledger.activeByTool, toolId, -1);
      if (to === 'active') add(ledger.activeByTool, toolId, 1);
    }
    // A grant provisioned again (reopened within its grace) was first activated on an earlier day.
    if (to === 'active' && firstActivation === true && typeof approvedAt === 'number') {
      const elapsed = Math.max(0, event.at - approvedAt);
      ledger.activations.count += 1;
      ledger.activations.totalMs += elapsed;
      if (ledger.activations.samplesMs.length < MAX_ACTIVATION_SAMPLES) ledger.activations.samplesMs.push(elapsed);
    }
  }

  /** The open day's figures as of the last event folded in. */
  figures(): DayFigures {
    const ledger = this.ledger;
    return {
      day: dayName(ledger.dayStart),
      requestsByStatus: { ...ledger.requestsByStatus },
      activeGrantsByTool: { ...ledger.activeByTool },
      timeToActiveMs: timeToActive(ledger.activations),
      failuresByKind: { ...ledger.failuresByKind },
    };
  }

  toLedger(): InsightsLedger {
    const ledger = this.ledger;
    return {
      format: 1,
      seq: ledger.seq,
      dayStart: ledger.dayStart,
      activeByTool: { ...ledger.activeByTool },
      ...(ledger.seededThrough !== undefined && { seededThrough: ledger.seededThrough }),
      open: {
        requestsByStatus: { ...ledger.requestsByStatus },
        pendingRequestIds: [...ledger.pending],
        activations: { ...ledger.activations, samplesMs: [...ledger.activations.samplesMs] },
        failuresByKind: { ...ledger.failuresByKind },
      },
    };
  }
}
