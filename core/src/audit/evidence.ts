import { ClearwayError } from '../errors.js';
import { DAY_MS } from '../ports/clock.js';
import { iterateQuery } from '../ports/store.js';
import { requireAdmin } from '../shared/authorize.js';
import type { Actor, CoreDeps } from '../shared/deps.js';
import { transact } from '../shared/transact.js';
import { CANONICALIZATION, GENESIS_HASH, HASH_ALGORITHM, MAC_ALGORITHM } from './chain.js';
import { readChainHead } from './audit-log.js';
import type { AuditEvent } from './event.js';
import { verifyChain, type ChainProblem, type ChainVerification, type ChainedEvent } from './verify.js';

export const DEFAULT_EXPORT_DAYS = 90;
export const MAX_EXPORT_DAYS = 365;

export interface EvidenceManifest {
  readonly type: 'clearway.evidence-manifest';
  readonly formatVersion: 1;
  readonly range: { readonly from: number; readonly to: number };
  readonly count: number;
  readonly firstSeq?: number;
  readonly lastSeq?: number;
  /** The prevHash of the first event: where this range joins the chain before it. */
  readonly firstPrevHash: string;
  /** The entryHash of the last event: what the next range must follow. */
  readonly lastEntryHash: string;
  readonly chainHead: { readonly seq: number; readonly entryHash: string };
  readonly exportedAt: number;
  readonly exportedBy: string;
  readonly hashAlgorithm: typeof HASH_ALGORITHM;
  readonly macAlgorithm: typeof MAC_ALGORITHM;
  readonly canonicalization: typeof CANONICALIZATION;
  readonly csvColumns: readonly string[];
}

export const CSV_COLUMNS = ['seq', 'at', 'actor', 'type', 'policyVersion', 'refs', 'data', 'prevHash', 'entryHash', 'entryMac'] as const;

/** Where an export writes its lines. JSON Lines ends with a `{"manifest": …}` line; CSV starts with its header. */
export interface EvidenceSink {
  readonly jsonl?: (line: string) => void | Promise<void>;
  readonly csv?: (line: string) => void | Promise<void>;
}

/** The default range (last 90 days) and the rules: from ≤ to, at most 365 days. */
export function resolveExportRange(now: number, range: { from?: number; to?: number } = {}): { from: number; to: number } {
  const to = range.to ?? now;
  const from = range.from ?? to - DEFAULT_EXPORT_DAYS * DAY_MS;
  if (!Number.isFinite(from) || !Number.isFinite(to) || from > to) {
    throw new ClearwayError('range_invalid', 'The export range must start before it ends.', { from, to });
  }
  if (to - from > MAX_EXPORT_DAYS * DAY_MS) {
    throw new ClearwayError('range_invalid', `An export covers at most ${MAX_EXPORT_DAYS} days; split longer periods into several exports.`, { from, to });
  }
  return { from, to };
}

function toLine(event: AuditEvent): ChainedEvent {
  const { seq, at, actor, type, refs, data, policyVersion, prevHash, entryHash, entryMac } = event;
  return { seq, at, actor, type, refs, data, policyVersion, prevHash, entryHash, entryMac };
}

