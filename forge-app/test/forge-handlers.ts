/**
 * The Forge handlers an end-to-end test drives: the sources, or — when the package step sets
 * CLEARWAY_FORGE_BUNDLE — the CommonJS bundle Forge's own bundler built, loaded as the runtime
 * loads it. The fake platform answers both the same way (`globalThis.__forge_fetch__`).
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type * as Sources from '../src/index';

export type ForgeHandlers = typeof Sources;

export async function forgeHandlers(): Promise<{ readonly handlers: ForgeHandlers; readonly origin: string }> {
  const bundle = process.env.CLEARWAY_FORGE_BUNDLE;
  if (bundle === undefined) return { handlers: await import('../src/index'), origin: 'the sources' };
  return { handlers: createRequire(import.meta.url)(join(bundle, 'index.cjs')) as ForgeHandlers, origin: 'the Forge bundle' };
}
