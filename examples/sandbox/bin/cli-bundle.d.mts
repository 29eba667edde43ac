export interface BundleOptions {
  /** Names the entry's output (`<name>-<hash>.mjs`) and the build record (`<name>.build.json`). */
  readonly name: string;
  readonly entry: string;
  readonly outdir: string;
  readonly tsconfig?: string;
  /** Files besides the sources whose change means a rebuild (tsconfig, lockfile, build settings). */
  readonly settings?: readonly string[];
  /** Packages left to Node to load at run time (default: better-sqlite3, a native module). */
  readonly external?: readonly string[];
}

/** The path of the `clearway` CLI's compiled entry point, built first when missing or older than its sources. */
export declare function ensureCliBundle(): Promise<string>;
/** Builds `entry` into `outdir` unless the build recorded there is current; `built` says whether it compiled. */
export declare function ensureBundle(options: BundleOptions): Promise<{ readonly file: string; readonly built: boolean }>;
