/**
 * The storage port. Small on purpose, so a Forge KVS adapter (custom entities with partition +
 * range indexes, transactions of at most 25 operations, values ≤ 240 KiB) implements it as
 * directly as the embedded SQLite store:
 *
 * - `get` reads one record by id;
 * - `query` reads one bounded page from one declared index (see `STORE_SCHEMA`);
 * - `commit` applies up to 25 writes atomically, each guarded by an optimistic version check.
 *
 * Every record carries `id` and `version`. A put states the version it read (0 for a new
 * record); the store refuses the whole commit with `ConcurrencyError` if any record moved
 * since, and stores each put record with `version + 1`.
 */
import type { EntityName, EntityRecord, IndexName } from './store-schema.js';

export type Scalar = string | number | boolean;

export interface RangeCondition {
  readonly gt?: Scalar;
  readonly gte?: Scalar;
  readonly lt?: Scalar;
  readonly lte?: Scalar;
}

export interface IndexQuery {
  /** Values for the index's partition fields, in order (empty for an unpartitioned index). */
  readonly partition: readonly Scalar[];
  readonly range?: RangeCondition;
  readonly direction?: 'asc' | 'desc';
  /** 1–100. */
  readonly limit: number;
  readonly cursor?: string;
}

export interface Page<T> {
  readonly items: readonly T[];
  /** Present when more items may follow; pass it back as `cursor`. */
  readonly nextCursor?: string;
}

export type Write =
  | { readonly type: 'put'; readonly entity: EntityName; readonly record: EntityRecord }
  | { readonly type: 'delete'; readonly entity: EntityName; readonly id: string; readonly version: number };

export const MAX_COMMIT_WRITES = 25;
export const MAX_PAGE_SIZE = 100;
/** Forge KVS values are limited to 240 KiB; every adapter enforces it so nothing works only locally. */
export const MAX_RECORD_BYTES = 240 * 1024;

export interface Store {
  get<E extends EntityName>(entity: E, id: string): Promise<EntityRecord<E> | undefined>;
  query<E extends EntityName>(entity: E, index: IndexName<E>, query: IndexQuery): Promise<Page<EntityRecord<E>>>;
  /** Atomic; throws `ConcurrencyError` on any version mismatch, `StoreLimitError` past the limits. */
  commit(writes: readonly Write[]): Promise<void>;
}

/** A put of a record read (or created) at `record.version`. */
export function put<E extends EntityName>(entity: E, record: EntityRecord<E>): Write {
  return { type: 'put', entity, record };
}

export function remove<E extends EntityName>(entity: E, record: Pick<EntityRecord<E>, 'id' | 'version'>): Write {
  return { type: 'delete', entity, id: record.id, version: record.version };
}

/** What a list use case asks the store for: the caller's page size (capped at MAX_PAGE_SIZE) and cursor. */
export function pageRequest(options: { readonly limit?: number; readonly cursor?: string }, defaultLimit: number): { limit: number; cursor?: string } {
  return { limit: Math.min(options.limit ?? defaultLimit, MAX_PAGE_SIZE), ...(options.cursor !== undefined && { cursor: options.cursor }) };
}

/** Reads every page of an index query, one page at a time (for bounded sweeps and exports). */
export async function* iterateQuery<E extends EntityName>(
  store: Store,
  entity: E,
  index: IndexName<E>,
  query: Omit<IndexQuery, 'cursor'>,
): AsyncGenerator<EntityRecord<E>> {
  let cursor: string | undefined;
  do {
    const page = await store.query(entity, index, cursor === undefined ? query : { ...query, cursor });
    yield* page.items;
    cursor = page.nextCursor;
  } while (cursor !== undefined);
}
