import { describe, expect, it } from 'vitest';
import type { AuditEvent, AuditRefs } from '../audit/event.js';
import { DAY_MS, HOUR_MS } from '../ports/clock.js';
import { InsightsFold, MAX_ACTIVATION_SAMPLES, MAX_TRACKED_PENDING, newLedger, parseLedger, timeToActive, type DayFigures } from './insights-ledger.js';

const DAY0 = Date.parse('2026-11-23T00:00:00Z');

let seq = 0;
function event(at: number, type: string, refs: AuditRefs = {}, data: Record<string, unknown> = {}): AuditEvent {
  seq += 1;
  return { id: String(seq), version: 1, seq, at, actor: 'test', type, refs, data, policyVersion: 1, prevHash: '', entryHash: '', entryMac: '' };
}

const submitted = (at: number, requestId: string) => event(at, 'request.submitted', { requestId });
const transition = (at: number, grantId: string, from: string, to: string, data: Record<string, unknown> = {}) =>
  event(at, `grant.${to}`, { grantId, toolId: 'chatgpt' }, { from, to, ...data });

function fresh(): InsightsFold {
  seq = 0;
  return new InsightsFold(newLedger({ seq: 0, dayStart: DAY0, activeByTool: {} }));
}

/** Folds events as the rollup does: days close as the events pass their end. */
function foldAll(fold: InsightsFold, events: readonly AuditEvent[]): DayFigures[] {
  const closed: DayFigures[] = [];
  for (const item of events) {
    expect(fold.closeThrough(item.at, closed, 100)).toBe(true);
    fold.apply(item);
  }
  return closed;
}

