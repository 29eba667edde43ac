import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { MemorySignInStore } from '@clearway/core/gateway-sign-in';
import { z } from 'zod';

/**
 * The sandbox's stand-in for Forge secret storage: sign-in's records in a file of the data folder
 * (mode 600), so `gateway serve`, `gateway connections` and `gateway disconnect` share them. Like
 * Forge's, it holds the people's upstream tokens; Clearway's own tokens are kept only as hashes.
 */
export function fileSignInStore(path: string): MemorySignInStore {
  const initial = existsSync(path) ? z.record(z.string(), z.string()).parse(JSON.parse(readFileSync(path, 'utf8'))) : {};
  return new MemorySignInStore(initial, { persist: (snapshot) => writeFileSync(path, JSON.stringify(snapshot), { mode: 0o600 }) });
}
