import type { AuditCheckpoint } from './audit-log.js';

export interface TimeRange {
  readonly from: number;
  readonly to: number;
}

export interface EventPosition {
  readonly seq: number;
  readonly at: number;
}

/** What an evidence manifest says when retention had pruned events of the requested range. */
export interface EvidencePruning {
  /** The stored chain's checkpoint: the last pruned event (seq, entryHash, time) and the pruning. */
  readonly checkpoint: AuditCheckpoint;
  /** The oldest event retention kept: the pack's first event whenever the range reaches it. */
  readonly firstAvailable?: EventPosition;
  /** The retention period that pruned them, when the checkpoint recorded it. */
  readonly retentionDays?: number;
  /** The same in one sentence, for the admin and the auditor. */
  readonly note: string;
}

export interface EvidenceCoverage {
  /** The part of the requested range whose every event is in the pack; absent when retention pruned all of it. */
  readonly covered?: TimeRange;
  readonly pruned?: EvidencePruning;
}

const iso = (at: number) => new Date(at).toISOString();

function pruningNote(range: TimeRange, checkpoint: AuditCheckpoint, firstAvailable: EventPosition | undefined, covered: TimeRange | undefined): string {
  const retention = checkpoint.retentionDays !== undefined ? `the ${checkpoint.retentionDays}-day retention` : 'retention';
  const why = `events through seq ${checkpoint.seq}${checkpoint.at !== undefined ? ` (${iso(checkpoint.at)})` : ''} were pruned by ${retention} on ${iso(checkpoint.prunedAt)}`;
  if (covered) {
    return `This pack starts at ${iso(covered.from)}${firstAvailable ? ` (seq ${firstAvailable.seq})` : ''}, later than the requested ${iso(range.from)}: ${why}.`;
  }
  const oldest = firstAvailable ? `; the oldest event kept is seq ${firstAvailable.seq} at ${iso(firstAvailable.at)}` : '';
  return `This pack holds no events of the requested range ${iso(range.from)} to ${iso(range.to)}: ${why}${oldest}.`;
}

/**
 * What an export of `range` can cover, given where the stored chain starts. Without a checkpoint,
 * or with a range that begins after the last pruned event, it covers the whole range. Otherwise it
 * starts at the first event retention kept and says so. A checkpoint that does not record when its
 * event happened (written by an older version) counts as pruning every event before the first one kept.
 */
export function evidenceCoverage(range: TimeRange, checkpoint: AuditCheckpoint | undefined, firstAvailable: EventPosition | undefined): EvidenceCoverage {
  if (!checkpoint) return { covered: range };
  const reachesPruned = checkpoint.at !== undefined ? range.from <= checkpoint.at : firstAvailable === undefined || range.from < firstAvailable.at;
  if (!reachesPruned) return { covered: range };
  const covered = firstAvailable && firstAvailable.at <= range.to ? { from: Math.max(range.from, firstAvailable.at), to: range.to } : undefined;
  // Field by field: the manifest states what a checkpoint means, not whatever the record holds.
  const stated: AuditCheckpoint = {
    seq: checkpoint.seq,
    entryHash: checkpoint.entryHash,
    ...(checkpoint.at !== undefined && { at: checkpoint.at }),
    prunedAt: checkpoint.prunedAt,
    prunedTotal: checkpoint.prunedTotal,
    ...(checkpoint.retentionDays !== undefined && { retentionDays: checkpoint.retentionDays }),
  };
  return {
    ...(covered && { covered }),
    pruned: {
      checkpoint: stated,
      ...(firstAvailable && { firstAvailable }),
      ...(checkpoint.retentionDays !== undefined && { retentionDays: checkpoint.retentionDays }),
      note: pruningNote(range, checkpoint, firstAvailable, covered),
    },
  };
}

/**
 * Where a manifest's coverage claim disagrees with the events it came with, or undefined. The pack
 * can prove only its own edges: a pruned start must join the stated checkpoint and cover from its
 * first event; a start with no pruning stated must cover the whole requested range. Claims the
 * events cannot contradict (a consistent rewrite of range and coverage) are the manifest mac's job.
 */
export function coverageProblem(
  manifest: { readonly range: TimeRange } & EvidenceCoverage,
  first: (EventPosition & { readonly prevHash: string }) | undefined,
): string | undefined {
  const { range, covered, pruned } = manifest;
  if (covered && (covered.from < range.from || covered.from > covered.to || covered.to !== range.to)) {
    return 'its covered range lies outside the requested range';
  }
  if (!pruned) {
    return covered?.from === range.from ? undefined : 'it covers less than the requested range without saying that retention pruned the rest';
  }
  if (!first) return covered ? 'it claims a covered range but holds no events' : undefined;
  if (first.seq !== pruned.checkpoint.seq + 1 || first.prevHash !== pruned.checkpoint.entryHash) {
    return 'it says retention pruned the start of the range, but its first event does not follow the stated checkpoint';
  }
  if (pruned.firstAvailable && (pruned.firstAvailable.seq !== first.seq || pruned.firstAvailable.at !== first.at)) {
    return 'its first available event is not its first event';
  }
  return covered?.from === Math.max(range.from, first.at) ? undefined : 'its covered range does not start at its first event';
}
