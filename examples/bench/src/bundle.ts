import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/**
 * Bundles bench child processes to plain Node ESM, as the product ships (the workspace's TypeScript
 * sources, the sandbox's compiler settings, better-sqlite3 loaded from node_modules): a child then
 * measures the code, not a compiler running beside it.
 */
export async function bundleForNode(entryPoints: Record<string, string>, outdir: string): Promise<void> {
  await build({
    entryPoints,
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['@clearway/source'],
    tsconfig: fileURLToPath(new URL('../../sandbox/tsconfig.run.json', import.meta.url)),
    external: ['better-sqlite3'],
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
    logLevel: 'silent',
  });
}
