import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { McpGateway } from './gateway.js';

export const GATEWAY_PATH = '/mcp';

export interface NodeListenerOptions {
  /** The MCP endpoint's path; other paths answer 404 and are not gateway calls. `null`: every path reaches the handler (a gateway host that also serves sign-in). */
  readonly path?: string | null;
}

/**
 * A Node `http` request listener around the web-standard gateway. The body reaches the gateway as
 * a stream it can stop reading; a request whose body was left unread is answered with
 * `Connection: close`, so Node drops the rest instead of draining it.
 */
export function toNodeListener(gateway: Pick<McpGateway, 'handle'>, options: NodeListenerOptions = {}): (req: IncomingMessage, res: ServerResponse) => void {
  const path = options.path === undefined ? GATEWAY_PATH : options.path;
  return (req, res) => {
    serveOne(gateway, path, req, res).catch(() => {
      // The gateway itself never rejects; this is the adapter failing (a request Node parsed but fetch cannot express).
      if (!res.headersSent) res.writeHead(400, { 'content-type': 'application/json', connection: 'close' });
      res.end();
    });
  };
}

async function serveOne(gateway: Pick<McpGateway, 'handle'>, path: string | null, req: IncomingMessage, res: ServerResponse): Promise<void> {
  // The socket's own address, not the Host header: the 401's metadata URL must not echo what a client sent.
  const origin = `http://${formatHost(req.socket.localAddress ?? '127.0.0.1')}:${req.socket.localPort ?? 0}`;
  const url = new URL(req.url ?? '/', origin);
  if (path !== null && url.pathname !== path) {
    req.resume();
    res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'not_found', error_description: `The MCP endpoint is ${path}.` }));
    return;
  }
  const body = bodyOf(req);
  const response = await gateway.handle(new Request(url, { method: req.method ?? 'GET', headers: headersOf(req), ...(body && { body: body.stream, duplex: 'half' }) }));
  const payload = Buffer.from(await response.arrayBuffer());
  const headers: Record<string, string> = Object.fromEntries(response.headers);
  headers['content-length'] = String(payload.byteLength);
  if (body && !body.ended()) headers.connection = 'close';
  res.writeHead(response.status, headers).end(payload);
}

function headersOf(req: IncomingMessage): Headers {
  const headers = new Headers();
  for (let index = 0; index + 1 < req.rawHeaders.length; index += 2) headers.append(req.rawHeaders[index]!, req.rawHeaders[index + 1]!);
  return headers;
}

/**
 * The request body as a web stream that pauses the socket when cancelled, rather than destroying
 * it (what `Readable.toWeb` does), so the gateway can still answer after refusing to read more.
 */
function bodyOf(req: IncomingMessage): { stream: ReadableStream<Uint8Array>; ended: () => boolean } | undefined {
  if (req.method === 'GET' || req.method === 'HEAD') return undefined;
  let ended = false;
  let cancelled = false;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      req.on('data', (chunk: Buffer) => {
        if (cancelled) return;
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        if ((controller.desiredSize ?? 0) <= 0) req.pause();
      });
      req.on('end', () => {
        ended = true;
        if (!cancelled) controller.close();
      });
      req.on('error', (error) => {
        if (!cancelled) controller.error(error);
      });
      req.pause();
    },
    pull() {
      req.resume();
    },
    cancel() {
      cancelled = true;
      req.pause();
    },
  });
  return { stream, ended: () => ended };
}

function formatHost(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}

export interface ServeGatewayOptions {
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  /** Loopback by default: the sandbox gateway is for clients on this machine. */
  readonly host?: string;
  /** See `NodeListenerOptions.path`; with `null` the URL is the server's origin. */
  readonly path?: string | null;
}

export interface ServedGateway {
  /** The MCP endpoint's URL, e.g. `http://127.0.0.1:54321/mcp` (the origin when served with `path: null`). */
  readonly url: URL;
  readonly server: Server;
  /** Stops listening, closes open connections and the gateway's upstream clients. */
  close(): Promise<void>;
}

/** Serves the gateway over HTTP at `path` (default `/mcp`) on a loopback port. */
export async function serveGateway(gateway: McpGateway, options: ServeGatewayOptions = {}): Promise<ServedGateway> {
  const path = options.path === undefined ? GATEWAY_PATH : options.path;
  const host = options.host ?? '127.0.0.1';
  const server = createServer(toNodeListener(gateway, { path }));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: new URL(`http://${formatHost(host)}:${port}${path ?? ''}`),
    server,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await gateway.close();
    },
  };
}
