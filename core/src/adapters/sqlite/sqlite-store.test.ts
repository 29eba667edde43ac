import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeStoreContract } from '../../testing/store-contract.js';
import { put } from '../../ports/store.js';
import type { EntityName, IndexName } from '../../ports/store-schema.js';
import { SqliteStore } from './sqlite-store.js';

describeStoreContract('sqlite (in memory)', () => new SqliteStore());

describe('SqliteStore', () => {
  const dir = mkdtempSync(join(tmpdir(), 'clearway-sqlite-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps data in a file across reopen, and migrates once', async () => {
    const path = join(dir, 'store.db');
    const first = new SqliteStore({ path });
    await first.commit([put('meta', { id: 'k', version: 0, value: 'kept' })]);
    first.close();
    const second = new SqliteStore({ path });
    expect(await second.get('meta', 'k')).toEqual({ id: 'k', version: 1, value: 'kept' });
    expect(second.db.pragma('user_version', { simple: true })).toBe(1);
    second.close();
  });

  it('seeks straight to the cursor when paging a range, instead of scanning from the range start', () => {
    const store = new SqliteStore();
    const cursor = Buffer.from(JSON.stringify([5_000, 'x'])).toString('base64url');
    const plan = store.explainQuery('audit', 'bySeq', { partition: [], range: { gte: 1, lte: 1_000_000 }, limit: 100, cursor }).join('\n');
    expect(plan).toMatch(/\(range_value,id\)>\(\?,\?\)/);
    expect(plan).not.toMatch(/range_value>\?/);
  });

  it.each([
    ['job', 'due'],
    ['grant', 'byStatus'],
    ['grant', 'awaitingReview'],
    ['request', 'awaitingEscalation'],
    ['audit', 'byTime'],
  ] as const)('answers due-work queries on %s.%s from an index, not a scan', (entity: EntityName, index: string) => {
    const store = new SqliteStore();
    const cursor = Buffer.from(JSON.stringify([1, 'x'])).toString('base64url');
    const plan = store.explainQuery(entity, index as IndexName<EntityName>, { partition: [], range: { lte: 1_000 }, limit: 50, cursor }).join('\n');
    expect(plan).toMatch(/SEARCH i USING PRIMARY KEY \(entity=\? AND index_name=\? AND partition_key=\? AND .*range_value<\?\)/);
    expect(plan).not.toMatch(/SCAN/);
    expect(plan).not.toMatch(/TEMP B-TREE/);
  });
});
