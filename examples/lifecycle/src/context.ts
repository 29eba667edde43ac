import { createHash } from 'node:crypto';
import { iterateQuery, type AccessException, type ExceptionClosure, type Grant } from '@clearway/core';
import type { Discrepancies, Property } from './discrepancies.js';
import type { LifecycleOptions } from './options.js';
import type { Random } from '@clearway/sandbox';
import { iso, type GrantRecord, type LifecycleRecord } from './record.js';
import type { Schedule } from './schedule.js';
import type { LifecycleWorld } from './world.js';

/** How big the world got: what the harness did, counted as it did it. */
export interface WorldSize {
  requests: number;
  reRequests: number;
  approved: number;
  denied: number;
  grants: number;
  simulatedDays: number;
  sweeps: number;
  /** Of which in bursts (extra sweeps minutes apart). */
  burstSweeps: number;
  /** Of which on the edge of a grant's end: a millisecond before it, and at it. */
  edgeSweeps: number;
  extensions: {
    activeBeforeReview: number;
    activeAfterReview: number;
    beforeActivation: number;
    inGrace: number;
    /** Refused: asked more than 7 days after the end. */
    outOfGrace: number;
    /** Refused: past 180 days from the start. */
    pastLifetime: number;
    /** Refused: the grant was revoked. */
    revoked: number;
    /** Of the in-grace and out-of-grace ones: asked within a minute of the grace's end. */
    atGraceEdge: number;
  };
  revokes: { byApprover: number; byRequester: number };
  renames: number;
  /** Directory grants that ended (revoked or expired) after their person was renamed: each must still take the user out. */
  endedAfterRename: number;
  outOfBand: { reAddedAfterEnd: number; addedNeverGranted: number; removedActive: number };
  clockJumps: number[];
  manualTasksCompleted: number;
  /** Calls made only to be refused: duplicate requests, self-approvals, decided requests, self-extensions. */
  refusalProbes: number;
  expiredBySweeps: number;
  recertificationIssues: number;
  exceptions: {
    /** Approved by the security reviewer past the effective maximum (up to the exceptions' own). */
    granted: number;
    /** Refused `exception_limit_reached`: the record counted the tool's open exceptions at the limit. */
    refusedByLimit: number;
    /** An ordinary approver asked for the same days without an exception: refused `validation_failed`, nothing changed. */
    refusedOutsideRules: number;
    /** Reviews of due exceptions by the security reviewer. */
    kept: number;
    ended: number;
    /** Due reviews nobody did (some lapse; others end first by expiry or a revoke). */
    skipped: number;
    /** How exceptions closed, by the record, at the end of the run. */
    closed: Record<ExceptionClosure, number>;
    /** Governance updates of the open limits during the run. */
    limitChanges: number;
    /** Sweeps a millisecond before a skipped review's lapse moment, and at it. */
    lapseEdgeSweeps: number;
    /** Review issues the exception sweep opened in Jira. */
    reviewIssues: number;
  };
  jobsFailed: number;
  providerCalls: number;
}

export function emptySize(): WorldSize {
  return {
    requests: 0,
    reRequests: 0,
    approved: 0,
    denied: 0,
    grants: 0,
    simulatedDays: 0,
    sweeps: 0,
    burstSweeps: 0,
    edgeSweeps: 0,
    extensions: { activeBeforeReview: 0, activeAfterReview: 0, beforeActivation: 0, inGrace: 0, outOfGrace: 0, pastLifetime: 0, revoked: 0, atGraceEdge: 0 },
    revokes: { byApprover: 0, byRequester: 0 },
    renames: 0,
    endedAfterRename: 0,
    outOfBand: { reAddedAfterEnd: 0, addedNeverGranted: 0, removedActive: 0 },
    clockJumps: [],
    manualTasksCompleted: 0,
    refusalProbes: 0,
    expiredBySweeps: 0,
    recertificationIssues: 0,
    exceptions: {
      granted: 0,
      refusedByLimit: 0,
      refusedOutsideRules: 0,
      kept: 0,
      ended: 0,
      skipped: 0,
      closed: { expired: 0, never_provisioned: 0, revoked: 0, ended_by_review: 0, lapsed: 0 },
      limitChanges: 0,
      lapseEdgeSweeps: 0,
      reviewIssues: 0,
    },
    jobsFailed: 0,
    providerCalls: 0,
  };
}