describe('the insights fold', () => {
  it('counts requests submitted during the day by their status at its end', () => {
    const fold = fresh();
    const closed = foldAll(fold, [
      submitted(DAY0 + HOUR_MS, 'r1'),
      submitted(DAY0 + 2 * HOUR_MS, 'r2'),
      event(DAY0 + 3 * HOUR_MS, 'request.denied', { requestId: 'r2' }),
      // Auto-approval: submitted and approved in one commit.
      submitted(DAY0 + 4 * HOUR_MS, 'r3'),
      event(DAY0 + 4 * HOUR_MS, 'request.approved', { requestId: 'r3' }),
      // Decided again (never happens) or decided for a request from before the ledger: ignored.
      event(DAY0 + 5 * HOUR_MS, 'request.expired', { requestId: 'r2' }),
      event(DAY0 + 5 * HOUR_MS, 'request.approved', { requestId: 'older' }),
      event(DAY0 + DAY_MS + HOUR_MS, 'request.approved', { requestId: 'r1' }),
    ]);
    expect(closed.map((day) => day.requestsByStatus)).toEqual([{ pending: 1, denied: 1, approved: 1 }]);
    expect(fold.figures().requestsByStatus).toEqual({});
  });

  it('keeps the running active count by tool and closes each day with it', () => {
    const fold = fresh();
    const closed = foldAll(fold, [
      transition(DAY0 + HOUR_MS, 'g1', 'pending_provision', 'active', { firstActivation: true, approvedAt: DAY0 }),
      transition(DAY0 + 2 * HOUR_MS, 'g2', 'pending_provision', 'provision_failed'),
      transition(DAY0 + 3 * DAY_MS, 'g1', 'active', 'expired'),
    ]);
    expect(closed.map((day) => [day.day, day.activeGrantsByTool])).toEqual([
      ['2026-11-23', { chatgpt: 1 }],
      ['2026-11-24', { chatgpt: 1 }],
      ['2026-11-25', { chatgpt: 1 }],
    ]);
    expect(fold.figures()).toMatchObject({ day: '2026-11-26', activeGrantsByTool: {} });
  });

  it('never reopens a closed day for an event whose time is slightly out of order', () => {
    const fold = fresh();
    foldAll(fold, [submitted(DAY0 + DAY_MS + 1, 'r1')]);
    const closed: DayFigures[] = [];
    expect(fold.closeThrough(DAY0 + DAY_MS - 1, closed, 10)).toBe(true);
    fold.apply(submitted(DAY0 + DAY_MS - 1, 'r2'));
    expect(closed).toEqual([]);
    expect(fold.figures()).toMatchObject({ day: '2026-11-24', requestsByStatus: { pending: 2 } });
  });

  it('closes at most the days it has room for and carries on from there', () => {
    const fold = fresh();
    const closed: DayFigures[] = [];
    expect(fold.closeThrough(DAY0 + 5 * DAY_MS, closed, 2)).toBe(false);
    expect(closed.map((day) => day.day)).toEqual(['2026-11-23', '2026-11-24']);
    expect(fold.figures().day).toBe('2026-11-25');
  });

  it('leaves transitions the seeding scan already counted out of the running count', () => {
    seq = 0;
    const fold = new InsightsFold(newLedger({ seq: 0, dayStart: DAY0, activeByTool: { chatgpt: 2 }, seededThrough: 2 }));
    fold.apply(transition(DAY0 + HOUR_MS, 'g1', 'pending_provision', 'active', { firstActivation: true, approvedAt: DAY0 }));
    fold.apply(transition(DAY0 + HOUR_MS, 'g2', 'pending_provision', 'active', { firstActivation: true, approvedAt: DAY0 }));
    expect(fold.toLedger().seededThrough).toBeUndefined();
    fold.apply(transition(DAY0 + 2 * HOUR_MS, 'g3', 'pending_provision', 'active', { firstActivation: true, approvedAt: DAY0 }));
    expect(fold.figures()).toMatchObject({ activeGrantsByTool: { chatgpt: 3 }, timeToActiveMs: { count: 3 } });
  });

  it('times first activations only, and only when the event says when the grant was approved', () => {
    const fold = fresh();
    foldAll(fold, [
      transition(DAY0 + 3 * HOUR_MS, 'g1', 'pending_provision', 'active', { firstActivation: true, approvedAt: DAY0 + HOUR_MS }),
      transition(DAY0 + 4 * HOUR_MS, 'g2', 'pending_provision', 'active', { firstActivation: false, approvedAt: DAY0 }),
      // An activation recorded before activations carried these fields.
      transition(DAY0 + 5 * HOUR_MS, 'g3', 'pending_provision', 'active'),
    ]);
    expect(fold.figures()).toMatchObject({ activeGrantsByTool: { chatgpt: 3 }, timeToActiveMs: { count: 1, median: 2 * HOUR_MS, mean: 2 * HOUR_MS } });
  });

  it('counts jobs that failed for good by error kind', () => {
    const fold = fresh();
    foldAll(fold, [
      event(DAY0 + HOUR_MS, 'job.failed', { jobId: 'j1' }, { kind: 'not_found' }),
      event(DAY0 + HOUR_MS, 'job.attempt_failed', { jobId: 'j2' }, { kind: 'transient' }),
      event(DAY0 + HOUR_MS, 'job.failed', { jobId: 'j3' }, { kind: 'not_found' }),
      event(DAY0 + HOUR_MS, 'job.failed', { jobId: 'j4' }, {}),
    ]);
    expect(fold.figures().failuresByKind).toEqual({ not_found: 2, unknown: 1 });
  });

  it('takes the median of an odd count from the middle and of an even count from the two middle values', () => {
    expect(timeToActive({ count: 3, totalMs: 10, samplesMs: [5, 1, 4] })).toEqual({ count: 3, median: 4, mean: 3 });
    expect(timeToActive({ count: 4, totalMs: 15, samplesMs: [9, 1, 4, 1] })).toEqual({ count: 4, median: 2.5, mean: 4 });
    expect(timeToActive({ count: 0, totalMs: 0, samplesMs: [] })).toEqual({ count: 0 });
  });

  it('stays inside one store record on a very busy day', () => {
    const fold = fresh();
    // Ids as long as real ones, waits of weeks (ten-digit milliseconds).
    const WEEKS = 1_000_000_000;
    const events: AuditEvent[] = [];
    for (let index = 0; index <= MAX_TRACKED_PENDING; index += 1) events.push(submitted(DAY0 + HOUR_MS, `req_${String(index).padStart(20, '0')}`));
    for (let index = 0; index <= MAX_ACTIVATION_SAMPLES; index += 1) {
      events.push(transition(DAY0 + 2 * HOUR_MS, `g${index}`, 'pending_provision', 'active', { firstActivation: true, approvedAt: DAY0 + 2 * HOUR_MS - WEEKS - index * 1_000 }));
    }
    foldAll(fold, events);
    const ledger = fold.toLedger();
    expect(ledger.open.pendingRequestIds).toHaveLength(MAX_TRACKED_PENDING);
    expect(ledger.open.activations.samplesMs).toHaveLength(MAX_ACTIVATION_SAMPLES);
    expect(Buffer.byteLength(JSON.stringify(ledger))).toBeLessThan(240 * 1024);
    // Count and mean stay exact past the cap.
    expect(fold.figures().requestsByStatus).toEqual({ pending: MAX_TRACKED_PENDING + 1 });
    expect(fold.figures().timeToActiveMs).toMatchObject({ count: MAX_ACTIVATION_SAMPLES + 1, mean: WEEKS + (MAX_ACTIVATION_SAMPLES / 2) * 1_000 });
  });

  it('reads back the ledger it wrote and nothing else', () => {
    const fold = fresh();
    foldAll(fold, [submitted(DAY0 + HOUR_MS, 'r1')]);
    const stored: unknown = JSON.parse(JSON.stringify(fold.toLedger()));
    expect(parseLedger(stored)).toEqual(fold.toLedger());
    expect(parseLedger(undefined)).toBeUndefined();
    expect(parseLedger({ seq: 3 })).toBeUndefined();
    expect(parseLedger({ ...fold.toLedger(), format: 2 })).toBeUndefined();
  });
});
