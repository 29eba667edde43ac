// The `clearway` CLI runs compiled: compiling its TypeScript on every call cost more than a second
// and a half before the CLI did anything. esbuild bundles src/cli/main.ts and the workspace packages
// it imports (their sources, through the `@clearway/source` condition) once, and again only when a
// file it was built from changed, so a fresh clone and an edited source both just work.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const sandboxRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = resolve(sandboxRoot, '../..');
const tsconfig = join(sandboxRoot, 'tsconfig.run.json');

/**
 * The CLI's build. Its files sit in `dist/` itself, not deeper: src/paths.ts finds the repository
 * root three folders above the module it is compiled into, and `dist/` is as deep as `src/`.
 */
const CLI = {
  name: 'clearway',
  entry: join(sandboxRoot, 'src', 'cli', 'main.ts'),
  outdir: join(sandboxRoot, 'dist'),
  tsconfig,
  // What decides the output besides the sources: how they compile, which dependency versions are
  // installed (node_modules itself is not watched, file by file), and these build settings.
  settings: [tsconfig, join(repoRoot, 'tsconfig.base.json'), join(repoRoot, 'pnpm-lock.yaml'), fileURLToPath(import.meta.url)],
};

/**
 * esbuild's ESM output has no `require`; CommonJS dependencies (the vendor SDKs) need one, and
 * better-sqlite3, a native module, is loaded from node_modules rather than bundled.
 */
const REQUIRE_BANNER = "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

/** The path of the CLI's compiled entry point, built first when missing or older than its sources. */
export async function ensureCliBundle() {
  return (await ensureBundle(CLI)).file;
}

/**
 * Builds `entry` into `outdir` unless the build recorded there is current: every source it read
 * (outside node_modules), the package.json of each source's package and every file of `settings`
 * still has the modification time it had when it was read, and every output is there. Returns the
 * entry's output and whether it was built.
 *
 * Outputs are split (a command's heavy dependencies load only when it runs) and named by content
 * hash, each written under a temporary name and renamed: two processes building at once write the
 * same files, and a reader never sees half of one.
 */
export async function ensureBundle({ name, entry, outdir, tsconfig: tsconfigPath, settings = [], external = ['better-sqlite3'] }) {
  const stampPath = join(outdir, `${name}.build.json`);
  const previous = readStamp(stampPath);
  const current = previous && isCurrent(previous, outdir) ? previous : undefined;
  if (current) return { file: join(outdir, current.entry), built: false };

  if (process.stderr.isTTY) process.stderr.write(`${name}: compiling (first call, or its sources changed)…\n`);
  const sources = new Map();
  const { build } = await import('esbuild');
  // esbuild resolves from absWorkingDir (which must exist) and names outputs relative to it.
  mkdirSync(outdir, { recursive: true });
  const result = await build({
    entryPoints: { [name]: entry },
    outdir,
    absWorkingDir: outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    minifyWhitespace: true,
    minifySyntax: true,
    entryNames: '[name]-[hash]',
    chunkNames: 'chunk-[hash]',
    outExtension: { '.js': '.mjs' },
    conditions: ['@clearway/source'],
    ...(tsconfigPath !== undefined && { tsconfig: tsconfigPath }),
    external,
    banner: { js: REQUIRE_BANNER },
    write: false,
    metafile: true,
    logLevel: 'error',
    plugins: [recordSources(sources), englishOnlyZod],
  });

  // A package's `exports` decide which of its files an import reaches: its package.json counts too.
  const manifests = manifestsOf([...sources.keys()]);
  const inputs = Object.fromEntries(
    [...[...settings, ...manifests].map((file) => [file, mtimeOf(file)]), ...sources].map(([file, mtime]) => [relative(outdir, file), mtime]),
  );
  const outputs = result.outputFiles.map((output) => relative(outdir, output.path));
  for (const output of result.outputFiles) {
    if (!existsSync(output.path)) writeAtomically(output.path, output.contents);
  }
  const entryOutput = Object.entries(result.metafile.outputs).find(([, output]) => output.entryPoint !== undefined)?.[0];
  if (entryOutput === undefined) throw new Error(`esbuild produced no entry point for ${entry}`);
  const retired = retire(previous, outputs, Date.now());
  writeAtomically(stampPath, `${JSON.stringify({ entry: entryOutput, outputs, inputs, retired: retired.kept }, null, 2)}\n`);
  for (const output of retired.expired) rmSync(join(outdir, output), { force: true });
  return { file: join(outdir, entryOutput), built: true };
}

