/**
 * `pnpm --filter @clearway/forge-app build`: packages the app with the pinned Forge CLI's own
 * linters and bundlers (what `forge deploy` runs, offline), prints the bundle sizes, and fails on
 * any error or warning. With `--smoke`, it then runs the end-to-end tests (portal to access, the
 * gateway web trigger) against the bundled handlers, so what ships is what is tested.
 *
 *   node scripts/forge-package.cjs [--app <dir>] [--out <dir>] [--report <file.json>] [--smoke]
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadForgeCli } from './forge-cli';
import { packageForgeApp, type BundleSize } from './package-app';

const APP_DIR = fileURLToPath(new URL('../..', import.meta.url));

/** What a UI Kit bundle must never contain: the backend (core, the SDK, providers, zod, Forge server APIs, the app's own server code). */
const BACKEND_SOURCE = /\/src\/(?!frontend\/)|\/(core|connector-sdk|connectors)\/(src|dist)\/|\/zod[@/]|@forge[+/](api|kvs|events|resolver)[@/]/;

function backendInResources(outDir: string): string[] {
  const root = join(outDir, 'resources');
  return readdirSync(root).flatMap((key) =>
    readdirSync(join(root, key))
      .filter((file) => file.endsWith('.js.map'))
      .flatMap((file) => {
        const map = JSON.parse(readFileSync(join(root, key, file), 'utf8')) as { sources?: string[] };
        return (map.sources ?? []).filter((source) => BACKEND_SOURCE.test(source)).map((source) => `resources: ${key} bundles backend code: ${source}`);
      }),
  );
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

function sizeTable(title: string, sizes: readonly BundleSize[]): string[] {
  return [title, ...sizes.map((size) => `  ${size.name.padEnd(16)} ${kib(size.bytes).padStart(12)}   gzip ${kib(size.gzipBytes).padStart(10)}`)];
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { app: { type: 'string' }, out: { type: 'string' }, report: { type: 'string' }, smoke: { type: 'boolean', default: false } } });
  const appDir = resolve(values.app ?? APP_DIR);
  const outDir = resolve(values.out ?? join(appDir, '.forge-bundle'));
  const cli = loadForgeCli();
  console.log(`Packaging ${appDir} with @forge/cli ${cli.version} (@forge/bundler ${cli.bundlerVersion}, @forge/manifest ${cli.manifestVersion}), offline`);
  const started = Date.now();
  const report = await packageForgeApp({ cli, appDir, outDir });
  const problems = [...report.problems, ...(report.resources.length > 0 ? backendInResources(outDir) : [])];
  console.log(`forge lint (client-side, manifest validation included): ${report.lintedFiles} files`);
  for (const line of [...sizeTable('Function bundles', report.functions), ...sizeTable('UI Kit resource bundles', report.resources)]) console.log(line);
  console.log(`Packaged in ${((Date.now() - started) / 1000).toFixed(0)} s into ${outDir}`);
  if (values.report !== undefined) writeFileSync(values.report, JSON.stringify({ ...report, problems }, null, 2));
  if (problems.length > 0) {
    console.error(`\nForge packaging failed (${problems.length} problem${problems.length === 1 ? '' : 's'}):`);
    for (const problem of problems) console.error(`- ${problem.split('\n').slice(0, 12).join('\n  ')}`);
    return 1;
  }
  if (!values.smoke) return 0;
  console.log('\nRunning the end-to-end tests against the bundled handlers');
  const smoke = spawnSync('pnpm', ['exec', 'vitest', 'run', '--config', 'vitest.bundle.config.ts'], {
    cwd: appDir,
    stdio: 'inherit',
    env: { ...process.env, CLEARWAY_FORGE_BUNDLE: join(outDir, 'functions') },
  });
  return smoke.status ?? 1;
}

process.exitCode = await main();
