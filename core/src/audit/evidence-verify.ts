import { anchorProblem, readEvidenceAnchor } from './anchor.js';
import { EVIDENCE_FORMAT_VERSION, manifestProblem, readManifest, type EvidenceManifest, type PackStart } from './manifest.js';
import { CSV_COLUMNS, isCsvHeader, readCsvEvent, readPackEvent, type PackProblem } from './pack-event.js';
import { verifyChain, type ChainVerification, type ChainedEvent } from './verify.js';

export interface EvidenceVerification extends ChainVerification {
  readonly manifest?: EvidenceManifest;
  /** True when the key was given and the manifest's own mac (format 2) matched it. */
  readonly manifestMacChecked: boolean;
  /** True when an anchor was given and the pack's manifest is the one it recorded at export. */
  readonly anchorChecked: boolean;
  /**
   * What a pack that verified was not proven to be, in words for the auditor: empty when the key
   * checked every mac. Without the key it says what only the key (or an anchor) can prove.
   */
  readonly notProven: readonly string[];
}

export interface EvidenceVerifyOptions {
  /** The audit chain key: checks every event's mac and the manifest's. */
  readonly key?: string;
  /** The anchor the app recorded at export (the Jira issue property's value, or Jira's `{ key, value }` answer). */
  readonly anchor?: unknown;
}

/** What reading a pack found besides its events: the manifest, the pack's ends, and the first problem. */
interface PackFound {
  manifestLines: number;
  manifest?: unknown;
  first?: PackStart;
  lastAt?: number;
  problem?: PackProblem;
}

type Lines = AsyncIterable<string> | Iterable<string>;

function noteEvent(found: PackFound, event: ChainedEvent): void {
  found.first ??= { seq: event.seq, at: event.at, prevHash: event.prevHash };
  found.lastAt = event.at;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The events of a JSON Lines pack; stops at the first line that is not one (the problem goes to `found`). */
async function* jsonlEvents(lines: Lines, found: PackFound): AsyncGenerator<ChainedEvent> {
  for await (const raw of lines) {
    const line = raw.trim();
    if (line.length === 0) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      found.problem = { problem: 'malformed_event', detail: 'a line is not valid JSON' };
      return;
    }
    if (isRecord(parsed) && 'manifest' in parsed) {
      const besides = Object.keys(parsed).filter((name) => name !== 'manifest');
      if (besides.length > 0) {
        found.problem = { problem: 'unexpected_field', detail: `the manifest line carries fields besides the manifest (${besides.join(', ')})` };
        return;
      }
      if (found.manifestLines > 0) {
        found.problem = { problem: 'manifest_mismatch', detail: 'the pack holds more than one manifest line' };
        return;
      }
      found.manifestLines += 1;
      found.manifest = parsed.manifest;
      continue;
    }
    if (found.manifestLines > 0) {
      found.problem = { problem: 'manifest_mismatch', detail: 'events follow the manifest line' };
      return;
    }
    const read = readPackEvent(parsed);
    if ('problem' in read) {
      found.problem = read.problem;
      return;
    }
    noteEvent(found, read.event);
    yield read.event;
  }
}

/** The events of a CSV pack, after a header naming exactly the pack's columns. */
async function* csvEvents(lines: Lines, found: PackFound): AsyncGenerator<ChainedEvent> {
  let header = true;
  for await (const raw of lines) {
    if (raw.trim().length === 0) continue;
    if (header) {
      header = false;
      if (isCsvHeader(raw)) continue;
      const extra = raw.split(',').filter((column) => !(CSV_COLUMNS as readonly string[]).includes(column.trim()));
      found.problem =
        extra.length > 0
          ? { problem: 'unexpected_field', detail: `the header names columns outside the pack's (${extra.join(', ')})` }
          : { problem: 'malformed_event', detail: `the header is not the pack's columns (${CSV_COLUMNS.join(',')})` };
      return;
    }
    const read = readCsvEvent(raw);
    if ('problem' in read) {
      found.problem = read.problem;
      return;
    }
    noteEvent(found, read.event);
    yield read.event;
  }
  if (header) found.problem = { problem: 'malformed_event', detail: 'the CSV has no header row' };
}

/**
 * What a pack that verified was not proven to be. Without the key, the hashes prove the events
 * link up, not who wrote them, and the manifest's claims are its own; an anchor that matched
 * proves both were what the app exported, as far as the anchor itself can be trusted.
 */
