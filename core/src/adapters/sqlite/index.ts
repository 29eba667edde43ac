export { MIGRATIONS, type Migration } from './migrations.js';
export { SqliteStore, type SqliteStoreOptions } from './sqlite-store.js';