/** What the harness's steps and checks share. */
export interface RunContext {
  readonly options: LifecycleOptions;
  readonly world: LifecycleWorld;
  readonly schedule: Schedule;
  readonly record: LifecycleRecord;
  readonly random: Random;
  readonly found: Discrepancies;
  readonly size: WorldSize;
  /** `connectorId:accountId` of every identity Clearway resolved and cached (from the audit chain). */
  readonly resolvedIdentities: Set<string>;
  /** Manual tasks already given to a person (job ids). */
  readonly manualTasksSeen: Set<string>;
  /** Recertification issues per grant, per end date named in the summary. */
  readonly reviewIssues: Map<string, Map<string, number>>;
  /** Exception review issues per grant, per review date named in the summary. */
  readonly exceptionReviewIssues: Map<string, Map<string, number>>;
  now(): number;
  /** Simulated day of the run, from 0. */
  day(): number;
}

/** Records a discrepancy about a grant, with the grant's history for the example. */
export function reportGrant(ctx: RunContext, property: Property, what: string, grant: GrantRecord, detail: string): void {
  ctx.found.add({ property, what, at: iso(ctx.now()), day: ctx.day(), grantId: grant.id, detail }, () => grant.history);
}

/** Records a discrepancy about something other than one grant: a day, a person, a tool. */
export function reportSubject(ctx: RunContext, property: Property, what: string, subject: string, detail: string): void {
  ctx.found.add({ property, what, at: iso(ctx.now()), day: ctx.day(), subject, detail });
}

/** Records a discrepancy about a grant id: with the grant's history when the record has the grant. */
export function reportGrantId(ctx: RunContext, property: Property, what: string, grantId: string, detail: string): void {
  const grant = ctx.record.grants.get(grantId);
  if (grant) reportGrant(ctx, property, what, grant, detail);
  else reportSubject(ctx, property, what, grantId, detail);
}

/**
 * Whether Clearway's grant still tells the same story as the record: same status, and once
 * activated, the same end. Steps only act on grants that agree, so one wrong end found by a
 * check does not turn into a cascade of refused calls.
 */
export function agrees(grant: GrantRecord, stored: Grant | undefined): boolean {
  if (!stored || grant.diverged !== undefined || stored.status !== grant.status) return false;
  return grant.firstActivation === undefined || stored.expiresAt === grant.end;
}

export async function storedGrant(ctx: RunContext, grant: GrantRecord): Promise<Grant | undefined> {
  return ctx.world.deps.store.get('grant', grant.id);
}

/** Every exception record Clearway holds, by id (its grant's id). */
export async function storedExceptions(ctx: RunContext): Promise<Map<string, AccessException>> {
  const stored = new Map<string, AccessException>();
  for await (const exception of iterateQuery(ctx.world.deps.store, 'exception', 'all', { partition: [], limit: 100 })) stored.set(exception.id, exception);
  return stored;
}

/**
 * A digest of everything Clearway holds — each record's entity, id and version — and of what it
 * wrote to Jira: a call that is refused must leave both as they were.
 */
export function worldFingerprint(ctx: RunContext): string {
  const hash = createHash('sha256');
  for (const row of ctx.world.deps.store.db.prepare('SELECT entity, id, version FROM records ORDER BY entity, id').raw().iterate()) hash.update(`${JSON.stringify(row)}\n`);
  for (const issue of Object.values(ctx.world.deps.jira.issues)) hash.update(`${issue.key}:${issue.comments.length}:${issue.internalNotes?.length ?? 0}:${issue.transitions.length}\n`);
  return hash.digest('hex');
}
