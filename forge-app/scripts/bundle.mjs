// Bundles every handler module manifest.yml names (`handler: <module>.<function>`) for Node 22,
// as the Forge runtime will load it, and proves each bundle exports the functions the manifest
// names. `forge deploy` bundles the app itself; this build is the offline proof that it can.
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const manifest = readFileSync(join(root, 'manifest.yml'), 'utf8');
const handlers = [...manifest.matchAll(/^\s*handler:\s*([\w/-]+)\.([\w-]+)\s*$/gm)].map(([, module, name]) => ({ module, name }));
const modules = [...new Set(handlers.map((handler) => handler.module))];
if (modules.length === 0) throw new Error('manifest.yml names no function handlers');

rmSync(join(root, 'dist'), { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: Object.fromEntries(modules.map((module) => [module, `src/${module}.ts`])),
  outdir: 'dist',
  outExtension: { '.js': '.cjs' },
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'cjs',
  // Workspace packages resolve to their TypeScript sources, as in tests.
  conditions: ['@clearway/source'],
  // better-sqlite3 is core's sandbox store; the Forge app never loads it.
  external: ['better-sqlite3'],
  sourcemap: true,
  metafile: true,
  logLevel: 'warning',
});

const require = createRequire(import.meta.url);
for (const module of modules) {
  const exported = require(join(root, 'dist', `${module}.cjs`));
  for (const { name } of handlers.filter((handler) => handler.module === module)) {
    if (typeof exported[name] !== 'function') throw new Error(`dist/${module}.cjs does not export the handler ${name}`);
  }
}
const bytes = Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
console.log(`Bundled ${modules.length} handler module(s), ${handlers.length} handlers, ${(bytes / 1024 / 1024).toFixed(1)} MB in dist/`);
