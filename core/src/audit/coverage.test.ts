import { describe, expect, it } from 'vitest';
import { DAY_MS } from '../ports/clock.js';
import type { AuditCheckpoint } from './audit-log.js';
import { coverageProblem, evidenceCoverage } from './coverage.js';

const T = Date.parse('2026-01-01T00:00:00Z');
// Retention deleted seq 1–40 (the last at T); the oldest event kept is seq 41, ten days later.
const checkpoint: AuditCheckpoint = { seq: 40, entryHash: 'c'.repeat(64), at: T, prunedAt: T + 40 * DAY_MS, prunedTotal: 40, retentionDays: 30 };
const firstKept = { seq: 41, at: T + 10 * DAY_MS };
const { at: _at, retentionDays: _days, ...olderCheckpoint } = checkpoint;

describe('evidence coverage', () => {
  it('covers the whole range when nothing was ever pruned', () => {
    const range = { from: T - 90 * DAY_MS, to: T };
    expect(evidenceCoverage(range, undefined, undefined)).toEqual({ covered: range });
  });

  it('starts at the first event kept when the range reaches back past the checkpoint, and says why', () => {
    const range = { from: T - 5 * DAY_MS, to: T + 60 * DAY_MS };
    const coverage = evidenceCoverage(range, checkpoint, firstKept);
    expect(coverage).toEqual({
      covered: { from: firstKept.at, to: range.to },
      pruned: { checkpoint, firstAvailable: firstKept, retentionDays: 30, note: expect.any(String) },
    });
    expect(coverage.pruned?.note).toBe(
      'This pack starts at 2026-01-11T00:00:00.000Z (seq 41), later than the requested 2025-12-27T00:00:00.000Z: events through seq 40 (2026-01-01T00:00:00.000Z) were pruned by the 30-day retention on 2026-02-10T00:00:00.000Z.',
    );
  });

  it('makes no pruned claim for a range that begins after the last pruned event, even before the first one kept', () => {
    const range = { from: T + 1, to: T + 60 * DAY_MS };
    expect(evidenceCoverage(range, checkpoint, firstKept)).toEqual({ covered: range });
  });

  it('covers nothing, and says so, when retention pruned the whole range', () => {
    const range = { from: T - 20 * DAY_MS, to: T - DAY_MS };
    const coverage = evidenceCoverage(range, checkpoint, firstKept);
    expect(coverage.covered).toBeUndefined();
    expect(coverage.pruned?.note).toMatch(/^This pack holds no events of the requested range .*: events through seq 40 .* were pruned by the 30-day retention .*; the oldest event kept is seq 41 at 2026-01-11T00:00:00.000Z\.$/);
  });

  it('treats everything before the first kept event as pruned when an older checkpoint did not record its time or retention', () => {
    const before = evidenceCoverage({ from: T + DAY_MS, to: T + 60 * DAY_MS }, olderCheckpoint, firstKept);
    expect(before).toMatchObject({ covered: { from: firstKept.at }, pruned: { checkpoint: olderCheckpoint, note: expect.stringContaining('pruned by retention on') } });
    expect(before.pruned).not.toHaveProperty('retentionDays');
    const after = { from: firstKept.at, to: T + 60 * DAY_MS };
    expect(evidenceCoverage(after, olderCheckpoint, firstKept)).toEqual({ covered: after });
  });

  it('states only what a checkpoint means, not whatever else its record holds', () => {
    const record = { ...checkpoint, lockedBy: 'worker-7' } as AuditCheckpoint;
    expect(evidenceCoverage({ from: T - DAY_MS, to: T + 60 * DAY_MS }, record, firstKept).pruned?.checkpoint).toEqual(checkpoint);
  });
});

describe('coverage claims against the first event of a pack', () => {
  const range = { from: T - 5 * DAY_MS, to: T + 60 * DAY_MS };
  const honest = evidenceCoverage(range, checkpoint, firstKept);
  const first = { ...firstKept, prevHash: checkpoint.entryHash };

  it('accepts what an export states', () => {
    expect(coverageProblem({ range, ...honest }, first)).toBeUndefined();
    expect(coverageProblem({ range, covered: range }, { seq: 7, at: T, prevHash: 'a'.repeat(64) })).toBeUndefined();
    const allPruned = { from: T - 20 * DAY_MS, to: T - DAY_MS };
    expect(coverageProblem({ range: allPruned, ...evidenceCoverage(allPruned, checkpoint, firstKept) }, undefined)).toBeUndefined();
  });

  it.each([
    ['covered from before the first event', { range, ...honest, covered: range }, first, /does not start at its first event/],
    ['the pruned statement removed', { range, covered: honest.covered }, first, /without saying that retention pruned/],
    ['a covered range outside the one requested', { range, covered: { from: range.from - 1, to: range.to } }, first, /outside the requested range/],
    ['a pruned start that does not join the checkpoint', { range, ...honest }, { ...first, prevHash: 'f'.repeat(64) }, /does not follow the stated checkpoint/],
    ['a first available event that is not the first', { range, ...honest, pruned: { ...honest.pruned!, firstAvailable: { seq: 41, at: T } } }, first, /first available event/],
    ['coverage claimed by a pack without events', { range, ...honest }, undefined, /holds no events/],
  ])('refuses %s', (_what, manifest, start, detail) => {
    expect(coverageProblem(manifest, start)).toMatch(detail);
  });
});