function csvField(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function toCsvRow(event: ChainedEvent): string {
  return CSV_COLUMNS.map((column) => csvField(event[column])).join(',');
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

/**
 * Streams the audit events of a date range into an evidence pack (JSON Lines with a trailing
 * manifest, and/or CSV), one page at a time, so memory stays flat whatever the size. The range is
 * turned into a contiguous seq range so the pack verifies as one unbroken piece of the chain.
 */
export async function exportEvidence(
  deps: CoreDeps,
  actor: Actor,
  options: { from?: number; to?: number },
  sink: EvidenceSink,
): Promise<EvidenceManifest> {
  requireAdmin(actor, 'export evidence');
  const range = resolveExportRange(deps.clock.now(), options);
  const head = (await readChainHead(deps.store)).position;
  const [first] = (await deps.store.query('audit', 'byTime', { partition: [], range: { gte: range.from, lte: range.to }, limit: 1 })).items;
  const [last] = (await deps.store.query('audit', 'byTime', { partition: [], range: { gte: range.from, lte: range.to }, direction: 'desc', limit: 1 })).items;

  await sink.csv?.(CSV_COLUMNS.join(','));
  let count = 0;
  let firstEvent: ChainedEvent | undefined;
  let lastEvent: ChainedEvent | undefined;
  if (first && last) {
    const fromSeq = Math.min(first.seq, last.seq);
    const toSeq = Math.max(first.seq, last.seq);
    for await (const stored of iterateQuery(deps.store, 'audit', 'bySeq', { partition: [], range: { gte: fromSeq, lte: toSeq }, limit: 100 })) {
      const event = toLine(stored);
      firstEvent ??= event;
      lastEvent = event;
      count += 1;
      await sink.jsonl?.(JSON.stringify(event));
      await sink.csv?.(toCsvRow(event));
    }
  }
  const manifest: EvidenceManifest = {
    type: 'clearway.evidence-manifest',
    formatVersion: 1,
    range,
    count,
    ...(firstEvent && { firstSeq: firstEvent.seq }),
    ...(lastEvent && { lastSeq: lastEvent.seq }),
    firstPrevHash: firstEvent?.prevHash ?? GENESIS_HASH,
    lastEntryHash: lastEvent?.entryHash ?? GENESIS_HASH,
    chainHead: { seq: head.seq, entryHash: head.entryHash },
    exportedAt: deps.clock.now(),
    exportedBy: actor.accountId,
    hashAlgorithm: HASH_ALGORITHM,
    macAlgorithm: MAC_ALGORITHM,
    canonicalization: CANONICALIZATION,
    csvColumns: CSV_COLUMNS,
  };
  await sink.jsonl?.(JSON.stringify({ manifest }));
  await transact(deps, async () => ({
    writes: [],
    audit: [{ actor: actor.accountId, type: 'evidence.exported', data: { from: range.from, to: range.to, count, firstSeq: manifest.firstSeq, lastSeq: manifest.lastSeq } }],
    result: undefined,
  }));
  return manifest;
}

export interface EvidenceVerification extends ChainVerification {
  readonly manifest?: EvidenceManifest;
}

function manifestProblem(manifest: EvidenceManifest | undefined, chain: ChainVerification, firstPrevHash: string | undefined): { problem: ChainProblem; detail: string } | undefined {
  if (!manifest) return { problem: 'manifest_missing', detail: 'the pack has no manifest: it may have been cut short' };
  const expected: Array<[string, unknown, unknown]> = [
    ['count', manifest.count, chain.verified],
    ['firstSeq', manifest.firstSeq, chain.firstSeq],
    ['lastSeq', manifest.lastSeq, chain.lastSeq],
    ['firstPrevHash', manifest.firstPrevHash, firstPrevHash ?? GENESIS_HASH],
    ['lastEntryHash', manifest.lastEntryHash, chain.lastEntryHash ?? GENESIS_HASH],
  ];
  const wrong = expected.filter(([, want, got]) => want !== got).map(([name]) => name);
  return wrong.length > 0 ? { problem: 'manifest_mismatch', detail: `the events do not match the manifest's ${wrong.join(', ')}` } : undefined;
}

async function* parseJsonl(lines: AsyncIterable<string> | Iterable<string>, found: { manifest?: EvidenceManifest; firstPrevHash?: string; afterManifest: boolean }): AsyncGenerator<ChainedEvent> {
  for await (const raw of lines) {
    const line = raw.trim();
    if (line.length === 0) continue;
    const parsed = JSON.parse(line) as ChainedEvent | { manifest: EvidenceManifest };
    if ('manifest' in parsed) {
      found.manifest = parsed.manifest;
      continue;
    }
    if (found.manifest) found.afterManifest = true;
    found.firstPrevHash ??= parsed.prevHash;
    yield parsed;
  }
}

/**
 * Verifies a JSON Lines evidence pack offline: the chain inside it (continuity, hashes, and with
 * the key, macs) and that it is whole (the manifest's counts and end hashes). Without the key
 * only the hash chain is checked; `macChecked` says which.
 */
export async function verifyEvidence(lines: AsyncIterable<string> | Iterable<string>, options: { key?: string } = {}): Promise<EvidenceVerification> {
  const found: { manifest?: EvidenceManifest; firstPrevHash?: string; afterManifest: boolean } = { afterManifest: false };
  let chain: ChainVerification;
  try {
    chain = await verifyChain(parseJsonl(lines, found), options.key !== undefined ? { key: options.key } : {});
  } catch {
    return { ok: false, verified: 0, macChecked: options.key !== undefined, problem: 'malformed_event', detail: 'a line is not valid JSON' };
  }
  if (!chain.ok) return { ...chain, ...(found.manifest && { manifest: found.manifest }) };
  const problem = found.afterManifest
    ? { problem: 'manifest_mismatch' as const, detail: 'events follow the manifest line' }
    : manifestProblem(found.manifest, chain, found.firstPrevHash);
  return { ...chain, ...(found.manifest && { manifest: found.manifest }), ...(problem && { ok: false, ...problem }) };
}

/** Verifies a CSV export against its manifest (kept beside it), the same way. */
export async function verifyEvidenceCsv(
  lines: AsyncIterable<string> | Iterable<string>,
  manifest: EvidenceManifest,
  options: { key?: string } = {},
): Promise<EvidenceVerification> {
  let firstPrevHash: string | undefined;
  async function* rows(): AsyncGenerator<ChainedEvent> {
    let header = true;
    for await (const raw of lines) {
      if (raw.trim().length === 0) continue;
      if (header) {
        header = false;
        continue;
      }
      const [seq, at, actor, type, policyVersion, refs, data, prevHash, entryHash, entryMac] = parseCsvRow(raw.replace(/\r$/, ''));
      const event: ChainedEvent = {
        seq: Number(seq),
        at: Number(at),
        actor: actor ?? '',
        type: type ?? '',
        policyVersion: Number(policyVersion),
        refs: JSON.parse(refs ?? '{}') as ChainedEvent['refs'],
        data: JSON.parse(data ?? '{}') as ChainedEvent['data'],
        prevHash: prevHash ?? '',
        entryHash: entryHash ?? '',
        entryMac: entryMac ?? '',
      };
      firstPrevHash ??= event.prevHash;
      yield event;
    }
  }
  let chain: ChainVerification;
  try {
    chain = await verifyChain(rows(), options.key !== undefined ? { key: options.key } : {});
  } catch {
    return { ok: false, verified: 0, macChecked: options.key !== undefined, problem: 'malformed_event', detail: 'a row is not valid', manifest };
  }
  if (!chain.ok) return { ...chain, manifest };
  const problem = manifestProblem(manifest, chain, firstPrevHash);
  return { ...chain, manifest, ...(problem && { ok: false, ...problem }) };
}
