import { createGatewayPolicy, signInEvents, type CoreDeps } from '@clearway/core';
import { serveGatewayHost, type ServedGatewayHost, type SignInStore } from '@clearway/core/gateway-sign-in';
import type { UpstreamFactory } from '@clearway/core/mcp-gateway';
import type { IdpSimulator } from '@clearway/idp-simulator';
import { sandboxGroups } from './directory.js';

/** Any MCP server by URL, with fixed headers (e.g. `server-everything` on loopback). */
export function fixedUpstream(url: string, headers: Readonly<Record<string, string>> = {}): UpstreamFactory {
  return async () => ({ url, headers });
}

/** The simulated Atlassian site's remote MCP server: where people sign in, and where calls go as them. */
export function simulatorMcpUrl(simulator: IdpSimulator): string {
  if (!simulator.atlassian) throw new Error('The simulator runs no Atlassian site (its seed has no `atlassian` section).');
  return `${simulator.url}/v1/mcp`;
}

/**
 * The gateway host on a loopback port — the same handler the Forge web trigger serves: MCP at
 * `/mcp`, Clearway's OAuth endpoints beside it, sign-in with the simulated Atlassian site, calls
 * forwarded to its MCP server as the signed-in person (or, with `forward`, to another MCP server).
 */
export async function startSandboxGateway(
  deps: CoreDeps,
  simulator: IdpSimulator,
  store: SignInStore,
  options: { port?: number; forward?: UpstreamFactory } = {},
): Promise<ServedGatewayHost> {
  return serveGatewayHost(
    {
      store,
      upstream: { mcpUrl: simulatorMcpUrl(simulator), clientName: 'Clearway (sandbox)' },
      ...(options.forward && { forward: options.forward }),
      groups: sandboxGroups,
      policy: createGatewayPolicy(deps),
      events: signInEvents(deps),
      clock: deps.clock,
      logger: deps.logger,
    },
    { ...(options.port !== undefined && { port: options.port }) },
  );
}
