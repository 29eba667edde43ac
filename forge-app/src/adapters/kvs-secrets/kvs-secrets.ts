import { kvs } from '@forge/kvs';
import type { Secrets } from '@clearway/core';
import { encodeKey } from '../kvs-store/keys';
import type { KvsClient } from '../kvs-store/kvs-store';

/**
 * Core's `Secrets` over Forge secret storage (`kvs.setSecret` / `getSecret` / `deleteSecret`):
 * connector credentials and the audit chain's MAC key. Secret storage is encrypted and cannot be
 * queried; nothing here ever returns a value anywhere but to core.
 */
export class KvsSecrets implements Secrets {
  constructor(private readonly client: KvsClient = kvs) {}

  async get(name: string): Promise<string | undefined> {
    const value = await this.client.getSecret<unknown>(encodeKey(name));
    return typeof value === 'string' ? value : undefined;
  }

  async set(name: string, value: string): Promise<void> {
    await this.client.setSecret(encodeKey(name), value);
  }

  async delete(name: string): Promise<void> {
    // The SDK treats a missing key as already deleted.
    await this.client.deleteSecret(encodeKey(name));
  }
}
