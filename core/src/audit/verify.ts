import { timingSafeEqual } from 'node:crypto';
import { GENESIS_HASH, computeEntryHash, computeEntryMac } from './chain.js';
import type { AuditEventBody } from './event.js';

export type ChainProblem =
  | 'seq_gap'
  | 'prev_hash_mismatch'
  | 'entry_hash_mismatch'
  | 'entry_mac_mismatch'
  | 'malformed_event'
  | 'manifest_mismatch'
  | 'manifest_missing';

export interface ChainVerification {
  readonly ok: boolean;
  /** Events whose hash (and mac, when a key was given) checked out before any problem. */
  readonly verified: number;
  readonly macChecked: boolean;
  readonly firstSeq?: number;
  readonly lastSeq?: number;
  readonly lastEntryHash?: string;
  readonly firstBadSeq?: number;
  readonly problem?: ChainProblem;
  readonly detail?: string;
}

export interface ChainedEvent extends AuditEventBody {
  readonly prevHash: string;
  readonly entryHash: string;
  readonly entryMac: string;
}

export interface ChainStart {
  /** The seq the first event must have; undefined accepts whatever comes first. */
  readonly seq?: number;
  /** The prevHash the first event must carry. */
  readonly prevHash?: string;
}

function sameHex(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && left.length > 0 && timingSafeEqual(left, right);
}

/**
 * Walks events in order and checks seq continuity, each prevHash against the previous entryHash,
 * each entryHash against its recomputation, and (with the key) each entryMac. Stops at the first
 * problem and reports its seq. Streams: holds one event at a time.
 */
export async function verifyChain(
  events: AsyncIterable<ChainedEvent> | Iterable<ChainedEvent>,
  options: { key?: string | Buffer; start?: ChainStart } = {},
): Promise<ChainVerification> {
  const macChecked = options.key !== undefined;
  let expectedSeq = options.start?.seq;
  let expectedPrev = options.start?.prevHash ?? (options.start?.seq === 1 ? GENESIS_HASH : undefined);
  let verified = 0;
  let firstSeq: number | undefined;
  let lastEntryHash: string | undefined;
  let lastSeq: number | undefined;
  const fail = (problem: ChainProblem, seq: number | undefined, detail: string): ChainVerification => ({
    ok: false,
    verified,
    macChecked,
    ...(firstSeq !== undefined && { firstSeq }),
    ...(lastSeq !== undefined && { lastSeq }),
    ...(lastEntryHash !== undefined && { lastEntryHash }),
    ...(seq !== undefined && { firstBadSeq: seq }),
    problem,
    detail,
  });

  for await (const event of events) {
    if (!Number.isInteger(event.seq) || typeof event.prevHash !== 'string' || typeof event.entryHash !== 'string') {
      return fail('malformed_event', expectedSeq, 'an event is missing seq, prevHash or entryHash');
    }
    if (expectedSeq !== undefined && event.seq !== expectedSeq) {
      return fail('seq_gap', expectedSeq, `expected seq ${expectedSeq}, found ${event.seq}`);
    }
    if (expectedPrev !== undefined && event.prevHash !== expectedPrev) {
      return fail('prev_hash_mismatch', event.seq, `seq ${event.seq} does not follow the event before it`);
    }
    let recomputed: string;
    try {
      recomputed = computeEntryHash(event.prevHash, event);
    } catch {
      return fail('malformed_event', event.seq, `seq ${event.seq} is not valid JSON data`);
    }
    if (!sameHex(recomputed, event.entryHash)) {
      return fail('entry_hash_mismatch', event.seq, `seq ${event.seq} was changed after it was written`);
    }
    if (options.key !== undefined && !sameHex(computeEntryMac(options.key, event.entryHash), event.entryMac)) {
      return fail('entry_mac_mismatch', event.seq, `seq ${event.seq} was not sealed with this key`);
    }
    firstSeq ??= event.seq;
    verified += 1;
    lastSeq = event.seq;
    lastEntryHash = event.entryHash;
    expectedSeq = event.seq + 1;
    expectedPrev = event.entryHash;
  }

  return {
    ok: true,
    verified,
    macChecked,
    ...(firstSeq !== undefined && { firstSeq }),
    ...(lastSeq !== undefined && { lastSeq }),
    ...(lastEntryHash !== undefined && { lastEntryHash }),
  };
}
