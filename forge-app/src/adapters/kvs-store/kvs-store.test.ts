import { ConcurrencyError, ENTITY_NAMES, STORE_SCHEMA, StoreLimitError, indexEntriesOf, put, type ConnectorRecord, type EntityRecord, type IdentityRecord, type Job } from '@clearway/core';
import { describeStoreContract } from '@clearway/core/testing';
import { describe, expect, it } from 'vitest';
import { fakeForge, resetFakeForge } from '../../test-support/fake-forge/index';
import { json } from '../../test-support/fake-forge/http';
import { kvsEntityName, partitionAttribute, rangeAttribute } from './entity-mapping';
import { encodeKey } from './keys';
import { KvsStore } from './kvs-store';

describeStoreContract('forge kvs (fake platform, real @forge/kvs)', () => {
  resetFakeForge();
  return new KvsStore();
});

function job(id: string, overrides: Partial<Job> = {}): Job {
  return { id, version: 0, type: 'provision', grantId: 'g1', connectorId: 'c1', toolId: 't1', status: 'queued', idempotencyKey: id, attempts: 0, wakeAt: 10, createdAt: 10, updatedAt: 10, ...overrides };
}

function connector(id: string, name: string): ConnectorRecord {
  return { id, version: 0, providerType: 'manual', name, settings: {}, secretsSet: [], enabled: true, createdAt: 1, updatedAt: 1 };
}

function identity(id: string, source: IdentityRecord['source']): IdentityRecord {
  return { id, version: 0, connectorId: 'c1', accountId: `acc-${id}`, source, updatedAt: 1, lastUsedAt: 5 };
}

/**
 * Every index attribute of every stored value, checked against core's own index entries. The
 * Custom Entity Store refuses a `string` that is empty or all whitespace ("Must contain at least
 * one non-whitespace character", "Must not be empty":
 * https://developer.atlassian.com/platform/forge/runtime-reference/custom-entities/ → Limitations
 * → Values), so an index a record is not in has no attributes at all, never a blank filler.
 */
function indexAttributeProblems(): string[] {
  const problems: string[] = [];
  for (const entity of ENTITY_NAMES) {
    for (const [key, stored] of fakeForge().kvs.entityValues(kvsEntityName(entity))) {
      const value = stored as Record<string, unknown>;
      const entries = indexEntriesOf(entity, value.data as EntityRecord);
      for (const index of Object.keys(STORE_SCHEMA[entity])) {
        const attributes = [partitionAttribute(index), rangeAttribute(index)];
        const inIndex = entries.some((entry) => entry.index === index);
        for (const attribute of attributes) {
          const attributeValue = value[attribute];
          if (!inIndex && attribute in value) problems.push(`${entity} ${key} is not in ${index} but carries ${attribute}=${JSON.stringify(attributeValue)}`);
          if (inIndex && !(attribute in value)) problems.push(`${entity} ${key} is in ${index} but lacks ${attribute}`);
          if (typeof attributeValue === 'string' && !/\S/.test(attributeValue)) problems.push(`${entity} ${key} has a blank ${attribute}`);
        }
      }
    }
  }
  return problems;
}

