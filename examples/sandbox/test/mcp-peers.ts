/**
 * MCP peers Clearway did not write, for the gateway's end-to-end tests: the SDK's own `Client`,
 * the MCP Inspector in CLI mode, and the reference server `@modelcontextprotocol/server-everything`
 * over Streamable HTTP — each run as its package ships it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { delimiter, dirname, join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';

const require = createRequire(import.meta.url);

/** The package folder of a dependency of the sandbox (neither package declares `exports`, so its package.json resolves). */
const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`));

/** What a child process said and how it ended. */
export interface ProcessResult {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a Node script without blocking this process's event loop (the gateway under test may be
 * answering it from here), and collects its output. Killed after `timeoutMs`.
 */
export function runNode(args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr });
    });
  });
}

/**
 * The MCP Inspector's CLI mode, as `npx @modelcontextprotocol/inspector --cli <url> --transport http
 * --method …` runs it (https://github.com/modelcontextprotocol/inspector, README "CLI Mode"): its
 * `cli.js` with `--cli`, which starts `build/index.js` in a second Node process. `index.js` finds its
 * own package.json as `../package.json` from the current directory, so it runs from `build/`; the
 * `node` it starts is this one (first on PATH).
 */
export function runInspector(url: URL, token: string, args: readonly string[]): Promise<ProcessResult> {
  const build = join(packageDir('@modelcontextprotocol/inspector-cli'), 'build');
  const env = { ...process.env, PATH: [dirname(process.execPath), process.env.PATH ?? ''].join(delimiter) };
  return runNode([join(build, 'cli.js'), '--cli', url.href, '--transport', 'http', '--header', `Authorization: Bearer ${token}`, ...args], { cwd: build, env });
}

/** The names in an Inspector `tools/list` answer (its stdout is the JSON result). */
export function inspectorToolNames(result: ProcessResult): string[] {
  return (JSON.parse(result.stdout) as { tools: Array<{ name: string }> }).tools.map((tool) => tool.name);
}

/** A port nothing listens on right now, on loopback. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port was assigned');
  return address.port;
}

// The reference server listens on every interface (`app.listen(PORT)`) and has a tool that returns
// its environment (`get-env`): it is kept on loopback and given an environment with nothing in it.
const LOOPBACK_ONLY = `data:text/javascript,${encodeURIComponent(
  "import net from 'node:net'; const listen = net.Server.prototype.listen; net.Server.prototype.listen = function (port, ...rest) { return typeof port === 'number' || typeof port === 'string' ? listen.call(this, Number(port), '127.0.0.1', ...rest) : listen.call(this, port, ...rest); };",
)}`;

export interface EverythingServer {
  /** Its Streamable HTTP endpoint, `http://127.0.0.1:<port>/mcp`. */
  readonly url: URL;
  /** The server's package folder (its `dist/docs/*.md` are the documents it serves as resources). */
  readonly packageDir: string;
  stop(): Promise<void>;
}

/**
 * `@modelcontextprotocol/server-everything` over Streamable HTTP, started as its README says
 * (`npx @modelcontextprotocol/server-everything streamableHttp`,
 * https://github.com/modelcontextprotocol/servers/tree/main/src/everything). It takes its port from
 * `PORT` (dist/transports/streamableHttp.js: `process.env.PORT || 3001`), logs "listening on port"
 * on stderr once it listens, and exits 1 when the port is taken — then another free port is tried.
 */
export async function startEverythingServer(): Promise<EverythingServer> {
  const dir = packageDir('@modelcontextprotocol/server-everything');
  for (let attempt = 1; ; attempt += 1) {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', LOOPBACK_ONLY, join(dir, 'dist', 'index.js'), 'streamableHttp'], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const listening = await new Promise<boolean>((resolve) => {
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        stderr += chunk;
        if (stderr.includes(`listening on port ${port}`)) resolve(true);
      });
      child.stdout.resume();
      child.once('exit', () => resolve(false));
    });
    if (listening) return { url: new URL(`http://127.0.0.1:${port}/mcp`), packageDir: dir, stop: () => stopChild(child) };
    if (attempt === 3) throw new Error('server-everything did not start on three free ports');
  }
}

/** Ends a child this test started and waits until it is gone. */
export async function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  await exited;
}

/** An AI client as a person runs it: the SDK's own `Client` over Streamable HTTP, with a bearer token. */
export async function connectClient(url: URL, token: string, name: string): Promise<Client> {
  const client = new Client({ name, version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(url, { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
  return client;
}

/** The JSON-RPC error a refused request ends in; throws when the request succeeded instead. */
export async function refusal(attempt: Promise<unknown>): Promise<McpError> {
  const outcome = await attempt.then(
    (result: unknown) => ({ result }),
    (error: unknown) => ({ error }),
  );
  if (!('error' in outcome)) throw new Error(`expected a refusal, got ${JSON.stringify(outcome.result).slice(0, 300)}`);
  if (!(outcome.error instanceof McpError)) throw outcome.error;
  return outcome.error;
}

/** The `error.data.clearway` the gateway puts on a policy refusal. */
export function clearwayData(error: McpError): unknown {
  return (error.data as { clearway?: unknown } | undefined)?.clearway;
}

/** The text of a tool result's text blocks, joined. */
export function resultText(result: object): string {
  const content = 'content' in result && Array.isArray(result.content) ? (result.content as Array<{ type?: string; text?: string }>) : [];
  return content
    .filter((block) => block.type === 'text')
    .map((block) => block.text ?? '')
    .join('\n');
}
