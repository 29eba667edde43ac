import { createGatewayPolicy, type CoreDeps, type GatewayCaller } from '@clearway/core';
import { createMcpGateway, serveGateway, type ServedGateway, type UpstreamFactory } from '@clearway/core/mcp-gateway';
import type { IdpSimulator } from '@clearway/idp-simulator';
import type { SandboxGatewayTokens } from './tokens.js';

/**
 * Upstream: the simulator's Atlassian MCP server, called as the signed-in person (with the
 * simulator's token for them, issued once per person), as production calls Atlassian's remote MCP
 * server with the user's own Atlassian token.
 */
export function simulatorUpstream(simulator: IdpSimulator): UpstreamFactory {
  const site = simulator.atlassian;
  if (!site) throw new Error('The simulator runs no Atlassian site (its seed has no `atlassian` section).');
  const tokens = new Map<string, string>();
  return async (caller: GatewayCaller) => {
    let token = tokens.get(caller.accountId);
    if (token === undefined) {
      token = site.issueToken(caller.accountId);
      tokens.set(caller.accountId, token);
    }
    return { url: `${simulator.url}/mcp`, headers: { authorization: `Bearer ${token}` } };
  };
}

/** Any MCP server by URL, with fixed headers (e.g. `server-everything` on loopback). */
export function fixedUpstream(url: string, headers: Readonly<Record<string, string>> = {}): UpstreamFactory {
  return async () => ({ url, headers });
}

/** The gateway on a loopback port: core's policy and recorder over the sandbox store, the sandbox's tokens. */
export async function startSandboxGateway(deps: CoreDeps, tokens: SandboxGatewayTokens, upstream: UpstreamFactory, options: { port?: number } = {}): Promise<ServedGateway> {
  const gateway = createMcpGateway({ policy: createGatewayPolicy(deps), authenticator: tokens, upstream, clock: deps.clock, logger: deps.logger });
  return serveGateway(gateway, { ...(options.port !== undefined && { port: options.port }) });
}
