import type { Server } from 'node:http';
import { serveGateway } from '../mcp-gateway/node.js';
import { createGatewayHost } from './host.js';
import type { GatewayHost, GatewayHostOptions } from './types.js';

export interface ServedGatewayHost {
  /** The base URL, e.g. `http://127.0.0.1:54321`; MCP is at `${baseUrl}/mcp`, the callback at `${baseUrl}/callback`. */
  readonly baseUrl: string;
  readonly mcpUrl: URL;
  readonly host: GatewayHost;
  readonly server: Server;
  close(): Promise<void>;
}

/** A gateway host on a loopback port: its base URL is the server's own origin, known once it listens. */
export async function serveGatewayHost(options: Omit<GatewayHostOptions, 'baseUrl'>, serve: { readonly port?: number; readonly host?: string } = {}): Promise<ServedGatewayHost> {
  let listening!: (url: string) => void;
  const base = new Promise<string>((resolve) => (listening = resolve));
  const host = createGatewayHost({ ...options, baseUrl: () => base });
  const served = await serveGateway(host, { ...serve, path: null });
  const baseUrl = served.url.origin;
  listening(baseUrl);
  return { baseUrl, mcpUrl: new URL(`${baseUrl}/mcp`), host, server: served.server, close: () => served.close() };
}
