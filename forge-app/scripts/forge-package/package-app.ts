/**
 * Packages a Forge app the way `forge deploy` does, offline: the CLI's client-side linters
 * (manifest validation among them), its node bundler over every function handler and its UI Kit
 * bundler over every resource. Any error or warning is a problem: a warning from webpack here
 * means a module it could not place, which is a broken bundle on the platform.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { ForgeCli, ForgeLogger, LintResult, OfflineStatsig } from './forge-cli';

export interface BundleSize {
  /** A function module (`index`) or a UI Kit resource key. */
  readonly name: string;
  readonly bytes: number;
  readonly gzipBytes: number;
}

export interface PackageReport {
  readonly functions: readonly BundleSize[];
  readonly resources: readonly BundleSize[];
  /** Every error and warning, each a line an engineer can act on; empty means the app packages. */
  readonly problems: readonly string[];
  readonly lintedFiles: number;
}

export interface PackageOptions {
  readonly cli: ForgeCli;
  /** The app: the directory holding manifest.yml. */
  readonly appDir: string;
  /** Where the bundles are copied: `functions/` and `resources/<key>/`. Emptied first. */
  readonly outDir: string;
}

const STATSIG: OfflineStatsig = {
  getDeprecatedRuntimes: async () => [],
  isTypescriptBundlerEnabled: async () => false,
};

/** Webpack's messages carry colour codes and the bundler's own paths; keep the first lines that say what broke. */
function clean(message: string): string {
  // eslint-disable-next-line no-control-regex -- ANSI colour sequences
  return message.replace(/\u001b\[[0-9;]*m/g, '').trim();
}

/** The CLI's progress lines are dropped (the step prints its own summary); warnings and errors are problems. */
function collectingLogger(problems: string[], stage: string): ForgeLogger {
  return {
    info: () => undefined,
    debug: () => undefined,
    warn: (message) => problems.push(`${stage}: warning: ${clean(message)}`),
    error: (message) => problems.push(`${stage}: ${clean(message)}`),
  };
}

function lintProblems(results: readonly LintResult[]): string[] {
  return results.flatMap((result) =>
    (['errors', 'warnings', 'approvals'] as const).flatMap((severity) =>
      result[severity].map((problem) => `forge lint: ${severity.slice(0, -1)}: ${result.file}:${problem.line}:${problem.column} ${clean(problem.message)}`),
    ),
  );
}

function filesUnder(directory: string): string[] {
  return readdirSync(directory, { recursive: true, encoding: 'utf8' })
    .map((entry) => join(directory, entry))
    .filter((path) => statSync(path).isFile());
}

/** The code a bundle ships: its JavaScript, not its source maps or licence notes. */
function sizeOf(name: string, directory: string): BundleSize {
  const code = filesUnder(directory).filter((file) => /\.c?js$/.test(file));
  const bytes = code.reduce((sum, file) => sum + statSync(file).size, 0);
  const gzipBytes = code.reduce((sum, file) => sum + gzipSync(readFileSync(file)).length, 0);
  return { name, bytes, gzipBytes };
}

/** Loads each bundled module in a fresh Node process, as the runtime does, and checks it exports its handlers. */
function checkHandlerExports(functionsDir: string, handlers: readonly { module: string; func: string }[]): string[] {
  const expected = Object.fromEntries([...new Set(handlers.map((handler) => handler.module))].map((module) => [module, handlers.filter((handler) => handler.module === module).map((handler) => handler.func)]));
  const probe = `
    const expected = JSON.parse(process.argv[1]);
    const problems = [];
    for (const [module, names] of Object.entries(expected)) {
      let exported;
      try { exported = require(require('node:path').join(process.cwd(), module + '.cjs')); }
      catch (error) { problems.push(module + '.cjs does not load: ' + (error && error.message)); continue; }
      for (const name of names) if (typeof exported[name] !== 'function') problems.push(module + '.cjs does not export the handler ' + name);
    }
    process.stdout.write(JSON.stringify(problems));`;
  const run = spawnSync(process.execPath, ['-e', probe, JSON.stringify(expected)], { cwd: functionsDir, encoding: 'utf8' });
  if (run.status !== 0) return [`functions: loading the bundle failed: ${clean(run.stderr).split('\n').slice(0, 5).join(' ')}`];
  return (JSON.parse(run.stdout) as string[]).map((problem) => `functions: ${problem}`);
}

/**
 * Runs the whole package step in `appDir` (the CLI reads manifest.yml and resolves handlers and
 * resources relative to the working directory, as `forge deploy` does when run there).
 */
export async function packageForgeApp(options: PackageOptions): Promise<PackageReport> {
  const { cli } = options;
  const appDir = resolve(options.appDir);
  const outDir = resolve(options.outDir);
  const problems: string[] = [];
  const previousDir = process.cwd();
  process.chdir(appDir);
  const temporary: string[] = [];
  try {
    const config = cli.configFile();
    const manifest = await config.readConfig();
    const handlers = await config.getAppHandlers();
    const resources = await config.getResources();

    const reader = cli.fileReader();
    const exclude = [...(await cli.listGitIgnoreFiles(reader)), '.git', 'node_modules'];
    const uiDirectories = [...new Set(resources.filter((resource) => resource.resourceType === 'nativeUI').map((resource) => dirname(resource.path)))];
    const files = [...new Set((await Promise.all(['./src', ...uiDirectories].map((directory) => reader.recursiveReadDir(directory, exclude)))).flat())];
    problems.push(...lintProblems(await cli.lint(files, manifest, collectingLogger(problems, 'forge lint'), STATSIG)));

    rmSync(outDir, { recursive: true, force: true });
    mkdirSync(outDir, { recursive: true });
    const functions: BundleSize[] = [];
    if (handlers.length > 0) {
      try {
        const output = await cli.bundleFunctions(collectingLogger(problems, 'functions'), STATSIG, config, { appDirectory: appDir, entryPoints: cli.entryPoints(handlers) });
        temporary.push(output.outputDir);
        const target = join(outDir, 'functions');
        cpSync(output.outputDir, target, { recursive: true });
        problems.push(...checkHandlerExports(target, handlers));
        for (const module of new Set(handlers.map((handler) => handler.module))) functions.push(sizeOf(module, target));
      } catch (error) {
        problems.push(`functions: ${clean(error instanceof Error ? error.message : String(error))}`);
      }
    }

    const sizes: BundleSize[] = [];
    const bundled = resources.filter((resource) => cli.shouldBundleResource(resource));
    if (bundled.length > 0) {
      try {
        const output = await cli.bundleResources(collectingLogger(problems, 'resources'), bundled);
        for (const resource of output.nativeUiBundlesDetails) {
          temporary.push(resource.path);
          const target = join(outDir, 'resources', resource.key);
          cpSync(resource.path, target, { recursive: true });
          sizes.push(sizeOf(resource.key, target));
        }
      } catch (error) {
        problems.push(`resources: ${clean(error instanceof Error ? error.message : String(error))}`);
      }
    }
    sizes.sort((a, b) => a.name.localeCompare(b.name));
    return { functions, resources: sizes, problems, lintedFiles: files.length };
  } finally {
    process.chdir(previousDir);
    // The CLI bundles into fresh temporary directories; the copies in outDir are what stays.
    for (const directory of temporary) rmSync(directory, { recursive: true, force: true });
  }
}
