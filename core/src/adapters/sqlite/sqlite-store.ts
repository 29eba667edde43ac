import Database from 'better-sqlite3';
import { ConcurrencyError, StoreLimitError } from '../../errors.js';
import {
  MAX_COMMIT_WRITES,
  MAX_PAGE_SIZE,
  MAX_RECORD_BYTES,
  type IndexQuery,
  type Page,
  type Scalar,
  type Store,
  type Write,
} from '../../ports/store.js';
import { STORE_SCHEMA, indexEntriesOf, type EntityName, type EntityRecord, type IndexName } from '../../ports/store-schema.js';
import { MIGRATIONS } from './migrations.js';

type Row = { id: string; version: number; data: string };

export interface SqliteStoreOptions {
  /** A file path, or `:memory:` (the default) for a throwaway store. */
  readonly path?: string;
  /** How long a statement waits for another process's write lock before giving up (default 5 s). */
  readonly busyTimeoutMs?: number;
}

/** SQLite's "the database is locked / your snapshot is stale" family (SQLITE_BUSY, SQLITE_BUSY_SNAPSHOT, …). */
function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

/**
 * The embedded store: one SQLite file, the same semantics as the Forge KVS adapter. Several
 * processes (workers) may share the file: a commit takes the write lock before it reads the
 * versions it checks (an immediate transaction, so no read snapshot can go stale under it), waits
 * up to the busy timeout for another writer, and a lock still held after that is a
 * `ConcurrencyError` — retryable, like a version conflict — never a crash.
 */
export class SqliteStore implements Store {
  readonly db: Database.Database;
  private readonly statements: ReturnType<typeof prepareStatements>;

