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
import { CSV_COLUMNS, EVIDENCE_FORMAT_VERSION, sealManifest, type SealedEvidenceManifest } from './manifest.js';
import type { ChainedEvent } from './verify.js';

export { CSV_COLUMNS, type EvidenceManifest, type SealedEvidenceManifest } from './manifest.js';

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
): Promise<SealedEvidenceManifest> {
  requireAdmin(actor, 'export evidence');
  const range = resolveExportRange(deps.clock.now(), options);
  const [key, coverage] = await Promise.all([auditMacKey(deps.secrets, deps.ids), readCoverage(deps.store, range)]);
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
  // Read after the events, so the head is at or after the last of them whatever was appended meanwhile.
  const head = await readChainHead(deps.store);
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
