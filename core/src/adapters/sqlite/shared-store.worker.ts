/**
 * A worker process for the store contract's multi-process check:
 *   node --conditions=@clearway/source --import tsx shared-store.worker.ts <db file> <worker id> <iterations> <audit key>
 * Opens the one SQLite file as its own process would in production, runs its share, and prints
 * its report as one JSON line.
 */
import { AUDIT_MAC_KEY_SECRET } from '../../ports/secrets.js';
import { randomIds } from '../../ports/ids.js';
import { silentLogger } from '@clearway/connector-sdk';
import { runSharedStoreWorker } from '../../testing/shared-store-worker.js';
import { SqliteStore } from './sqlite-store.js';

const [path, workerId, iterations, key] = process.argv.slice(2);
if (!path || !workerId || !iterations || !key) {
  console.error('usage: shared-store.worker.ts <db file> <worker id> <iterations> <audit key>');
  process.exit(2);
}
const store = new SqliteStore({ path });
const secrets = new Map([[AUDIT_MAC_KEY_SECRET, key]]);
const report = await runSharedStoreWorker(
  {
    store,
    clock: { now: () => Date.now() },
    ids: randomIds,
    secrets: { get: async (name) => secrets.get(name), set: async () => undefined, delete: async () => undefined },
    jira: {
      comment: async () => undefined,
      transition: async () => ({ transitioned: false }),
      createIssue: async () => ({ key: 'X-1' }),
      findAccounts: async () => [],
    },
    logger: silentLogger,
  },
  { workerId, iterations: Number(iterations) },
);
store.close();
console.log(JSON.stringify(report));
