/** Creates the simulator's certificate if it is missing or expiring, and sets NODE_EXTRA_CA_CERTS for child processes. */
export declare function prepareTrustedCertificate(): string;
/** Runs a JavaScript file on plain Node (with `nodeFlags`) with the certificate trusted, then exits with its status. */
export declare function runTrusted(file: string, args: readonly string[], nodeFlags?: readonly string[]): never;
/** Runs a TypeScript entry point of the sandbox with the certificate trusted, then exits with its status. */
export declare function runTypeScript(entry: string, args: readonly string[]): never;
