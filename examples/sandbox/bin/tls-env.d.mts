/** Creates the simulator's certificate if needed and sets NODE_EXTRA_CA_CERTS for child processes. */
export declare function prepareTrustedCertificate(): string;
/** Runs a TypeScript entry point of the sandbox with the certificate trusted, then exits with its status. */
export declare function runTypeScript(entry: string, args: readonly string[]): never;