describe('KvsStore on the Custom Entity Store', () => {
  it('writes no attribute for an index core leaves a record out of, and never a blank one', async () => {
    const store = new KvsStore();
    await store.commit([
      put('job', job('queued', { status: 'queued' })),
      put('job', job('done', { status: 'succeeded' })),
      put('identity', identity('cached', 'resolved')),
      put('identity', identity('mapped', 'mapping')),
      put('connector', connector('c1', 'Okta')),
    ]);
    const done = fakeForge().kvs.entityValues('job').get(encodeKey('done')) as Record<string, unknown>;
    expect(done).not.toHaveProperty('p_due');
    expect(done).not.toHaveProperty('r_due');
    expect(done).toMatchObject({ p_byGrant: '["g1"]', r_byGrant: 10 });
    expect(fakeForge().kvs.entityValues('job').get(encodeKey('queued'))).toMatchObject({ p_due: '[]', r_due: 10 });
    expect(indexAttributeProblems()).toEqual([]);

    // A record leaving an index loses its attributes (a set replaces the whole value) and drops out of it.
    const queued = (await store.get('job', 'queued'))!;
    await store.commit([put('job', { ...queued, status: 'succeeded' })]);
    expect(fakeForge().kvs.entityValues('job').get(encodeKey('queued'))).not.toHaveProperty('p_due');
    expect((await store.query('job', 'due', { partition: [], limit: 10 })).items).toEqual([]);
    expect(indexAttributeProblems()).toEqual([]);
  });

  it('refuses a record whose text index value is blank before sending anything, as the platform would refuse it', async () => {
    const store = new KvsStore();
    const before = fakeForge().kvs.calls.length;
    for (const name of ['', '   ']) {
      await expect(store.commit([put('connector', connector('c1', name)), put('meta', { id: 'm', version: 0, value: 1 })])).rejects.toBeInstanceOf(StoreLimitError);
    }
    expect(fakeForge().kvs.calls.slice(before).filter((call) => call.path === '/api/v1/transaction')).toEqual([]);
    expect(await store.get('connector', 'c1')).toBeUndefined();
    expect(await store.get('meta', 'm')).toBeUndefined();
  });

  it('answers only what core puts in the partition, whatever else the platform returns for it', async () => {
    // How Forge indexes an item missing an index attribute is undocumented: a platform that indexed
    // it anyway, or kept a stale attribute, must neither add records nor end the range early.
    const store = new KvsStore();
    await store.commit([put('job', job('runnable', { status: 'queued', wakeAt: 10 })), put('job', job('finished', { status: 'failed', wakeAt: 5 }))]);
    const stored = (id: string) => fakeForge().kvs.entityValues('job').get(encodeKey(id)) as Record<string, unknown>;
    const returned = [
      { key: encodeKey('finished'), value: stored('finished') },
      { key: encodeKey('finished'), value: { ...stored('finished'), p_due: '[]', r_due: 50 } },
      { key: encodeKey('runnable'), value: stored('runnable') },
    ];
    fakeForge().kvs.failNext('/api/v1/entity/query', () => json(200, { data: returned }));
    const page = await store.query('job', 'due', { partition: [], range: { lte: 20 }, limit: 10 });
    expect(page.items.map((item) => item.id)).toEqual(['runnable']);
  });

  it('stores any core id, whatever characters it holds, under a valid key', async () => {
    const store = new KvsStore();
    const ids = ['manual:manual:Design licences (EU)/seat:una@example.com', 'open:557058:f58131cb:new:chat gpt #2', 'x'.repeat(700)];
    await store.commit(ids.map((id) => put('meta', { id, version: 0, value: id.length })));
    for (const id of ids) expect(await store.get('meta', id)).toEqual({ id, version: 1, value: id.length });
  });

  it('writes through one conditional transaction per commit', async () => {
    const store = new KvsStore();
    await store.commit([put('meta', { id: 'a', version: 0, value: 1 }), put('job', job('j1'))]);
    const transactions = fakeForge().kvs.calls.filter((call) => call.path === '/api/v1/transaction');
    expect(transactions).toHaveLength(1);
    expect(JSON.stringify(transactions[0]?.body)).toContain('NOT_EXISTS');
  });

  it('turns a lost race into ConcurrencyError by reading the versions back', async () => {
    const store = new KvsStore();
    await store.commit([put('meta', { id: 'm', version: 0, value: 1 })]);
    const error = await store.commit([put('meta', { id: 'm', version: 0, value: 2 })]).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConcurrencyError);
    expect(error).toMatchObject({ code: 'version_conflict', details: { entity: 'meta', id: 'm' } });
  });

  it('passes a platform outage through as it is, not as a version conflict', async () => {
    const store = new KvsStore();
    fakeForge().kvs.failNext('/api/v1/transaction', () => new Response(JSON.stringify({ code: 'INTERNAL_SERVER_ERROR', message: 'try again' }), { status: 500 }));
    const error = await store.commit([put('meta', { id: 'm', version: 0, value: 1 })]).catch((caught: unknown) => caught);
    expect(error).not.toBeInstanceOf(ConcurrencyError);
    expect(error).toMatchObject({ code: 'INTERNAL_SERVER_ERROR' });
    expect(await store.get('meta', 'm')).toBeUndefined();
  });

  it('refuses a record nested deeper than the platform allows, writing nothing', async () => {
    const store = new KvsStore();
    let deep: unknown = 'bottom';
    for (let level = 0; level < 40; level += 1) deep = { next: deep };
    await expect(store.commit([put('meta', { id: 'deep', version: 0, value: deep })])).rejects.toBeInstanceOf(StoreLimitError);
    expect(await store.get('meta', 'deep')).toBeUndefined();
  });

  it('answers ranges with strict and inclusive bounds on both ends, in both directions', async () => {
    const store = new KvsStore();
    await store.commit([10, 20, 30, 40].map((at) => put('job', job(`j${at}`, { createdAt: at }))));
    const ids = async (range: object, direction: 'asc' | 'desc') =>
      (await store.query('job', 'byGrant', { partition: ['g1'], range, direction, limit: 10 })).items.map((item) => item.createdAt);
    expect(await ids({ gt: 10, lt: 40 }, 'asc')).toEqual([20, 30]);
    expect(await ids({ gt: 10, lt: 40 }, 'desc')).toEqual([30, 20]);
    expect(await ids({ gte: 10, lte: 30 }, 'desc')).toEqual([30, 20, 10]);
    expect(await ids({ lte: 20 }, 'asc')).toEqual([10, 20]);
    expect(await ids({ gte: 30 }, 'desc')).toEqual([40, 30]);
  });

  it('stops paging at the end of a range instead of handing out a cursor past it', async () => {
    const store = new KvsStore();
    await store.commit([10, 20, 30, 40, 50].map((at) => put('job', job(`j${at}`, { createdAt: at }))));
    const page = await store.query('job', 'byGrant', { partition: ['g1'], range: { lte: 20 }, limit: 2 });
    expect(page.items.map((item) => item.createdAt)).toEqual([10, 20]);
    const next = page.nextCursor ? await store.query('job', 'byGrant', { partition: ['g1'], range: { lte: 20 }, limit: 2, cursor: page.nextCursor }) : undefined;
    expect(next?.items ?? []).toEqual([]);
  });

  it('refuses a cursor issued for another query', async () => {
    const store = new KvsStore();
    await store.commit([1, 2, 3].map((at) => put('job', job(`j${at}`, { createdAt: at }))));
    const page = await store.query('job', 'byGrant', { partition: ['g1'], limit: 1 });
    expect(page.nextCursor).toBeDefined();
    await expect(store.query('job', 'byGrant', { partition: ['g2'], limit: 1, cursor: page.nextCursor! })).rejects.toBeInstanceOf(StoreLimitError);
    await expect(store.query('job', 'byGrant', { partition: ['g1'], direction: 'desc', limit: 1, cursor: page.nextCursor! })).rejects.toBeInstanceOf(StoreLimitError);
  });
});
