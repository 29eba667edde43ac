import { initializeClearway, randomIds, type Clock, type CoreDeps, type EntityName, type IndexName, type Store, type Write } from '@clearway/core';
import { SqliteStore } from '@clearway/core/sqlite';
import { CollectingLogger, SandboxJira } from '@clearway/sandbox';

/** A store that counts every read it serves: one `get` or one page of a `query` is one read. */
export class CountingStore implements Store {
  reads = 0;
  constructor(private readonly inner: Store) {}
  get<E extends EntityName>(entity: E, id: string) {
    this.reads += 1;
    return this.inner.get(entity, id);
  }
  query<E extends EntityName>(entity: E, index: IndexName<E>, query: Parameters<Store['query']>[2]) {
    this.reads += 1;
    return this.inner.query(entity, index, query);
  }
  commit(writes: readonly Write[]) {
    return this.inner.commit(writes);
  }
}

/** An initialized install on an in-memory SQLite store whose reads are counted; `sqlite` writes uncounted. */
export async function countingInstall(clock: Clock): Promise<{ deps: CoreDeps; store: CountingStore; sqlite: SqliteStore }> {
  const sqlite = new SqliteStore();
  const store = new CountingStore(sqlite);
  const memory = new Map<string, string>();
  const deps: CoreDeps = {
    store,
    clock,
    ids: randomIds,
    secrets: { get: async (name: string) => memory.get(name), set: async (name: string, value: string) => void memory.set(name, value), delete: async (name: string) => void memory.delete(name) },
    jira: new SandboxJira(),
    logger: new CollectingLogger(),
  };
  await initializeClearway(deps);
  return { deps, store, sqlite };
}
