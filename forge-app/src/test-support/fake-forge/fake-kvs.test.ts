/** The fake KVS, driven through the real @forge/kvs SDK: it must behave as the platform documents. */
import { Filter, FilterConditions, ForgeKvsAPIError, kvs, Sort, WhereConditions } from '@forge/kvs';
import { describe, expect, it } from 'vitest';
import { fakeForge } from './index';

type Meta = { version: number; data: unknown };

const codeOf = (error: unknown) => (error instanceof ForgeKvsAPIError ? error.code : String(error));

describe('the fake Custom Entity Store', () => {
  it('answers undefined for a missing key, in every namespace', async () => {
    expect(await kvs.get('nope')).toBeUndefined();
    expect(await kvs.getSecret('nope')).toBeUndefined();
    expect(await kvs.entity('meta').get('nope')).toBeUndefined();
  });

  it('refuses invalid keys, undeclared entities, undeclared attributes and wrong types', async () => {
    expect(codeOf(await kvs.entity('meta').set('a/b', { version: 1, data: 1 }).catch((error: unknown) => error))).toBe('INVALID_KEY');
    expect(codeOf(await kvs.entity('meta').set('k'.repeat(501), { version: 1, data: 1 }).catch((error: unknown) => error))).toBe('KEY_TOO_LONG');
    expect(codeOf(await kvs.entity('nothing-here').set('k', { version: 1 }).catch((error: unknown) => error))).toBe('INVALID_ENTITY_TYPE');
    expect(codeOf(await kvs.entity('meta').set('k', { version: 1, colour: 'red' }).catch((error: unknown) => error))).toBe('INVALID_ENTITY_VALUE');
    expect(codeOf(await kvs.entity('meta').set('k', { version: 2 ** 31, data: 1 }).catch((error: unknown) => error))).toBe('INVALID_ENTITY_VALUE');
  });

  it('refuses an empty or all-whitespace string attribute, alone or in a transaction, as the platform does', async () => {
    // https://developer.atlassian.com/platform/forge/runtime-reference/custom-entities/ (Limitations → Values),
    // `string`: "Must contain at least one non-whitespace character", "Must not be empty"; the code is the one
    // https://developer.atlassian.com/platform/forge/storage-reference/handling-errors-customentities/ gives a
    // value off its type: INVALID_ENTITY_VALUE, "Entity values must match one of the types defined in Custom Entities."
    const tool = (range: string) => ({ version: 1, data: {}, p_byName: '[]', r_byName: range });
    for (const blank of ['', '   ', '\t\n']) {
      const alone = await kvs.entity('tool').set('t', tool(blank)).catch((error: unknown) => error);
      expect(codeOf(alone)).toBe('INVALID_ENTITY_VALUE');
      expect(alone).toMatchObject({ responseDetails: { status: 400 } });
      expect(codeOf(await kvs.transact().set('t', tool(blank), { entityName: 'tool' }).execute().catch((error: unknown) => error))).toBe('INVALID_ENTITY_VALUE');
    }
    expect(await kvs.entity('tool').get('t')).toBeUndefined();
    await kvs.entity('tool').set('t', tool(' chatgpt '));
    expect(await kvs.entity('tool').get('t')).toEqual(tool(' chatgpt '));
  });

  it('leaves an item without the index attributes out of that index', async () => {
    await kvs.entity('job').set('in', { version: 1, data: {}, p_due: '[]', r_due: 5 });
    await kvs.entity('job').set('out', { version: 1, data: {} });
    const due = await kvs.entity('job').query().index('due', { partition: ['[]'] }).getMany();
    expect(due.results.map((result) => result.key)).toEqual(['in']);
  });

  it('refuses values over 240 KiB or nested deeper than 32', async () => {
    expect(codeOf(await kvs.set('big', 'x'.repeat(241 * 1024)).catch((error: unknown) => error))).toBe('MAX_SIZE');
    let deep: unknown = 1;
    for (let level = 0; level < 33; level += 1) deep = [deep];
    expect(codeOf(await kvs.set('deep', deep).catch((error: unknown) => error))).toBe('MAX_DEPTH');
  });

  it('pages 1–100 items in range order, ties by key, with cursors that continue', async () => {
    for (const [key, at] of [['b', 2], ['a', 2], ['c', 1], ['d', 3]] as const) {
      await kvs.entity('job').set(key, { version: 1, data: {}, p_byGrant: '["g"]', r_byGrant: at });
    }
    const query = () => kvs.entity<Meta>('job').query().index('byGrant', { partition: ['["g"]'] });
    const first = await query().sort(Sort.ASC).limit(2).getMany();
    expect(first.results.map((result) => result.key)).toEqual(['c', 'a']);
    const second = await query().sort(Sort.ASC).limit(2).cursor(first.nextCursor ?? '').getMany();
    expect(second.results.map((result) => result.key)).toEqual(['b', 'd']);
    expect((await query().where(WhereConditions.greaterThan(2)).getMany()).results.map((result) => result.key)).toEqual(['d']);
    expect(codeOf(await query().limit(101).getMany().catch((error: unknown) => error))).toBe('COMPLEX_QUERY_PAGE_LIMIT_NOT_IN_RANGE');
    expect(codeOf(await query().limit(1).cursor('garbage').getMany().catch((error: unknown) => error))).toBe('INVALID_CURSOR');
  });

  it('applies a transaction only when every condition holds, checking NOT_EXISTS against missing keys', async () => {
    const create = () => kvs.transact().set('m', { version: 1, data: 'first' }, { entityName: 'meta', conditions: new Filter<Meta>().and('version', FilterConditions.notExists()) });
    await create().execute();
    expect(await kvs.entity('meta').get('m')).toEqual({ version: 1, data: 'first' });
    expect(codeOf(await create().execute().catch((error: unknown) => error))).toBe('CONDITIONAL_CHECK_FAILED');
    const update = kvs
      .transact()
      .set('m', { version: 2, data: 'second' }, { entityName: 'meta', conditions: new Filter<Meta>().and('version', FilterConditions.equalTo(1)) })
      .set('n', { version: 1, data: 'other' }, { entityName: 'meta', conditions: new Filter<Meta>().and('version', FilterConditions.equalTo(9)) });
    expect(codeOf(await update.execute().catch((error: unknown) => error))).toBe('CONDITIONAL_CHECK_FAILED');
    expect(await kvs.entity('meta').get('m')).toEqual({ version: 1, data: 'first' });
    expect(await kvs.entity('meta').get('n')).toBeUndefined();
  });

  it('refuses transactions over 25 operations or naming a key twice', async () => {
    const many = kvs.transact();
    for (let index = 0; index < 26; index += 1) many.set(`k${index}`, { version: 1, data: index }, { entityName: 'meta' });
    expect(codeOf(await many.execute().catch((error: unknown) => error))).toBe('TOO_MANY_OPERATIONS');
    const twice = kvs.transact().set('k', { version: 1, data: 1 }, { entityName: 'meta' }).delete('k', { entityName: 'meta' });
    expect(codeOf(await twice.execute().catch((error: unknown) => error))).toBe('DUPLICATE_KEYS');
  });
});

