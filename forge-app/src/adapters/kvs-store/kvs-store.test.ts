import { ConcurrencyError, StoreLimitError, put, type Job } from '@clearway/core';
import { describeStoreContract } from '@clearway/core/testing';
import { describe, expect, it } from 'vitest';
import { fakeForge, resetFakeForge } from '../../test-support/fake-forge/index';
import { KvsStore } from './kvs-store';

describeStoreContract('forge kvs (fake platform, real @forge/kvs)', () => {
  resetFakeForge();
  return new KvsStore();
});

function job(id: string, overrides: Partial<Job> = {}): Job {
  return { id, version: 0, type: 'provision', grantId: 'g1', connectorId: 'c1', toolId: 't1', status: 'queued', idempotencyKey: id, attempts: 0, wakeAt: 10, createdAt: 10, updatedAt: 10, ...overrides };
}

describe('KvsStore on the Custom Entity Store', () => {
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
