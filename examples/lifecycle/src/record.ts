/**
 * The harness's own record of the world: what it asked for, what was decided, and what every
 * grant's approved end is by the product's rules (DESIGN.md §1.4) — computed here from the calls
 * the harness made, never read back from Clearway. Only activation is observed (the engine or a
 * person's "Mark fulfilled" does it); its time is taken from the audit event that recorded it.
 */
import { DAY_MS, type ClearwayErrorCode, type ExceptionClosure } from '@clearway/core';
import { LimitHistory, closeExceptionRecord, keepExceptionRecord, lapseMoment, newExceptionRecord, type ExceptionRecord } from './exception-record.js';
import { DEFAULT_EXCEPTION_LIMITS, EXCEPTION_RULES, type ExceptionLimits, type HarnessTool, type Person } from './world.js';

/** An expired grant may be extended for this many days after its end. */
export const GRACE_DAYS = 7;
/** No extension may take a grant's end past this many days after its start. */
export const MAX_LIFETIME_DAYS = 180;

export type RecordedStatus = 'pending_provision' | 'active' | 'expired' | 'revoked';

/** One approved end while the grant is active: from activation or an extension, until the next. */
export interface Term {
  readonly end: number;
  readonly from: number;
  to?: number;
  /** The first sweep at which this term, active, was inside the review window. */
  enteredWindowAt?: number;
}

export interface GrantRecord {
  readonly id: string;
  readonly requestId: string;
  readonly person: Person;
  readonly tool: HarnessTool;
  /** The days approved: what was asked, or longer for an exception. */
  readonly durationDays: number;
  readonly approvedAt: number;
  /** Approved outside the rules by the security reviewer. */
  readonly exception?: ExceptionRecord;
  status: RecordedStatus;
  firstActivation?: number;
  /** The approved end; before activation, the provisional one (approval + duration + extensions). */
  end: number;
  /** Days extended before the first activation: they count on top of the duration. */
  preActivationDays: number;
  readonly terms: Term[];
  readonly timeline: Array<{ readonly at: number; readonly status: RecordedStatus }>;
  /** What happened to it, in words, for a discrepancy's example. */
  readonly history: string[];
  /** Set when a call on it came out other than the rules say: its record no longer predicts it. */
  diverged?: string;
  /** An admin took this active member out of the group by hand (directory tools), in its current term. */
  handRemovedAt?: number;
  /** Drift reported that removal (`drift.detected`, missing_member), at or after `handRemovedAt`. */
  driftReportedAt?: number;
  /** For a manual tool: whether the person fulfilling last marked the access given (or removed). */
  manualMember?: boolean;
}

export type RequestStatus = 'pending' | 'approved' | 'denied';

export interface RequestRecord {
  readonly id: string;
  readonly issueKey: string;
  readonly person: Person;
  readonly tool: HarnessTool;
  readonly durationDays: number;
  readonly submittedAt: number;
  readonly timeline: Array<{ readonly at: number; readonly status: RequestStatus }>;
  grantId?: string;
}

/** A change an admin made to a group by hand, and the obligation it puts on Clearway. */
export interface HandChange {
  readonly kind: 're_added_after_end' | 'added_never_granted';
  readonly person: Person;
  readonly tool: HarnessTool;
  readonly at: number;
  /** For a re-add: the grant that had ended. */
  readonly grantId?: string;
}

export type Prediction = { readonly ok: true } | { readonly refused: ClearwayErrorCode; readonly why: string };

export function iso(at: number): string {
  return `${new Date(at).toISOString().slice(0, 16)}Z`;
}

export function dayOf(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}

/** The start the lifetime cap counts from: the first activation, or the approval before it. */
export function startOf(grant: GrantRecord): number {
  return grant.firstActivation ?? grant.approvedAt;
}

/** What extending `grant` by `days` at `now` must come to, by the rules alone. */
export function predictExtension(grant: GrantRecord, days: number, now: number): Prediction {
  if (grant.status === 'revoked') return { refused: 'invalid_transition', why: 'a revoked grant cannot be extended' };
  if (grant.status === 'expired' && now > grant.end + GRACE_DAYS * DAY_MS) {
    return { refused: 'extension_out_of_bounds', why: `ended ${iso(grant.end)}, more than ${GRACE_DAYS} days ago` };
  }
  // An exception's grant ends with its exception: a new exception takes a new request (DESIGN: exceptions are decided against the limits of their day).
  if (grant.exception && grant.status === 'expired') return { refused: 'extension_out_of_bounds', why: 'an exception grant that expired is not re-opened' };
  const base = grant.status === 'expired' ? now : grant.end;
  const lifetimeDays = grant.exception ? EXCEPTION_RULES.maxDurationDays : MAX_LIFETIME_DAYS;
  const limit = startOf(grant) + lifetimeDays * DAY_MS;
  if (base + days * DAY_MS > limit) return { refused: 'extension_out_of_bounds', why: `would end ${iso(base + days * DAY_MS)}, past ${iso(limit)} (${lifetimeDays} days from the start)` };
  return { ok: true };
}