describe('the fake Key-Value Store’s write options', () => {
  // https://developer.atlassian.com/platform/forge/rest/v2/api-group-forge-kvs/ (set: "Forge resolves write conflicts using
  // a last-write-wins strategy by default, but this can be configured via the key policy option. Optionally, you can
  // specify a TTL"); the refusal is HTTP 409 `KEY_CONFLICT`, as measured in
  // https://hashnode.com/posts/forge-kvs-locking-failifexists-vs-ttl-leases/6aad018918f3424d9a9ae29b.
  it('writes a FAIL_IF_EXISTS key once: of concurrent writers exactly one wins, the others get 409', async () => {
    const outcomes = await Promise.allSettled(Array.from({ length: 12 }, (_, index) => kvs.set('lock', index, { keyPolicy: 'FAIL_IF_EXISTS' })));
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    const refused = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason as unknown] : []));
    expect(refused).toHaveLength(11);
    for (const error of refused) expect(error).toMatchObject({ code: 'KEY_CONFLICT', responseDetails: { status: 409 } });
    await kvs.set('lock', 'overridden');
    expect(await kvs.get('lock')).toBe('overridden');
  });

  it('forgets a value once its TTL has passed, so FAIL_IF_EXISTS may write it again; a later write without TTL keeps it', async () => {
    const forge = fakeForge();
    let now = 1_000_000;
    forge.kvs.now = () => now;
    await kvs.set('claim', true, { keyPolicy: 'FAIL_IF_EXISTS', ttl: { value: 60, unit: 'SECONDS' } });
    now += 59_999;
    expect(await kvs.get('claim')).toBe(true);
    expect(await kvs.set('claim', true, { keyPolicy: 'FAIL_IF_EXISTS' }).catch((error: unknown) => error)).toMatchObject({ responseDetails: { status: 409 } });
    now += 1;
    expect(await kvs.get('claim')).toBeUndefined();
    await kvs.set('claim', 'again', { keyPolicy: 'FAIL_IF_EXISTS', ttl: { value: 1, unit: 'MINUTES' } });
    await kvs.set('claim', 'kept');
    now += 3_600_000;
    expect(await kvs.get('claim')).toBe('kept');
    await kvs.setSecret('s', 'v', { ttl: { value: 1, unit: 'HOURS' } });
    now += 3_600_000;
    expect(await kvs.getSecret('s')).toBeUndefined();
  });

  it('refuses a TTL that is not a positive whole number of a known unit', async () => {
    for (const ttl of [{ value: 0, unit: 'SECONDS' }, { value: 1.5, unit: 'SECONDS' }, { value: 1, unit: 'WEEKS' }]) {
      const refused = await kvs.set('k', 1, { ttl: ttl as never }).catch((error: unknown) => error);
      expect(refused).toMatchObject({ responseDetails: { status: 400 } });
    }
    expect(await kvs.get('k')).toBeUndefined();
  });
});