function unproven(options: EvidenceVerifyOptions, manifest: EvidenceManifest, anchorChecked: boolean): string[] {
  const sentences: string[] = [];
  const keyless = options.key === undefined;
  if (keyless && !anchorChecked) {
    sentences.push('That the app wrote these events: without the key their macs were not checked, and a pack edited with every hash recomputed verifies the same.');
    sentences.push(
      "The manifest's claims (the range asked for, what it covers and what was pruned, the chain head at export, the export time and the exporter): without the key its mac was not checked, " +
        'so a pack cut at its start or end, or emptied, with its manifest edited to match verifies the same. Verify with the key, or against the anchor recorded in Jira at export.',
    );
  }
  if (!keyless && manifest.formatVersion !== EVIDENCE_FORMAT_VERSION && !anchorChecked) {
    sentences.push('The manifest is format 1 and carries no mac: its range, chain head, export time and exporter are as the exporter stated them.');
  }
  if (keyless && anchorChecked) {
    sentences.push(
      'That the anchor is the one the app recorded: it was compared with the pack, not authenticated. It is as trustworthy as the Jira issue that holds it; with the key its chain head mac is checked too.',
    );
  }
  return sentences;
}

/** The verdict on a pack whose events were walked: the chain's, what reading found, the manifest's against the events, then the anchor's. */
function verdict(chain: ChainVerification, found: PackFound, options: EvidenceVerifyOptions): EvidenceVerification {
  const read = found.manifestLines > 0 ? readManifest(found.manifest) : undefined;
  const manifest = read && 'manifest' in read ? read.manifest : undefined;
  const result: EvidenceVerification = { ...chain, ...(manifest && { manifest }), manifestMacChecked: false, anchorChecked: false, notProven: [] };
  const fail = ({ problem, seq, detail }: PackProblem): EvidenceVerification => ({ ...result, ok: false, ...(seq !== undefined && { firstBadSeq: seq }), problem, detail });
  if (!chain.ok) return result;
  if (found.problem) return fail(found.problem);
  if (!read) return fail({ problem: 'manifest_missing', detail: 'the pack has no manifest: it may have been cut short' });
  if ('problem' in read) return fail(read.problem);
  const mismatch = manifestProblem(read.manifest, chain, found, options.key);
  if (mismatch) return fail(mismatch);
  let anchorChecked = false;
  if (options.anchor !== undefined) {
    const anchor = readEvidenceAnchor(options.anchor);
    if ('problem' in anchor) return fail(anchor.problem);
    const different = anchorProblem(anchor.anchor, read.manifest, options.key);
    if (different) return fail(different);
    anchorChecked = true;
  }
  return {
    ...result,
    manifestMacChecked: options.key !== undefined && read.manifest.formatVersion === EVIDENCE_FORMAT_VERSION,
    anchorChecked,
    notProven: unproven(options, read.manifest, anchorChecked),
  };
}

async function verifyPack(events: (found: PackFound) => AsyncGenerator<ChainedEvent>, found: PackFound, options: EvidenceVerifyOptions): Promise<EvidenceVerification> {
  const chain = await verifyChain(events(found), options.key !== undefined ? { key: options.key } : {});
  return verdict(chain, found, options);
}

/**
 * Verifies a JSON Lines evidence pack offline: every line against the event schema (a field
 * outside it is refused: nothing proves it), the chain inside it (continuity, hashes, and with the
 * key, macs), that it is whole and says what it covers (the manifest's counts, end hashes, range,
 * chain head and coverage against its events, and with the key the manifest's own mac), and, given
 * an anchor, that it is the pack the app recorded at export. `notProven` says, in words, what the
 * options given could not prove.
 */
export function verifyEvidence(lines: Lines, options: EvidenceVerifyOptions = {}): Promise<EvidenceVerification> {
  return verifyPack((found) => jsonlEvents(lines, found), { manifestLines: 0 }, options);
}

/** Verifies a CSV export against its manifest (kept beside it, so read as untrusted too), the same way. */
export function verifyEvidenceCsv(lines: Lines, manifest: unknown, options: EvidenceVerifyOptions = {}): Promise<EvidenceVerification> {
  return verifyPack((found) => csvEvents(lines, found), { manifestLines: 1, manifest }, options);
}
