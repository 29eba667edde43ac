import { z } from 'zod';
import type { ChainProblem, ChainedEvent } from './verify.js';

/** The columns of a CSV pack, in order: exactly the fields of an event line in JSON Lines. */
export const CSV_COLUMNS = ['seq', 'at', 'actor', 'type', 'policyVersion', 'refs', 'data', 'prevHash', 'entryHash', 'entryMac'] as const;

/** A problem found while reading a pack, before or besides the chain: which seq, and what. */
export interface PackProblem {
  readonly problem: ChainProblem;
  readonly seq?: number;
  readonly detail: string;
}

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'a 64-digit lowercase hex value');

/**
 * One event as a pack carries it. Strict: only the seven hashed fields are covered by the hash and
 * the mac, so a field besides them and the three chain fields is proven by nothing and refused.
 * Kinds are checked too: the canonical form writes the number 5 and the text "5" alike for `actor`.
 */
const packEventSchema = z.strictObject({
  seq: z.number().int().positive(),
  at: z.number().int(),
  actor: z.string(),
  type: z.string(),
  policyVersion: z.number().int().nonnegative(),
  refs: z.record(z.string(), z.string()),
  data: z.record(z.string(), z.unknown()),
  prevHash: hex64,
  entryHash: hex64,
  entryMac: hex64,
});

/** Names the unknown fields of a strict schema's failure, or undefined when every field is known. */
export function unexpectedFields(error: z.ZodError): string[] | undefined {
  const names = error.issues.flatMap((issue) => (issue.code === 'unrecognized_keys' ? issue.keys.map((key) => [...issue.path, key].join('.')) : []));
  return names.length > 0 ? names : undefined;
}

/** An event of a pack, or the problem with it: a field outside the schema, or one of the wrong kind. */
export function readPackEvent(value: unknown): { readonly event: ChainedEvent } | { readonly problem: PackProblem } {
  const parsed = packEventSchema.safeParse(value);
  // The value itself, not zod's copy: a copy could differ from what was hashed (a `__proto__` key in data).
  if (parsed.success) return { event: value as ChainedEvent };
  const claimed = typeof value === 'object' && value !== null ? (value as { seq?: unknown }).seq : undefined;
  const seq = Number.isInteger(claimed) ? (claimed as number) : undefined;
  const where = seq !== undefined ? `seq ${seq}` : 'an event';
  const extra = unexpectedFields(parsed.error);
  if (extra) return { problem: { problem: 'unexpected_field', ...(seq !== undefined && { seq }), detail: `${where} carries ${extra.length === 1 ? 'a field' : 'fields'} outside the event schema (${extra.join(', ')}): no hash or mac covers ${extra.length === 1 ? 'it' : 'them'}` } };
  const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.') || '(event)'))];
  return { problem: { problem: 'malformed_event', ...(seq !== undefined && { seq }), detail: `${where} has ${fields.length === 1 ? 'a field' : 'fields'} missing or of the wrong kind (${fields.join(', ')})` } };
}

/** Splits one CSV row (every record is one line: JSON fields carry no raw newlines). */
function parseCsvRow(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let index = 0; index < line.length; index += 1) {
    const char = line[index];
    if (quoted) {
      if (char === '"' && line[index + 1] === '"') {
        field += '"';
        index += 1;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      fields.push(field);
      field = '';
    } else field += char;
  }
  fields.push(field);
  return fields;
}

function csvValue(column: (typeof CSV_COLUMNS)[number], text: string): unknown {
  if (column === 'seq' || column === 'at' || column === 'policyVersion') return text.trim() === '' ? undefined : Number(text);
  if (column === 'refs' || column === 'data') return JSON.parse(text) as unknown;
  return text;
}

/** Whether a CSV header names exactly the columns of a pack, in order. */
export function isCsvHeader(line: string): boolean {
  const columns = parseCsvRow(line.replace(/\r$/, ''));
  return columns.length === CSV_COLUMNS.length && columns.every((column, index) => column === CSV_COLUMNS[index]);
}

/** One CSV row as an event, or the problem with it: a column more than the header's, or a value that is not one. */
export function readCsvEvent(line: string): { readonly event: ChainedEvent } | { readonly problem: PackProblem } {
  const fields = parseCsvRow(line.replace(/\r$/, ''));
  const seq = Number(fields[0]);
  const at = Number.isInteger(seq) && seq > 0 ? { seq } : {};
  const where = at.seq !== undefined ? `seq ${at.seq}` : 'a row';
  if (fields.length > CSV_COLUMNS.length) {
    return { problem: { problem: 'unexpected_field', ...at, detail: `${where} has ${fields.length - CSV_COLUMNS.length} column(s) more than the header: no hash or mac covers them` } };
  }
  if (fields.length < CSV_COLUMNS.length) return { problem: { problem: 'malformed_event', ...at, detail: `${where} has ${fields.length} of the ${CSV_COLUMNS.length} columns` } };
  const value: Record<string, unknown> = {};
  try {
    CSV_COLUMNS.forEach((column, index) => (value[column] = csvValue(column, fields[index] ?? '')));
  } catch {
    return { problem: { problem: 'malformed_event', ...at, detail: `${where} holds refs or data that is not JSON` } };
  }
  return readPackEvent(value);
}
