import { ClearwayError } from '../errors.js';
import { DAY_MS } from '../ports/clock.js';
import { iterateQuery, type Store } from '../ports/store.js';
import { requireAdmin } from '../shared/authorize.js';
import type { Actor, CoreDeps } from '../shared/deps.js';
import { transact } from '../shared/transact.js';
import { CANONICALIZATION, GENESIS_HASH, HASH_ALGORITHM, MAC_ALGORITHM } from './chain.js';
import { auditMacKey, readChainHead, readCheckpoint } from './audit-log.js';
import { evidenceCoverage, type EvidenceCoverage, type TimeRange } from './coverage.js';
import type { AuditEvent } from './event.js';
import { CSV_COLUMNS, EVIDENCE_FORMAT_VERSION, manifestProblem, readManifest, sealManifest, type EvidenceManifest, type PackStart } from './manifest.js';
import { verifyChain, type ChainVerification, type ChainedEvent } from './verify.js';

export { CSV_COLUMNS, type EvidenceManifest } from './manifest.js';

export const DEFAULT_EXPORT_DAYS = 90;
export const MAX_EXPORT_DAYS = 365;

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

/** Where the stored chain starts (its checkpoint and first kept event) and what that leaves of `range`. */
async function readCoverage(store: Store, range: TimeRange): Promise<EvidenceCoverage> {
  const checkpoint = await readCheckpoint(store);
  if (!checkpoint) return evidenceCoverage(range, undefined, undefined);
  const [kept] = (await store.query('audit', 'bySeq', { partition: [], range: { gt: checkpoint.seq }, limit: 1 })).items;
  return evidenceCoverage(range, checkpoint, kept && { seq: kept.seq, at: kept.at });
}

/** The contiguous seq range holding every stored event of the covered range, if there is one. */
async function seqRangeOf(store: Store, coverage: EvidenceCoverage): Promise<{ from: number; to: number } | undefined> {
  const { covered, pruned } = coverage;
  if (!covered) return undefined;
  const [first] = (await store.query('audit', 'byTime', { partition: [], range: { gte: covered.from, lte: covered.to }, limit: 1 })).items;
  const [last] = (await store.query('audit', 'byTime', { partition: [], range: { gte: covered.from, lte: covered.to }, direction: 'desc', limit: 1 })).items;
  if (!first || !last) return undefined;
  // A pruned start begins exactly at the first event retention kept, so the pack joins the checkpoint.
  return { from: pruned?.firstAvailable?.seq ?? Math.min(first.seq, last.seq), to: Math.max(first.seq, last.seq) };
}

/**
 * Streams the audit events of a date range into an evidence pack (JSON Lines with a trailing
 * manifest, and/or CSV), one page at a time, so memory stays flat whatever the size. The range is
 * turned into a contiguous seq range so the pack verifies as one unbroken piece of the chain. When
 * retention pruned the start of the range, the pack starts at the first event kept and the
 * manifest says so (`covered`, `pruned`) next to the range asked for; the manifest is sealed with
 * the chain key (`manifestMac`) so those claims cannot be edited unnoticed.
 */
export async function exportEvidence(
  deps: CoreDeps,
  actor: Actor,
  options: { from?: number; to?: number },
  sink: EvidenceSink,
): Promise<EvidenceManifest> {
  requireAdmin(actor, 'export evidence');
  const range = resolveExportRange(deps.clock.now(), options);
  const [head, key, coverage] = await Promise.all([readChainHead(deps.store), auditMacKey(deps.secrets, deps.ids), readCoverage(deps.store, range)]);
  const seqRange = await seqRangeOf(deps.store, coverage);

  await sink.csv?.(CSV_COLUMNS.join(','));
  let count = 0;
  let firstEvent: ChainedEvent | undefined;
  let lastEvent: ChainedEvent | undefined;
  if (seqRange) {
    for await (const stored of iterateQuery(deps.store, 'audit', 'bySeq', { partition: [], range: { gte: seqRange.from, lte: seqRange.to }, limit: 100 })) {
      const event = toLine(stored);
      firstEvent ??= event;
      lastEvent = event;
      count += 1;
      await sink.jsonl?.(JSON.stringify(event));
      await sink.csv?.(toCsvRow(event));
    }
  }
  const manifest = sealManifest(key, {
    type: 'clearway.evidence-manifest',
    formatVersion: EVIDENCE_FORMAT_VERSION,
    range,
    ...coverage,
    count,
    ...(firstEvent && { firstSeq: firstEvent.seq }),
    ...(lastEvent && { lastSeq: lastEvent.seq }),
    firstPrevHash: firstEvent?.prevHash ?? GENESIS_HASH,
    lastEntryHash: lastEvent?.entryHash ?? GENESIS_HASH,
    chainHead: { seq: head.position.seq, entryHash: head.position.entryHash },
    exportedAt: deps.clock.now(),
    exportedBy: actor.accountId,
    hashAlgorithm: HASH_ALGORITHM,
    macAlgorithm: MAC_ALGORITHM,
    canonicalization: CANONICALIZATION,
    csvColumns: CSV_COLUMNS,
  });
  await sink.jsonl?.(JSON.stringify({ manifest }));
  const pruned = coverage.pruned && { coveredFrom: coverage.covered?.from ?? null, prunedThroughSeq: coverage.pruned.checkpoint.seq };
  await transact(deps, async () => ({
    writes: [],
    audit: [{ actor: actor.accountId, type: 'evidence.exported', data: { from: range.from, to: range.to, count, firstSeq: manifest.firstSeq, lastSeq: manifest.lastSeq, ...pruned } }],
    result: undefined,
  }));
  return manifest;
}

