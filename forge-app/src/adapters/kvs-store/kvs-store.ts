import { kvs, Filter, FilterConditions, ForgeKvsAPIError, Sort, WhereConditions } from '@forge/kvs';
import {
  ConcurrencyError,
  MAX_COMMIT_WRITES,
  MAX_PAGE_SIZE,
  MAX_RECORD_BYTES,
  STORE_SCHEMA,
  StoreLimitError,
  type EntityName,
  type EntityRecord,
  type IndexName,
  type IndexQuery,
  type Page,
  type RangeCondition,
  type Scalar,
  type Store,
  type Write,
} from '@clearway/core';
import { decodeCursor, encodeCursor, type CursorScope } from './cursor';
import { indexEntryOf, kvsEntityName, partitionKey, toStoredValue, VERSION_ATTRIBUTE, type StoredEntityValue } from './entity-mapping';
import { encodeKey } from './keys';

/** The Forge KVS client (`kvs` from `@forge/kvs`); injectable so a test can hand in its own. */
export type KvsClient = typeof kvs;

/** Platform limits past core's own: a stored value (record plus index attributes) and a transaction. */
export const KVS_MAX_VALUE_BYTES = 240 * 1024;
export const KVS_MAX_TRANSACTION_BYTES = 4 * 1024 * 1024;
export const KVS_MAX_DEPTH = 32;

type Bound = { readonly value: Scalar; readonly strict: boolean };

/** Numbers before strings; strings by UTF-8 bytes, as the platform (and SQLite's BINARY collation) order them. */
function compare(a: Scalar, b: Scalar): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return Buffer.compare(Buffer.from(a), Buffer.from(b));
  const rank = (value: Scalar) => (typeof value === 'number' ? 0 : typeof value === 'string' ? 1 : 2);
  return rank(a) - rank(b) || Number(a) - Number(b);
}

function lowerBound(range: RangeCondition): Bound | undefined {
  const { gt, gte } = range;
  if (gt !== undefined && (gte === undefined || compare(gt, gte) >= 0)) return { value: gt, strict: true };
  return gte === undefined ? undefined : { value: gte, strict: false };
}

function upperBound(range: RangeCondition): Bound | undefined {
  const { lt, lte } = range;
  if (lt !== undefined && (lte === undefined || compare(lt, lte) <= 0)) return { value: lt, strict: true };
  return lte === undefined ? undefined : { value: lte, strict: false };
}

function within(range: RangeCondition, value: Scalar): boolean {
  const lower = lowerBound(range);
  const upper = upperBound(range);
  if (lower && (lower.strict ? compare(value, lower.value) <= 0 : compare(value, lower.value) < 0)) return false;
  if (upper && (upper.strict ? compare(value, upper.value) >= 0 : compare(value, upper.value) > 0)) return false;
  return true;
}

function platformValue(value: Scalar): string | number {
  return typeof value === 'boolean' ? Number(value) : value;
}

/**
 * The bound the platform applies: where the traversal starts (the lower bound ascending, the
 * upper descending, or the only one given). The other bound is checked here; since results come
 * in range order, the first result past it ends the query.
 */
function startCondition(range: RangeCondition, direction: 'asc' | 'desc') {
  const lower = lowerBound(range);
  const upper = upperBound(range);
  const fromLower = direction === 'asc' ? lower !== undefined : upper === undefined;
  if (fromLower && lower) {
    const value = platformValue(lower.value);
    return lower.strict ? WhereConditions.greaterThan(value) : WhereConditions.greaterThanEqualTo(value);
  }
  if (!upper) return undefined;
  const value = platformValue(upper.value);
  return upper.strict ? WhereConditions.lessThan(value) : WhereConditions.lessThanEqualTo(value);
}

function depthOf(value: unknown): number {
  if (Array.isArray(value)) return 1 + value.reduce((deepest: number, item) => Math.max(deepest, depthOf(item)), 0);
  if (typeof value === 'object' && value !== null) return 1 + Object.values(value).reduce((deepest: number, item) => Math.max(deepest, depthOf(item)), 0);
  return 0;
}

interface PlannedWrite {
  readonly entity: EntityName;
  readonly id: string;
  readonly key: string;
  /** The version the caller read: 0 means "must not exist yet". */
  readonly expected: number;
  readonly value?: StoredEntityValue;
}

function versionCondition(expected: number) {
  const filter = new Filter<StoredEntityValue>();
  return expected === 0 ? filter.and(VERSION_ATTRIBUTE, FilterConditions.notExists()) : filter.and(VERSION_ATTRIBUTE, FilterConditions.equalTo(expected));
}

/**
 * Core's `Store` over the Forge Custom Entity Store. Every commit is one KVS transaction whose
 * operations are conditional on the stored `version` (absent for a create), so the platform
 * refuses the whole commit if any record moved; the adapter then reads the versions back to tell
 * a lost race (`ConcurrencyError`, which core retries) from any other failure.
 */
export class KvsStore implements Store {
  constructor(private readonly client: KvsClient = kvs) {}

  async get<E extends EntityName>(entity: E, id: string): Promise<EntityRecord<E> | undefined> {
    const value = await this.client.entity<StoredEntityValue>(kvsEntityName(entity)).get(encodeKey(id));
    return value === undefined ? undefined : recordOf<E>(entity, id, value);
  }

