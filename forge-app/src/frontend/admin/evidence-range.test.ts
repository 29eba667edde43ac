import { DEFAULT_EXPORT_DAYS, MAX_EXPORT_DAYS, resolveExportRange } from '@clearway/core';
import { describe, expect, it } from 'vitest';
import { DAY_MS } from '../components/format';
import { defaultExportDates, endOfDay, exportRange, startOfDay } from './evidence-range';

const NOW = new Date(2026, 10, 23, 15, 30).getTime();

describe('evidence export range', () => {
  it('defaults to the last 90 days, today included', () => {
    expect(defaultExportDates(NOW)).toEqual({ from: '2026-08-26', to: '2026-11-23' });
    const range = exportRange('2026-08-26', '2026-11-23', NOW);
    expect(range).toMatchObject({ ok: true, from: startOfDay('2026-08-26'), to: NOW });
    expect(range.ok && range.to - range.from).toBeLessThanOrEqual(DEFAULT_EXPORT_DAYS * DAY_MS);
  });

  it('allows 365 days and refuses 366 with the same rule as the backend', () => {
    const longest = exportRange('2025-11-24', '2026-11-23', NOW);
    expect(longest.ok).toBe(true);
    if (longest.ok) expect(() => resolveExportRange(NOW, longest)).not.toThrow();
    const tooLong = exportRange('2025-11-23', '2026-11-23', NOW);
    expect(tooLong).toEqual({ ok: false, field: 'from', message: `An export covers at most ${MAX_EXPORT_DAYS} days; this range is 366 days. Choose a later first day, or export the period in parts.` });
    // What the UI refuses, the backend would refuse too.
    const from = startOfDay('2025-11-23') ?? 0;
    expect(() => resolveExportRange(NOW, { from, to: NOW })).toThrow(/at most 365 days/);
  });

  it('ends a past day at its last millisecond and today at now', () => {
    expect(exportRange('2026-11-01', '2026-11-02', NOW)).toMatchObject({ ok: true, to: (startOfDay('2026-11-03') ?? 0) - 1 });
    expect(endOfDay('2026-11-02')).toBe((startOfDay('2026-11-03') ?? 0) - 1);
  });

  it('refuses missing, impossible and reversed dates', () => {
    expect(exportRange('', '2026-11-23', NOW)).toMatchObject({ ok: false, field: 'from' });
    expect(exportRange('2026-11-01', '2026-02-30', NOW)).toMatchObject({ ok: false, field: 'to' });
    expect(exportRange('2026-11-20', '2026-11-10', NOW)).toMatchObject({ ok: false, field: 'from', message: expect.stringContaining('before the last day') });
    expect(exportRange('2026-11-24', '2026-11-30', NOW)).toMatchObject({ ok: false });
  });
});
