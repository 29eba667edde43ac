/**
 * Peer process for the gateway rows: the upstream MCP server, on its own event loop. The
 * simulated Atlassian site's MCP server (the SDK's `McpServer` with Atlassian's tool names and
 * zod schemas), served as the SDK's stateless example serves one: a new server and a stateless
 * Node transport per request, JSON answers, bearer token checked. `GET /ping` answers a bare 200,
 * the floor of one loopback HTTP round trip.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AtlassianSite, DEFAULT_ATLASSIAN_SEED, createAtlassianMcpServer } from '@clearway/idp-simulator';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { answerCommands, cpuMicros } from './ipc.js';

const site = new AtlassianSite(DEFAULT_ATLASSIAN_SEED);
const account = [...site.accounts.values()][0]!;
const token = site.issueToken(account.accountId);
let requests = 0;

function refuse(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }));
}

async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.url === '/ping') {
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    return;
  }
  if (req.method !== 'POST') return refuse(res, 405, 'Method not allowed.', { allow: 'POST' });
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
  const caller = bearer === undefined ? undefined : site.accountForToken(bearer);
  if (!caller) return refuse(res, 401, 'Unauthorized: the bearer token is not valid.', { 'www-authenticate': 'Bearer realm="atlassian-mcp"' });
  requests += 1;
  const server = createAtlassianMcpServer(site, caller);
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  res.on('close', () => {
    void transport.close();
    void server.close();
  });
  await server.connect(transport);
  await transport.handleRequest(req, res);
}

const http = createServer((req, res) => {
  serve(req, res).catch(() => {
    if (!res.headersSent) refuse(res, 500, 'Internal error.');
    else res.end();
  });
});
http.listen(0, '127.0.0.1', () => {
  const { port } = http.address() as AddressInfo;
  process.send?.({ type: 'ready', url: `http://127.0.0.1:${port}/mcp`, token, cloudId: site.cloudId });
});
answerCommands(
  async () => ({ type: 'stats', cpuMicros: cpuMicros(), requests }),
  () =>
    new Promise<void>((resolve) => {
      http.close(() => resolve());
      http.closeAllConnections();
    }),
);
