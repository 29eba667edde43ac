import { z } from 'zod';
import { CANONICALIZATION, GENESIS_HASH, HASH_ALGORITHM, MAC_ALGORITHM, computeManifestMac } from './chain.js';
import { coverageProblem, type EvidenceCoverage, type TimeRange } from './coverage.js';
import { CSV_COLUMNS, unexpectedFields, type PackProblem } from './pack-event.js';
import { constantTimeEqual, type ChainVerification } from './verify.js';

export { CSV_COLUMNS } from './pack-event.js';

/** 2 added `covered`, `pruned` and `manifestMac`; packs exported before carry format 1 and state none of them. */
export const EVIDENCE_FORMAT_VERSION = 2;

export interface EvidenceManifest extends EvidenceCoverage {
  readonly type: 'clearway.evidence-manifest';
  readonly formatVersion: 1 | typeof EVIDENCE_FORMAT_VERSION;
  /** The range asked for; `covered` is the part of it the pack holds every event of. */
  readonly range: TimeRange;
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
  /** HMAC-SHA-256 with the chain key over the RFC 8785 JSON of every other field (format 2). */
  readonly manifestMac?: string;
}

/** What an export hands over: a format 2 manifest, sealed. */
export type SealedEvidenceManifest = EvidenceManifest & { readonly manifestMac: string };

/** The first event of a pack, as read: what the manifest's start claims are checked against. */
export interface PackStart {
  readonly seq: number;
  readonly at: number;
  readonly prevHash: string;
}

/** The ends of a pack as read: its first event, and when its last event happened. */
export interface PackEdges {
  readonly first?: PackStart;
  readonly lastAt?: number;
}

const seq = z.number().int().nonnegative();
const range = z.strictObject({ from: z.number(), to: z.number() });

// Strict at every level: a field the schema does not know is refused with or without the key (the
// manifest mac would catch it too, but only for a verifier who holds the key).
const manifestSchema = z.strictObject({
  type: z.literal('clearway.evidence-manifest'),
  formatVersion: z.union([z.literal(1), z.literal(EVIDENCE_FORMAT_VERSION)]),
  range,
  covered: range.optional(),
  pruned: z
    .strictObject({
      checkpoint: z.strictObject({
        seq,
        entryHash: z.string(),
        at: z.number().optional(),
        prunedAt: z.number(),
        prunedTotal: z.number().int().nonnegative(),
        retentionDays: z.number().int().positive().optional(),
      }),
      firstAvailable: z.strictObject({ seq, at: z.number() }).optional(),
      retentionDays: z.number().int().positive().optional(),
      note: z.string(),
    })
    .optional(),
  count: z.number().int().nonnegative(),
  firstSeq: seq.optional(),
  lastSeq: seq.optional(),
  firstPrevHash: z.string(),
  lastEntryHash: z.string(),
  chainHead: z.strictObject({ seq, entryHash: z.string() }),
  exportedAt: z.number(),
  exportedBy: z.string().min(1),
  hashAlgorithm: z.literal(HASH_ALGORITHM),
  macAlgorithm: z.literal(MAC_ALGORITHM),
  canonicalization: z.literal(CANONICALIZATION),
  csvColumns: z.array(z.string()),
  manifestMac: z.string().optional(),
});

/** A manifest as found in a pack or beside a CSV, or the problem with it. */
export function readManifest(value: unknown): { readonly manifest: EvidenceManifest } | { readonly problem: PackProblem } {
  const parsed = manifestSchema.safeParse(value);
  // The value itself, checked field by field: what the mac was computed over.
  if (parsed.success) return { manifest: value as EvidenceManifest };
  const extra = unexpectedFields(parsed.error);
  if (extra) return { problem: { problem: 'unexpected_field', detail: `the manifest carries ${extra.length === 1 ? 'a field' : 'fields'} outside its schema (${extra.join(', ')})` } };
  return { problem: { problem: 'manifest_mismatch', detail: 'the manifest is not a Clearway evidence manifest (a field is missing or of the wrong kind)' } };
}

