/**
 * Schema migrations for the embedded store, applied in order and recorded in `PRAGMA user_version`.
 * Entities share two generic tables (records, and the index entries computed from STORE_SCHEMA),
 * so adding an entity or an index needs no migration: the entries are written with each record.
 * A migration that changes an index's fields must rebuild that index's entries.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'records and index entries',
    sql: `
      CREATE TABLE records (
        entity  TEXT    NOT NULL,
        id      TEXT    NOT NULL,
        version INTEGER NOT NULL,
        data    TEXT    NOT NULL,
        PRIMARY KEY (entity, id)
      ) WITHOUT ROWID;

      -- range_value has no declared type, so numbers and strings keep their own ordering.
      CREATE TABLE index_entries (
        entity        TEXT NOT NULL,
        index_name    TEXT NOT NULL,
        partition_key TEXT NOT NULL,
        range_value        NOT NULL,
        id            TEXT NOT NULL,
        PRIMARY KEY (entity, index_name, partition_key, range_value, id)
      ) WITHOUT ROWID;

      CREATE INDEX index_entries_by_record ON index_entries (entity, id);
    `,
  },
];