/** What a sweep did by the rules: grants expired, and grants whose exception lapsed (revoked). */
export interface SweepOutcome {
  readonly expired: GrantRecord[];
  readonly lapsed: GrantRecord[];
}

export class LifecycleRecord {
  readonly grants = new Map<string, GrantRecord>();
  readonly requests = new Map<string, RequestRecord>();
  /** Jobs that failed for good, as the audit chain recorded them. */
  readonly failures: Array<{ readonly at: number; readonly kind: string; readonly grantId?: string }> = [];
  readonly handChanges: HandChange[] = [];
  /** The open limits for exceptions in force over the run. */
  readonly limits: LimitHistory;

  constructor(initialLimits: ExceptionLimits = DEFAULT_EXCEPTION_LIMITS) {
    this.limits = new LimitHistory(initialLimits);
  }

  grantsOf(person: Person, tool: HarnessTool): GrantRecord[] {
    return [...this.grants.values()].filter((grant) => grant.person === person && grant.tool === tool);
  }

  /**
   * The grant that speaks for a person's access to a tool now: the live one if any (an old grant
   * re-opened in its grace may be live while a newer one has ended), else the one that ended last.
   */
  currentGrant(person: Person, tool: HarnessTool): GrantRecord | undefined {
    let current: GrantRecord | undefined;
    for (const grant of this.grantsOf(person, tool)) {
      if (grant.status === 'active' || grant.status === 'pending_provision') return grant;
      if (!current || (grant.timeline.at(-1)?.at ?? 0) >= (current.timeline.at(-1)?.at ?? 0)) current = grant;
    }
    return current;
  }

  /** A pending request or a live grant: a new request for the tool is refused as a duplicate. */
  hasOpenClaim(person: Person, tool: HarnessTool): boolean {
    const pending = [...this.requests.values()].some((request) => request.person === person && request.tool === tool && request.timeline.at(-1)?.status === 'pending');
    return pending || this.grantsOf(person, tool).some((grant) => grant.status === 'pending_provision' || grant.status === 'active');
  }

  submit(request: Omit<RequestRecord, 'timeline'>): RequestRecord {
    const recorded: RequestRecord = { ...request, timeline: [{ at: request.submittedAt, status: 'pending' }] };
    this.requests.set(recorded.id, recorded);
    return recorded;
  }

  deny(request: RequestRecord, at: number): void {
    request.timeline.push({ at, status: 'denied' });
  }

  /** The tool's exceptions open now, by the record. */
  openExceptions(tool: HarnessTool): ExceptionRecord[] {
    const open: ExceptionRecord[] = [];
    for (const grant of this.grants.values()) if (grant.tool === tool && grant.exception?.state === 'open') open.push(grant.exception);
    return open;
  }

  /**
   * Approves a request: for what was asked, or (`exception`) for `durationDays` past the
   * maximum, which opens an exception under the limit in force now.
   */
  approve(request: RequestRecord, grantId: string, at: number, approval: { readonly durationDays?: number; readonly exception?: boolean } = {}): GrantRecord {
    request.timeline.push({ at, status: 'approved' });
    request.grantId = grantId;
    const durationDays = approval.durationDays ?? request.durationDays;
    const exception = approval.exception
      ? newExceptionRecord({ grantId, tool: request.tool, days: durationDays, at, limit: this.limits.limitAt(request.tool, at), open: this.openExceptions(request.tool).length + 1 })
      : undefined;
    const grant: GrantRecord = {
      id: grantId,
      requestId: request.id,
      person: request.person,
      tool: request.tool,
      durationDays,
      approvedAt: at,
      ...(exception && { exception }),
      status: 'pending_provision',
      end: at + durationDays * DAY_MS,
      preActivationDays: 0,
      terms: [],
      timeline: [{ at, status: 'pending_provision' }],
      history: [`${iso(at)} approved: ${durationDays} d of ${request.tool.id} for ${request.person.accountId}${exception ? ` as an exception (asked ${request.durationDays} d; ${exception.openAtOpening} open of ${exception.limitAtOpening} allowed)` : ''}`],
    };
    this.grants.set(grantId, grant);
    return grant;
  }

  /** A security reviewer kept the exception at its review. */
  keepException(grant: GrantRecord, at: number): void {
    if (!grant.exception) return;
    keepExceptionRecord(grant.exception, at);
    grant.history.push(`${iso(at)} exception kept at review: next review ${iso(grant.exception.nextReviewAt)}`);
  }

  /** A security reviewer ended the exception at its review: its grant is revoked. */
  endException(grant: GrantRecord, at: number): void {
    grant.exception?.reviews.push({ at, outcome: 'ended' });
    this.revoke(grant, at, 'the security reviewer at the exception’s review', 'ended_by_review');
  }