export interface EvidenceVerification extends ChainVerification {
  readonly manifest?: EvidenceManifest;
  /** True when the key was given and the manifest's own mac (format 2) matched it. */
  readonly manifestMacChecked: boolean;
}

interface PackFound {
  manifest?: unknown;
  first?: PackStart;
  afterManifest: boolean;
}

async function* parseJsonl(lines: AsyncIterable<string> | Iterable<string>, found: PackFound): AsyncGenerator<ChainedEvent> {
  for await (const raw of lines) {
    const line = raw.trim();
    if (line.length === 0) continue;
    const parsed = JSON.parse(line) as ChainedEvent | { manifest: unknown };
    if ('manifest' in parsed) {
      found.manifest = parsed.manifest;
      continue;
    }
    if (found.manifest !== undefined) found.afterManifest = true;
    found.first ??= { seq: parsed.seq, at: parsed.at, prevHash: parsed.prevHash };
    yield parsed;
  }
}

/** The verdict on a pack whose events were walked: the chain's, then the manifest's against it. */
function verdict(chain: ChainVerification, found: PackFound, key: string | undefined): EvidenceVerification {
  const manifest = readManifest(found.manifest);
  const result = { ...chain, ...(manifest && { manifest }), manifestMacChecked: false };
  if (!chain.ok) return result;
  const problem = found.afterManifest
    ? { problem: 'manifest_mismatch' as const, detail: 'events follow the manifest line' }
    : found.manifest !== undefined && !manifest
      ? { problem: 'manifest_mismatch' as const, detail: 'the manifest is not a Clearway evidence manifest (a field is missing or of the wrong kind)' }
      : manifestProblem(manifest, chain, found.first, key);
  if (problem) return { ...result, ok: false, ...problem };
  return { ...result, manifestMacChecked: key !== undefined && manifest?.formatVersion === EVIDENCE_FORMAT_VERSION };
}

function malformed(detail: string, key: string | undefined, manifest: unknown): EvidenceVerification {
  const read = readManifest(manifest);
  return { ok: false, verified: 0, macChecked: key !== undefined, manifestMacChecked: false, problem: 'malformed_event', detail, ...(read && { manifest: read }) };
}

/**
 * Verifies a JSON Lines evidence pack offline: the chain inside it (continuity, hashes, and with
 * the key, macs) and that it is whole and says what it covers (the manifest's counts, end hashes
 * and coverage against its events, and with the key the manifest's own mac). Without the key only
 * the hashes are checked; `macChecked` and `manifestMacChecked` say which.
 */
export async function verifyEvidence(lines: AsyncIterable<string> | Iterable<string>, options: { key?: string } = {}): Promise<EvidenceVerification> {
  const found: PackFound = { afterManifest: false };
  let chain: ChainVerification;
  try {
    chain = await verifyChain(parseJsonl(lines, found), options.key !== undefined ? { key: options.key } : {});
  } catch {
    return malformed('a line is not valid JSON', options.key, found.manifest);
  }
  return verdict(chain, found, options.key);
}

/** Verifies a CSV export against its manifest (kept beside it, so read as untrusted too), the same way. */
export async function verifyEvidenceCsv(
  lines: AsyncIterable<string> | Iterable<string>,
  manifest: EvidenceManifest,
  options: { key?: string } = {},
): Promise<EvidenceVerification> {
  const found: PackFound = { manifest, afterManifest: false };
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
      found.first ??= { seq: event.seq, at: event.at, prevHash: event.prevHash };
      yield event;
    }
  }
  let chain: ChainVerification;
  try {
    chain = await verifyChain(rows(), options.key !== undefined ? { key: options.key } : {});
  } catch {
    return malformed('a row is not valid', options.key, manifest);
  }
  return verdict(chain, found, options.key);
}