/** The manifest with its mac: what an export hands over. */
export function sealManifest(key: string, manifest: Omit<EvidenceManifest, 'manifestMac'>): SealedEvidenceManifest {
  return { ...manifest, manifestMac: computeManifestMac(key, { ...manifest }) };
}

/** What the events can say about a format 2 manifest's range and chain head, or undefined. */
function positionProblem(manifest: EvidenceManifest, edges: PackEdges): string | undefined {
  const { range, covered, chainHead, lastSeq, lastEntryHash } = manifest;
  if (range.from > range.to) return 'its requested range ends before it starts';
  // The exporter reads the head after the events, so the head is at or after the last event.
  const reached = lastSeq ?? manifest.pruned?.checkpoint.seq ?? 0;
  if (chainHead.seq < reached) return `its chain head (seq ${chainHead.seq}) is before the events it holds (seq ${reached})`;
  if (lastSeq !== undefined && chainHead.seq === lastSeq && chainHead.entryHash !== lastEntryHash) return 'its chain head is its last event, with another entryHash';
  // The first and last events are, by how an export picks them, inside the range it covers.
  const inside = (at: number | undefined) => at === undefined || covered === undefined || (at >= covered.from && at <= covered.to);
  if (!inside(edges.first?.at) || !inside(edges.lastAt)) return 'its first or last event lies outside the range it covers';
  if (manifest.csvColumns.length !== CSV_COLUMNS.length || manifest.csvColumns.some((column, index) => column !== CSV_COLUMNS[index])) return 'its csvColumns are not the columns of a pack';
  return undefined;
}

/**
 * Where a manifest disagrees with the events it came with: counts and end hashes, then (format 2)
 * the coverage claims, the range and chain head as far as the events can tell, then with the key
 * its mac, which covers every field: what makes the requested range, the chain head, the export
 * time and exporter, and a "nothing was pruned" claim trustworthy (the events cannot disprove a
 * consistent rewrite of them; without the key, an anchor can).
 */
export function manifestProblem(manifest: EvidenceManifest, chain: ChainVerification, edges: PackEdges, key: string | undefined): PackProblem | undefined {
  const { first } = edges;
  const expected: Array<[string, unknown, unknown]> = [
    ['count', manifest.count, chain.verified],
    ['firstSeq', manifest.firstSeq, chain.firstSeq],
    ['lastSeq', manifest.lastSeq, chain.lastSeq],
    ['firstPrevHash', manifest.firstPrevHash, first?.prevHash ?? GENESIS_HASH],
    ['lastEntryHash', manifest.lastEntryHash, chain.lastEntryHash ?? GENESIS_HASH],
  ];
  const wrong = expected.filter(([, want, got]) => want !== got).map(([name]) => name);
  if (wrong.length > 0) return { problem: 'manifest_mismatch', detail: `the events do not match the manifest's ${wrong.join(', ')}` };
  if (manifest.formatVersion === 1) {
    const stated = (['covered', 'pruned', 'manifestMac'] as const).filter((name) => manifest[name] !== undefined);
    return stated.length > 0 ? { problem: 'manifest_mismatch', detail: `a format 1 manifest has no ${stated.join(', ')}` } : undefined;
  }
  const coverage = coverageProblem(manifest, first);
  if (coverage) return { problem: 'manifest_mismatch', detail: `the manifest's coverage does not hold: ${coverage}` };
  const position = positionProblem(manifest, edges);
  if (position) return { problem: 'manifest_mismatch', detail: `the manifest does not hold together: ${position}` };
  if (manifest.manifestMac === undefined) return { problem: 'manifest_mismatch', detail: 'the manifest has no manifestMac: it was not sealed at export' };
  if (key !== undefined && !constantTimeEqual(computeManifestMac(key, { ...manifest }), manifest.manifestMac)) {
    return { problem: 'manifest_mismatch', detail: 'the manifest was changed after export (its manifestMac does not match this key)' };
  }
  return undefined;
}
