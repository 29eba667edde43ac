export declare const sandboxRoot: string;
export declare const repoRoot: string;
export declare const dataDir: string;
export declare const certPath: string;
export declare const tsNodeFlags: readonly string[];
/** Creates the simulator's certificate if needed and sets NODE_EXTRA_CA_CERTS for child processes. */
export declare function prepareTrustedCertificate(): string;