/** How long a replaced build's files stay: a command started from them may still load a chunk. */
const RETIRED_KEPT_MS = 10 * 60_000;

/** The previous build's files the new one does not use: kept a while (`kept`, by when they were replaced), then removed (`expired`). */
function retire(previous, outputs, now) {
  const replaced = Object.fromEntries((previous?.outputs ?? []).map((output) => [output, now]));
  const candidates = Object.entries({ ...replaced, ...previous?.retired }).filter(([output]) => !outputs.includes(output));
  return {
    kept: Object.fromEntries(candidates.filter(([, at]) => at > now - RETIRED_KEPT_MS)),
    expired: candidates.filter(([, at]) => at <= now - RETIRED_KEPT_MS).map(([output]) => output),
  };
}

/**
 * Records each source's modification time as esbuild loads it (taken just before esbuild reads
 * the file, so an edit made during the build shows as a change at the next call).
 */
function recordSources(sources) {
  return {
    name: 'record-sources',
    setup(build) {
      build.onLoad({ filter: /.*/, namespace: 'file' }, ({ path }) => {
        if (!path.includes(`${sep}node_modules${sep}`)) sources.set(path, mtimeOf(path));
        return undefined;
      });
    },
  };
}

/**
 * zod re-exports its ~40 locales as one namespace (`z.locales`), which a bundle cannot shake, and
 * the CLI loads them all at start-up; it speaks English only (zod's default), so its locales index
 * keeps `en` alone. Should zod move that file, nothing matches and the bundle keeps every locale.
 */
const englishOnlyZod = {
  name: 'zod-english-only',
  setup(build) {
    build.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, ({ path }) => ({
      contents: "export { default as en } from './en.js';\n",
      loader: 'js',
      resolveDir: dirname(path),
    }));
  },
};

/** The package.json nearest above each of `files`. */
function manifestsOf(files) {
  const manifests = new Set();
  for (const file of files) {
    for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
      if (existsSync(join(dir, 'package.json'))) {
        manifests.add(join(dir, 'package.json'));
        break;
      }
    }
  }
  return manifests;
}

function mtimeOf(file) {
  return statSync(file).mtimeMs;
}

/** The record of the last build, or undefined when there is none or it is not one this code wrote. */
function readStamp(path) {
  try {
    const stamp = JSON.parse(readFileSync(path, 'utf8'));
    const wellFormed =
      typeof stamp?.entry === 'string' &&
      Array.isArray(stamp.outputs) &&
      stamp.outputs.every((output) => typeof output === 'string') &&
      typeof stamp.inputs === 'object' &&
      stamp.inputs !== null &&
      Object.values(stamp.inputs).every((mtime) => typeof mtime === 'number') &&
      (stamp.retired === undefined || Object.values(stamp.retired).every((at) => typeof at === 'number'));
    return wellFormed ? stamp : undefined;
  } catch {
    return undefined;
  }
}

function isCurrent(stamp, outdir) {
  const unchanged = Object.entries(stamp.inputs).every(([file, mtime]) => statSync(resolve(outdir, file), { throwIfNoEntry: false })?.mtimeMs === mtime);
  return unchanged && stamp.outputs.every((output) => existsSync(join(outdir, output)));
}

function writeAtomically(path, contents) {
  const temporary = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temporary, contents);
  renameSync(temporary, path);
}