  /** Activation seen in the audit chain. Answers what was wrong with it, if anything. */
  activate(grant: GrantRecord, at: number): string | undefined {
    if (grant.status !== 'pending_provision') return `activated while it was ${grant.status}`;
    if (grant.firstActivation === undefined) {
      grant.firstActivation = at;
      grant.end = at + (grant.durationDays + grant.preActivationDays) * DAY_MS;
      grant.history.push(`${iso(at)} activated: approved end ${iso(grant.end)}`);
    } else {
      grant.history.push(`${iso(at)} active again: end stays ${iso(grant.end)}`);
    }
    this.move(grant, 'active', at);
    grant.terms.push({ end: grant.end, from: at });
    return undefined;
  }

  /** Applies an extension the rules allow (see `predictExtension`). */
  extend(grant: GrantRecord, days: number, at: number, note: string): void {
    if (grant.status === 'expired') {
      grant.end = at + days * DAY_MS;
      this.move(grant, 'pending_provision', at);
      grant.history.push(`${iso(at)} extended in grace by ${days} d: end ${iso(grant.end)} (${note})`);
      return;
    }
    if (grant.status === 'pending_provision' && grant.firstActivation === undefined) {
      grant.preActivationDays += days;
      grant.end += days * DAY_MS;
      grant.history.push(`${iso(at)} extended before activation by ${days} d (${note})`);
      return;
    }
    this.closeTerm(grant, at);
    grant.end += days * DAY_MS;
    grant.terms.push({ end: grant.end, from: at });
    grant.history.push(`${iso(at)} extended by ${days} d: end ${iso(grant.end)} (${note})`);
  }

  /** Ends a live grant now; its open exception closes as `how` (an approver's or requester's revoke: `revoked`). */
  revoke(grant: GrantRecord, at: number, by: string, how: Extract<ExceptionClosure, 'revoked' | 'ended_by_review' | 'lapsed'> = 'revoked'): void {
    this.closeTerm(grant, at);
    this.move(grant, 'revoked', at);
    grant.history.push(`${iso(at)} revoked by ${by}`);
    closeExceptionRecord(grant.exception, at, how);
  }

  /** The open limits change (a governance update): exceptions opened from `at` on count against them. */
  changeLimits(at: number, limits: ExceptionLimits): void {
    this.limits.change(at, limits);
  }

  /**
   * What a sweep at `at` must do by the rules, in the order Clearway's sweep runs them: every
   * live grant at or past its approved end is expired (its exception closes `expired`, or
   * `never_provisioned` when it was never active); every term still active and within
   * `windowDays` of its end is in its window; then every open exception whose review was missed
   * until its lapse moment lapses (its grant is revoked), and every other one whose review is due
   * has that review noted, once.
   */
  sweep(at: number, windowDays: number): SweepOutcome {
    const expired: GrantRecord[] = [];
    const lapsed: GrantRecord[] = [];
    for (const grant of this.grants.values()) {
      if ((grant.status === 'active' || grant.status === 'pending_provision') && grant.end <= at) {
        this.closeTerm(grant, at);
        this.move(grant, 'expired', at);
        grant.history.push(`${iso(at)} sweep: expired (end ${iso(grant.end)})`);
        closeExceptionRecord(grant.exception, at, grant.firstActivation === undefined ? 'never_provisioned' : 'expired');
        expired.push(grant);
      }
    }
    for (const grant of this.grants.values()) {
      const term = grant.status === 'active' ? grant.terms.at(-1) : undefined;
      if (term && term.enteredWindowAt === undefined && term.end - at <= windowDays * DAY_MS) term.enteredWindowAt = at;
    }
    for (const grant of this.grants.values()) {
      const exception = grant.exception;
      if (exception?.state !== 'open' || exception.nextReviewAt > at) continue;
      if (at >= lapseMoment(exception)) {
        this.revoke(grant, at, `the sweep: the exception lapsed (review due ${iso(exception.nextReviewAt)})`, 'lapsed');
        lapsed.push(grant);
      } else if (!exception.reviewsDue.includes(exception.nextReviewAt)) {
        exception.reviewsDue.push(exception.nextReviewAt);
        grant.history.push(`${iso(at)} sweep: exception review due (${iso(exception.nextReviewAt)})`);
      }
    }
    return { expired, lapsed };
  }

  statusAt(grant: GrantRecord, at: number): RecordedStatus | undefined {
    let status: RecordedStatus | undefined;
    for (const entry of grant.timeline) if (entry.at <= at) status = entry.status;
    return status;
  }

  requestStatusAt(request: RequestRecord, at: number): RequestStatus | undefined {
    let status: RequestStatus | undefined;
    for (const entry of request.timeline) if (entry.at <= at) status = entry.status;
    return status;
  }

  private move(grant: GrantRecord, status: RecordedStatus, at: number): void {
    grant.status = status;
    grant.timeline.push({ at, status });
    // A hand removal concerns the term it happened in: once the grant ends (or is provisioned again), it is settled.
    if (status !== 'active') {
      delete grant.handRemovedAt;
      delete grant.driftReportedAt;
    }
  }

  private closeTerm(grant: GrantRecord, at: number): void {
    const term = grant.terms.at(-1);
    if (term && term.to === undefined) term.to = at;
  }
}