  constructor(options: SqliteStoreOptions = {}) {
    this.db = new Database(options.path ?? ':memory:');
    // First, so that switching to WAL and migrating wait for another process opening the same file.
    this.db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5_000))}`);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    migrate(this.db);
    this.statements = prepareStatements(this.db);
  }

  close(): void {
    this.db.close();
  }

  async get<E extends EntityName>(entity: E, id: string): Promise<EntityRecord<E> | undefined> {
    const row = busyAsConflict(() => this.statements.get.get(entity, id) as Row | undefined);
    return row ? (JSON.parse(row.data) as EntityRecord<E>) : undefined;
  }

  async query<E extends EntityName>(entity: E, index: IndexName<E>, query: IndexQuery): Promise<Page<EntityRecord<E>>> {
    const { sql, params } = buildQuery(entity, index, query);
    const rows = busyAsConflict(() => this.prepared(sql).all(...params) as Array<Row & { rangeValue: Scalar }>);
    const items = rows.slice(0, query.limit);
    const last = items.at(-1);
    return {
      items: items.map((row) => JSON.parse(row.data) as EntityRecord<E>),
      ...(rows.length > query.limit && last && { nextCursor: encodeCursor(last.rangeValue, last.id) }),
    };
  }

  /**
   * Query statements, prepared once per shape (there are only a few dozen: the clauses vary, the
   * values are parameters). Preparing per call would also hold native memory until GC.
   */
  private readonly queryStatements = new Map<string, Database.Statement>();

  private prepared(sql: string): Database.Statement {
    let statement = this.queryStatements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.queryStatements.set(sql, statement);
    }
    return statement;
  }

  /** SQLite's plan for the exact SQL `query` runs: proves due-work queries use an index. */
  explainQuery<E extends EntityName>(entity: E, index: IndexName<E>, query: IndexQuery): string[] {
    const { sql, params } = buildQuery(entity, index, query);
    const rows = this.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>;
    return rows.map((row) => row.detail);
  }

  async commit(writes: readonly Write[]): Promise<void> {
    if (writes.length === 0) return;
    if (writes.length > MAX_COMMIT_WRITES) {
      throw new StoreLimitError(`A commit holds at most ${MAX_COMMIT_WRITES} writes, not ${writes.length}.`);
    }
    const keys = new Set<string>();
    const prepared = writes.map((write) => {
      const id = write.type === 'put' ? write.record.id : write.id;
      const key = `${write.entity}\u0000${id}`;
      if (keys.has(key)) throw new StoreLimitError(`A commit may write ${write.entity} ${id} only once.`);
      keys.add(key);
      if (write.type === 'delete') return { write, id, data: undefined };
      const stored = { ...write.record, version: write.record.version + 1 };
      const data = JSON.stringify(stored);
      if (Buffer.byteLength(data) > MAX_RECORD_BYTES) {
        throw new StoreLimitError(`${write.entity} ${id} is larger than ${MAX_RECORD_BYTES} bytes.`);
      }
      return { write, id, data, stored };
    });
    this.applyAtomically(prepared);
  }

  private applyAtomically(prepared: ReadonlyArray<{ write: Write; id: string; data: string | undefined; stored?: EntityRecord }>): void {
    // Immediate: the write lock is taken before the versions are read, so the check and the
    // writes see one state even with other processes writing the same file.
    const apply = this.db.transaction(() => {
      for (const { write, id } of prepared) {
        const current = (this.statements.version.get(write.entity, id) as { version: number } | undefined)?.version ?? 0;
        const expected = write.type === 'put' ? write.record.version : write.version;
        if (current !== expected) throw new ConcurrencyError(write.entity, id);
      }
      for (const { write, id, data, stored } of prepared) {
        this.statements.deleteEntries.run(write.entity, id);
        if (write.type === 'delete' || data === undefined || stored === undefined) {
          this.statements.delete.run(write.entity, id);
          continue;
        }
        this.statements.upsert.run(write.entity, id, stored.version, data);
        for (const entry of indexEntriesOf(write.entity, stored)) {
          this.statements.insertEntry.run(write.entity, entry.index, partitionKey(entry.partition), sqlValue(entry.range), id);
        }
      }
    });
    busyAsConflict(() => apply.immediate());
  }
}

/** Runs a statement; another process holding the lock past the busy timeout is a retryable conflict. */
function busyAsConflict<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (isBusy(error)) throw new ConcurrencyError('store', 'file', 'Another worker held the store\'s write lock too long; try again.');
    throw error;
  }
}

function prepareStatements(db: Database.Database) {
  return {
    get: db.prepare('SELECT id, version, data FROM records WHERE entity = ? AND id = ?'),
    version: db.prepare('SELECT version FROM records WHERE entity = ? AND id = ?'),
    upsert: db.prepare(
      'INSERT INTO records (entity, id, version, data) VALUES (?, ?, ?, ?) ' +
        'ON CONFLICT (entity, id) DO UPDATE SET version = excluded.version, data = excluded.data',
    ),
    delete: db.prepare('DELETE FROM records WHERE entity = ? AND id = ?'),
    deleteEntries: db.prepare('DELETE FROM index_entries WHERE entity = ? AND id = ?'),
    insertEntry: db.prepare('INSERT INTO index_entries (entity, index_name, partition_key, range_value, id) VALUES (?, ?, ?, ?, ?)'),
  };
}

function buildQuery(entity: EntityName, index: string, query: IndexQuery): { sql: string; params: unknown[] } {
  if (!(index in STORE_SCHEMA[entity])) throw new StoreLimitError(`Entity ${entity} has no index ${index}.`);
  if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > MAX_PAGE_SIZE) {
    throw new StoreLimitError(`A page holds 1 to ${MAX_PAGE_SIZE} items, not ${query.limit}.`);
  }
  const desc = query.direction === 'desc';
  const clauses = ['i.entity = ?', 'i.index_name = ?', 'i.partition_key = ?'];
  const params: unknown[] = [entity, index, partitionKey(query.partition)];
  const range = query.range ?? {};
  // A cursor already lies past the range's starting bound; keeping both lets SQLite seek on the
  // bound and scan forward to the cursor, which makes paging through a long range quadratic.
  const superseded = query.cursor === undefined ? [] : desc ? ['lt', 'lte'] : ['gt', 'gte'];
  for (const [op, sql] of [['gt', '>'], ['gte', '>='], ['lt', '<'], ['lte', '<=']] as const) {
    const value = range[op];
    if (value !== undefined && !superseded.includes(op)) {
      clauses.push(`i.range_value ${sql} ?`);
      params.push(sqlValue(value));
    }
  }
  if (query.cursor !== undefined) {
    const [value, id] = decodeCursor(query.cursor);
    clauses.push(`(i.range_value, i.id) ${desc ? '<' : '>'} (?, ?)`);
    params.push(value, id);
  }
  const order = desc ? 'DESC' : 'ASC';
  const sql =
    `SELECT r.id, r.version, r.data, i.range_value AS rangeValue FROM index_entries i ` +
    `JOIN records r ON r.entity = i.entity AND r.id = i.id ` +
    `WHERE ${clauses.join(' AND ')} ORDER BY i.range_value ${order}, i.id ${order} LIMIT ?`;
  params.push(query.limit + 1);
  return { sql, params };
}

/** Applies what is missing, each step under the write lock and re-checked there: two processes opening a new file migrate it once. */
function migrate(db: Database.Database): void {
  for (const migration of MIGRATIONS) {
    db.transaction(() => {
      if ((db.pragma('user_version', { simple: true }) as number) >= migration.version) return;
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    }).immediate();
  }
}

function partitionKey(values: readonly Scalar[]): string {
  return JSON.stringify(values);
}

function sqlValue(value: Scalar): string | number {
  return typeof value === 'boolean' ? Number(value) : value;
}

function encodeCursor(value: Scalar, id: string): string {
  return Buffer.from(JSON.stringify([value, id])).toString('base64url');
}

function decodeCursor(cursor: string): [string | number, string] {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2 && typeof parsed[1] === 'string' && ['string', 'number'].includes(typeof parsed[0])) {
      return [parsed[0] as string | number, parsed[1]];
    }
  } catch {
    // fall through to the error below
  }
  throw new StoreLimitError('The page cursor is not one this store issued.');
}
