import { z } from 'zod';
import { CANONICALIZATION, GENESIS_HASH, HASH_ALGORITHM, MAC_ALGORITHM, computeManifestMac } from './chain.js';
import { coverageProblem, type EvidenceCoverage, type TimeRange } from './coverage.js';
import { constantTimeEqual, type ChainProblem, type ChainVerification } from './verify.js';

export const CSV_COLUMNS = ['seq', 'at', 'actor', 'type', 'policyVersion', 'refs', 'data', 'prevHash', 'entryHash', 'entryMac'] as const;

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

/** The first event of a pack, as read: what the manifest's start claims are checked against. */
export interface PackStart {
  readonly seq: number;
  readonly at: number;
  readonly prevHash: string;
}

const seq = z.number().int().nonnegative();
const range = z.object({ from: z.number(), to: z.number() });

// Loose: a field the schema does not know still fails the manifest mac, which covers every field.
const manifestSchema = z.looseObject({
  type: z.literal('clearway.evidence-manifest'),
  formatVersion: z.union([z.literal(1), z.literal(EVIDENCE_FORMAT_VERSION)]),
  range,
  covered: range.optional(),
  pruned: z
    .object({
      checkpoint: z.object({
        seq,
        entryHash: z.string(),
        at: z.number().optional(),
        prunedAt: z.number(),
        prunedTotal: z.number().int().nonnegative(),
        retentionDays: z.number().int().positive().optional(),
      }),
      firstAvailable: z.object({ seq, at: z.number() }).optional(),
      retentionDays: z.number().int().positive().optional(),
      note: z.string(),
    })
    .optional(),
  count: z.number().int().nonnegative(),
  firstSeq: seq.optional(),
  lastSeq: seq.optional(),
  firstPrevHash: z.string(),
  lastEntryHash: z.string(),
  chainHead: z.object({ seq, entryHash: z.string() }),
  exportedAt: z.number(),
  exportedBy: z.string(),
  hashAlgorithm: z.literal(HASH_ALGORITHM),
  macAlgorithm: z.literal(MAC_ALGORITHM),
  canonicalization: z.literal(CANONICALIZATION),
  csvColumns: z.array(z.string()),
  manifestMac: z.string().optional(),
});

/** A manifest as found in a pack or beside a CSV, or undefined when it is not one. */
export function readManifest(value: unknown): EvidenceManifest | undefined {
  // The schema checked every field's shape; unknown fields are kept for the mac to judge.
  return manifestSchema.safeParse(value).success ? (value as EvidenceManifest) : undefined;
}

/** The manifest with its mac: what an export hands over. */
export function sealManifest(key: string, manifest: Omit<EvidenceManifest, 'manifestMac'>): EvidenceManifest {
  return { ...manifest, manifestMac: computeManifestMac(key, { ...manifest }) };
}

type Problem = { readonly problem: ChainProblem; readonly detail: string };

/**
 * Where a manifest disagrees with the events it came with: counts and end hashes, then (format 2)
 * the coverage claims, then with the key its mac, which is what makes the requested range and a
 * "nothing was pruned" claim trustworthy (the events cannot disprove a consistent rewrite of them).
 */
export function manifestProblem(manifest: EvidenceManifest | undefined, chain: ChainVerification, first: PackStart | undefined, key: string | undefined): Problem | undefined {
  if (!manifest) return { problem: 'manifest_missing', detail: 'the pack has no manifest: it may have been cut short' };
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
  if (manifest.manifestMac === undefined) return { problem: 'manifest_mismatch', detail: 'the manifest has no manifestMac: it was not sealed at export' };
  if (key !== undefined && !constantTimeEqual(computeManifestMac(key, { ...manifest }), manifest.manifestMac)) {
    return { problem: 'manifest_mismatch', detail: 'the manifest was changed after export (its manifestMac does not match this key)' };
  }
  return undefined;
}
