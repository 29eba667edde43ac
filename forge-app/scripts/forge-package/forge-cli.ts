/**
 * The pinned Forge CLI's own packaging code — `@forge/bundler`, `@forge/cli-shared` and
 * `@forge/lint` at the versions `@forge/cli` depends on — loaded through the CLI's dependency
 * tree, so the check runs exactly what `forge deploy` runs. The types below are the parts of
 * those packages this check calls (their `.d.ts` are not reachable from here under pnpm).
 */
import { readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';

export interface ForgeLogger {
  info(message: string): void;
  warn(message: string): void;
  debug(message: string): void;
  error(message: string): void;
}

export interface ForgeHandler {
  readonly module: string;
  readonly func: string;
}

export interface ForgeResource {
  readonly key: string;
  readonly path: string;
  readonly resourceType?: string;
  readonly bundler?: string;
}

interface ConfigFile {
  readConfig(): Promise<unknown>;
  getAppHandlers(): Promise<ForgeHandler[]>;
  getResources(types?: readonly string[]): Promise<ForgeResource[]>;
}

interface FileSystemReader {
  recursiveReadDir(directory: string, exclude: readonly string[]): Promise<string[]>;
}

interface EntryPoint {
  readonly name: string;
  readonly path: string;
}

interface BundleOutput {
  readonly outputDir: string;
}

interface LintProblem {
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

export interface LintResult {
  readonly file: string;
  readonly errors: readonly LintProblem[];
  readonly warnings: readonly LintProblem[];
  readonly approvals: readonly LintProblem[];
}

interface Linter {
  readonly constructor: { readonly name: string };
}

/** Statsig is the CLI's feature-flag service (online); offline, the check answers as a fresh install would. */
export interface OfflineStatsig {
  getDeprecatedRuntimes(): Promise<string[]>;
  isTypescriptBundlerEnabled(): Promise<boolean>;
}

/** The runtime wrapper `forge deploy` fetches from Atlassian's CDN: the one step the offline check stubs. */
interface WrapperProvider {
  getNodeRuntimeWrapper(): Promise<{ script: string; source: string; version: string }>;
  getNodeRuntimeLoader(): Promise<undefined>;
}

export interface ForgeCli {
  readonly version: string;
  readonly bundlerVersion: string;
  readonly manifestVersion: string;
  configFile(): ConfigFile;
  fileReader(): FileSystemReader;
  listGitIgnoreFiles(reader: FileSystemReader): Promise<string[]>;
  entryPoints(handlers: readonly ForgeHandler[]): EntryPoint[];
  shouldBundleResource(resource: ForgeResource): boolean;
  bundleFunctions(logger: ForgeLogger, statsig: OfflineStatsig, config: ConfigFile, args: { appDirectory: string; entryPoints: EntryPoint[] }): Promise<BundleOutput>;
  bundleResources(logger: ForgeLogger, resources: readonly ForgeResource[]): Promise<{ nativeUiBundlesDetails: ForgeResource[] }>;
  /** The client-side linters `forge deploy` runs first, less those that download Atlassian's REST specs. */
  lint(files: readonly string[], manifest: unknown, logger: ForgeLogger, statsig: OfflineStatsig): Promise<LintResult[]>;
}

/** Linters that fetch Atlassian's OpenAPI documents from developer.atlassian.com (no network here). */
const ONLINE_LINTERS = new Set(['PermissionLinter']);

const STUB_WRAPPER: WrapperProvider = {
  getNodeRuntimeWrapper: async () => ({ script: '// Forge runtime wrapper: fetched from the CDN by `forge deploy`, stubbed offline\n', source: 'offline-stub', version: 'offline-stub' }),
  getNodeRuntimeLoader: async () => undefined,
};

function versionAt(packageJson: string): string {
  const manifest: unknown = JSON.parse(readFileSync(packageJson, 'utf8'));
  return typeof manifest === 'object' && manifest !== null && 'version' in manifest ? String(manifest.version) : 'unknown';
}

/** Loads the CLI installed beside this app (forge-app's devDependency `@forge/cli`). */
export function loadForgeCli(): ForgeCli {
  const cliManifest = realpathSync(createRequire(import.meta.url).resolve('@forge/cli/package.json'));
  const fromCli = createRequire(cliManifest);
  const fromBundler = createRequire(fromCli.resolve('@forge/bundler'));
  /* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-return -- the parse boundary: untyped CommonJS from the CLI's tree */
  const bundler = fromCli('@forge/bundler');
  const shared = fromCli('@forge/cli-shared');
  const lint = fromBundler('@forge/lint');
  return {
    version: versionAt(cliManifest),
    bundlerVersion: versionAt(fromCli.resolve('@forge/bundler/package.json')),
    manifestVersion: versionAt(fromBundler.resolve('@forge/manifest/package.json')),
    configFile: () => new shared.ConfigFile(new shared.FileSystemReader(), new shared.FileSystemWriter()),
    fileReader: () => new shared.FileSystemReader(),
    listGitIgnoreFiles: (reader) => shared.listGitIgnoreFiles(reader),
    entryPoints: (handlers) => bundler.getEntryPoints(handlers),
    shouldBundleResource: (resource) => shared.shouldBundleResource(resource),
    bundleFunctions: (logger, statsig, config, args) => bundler.getNodeBundler(logger, STUB_WRAPPER, config, statsig).bundle(args),
    bundleResources: (logger, resources) => new bundler.NativeUIBundler(logger).bundleResources(resources),
    lint: async (files, manifest, logger, statsig) => {
      const linters: Linter[] = (await lint.getClientSideLintersOnly(manifest, 'development', logger, statsig)).filter((linter: Linter) => !ONLINE_LINTERS.has(linter.constructor.name));
      return lint.lint(files, manifest, 'development', logger, statsig, { linters });
    },
  };
  /* eslint-enable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-return */
}
