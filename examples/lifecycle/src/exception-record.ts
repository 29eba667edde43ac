/**
 * The record's side of exceptions: what the harness granted outside the rules, under which open
 * limit, and how each one must stand by the rules the world runs with (`EXCEPTION_RULES`) — its
 * next review, the reviews due, when it lapses, and how it closed. Computed from the harness's own
 * calls and sweeps, never read back from Clearway.
 */
import { DAY_MS, type ExceptionClosure } from '@clearway/core';
import { EXCEPTION_RULES, type ExceptionLimits, type HarnessTool } from './world.js';

export interface ExceptionReviewRecord {
  readonly at: number;
  readonly outcome: 'kept' | 'ended';
}

export interface ExceptionRecord {
  readonly grantId: string;
  readonly tool: HarnessTool;
  readonly days: number;
  readonly openedAt: number;
  /** The tool's open limit in force when it opened, and how many were open then, itself included. */
  readonly limitAtOpening: number;
  readonly openAtOpening: number;
  /** Opened from the approval, then one cadence after each kept review. */
  nextReviewAt: number;
  readonly reviews: ExceptionReviewRecord[];
  /** Each review date (`nextReviewAt`) a sweep found due while the exception was open and not lapsing: one review issue each. */
  readonly reviewsDue: number[];
  state: 'open' | 'closed';
  closedAt?: number;
  closedHow?: ExceptionClosure;
}

/** The moment an open exception ends unless it is reviewed: `lapseAfterDays` after its review was due. */
export function lapseMoment(exception: Pick<ExceptionRecord, 'nextReviewAt'>): number {
  return exception.nextReviewAt + EXCEPTION_RULES.lapseAfterDays * DAY_MS;
}

/** The limits in force over a run: the first from the start, each later one from its moment. */
export class LimitHistory {
  private readonly changes: Array<{ readonly at: number; readonly limits: ExceptionLimits }>;

  constructor(initial: ExceptionLimits) {
    this.changes = [{ at: Number.NEGATIVE_INFINITY, limits: initial }];
  }

  change(at: number, limits: ExceptionLimits): void {
    this.changes.push({ at, limits });
  }

  /** The tool's limit at `at` (a change at that very moment applies). */
  limitAt(tool: HarnessTool, at: number): number {
    let limits = this.changes[0]?.limits;
    for (const change of this.changes) if (change.at <= at) limits = change.limits;
    return limits?.[tool.riskLevel] ?? 0;
  }

  get count(): number {
    return this.changes.length - 1;
  }
}

export function newExceptionRecord(input: { grantId: string; tool: HarnessTool; days: number; at: number; limit: number; open: number }): ExceptionRecord {
  return {
    grantId: input.grantId,
    tool: input.tool,
    days: input.days,
    openedAt: input.at,
    limitAtOpening: input.limit,
    openAtOpening: input.open,
    nextReviewAt: input.at + EXCEPTION_RULES.reviewEveryDays * DAY_MS,
    reviews: [],
    reviewsDue: [],
    state: 'open',
  };
}

/** Closes an open exception; one already closed keeps how it closed. */
export function closeExceptionRecord(exception: ExceptionRecord | undefined, at: number, how: ExceptionClosure): void {
  if (exception?.state !== 'open') return;
  exception.state = 'closed';
  exception.closedAt = at;
  exception.closedHow = how;
}

/** A kept review: the next review is one cadence after it. */
export function keepExceptionRecord(exception: ExceptionRecord, at: number): void {
  exception.reviews.push({ at, outcome: 'kept' });
  exception.nextReviewAt = at + EXCEPTION_RULES.reviewEveryDays * DAY_MS;
}
