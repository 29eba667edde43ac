import { GENESIS_HASH, computeEntryHash, computeEntryMac } from './chain.js';
import type { AuditEventBody } from './event.js';

export type ChainProblem =
  | 'seq_gap'
  | 'prev_hash_mismatch'
  | 'entry_hash_mismatch'
  | 'entry_mac_mismatch'
  | 'malformed_event'
  /** An event (or the manifest) carries a field outside its schema: unhashed, so unproven. */
  | 'unexpected_field'
  | 'manifest_mismatch'
  | 'manifest_missing'
  /** The manifest is not the one the anchor recorded in Jira at export. */
  | 'anchor_mismatch';

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

/** Compares two macs in time that does not depend on where they first differ. */
export function constantTimeEqual(expected: string, claimed: unknown): boolean {
  if (typeof claimed !== 'string' || claimed.length !== expected.length) return false;
  let difference = 0;
  for (let index = 0; index < expected.length; index += 1) difference |= expected.charCodeAt(index) ^ claimed.charCodeAt(index);
  return difference === 0;
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
  const walker = new ChainWalker(options);
  // Arrays and other sync iterables are walked without a promise per event.
  if (Symbol.iterator in events) {
    for (const event of events) if (walker.step(event)) return walker.result();
  } else {
    for await (const event of events) if (walker.step(event)) return walker.result();
  }
  return walker.result();
}

/** The verification state between events; `step` answers true once a problem was found. */
class ChainWalker {
  private readonly macChecked: boolean;
  private expectedSeq: number | undefined;
  private expectedPrev: string | undefined;
  private verified = 0;
  private firstSeq: number | undefined;
  private lastSeq: number | undefined;
  private lastEntryHash: string | undefined;
  private failure: { problem: ChainProblem; seq: number | undefined; detail: string } | undefined;

  constructor(private readonly options: { key?: string | Buffer; start?: ChainStart }) {
    this.macChecked = options.key !== undefined;
    this.expectedSeq = options.start?.seq;
    this.expectedPrev = options.start?.prevHash ?? (options.start?.seq === 1 ? GENESIS_HASH : undefined);
  }

  private fail(problem: ChainProblem, seq: number | undefined, detail: string): true {
    this.failure = { problem, seq, detail };
    return true;
  }

  step(event: ChainedEvent): boolean {
    if (!Number.isInteger(event.seq) || typeof event.prevHash !== 'string' || typeof event.entryHash !== 'string') {
      return this.fail('malformed_event', this.expectedSeq, 'an event is missing seq, prevHash or entryHash');
    }
    if (this.expectedSeq !== undefined && event.seq !== this.expectedSeq) {
      return this.fail('seq_gap', this.expectedSeq, `expected seq ${this.expectedSeq}, found ${event.seq}`);
    }
    if (this.expectedPrev !== undefined && event.prevHash !== this.expectedPrev) {
      return this.fail('prev_hash_mismatch', event.seq, `seq ${event.seq} does not follow the event before it`);
    }
    let recomputed: string;
    try {
      recomputed = computeEntryHash(event.prevHash, event);
    } catch {
      return this.fail('malformed_event', event.seq, `seq ${event.seq} is not valid JSON data`);
    }
    // Hashes are public: plain comparison. The mac is compared in constant time.
    if (recomputed !== event.entryHash) return this.fail('entry_hash_mismatch', event.seq, `seq ${event.seq} was changed after it was written`);
    if (this.options.key !== undefined && !constantTimeEqual(computeEntryMac(this.options.key, event.entryHash), event.entryMac)) {
      return this.fail('entry_mac_mismatch', event.seq, `seq ${event.seq} was not sealed with this key`);
    }
    this.firstSeq ??= event.seq;
    this.verified += 1;
    this.lastSeq = event.seq;
    this.lastEntryHash = event.entryHash;
    this.expectedSeq = event.seq + 1;
    this.expectedPrev = event.entryHash;
    return false;
  }

  result(): ChainVerification {
    return {
      ok: this.failure === undefined,
      verified: this.verified,
      macChecked: this.macChecked,
      ...(this.firstSeq !== undefined && { firstSeq: this.firstSeq }),
      ...(this.lastSeq !== undefined && { lastSeq: this.lastSeq }),
      ...(this.lastEntryHash !== undefined && { lastEntryHash: this.lastEntryHash }),
      ...(this.failure && {
        ...(this.failure.seq !== undefined && { firstBadSeq: this.failure.seq }),
        problem: this.failure.problem,
        detail: this.failure.detail,
      }),
    };
  }
}
