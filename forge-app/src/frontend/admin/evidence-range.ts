import { DAY_MS, formatDate } from '../components/format';

/** An export covers 90 days unless the admin picks a range, and never more than 365 (core's DEFAULT_EXPORT_DAYS / MAX_EXPORT_DAYS). */
export const DEFAULT_EXPORT_DAYS = 90;
export const MAX_EXPORT_DAYS = 365;

/** Midnight at the start of a `YYYY-MM-DD` day in the viewer's time zone. */
export function startOfDay(date: string): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) return undefined;
  const at = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3])).getTime();
  return Number.isNaN(at) || formatDate(at) !== date ? undefined : at;
}

/** The last millisecond of that day. */
export function endOfDay(date: string): number | undefined {
  const start = startOfDay(date);
  if (start === undefined) return undefined;
  const [year, month, day] = date.split('-').map(Number);
  return new Date(year ?? 0, (month ?? 1) - 1, (day ?? 1) + 1).getTime() - 1;
}

/** The default range: the last 90 days, today included. */
export function defaultExportDates(now: number): { readonly from: string; readonly to: string } {
  const today = new Date(now);
  // Ninety calendar days, today included.
  const from = new Date(today.getFullYear(), today.getMonth(), today.getDate() - (DEFAULT_EXPORT_DAYS - 1)).getTime();
  return { from: formatDate(from), to: formatDate(now) };
}

/**
 * The range to export, or why not: checked here with the same rule the backend applies (the end
 * minus the start at most 365 days), so a refused range never reaches it.
 */
export function exportRange(fromDate: string, toDate: string, now: number): { readonly ok: true; readonly from: number; readonly to: number } | { readonly ok: false; readonly field: 'from' | 'to'; readonly message: string } {
  const from = startOfDay(fromDate);
  const end = endOfDay(toDate);
  if (from === undefined) return { ok: false, field: 'from', message: 'Choose the first day to export.' };
  if (end === undefined) return { ok: false, field: 'to', message: 'Choose the last day to export.' };
  // Today's export ends now: the chain has nothing later.
  const to = Math.min(end, now);
  if (from > to) return { ok: false, field: 'from', message: 'The first day must come before the last day (and not after today).' };
  if (to - from > MAX_EXPORT_DAYS * DAY_MS) {
    return { ok: false, field: 'from', message: `An export covers at most ${MAX_EXPORT_DAYS} days; this range is ${Math.ceil((to - from) / DAY_MS)} days. Choose a later first day, or export the period in parts.` };
  }
  return { ok: true, from, to };
}
