import { createHash } from 'node:crypto';
import { z } from 'zod';
import { canonicalJson } from './canonical.js';
import { computeEntryMac } from './chain.js';
import type { EvidenceManifest, SealedEvidenceManifest } from './manifest.js';
import { unexpectedFields, type PackProblem } from './pack-event.js';
import { constantTimeEqual } from './verify.js';

export const EVIDENCE_ANCHOR_TYPE = 'clearway.evidence-anchor';

/**
 * Jira's limits on an issue property: a key of at most 255 characters, a value of at most 32,768
 * (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-properties/).
 */
export const ISSUE_PROPERTY_LIMITS = { keyLength: 255, valueLength: 32_768 } as const;

/**
 * What the app records outside its own storage when it exports a pack (as a Jira issue property):
 * the chain head at export with its mac, and the manifest's mac, hash and claims. An auditor
 * without the key checks a pack against it: a manifest rewritten to match a cut, emptied or
 * recomputed pack no longer equals what was recorded then.
 */
export interface EvidenceAnchor extends Pick<EvidenceManifest, 'exportedAt' | 'exportedBy' | 'range' | 'count' | 'firstSeq' | 'lastSeq' | 'firstPrevHash' | 'lastEntryHash'> {
  readonly type: typeof EVIDENCE_ANCHOR_TYPE;
  readonly formatVersion: 1;
  /** The chain head when the pack was exported; `entryMac` is HMAC-SHA-256 of its entryHash with the chain key. */
  readonly chainHead: { readonly seq: number; readonly entryHash: string; readonly entryMac: string };
  readonly manifestMac: string;
  /** SHA-256 of the manifest's RFC 8785 JSON, its mac included: matches the whole manifest without the key. */
  readonly manifestHash: string;
}

/** SHA-256 (hex) of a manifest's RFC 8785 JSON, every field included. */
export function manifestHash(manifest: EvidenceManifest): string {
  return createHash('sha256').update(canonicalJson(manifest)).digest('hex');
}

/** The anchor of an exported pack, from its sealed manifest and the chain key. */
export function buildEvidenceAnchor(key: string, manifest: SealedEvidenceManifest): EvidenceAnchor {
  const { chainHead, range, count, firstSeq, lastSeq, firstPrevHash, lastEntryHash, exportedAt, exportedBy, manifestMac } = manifest;
  return {
    type: EVIDENCE_ANCHOR_TYPE,
    formatVersion: 1,
    chainHead: { seq: chainHead.seq, entryHash: chainHead.entryHash, entryMac: computeEntryMac(key, chainHead.entryHash) },
    manifestMac,
    manifestHash: manifestHash(manifest),
    exportedAt,
    exportedBy,
    range: { from: range.from, to: range.to },
    count,
    ...(firstSeq !== undefined && { firstSeq }),
    ...(lastSeq !== undefined && { lastSeq }),
    firstPrevHash,
    lastEntryHash,
  };
}

/**
 * The issue property an anchor is recorded under: the export time, readable in Jira's property
 * list, and the start of the manifest's mac, so two exports in the same millisecond keep apart.
 */
export function evidenceAnchorPropertyKey(anchor: Pick<EvidenceAnchor, 'exportedAt' | 'manifestMac'>): string {
  return `clearway-evidence-${new Date(anchor.exportedAt).toISOString().replace(/[:.]/g, '-')}-${anchor.manifestMac.slice(0, 12)}`;
}

const hex64 = z.string().regex(/^[0-9a-f]{64}$/);
const seq = z.number().int().nonnegative();

/** An anchor as read back from Jira: every field, and nothing else. */
export const evidenceAnchorSchema = z.strictObject({
  type: z.literal(EVIDENCE_ANCHOR_TYPE),
  formatVersion: z.literal(1),
  chainHead: z.strictObject({ seq, entryHash: hex64, entryMac: hex64 }),
  manifestMac: hex64,
  manifestHash: hex64,
  exportedAt: z.number(),
  exportedBy: z.string().min(1),
  range: z.strictObject({ from: z.number(), to: z.number() }),
  count: z.number().int().nonnegative(),
  firstSeq: seq.optional(),
  lastSeq: seq.optional(),
  firstPrevHash: hex64,
  lastEntryHash: hex64,
});

/** Jira's answer to "get issue property" wraps the value: `{ key, value }`. */
const propertyEnvelope = z.strictObject({ key: z.string(), value: z.unknown() });

/** An anchor as given to verify: the property's value, or Jira's `{ key, value }` answer holding it. */
export function readEvidenceAnchor(value: unknown): { readonly anchor: EvidenceAnchor } | { readonly problem: PackProblem } {
  const envelope = propertyEnvelope.safeParse(value);
  const candidate = envelope.success ? envelope.data.value : value;
  const parsed = evidenceAnchorSchema.safeParse(candidate);
  if (parsed.success) return { anchor: parsed.data };
  const extra = unexpectedFields(parsed.error);
  const why = extra ? `it carries fields outside its schema (${extra.join(', ')})` : 'a field is missing or of the wrong kind';
  return { problem: { problem: 'anchor_mismatch', detail: `the anchor is not a Clearway evidence anchor: ${why}` } };
}

/**
 * Where a pack's manifest is not the one the anchor recorded at export, or undefined. With the key,
 * the anchor's own head mac is checked too: an anchor this installation did not record is refused.
 */
export function anchorProblem(anchor: EvidenceAnchor, manifest: EvidenceManifest, key: string | undefined): PackProblem | undefined {
  const compared: Array<[string, unknown, unknown]> = [
    ['chainHead', `${anchor.chainHead.seq}/${anchor.chainHead.entryHash}`, `${manifest.chainHead.seq}/${manifest.chainHead.entryHash}`],
    ['count', anchor.count, manifest.count],
    ['firstSeq', anchor.firstSeq, manifest.firstSeq],
    ['lastSeq', anchor.lastSeq, manifest.lastSeq],
    ['firstPrevHash', anchor.firstPrevHash, manifest.firstPrevHash],
    ['lastEntryHash', anchor.lastEntryHash, manifest.lastEntryHash],
    ['range', `${anchor.range.from}/${anchor.range.to}`, `${manifest.range.from}/${manifest.range.to}`],
    ['exportedAt', anchor.exportedAt, manifest.exportedAt],
    ['exportedBy', anchor.exportedBy, manifest.exportedBy],
    ['manifestMac', anchor.manifestMac, manifest.manifestMac],
    ['manifestHash', anchor.manifestHash, manifestHash(manifest)],
  ];
  const wrong = compared.filter(([, recorded, found]) => recorded !== found).map(([name]) => name);
  if (wrong.length > 0) return { problem: 'anchor_mismatch', detail: `the pack is not the one recorded in the anchor at export (${wrong.join(', ')} differ)` };
  if (key !== undefined && !constantTimeEqual(computeEntryMac(key, anchor.chainHead.entryHash), anchor.chainHead.entryMac)) {
    return { problem: 'anchor_mismatch', detail: "the anchor's chain head mac does not match this key: this installation did not record it" };
  }
  return undefined;
}
