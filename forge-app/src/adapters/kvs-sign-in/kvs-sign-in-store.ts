import { ForgeKvsAPIError, kvs } from '@forge/kvs';
import type { SignInStore } from '@clearway/core/gateway-sign-in';
import { encodeKey } from '../kvs-store/keys';
import type { KvsClient } from '../kvs-store/kvs-store';

/**
 * Where sign-in keeps its records in secret storage and its claims in the Key-Value Store. The
 * prefixes keep them apart from core's own secrets (`audit:…`, `connector:…`); `encodeKey` keeps
 * any name (colons, long token hashes) within the 500-character key rule, prefix included.
 */
const RECORD_PREFIX = 'gateway:';
const CLAIM_PREFIX = 'gateway-claim:';

/**
 * Core's `SignInStore` on Forge. Records (registered clients, pending sign-ins, codes, token
 * hashes, connections holding the user's Atlassian tokens) live in secret storage
 * (`kvs.setSecret`): encrypted, never queryable, never listed. A claim is a plain
 * `kvs.set(…, { keyPolicy: 'FAIL_IF_EXISTS', ttl })`: the platform writes it for exactly one of
 * any concurrent claimers and answers the others 409, and forgets it after its TTL.
 */
export class KvsSignInStore implements SignInStore {
  constructor(private readonly client: KvsClient = kvs) {}

  async get(name: string): Promise<string | undefined> {
    const value = await this.client.getSecret<unknown>(encodeKey(`${RECORD_PREFIX}${name}`));
    return typeof value === 'string' ? value : undefined;
  }

  async set(name: string, value: string): Promise<void> {
    await this.client.setSecret(encodeKey(`${RECORD_PREFIX}${name}`), value);
  }

  async delete(name: string): Promise<void> {
    // The SDK treats a missing key as already deleted.
    await this.client.deleteSecret(encodeKey(`${RECORD_PREFIX}${name}`));
  }

  async claim(name: string, ttlSeconds: number): Promise<boolean> {
    // The platform takes whole units of at least one; a claim never lasts shorter than asked.
    const ttl = { value: Math.max(1, Math.ceil(ttlSeconds)), unit: 'SECONDS' as const };
    try {
      await this.client.set(encodeKey(`${CLAIM_PREFIX}${name}`), true, { keyPolicy: 'FAIL_IF_EXISTS', ttl });
      return true;
    } catch (error) {
      // The status, not the code: the conflict's error code is not documented.
      if (error instanceof ForgeKvsAPIError && error.responseDetails.status === 409) return false;
      throw error;
    }
  }
}
