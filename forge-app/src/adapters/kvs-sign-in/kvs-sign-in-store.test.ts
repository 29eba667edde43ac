/**
 * The sign-in store through the real @forge/kvs SDK over the fake platform. The key policy and TTL
 * are the set options Forge's KVS REST API documents
 * (https://developer.atlassian.com/platform/forge/rest/v2/api-group-forge-kvs/, "Stores a JSON value
 * with a specified key … configured via the key policy option … a TTL (Time To Live) to
 * automatically expire the data"); a FAIL_IF_EXISTS write on an existing key answers 409.
 */
import { ForgeKvsAPIError } from '@forge/kvs';
import { describe, expect, it } from 'vitest';
import { fakeForge } from '../../test-support/fake-forge/index';
import { KvsSecrets } from '../kvs-secrets/kvs-secrets';
import { KvsSignInStore } from './kvs-sign-in-store';

const KVS_KEY = /^(?!\s+$)[a-zA-Z0-9:._\s\-#]+$/;

describe('KvsSignInStore', () => {
  it('keeps records in secret storage only, under keys apart from core’s own secrets', async () => {
    const store = new KvsSignInStore();
    const record = JSON.stringify({ accessToken: 'atl-access-0123456789', refreshToken: 'atl-refresh-9876543210' });
    await store.set('connection:c1', record);
    await new KvsSecrets().set('connection:c1', 'a core secret of the same name');
    expect(await store.get('connection:c1')).toBe(record);
    const forge = fakeForge();
    expect(forge.kvs.secretValues()).toContain(record);
    expect(forge.kvs.calls.every((call) => call.path.startsWith('/api/v1/secret/'))).toBe(true);
    // Nothing sign-in stores is queryable: neither the plain store nor any entity holds it.
    const { kvs: plain, entities } = JSON.parse(forge.kvs.snapshot()) as { kvs: unknown; entities: unknown };
    expect(JSON.stringify([plain, entities])).not.toContain('atl-refresh');
  });

  it('answers undefined for a name never set, and deletes idempotently', async () => {
    const store = new KvsSignInStore();
    expect(await store.get('client:unknown')).toBeUndefined();
    await store.set('client:c', '{}');
    await store.delete('client:c');
    await store.delete('client:c');
    expect(await store.get('client:c')).toBeUndefined();
  });

  it('stores names with colons and long hashes within the 500-character key rule, each under its own key', async () => {
    const store = new KvsSignInStore();
    const long = `token:${'f'.repeat(64)}:${'x'.repeat(600)}`;
    const longer = `${long}y`;
    await store.set(long, 'one');
    await store.set(longer, 'two');
    await store.claim(long, 60);
    expect([await store.get(long), await store.get(longer)]).toEqual(['one', 'two']);
    for (const call of fakeForge().kvs.calls) {
      const key = (call.body as { key: string }).key;
      expect(key.length).toBeLessThanOrEqual(500);
      expect(key).toMatch(KVS_KEY);
    }
  });

  it('grants exactly one of two concurrent claims, with the platform’s key policy and a TTL in seconds', async () => {
    const store = new KvsSignInStore();
    const both = await Promise.all([store.claim('code:abc', 60), store.claim('code:abc', 60)]);
    expect(both.filter(Boolean)).toHaveLength(1);
    expect(await store.claim('code:abc', 60)).toBe(false);
    expect(await store.claim('code:other', 60)).toBe(true);
    const sets = fakeForge().kvs.calls.filter((call) => call.path === '/api/v1/set');
    expect(sets[0]?.body).toMatchObject({ key: 'gateway-claim:code:abc', value: true, options: { keyPolicy: 'FAIL_IF_EXISTS', ttl: { value: 60, unit: 'SECONDS' } } });
  });

  it('lets an expired claim be claimed again, and never asks for less than the TTL given', async () => {
    const forge = fakeForge();
    let now = 5_000_000;
    forge.kvs.now = () => now;
    const store = new KvsSignInStore();
    expect(await store.claim('refresh:r1', 0.2)).toBe(true);
    now += 999;
    expect(await store.claim('refresh:r1', 0.2)).toBe(false);
    now += 1;
    expect(await store.claim('refresh:r1', 0.2)).toBe(true);
    expect(forge.kvs.calls.filter((call) => call.path === '/api/v1/set').map((call) => (call.body as { options: unknown }).options)).toEqual(
      Array.from({ length: 3 }, () => ({ keyPolicy: 'FAIL_IF_EXISTS', ttl: { value: 1, unit: 'SECONDS' } })),
    );
  });

  it('lets any other storage failure reach the caller instead of answering “already claimed”', async () => {
    fakeForge().kvs.failNext('/api/v1/set', () => new Response(JSON.stringify({ code: 'RATE_LIMIT_EXCEEDED', message: 'Too many requests' }), { status: 429 }));
    const failed = await new KvsSignInStore().claim('state:s1', 600).catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(ForgeKvsAPIError);
    expect(failed).toMatchObject({ responseDetails: { status: 429 } });
    expect(await new KvsSignInStore().claim('state:s1', 600)).toBe(true);
  });
});
