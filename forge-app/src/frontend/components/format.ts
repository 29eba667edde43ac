/** How the surfaces write dates, durations and counts: unambiguous, in the viewer's time zone. */

export const DAY_MS = 24 * 60 * 60 * 1000;

/** The viewer's IANA time zone (the browser's), so "expires today" means their today. */
export function viewerTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

function parts(at: number, options: Intl.DateTimeFormatOptions): Record<string, string> {
  return Object.fromEntries(new Intl.DateTimeFormat('en-GB', { ...options, hourCycle: 'h23' }).formatToParts(at).map((part) => [part.type, part.value]));
}

/** 2026-11-23 */
export function formatDate(at: number): string {
  const { year, month, day } = parts(at, { year: 'numeric', month: '2-digit', day: '2-digit' });
  return `${year}-${month}-${day}`;
}

/** 2026-11-23 09:05 */
export function formatDateTime(at: number): string {
  const { hour, minute } = parts(at, { hour: '2-digit', minute: '2-digit' });
  return `${formatDate(at)} ${hour}:${minute}`;
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

export function days(count: number): string {
  return plural(count, 'day');
}

/** 2 d 4 h, 3 h 10 min, 45 s: for times to active. */
export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${Math.max(0, Math.round(ms / 1000))} s`;
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  const wholeDays = Math.floor(hours / 24);
  return hours % 24 === 0 ? `${wholeDays} d` : `${wholeDays} d ${hours % 24} h`;
}

/** Jira's issue view, relative to the site the app runs on. */
export function issueHref(issueKey: string): string {
  return `/browse/${encodeURIComponent(issueKey)}`;
}

/** A whole number typed into a field, or undefined when it is not one. */
export function wholeNumber(raw: string): number | undefined {
  const trimmed = raw.trim();
  if (!/^-?\d+$/.test(trimmed)) return undefined;
  const value = Number(trimmed);
  return Number.isSafeInteger(value) ? value : undefined;
}

/** A value from a UI Kit input event (`{ target: { value } }`), as text. */
export function inputText(event: { readonly target: { readonly value?: unknown } }): string {
  const value = event.target.value;
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}

/** A checkbox or toggle event's state. */
export function inputChecked(event: { readonly target: { readonly checked?: boolean } }): boolean {
  return event.target.checked === true;
}

/** The value of a Select option (`{ label, value }`), or undefined when cleared. */
export function optionValue(option: unknown): string | undefined {
  const value: unknown = typeof option === 'object' && option !== null ? (option as { value?: unknown }).value : undefined;
  return typeof value === 'string' ? value : undefined;
}

/** The values of a multi Select's options. */
export function optionValues(options: unknown): string[] {
  return Array.isArray(options) ? options.map(optionValue).filter((value): value is string => value !== undefined) : [];
}

export interface Option {
  readonly label: string;
  readonly value: string;
}