  async query<E extends EntityName>(entity: E, index: IndexName<E>, query: IndexQuery): Promise<Page<EntityRecord<E>>> {
    if (!(index in STORE_SCHEMA[entity])) throw new StoreLimitError(`Entity ${entity} has no index ${index}.`);
    if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > MAX_PAGE_SIZE) {
      throw new StoreLimitError(`A page holds 1 to ${MAX_PAGE_SIZE} items, not ${query.limit}.`);
    }
    const direction = query.direction ?? 'asc';
    const scope: CursorScope = { entity, index, partition: partitionKey(query.partition), direction };
    const kvsCursor = query.cursor === undefined ? undefined : decodeCursor(query.cursor, scope);
    const range = query.range ?? {};

    let builder = this.client.entity<StoredEntityValue>(kvsEntityName(entity)).query().index(index, { partition: [scope.partition] });
    const start = startCondition(range, direction);
    if (start) builder = builder.where(start);
    builder = builder.sort(direction === 'desc' ? Sort.DESC : Sort.ASC).limit(query.limit);
    if (kvsCursor !== undefined) builder = builder.cursor(kvsCursor);
    const { results, nextCursor } = await builder.getMany();

    const items: Array<EntityRecord<E>> = [];
    let ended = false;
    for (const result of results) {
      const record = recordOf<E>(entity, result.key, result.value);
      const entry = indexEntryOf(entity, index, record);
      // Not in this partition by core's schema (an item the platform indexed despite its missing
      // attributes, or one a write left stale attributes on): skipped, never taken for the end.
      if (entry?.partition !== scope.partition) continue;
      if (!within(range, entry.range)) {
        ended = true;
        break;
      }
      items.push(record);
    }
    return { items, ...(nextCursor !== undefined && nextCursor !== '' && !ended && { nextCursor: encodeCursor(scope, nextCursor) }) };
  }

  async commit(writes: readonly Write[]): Promise<void> {
    if (writes.length === 0) return;
    if (writes.length > MAX_COMMIT_WRITES) throw new StoreLimitError(`A commit holds at most ${MAX_COMMIT_WRITES} writes, not ${writes.length}.`);
    const planned = plan(writes);
    const bytes = planned.reduce((sum, write) => sum + (write.value ? Buffer.byteLength(JSON.stringify(write.value)) : 0), 0);
    if (bytes > KVS_MAX_TRANSACTION_BYTES) throw new StoreLimitError(`A commit may carry at most 4 MB; this one carries ${Math.ceil(bytes / 1024)} KiB.`);

    const transaction = this.client.transact();
    for (const write of planned) {
      const entity = { entityName: kvsEntityName(write.entity), conditions: versionCondition(write.expected) };
      if (write.value) transaction.set(write.key, write.value, entity);
      else transaction.delete(write.key, entity);
    }
    try {
      await transaction.execute();
    } catch (error) {
      throw await this.explainFailure(error, planned);
    }
  }

  /** Why a transaction failed: a platform limit, a record that moved, or (rethrown as is) anything else. */
  private async explainFailure(error: unknown, planned: readonly PlannedWrite[]): Promise<unknown> {
    if (error instanceof ForgeKvsAPIError && ['MAX_SIZE', 'MAX_DEPTH', 'KEY_TOO_LONG', 'INVALID_KEY'].includes(error.code)) {
      return new StoreLimitError(`The platform refused the commit: ${error.code}.`);
    }
    for (const write of planned) {
      const stored = await this.client.entity<StoredEntityValue>(kvsEntityName(write.entity)).get(write.key);
      if ((stored?.version ?? 0) !== write.expected) return new ConcurrencyError(write.entity, write.id);
    }
    return error;
  }
}

function plan(writes: readonly Write[]): PlannedWrite[] {
  const seen = new Set<string>();
  return writes.map((write): PlannedWrite => {
    const id = write.type === 'put' ? write.record.id : write.id;
    const identity = `${write.entity}\u0000${id}`;
    if (seen.has(identity)) throw new StoreLimitError(`A commit may write ${write.entity} ${id} only once.`);
    seen.add(identity);
    const key = encodeKey(id);
    if (write.type === 'delete') return { entity: write.entity, id, key, expected: write.version };
    const stored = { ...write.record, version: write.record.version + 1 } as EntityRecord;
    if (Buffer.byteLength(JSON.stringify(stored)) > MAX_RECORD_BYTES) throw new StoreLimitError(`${write.entity} ${id} is larger than ${MAX_RECORD_BYTES} bytes.`);
    const value = toStoredValue(write.entity, stored);
    if (Buffer.byteLength(JSON.stringify(value)) > KVS_MAX_VALUE_BYTES) throw new StoreLimitError(`${write.entity} ${id} with its index fields is larger than ${KVS_MAX_VALUE_BYTES} bytes.`);
    if (depthOf(value) > KVS_MAX_DEPTH) throw new StoreLimitError(`${write.entity} ${id} nests deeper than ${KVS_MAX_DEPTH} levels.`);
    return { entity: write.entity, id, key, expected: write.record.version, value };
  });
}

function recordOf<E extends EntityName>(entity: E, id: string, value: StoredEntityValue): EntityRecord<E> {
  const data = value.data;
  if (typeof data !== 'object' || data === null || typeof value.version !== 'number') {
    throw new TypeError(`The stored ${entity} ${id} is not a Clearway record.`);
  }
  return { ...(data as EntityRecord<E>), version: value.version };
}
