import { createHash, createHmac } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { AuditEventBody } from './event.js';

/** The prevHash of the first event ever appended. */
export const GENESIS_HASH = '0'.repeat(64);

export const HASH_ALGORITHM = 'SHA-256';
export const MAC_ALGORITHM = 'HMAC-SHA-256';
export const CANONICALIZATION = 'RFC 8785 (JSON Canonicalization Scheme)';

/** The hashed fields of an event, canonicalized (RFC 8785) so any verifier gets the same bytes. */
export function canonicalBody(body: AuditEventBody): string {
  const { seq, at, actor, type, refs, data, policyVersion } = body;
  const text = canonicalize({ seq, at, actor, type, refs, data, policyVersion });
  if (text === undefined) throw new TypeError('An audit event must be JSON.');
  return text;
}

/** `entryHash = SHA-256(prevHash || canonical JSON of the event)`, hex. */
export function computeEntryHash(prevHash: string, body: AuditEventBody): string {
  return createHash('sha256').update(prevHash).update(canonicalBody(body)).digest('hex');
}

/** `entryMac = HMAC-SHA-256(key, entryHash)`, hex. */
export function computeEntryMac(key: string | Buffer, entryHash: string): string {
  return createHmac('sha256', key).update(entryHash).digest('hex');
}
