import { AUDIT_MAC_KEY_SECRET, type Secrets } from '../ports/secrets.js';
import type { Ids } from '../ports/ids.js';
import { put, type Store, type Write } from '../ports/store.js';
import type { MetaRecord } from '../ports/store-schema.js';
import { GENESIS_HASH, computeEntryHash, computeEntryMac } from './chain.js';
import { auditEventId, type AuditEntry, type AuditEvent } from './event.js';

export const AUDIT_HEAD_ID = 'audit:head';
export const AUDIT_CHECKPOINT_ID = 'audit:checkpoint';

export interface ChainPosition {
  readonly seq: number;
  readonly entryHash: string;
}

/** Where retention pruning stopped: the last pruned event, so the rest of the chain still verifies. */
export interface AuditCheckpoint extends ChainPosition {
  /** When the last pruned event happened; absent on checkpoints written before it was kept. */
  readonly at?: number;
  readonly prunedAt: number;
  readonly prunedTotal: number;
  /** The retention the last pruning applied; absent on checkpoints written before it was kept. */
  readonly retentionDays?: number;
}

const keyCache = new WeakMap<Secrets, Promise<string>>();

/** The chain's HMAC key, created on first use and cached per secrets store. */
export function auditMacKey(secrets: Secrets, ids: Ids): Promise<string> {
  let key = keyCache.get(secrets);
  if (!key) {
    key = (async () => {
      const existing = await secrets.get(AUDIT_MAC_KEY_SECRET);
      if (existing) return existing;
      const created = ids.randomBytes(32).toString('hex');
      await secrets.set(AUDIT_MAC_KEY_SECRET, created);
      return created;
    })();
    keyCache.set(secrets, key);
    key.catch(() => keyCache.delete(secrets));
  }
  return key;
}

export async function readChainHead(store: Store): Promise<{ record?: MetaRecord; position: ChainPosition }> {
  const record = await store.get('meta', AUDIT_HEAD_ID);
  const position = (record?.value as ChainPosition | undefined) ?? { seq: 0, entryHash: GENESIS_HASH };
  return { ...(record && { record }), position };
}

export async function readCheckpoint(store: Store): Promise<AuditCheckpoint | undefined> {
  return (await store.get('meta', AUDIT_CHECKPOINT_ID))?.value as AuditCheckpoint | undefined;
}

/**
 * Seals entries onto the chain after the current head: the events to write plus the moved head,
 * all to be committed with the domain writes they describe, so an event exists exactly when its
 * change does.
 */
export async function sealAuditEntries(
  store: Store,
  key: string,
  entries: readonly AuditEntry[],
  at: number,
  policyVersion: number,
): Promise<Write[]> {
  const head = await readChainHead(store);
  let { seq, entryHash: prevHash } = head.position;
  const events: AuditEvent[] = [];
  for (const entry of entries) {
    seq += 1;
    const body = { seq, at, actor: entry.actor, type: entry.type, refs: entry.refs ?? {}, data: entry.data ?? {}, policyVersion };
    const entryHash = computeEntryHash(prevHash, body);
    events.push({ ...body, id: auditEventId(seq), version: 0, prevHash, entryHash, entryMac: computeEntryMac(key, entryHash) });
    prevHash = entryHash;
  }
  const headRecord: MetaRecord = { id: AUDIT_HEAD_ID, version: head.record?.version ?? 0, value: { seq, entryHash: prevHash } };
  return [...events.map((event) => put('audit', event)), put('meta', headRecord)];
}
