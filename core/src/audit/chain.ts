import { createHash, createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import { canonicalEventFields, canonicalJson } from './canonical.js';
import type { AuditEventBody } from './event.js';

/** The prevHash of the first event ever appended. */
export const GENESIS_HASH = '0'.repeat(64);

export const HASH_ALGORITHM = 'SHA-256';
export const MAC_ALGORITHM = 'HMAC-SHA-256';
export const CANONICALIZATION = 'RFC 8785 (JSON Canonicalization Scheme)';

/** The hashed fields of an event, canonicalized (RFC 8785) so any verifier gets the same bytes. */
export function canonicalBody(body: AuditEventBody): string {
  return canonicalEventFields(body);
}

/** `entryHash = SHA-256(prevHash || canonical JSON of the event)`, hex. */
export function computeEntryHash(prevHash: string, body: AuditEventBody): string {
  return createHash('sha256').update(prevHash).update(canonicalBody(body)).digest('hex');
}

const keyObjects = new Map<string, KeyObject>();

/** The key's bytes (the UTF-8 of the stored key text) as a KeyObject, made once per key. */
function macKey(key: string | Buffer): KeyObject | Buffer {
  if (typeof key !== 'string') return key;
  let object = keyObjects.get(key);
  if (!object) {
    object = createSecretKey(Buffer.from(key, 'utf8'));
    keyObjects.set(key, object);
  }
  return object;
}

/** `entryMac = HMAC-SHA-256(key, entryHash)`, hex. */
export function computeEntryMac(key: string | Buffer, entryHash: string): string {
  return createHmac('sha256', macKey(key)).update(entryHash).digest('hex');
}

/**
 * `manifestMac = HMAC-SHA-256(key, RFC 8785 JSON of the manifest without manifestMac)`, hex: seals
 * an evidence manifest's claims (range, coverage, pruning) that its events alone cannot prove.
 */
export function computeManifestMac(key: string | Buffer, manifest: Readonly<Record<string, unknown>>): string {
  const sealed = Object.fromEntries(Object.entries(manifest).filter(([name]) => name !== 'manifestMac'));
  return createHmac('sha256', macKey(key)).update(canonicalJson(sealed)).digest('hex');
}
