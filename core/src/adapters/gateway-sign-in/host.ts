import { silentLogger } from '@clearway/connector-sdk';
import { ValidationError } from '../../errors.js';
import { systemClock } from '../../ports/clock.js';
import { createMcpGateway, type McpGateway } from '../mcp-gateway/gateway.js';
import { authorize, callback } from './authorize.js';
import { ConnectionBook } from './connections.js';
import { hostUrls, type HostUrls, type SignInContext } from './context.js';
import { corsPreflight, json } from './http.js';
import { authorizationServerMetadata, openIdConfiguration, protectedResourceMetadata } from './metadata.js';
import { Records } from './records.js';
import { register } from './register.js';
import { selfTest } from './self-test.js';
import { revoke, token } from './token.js';
import type { GatewayHost, GatewayHostOptions, SignInLifetimes } from './types.js';
import { UpstreamOAuth } from './upstream-oauth.js';

export const DEFAULT_SIGN_IN_LIFETIMES: SignInLifetimes = {
  accessTokenSeconds: 3_600,
  refreshTokenSeconds: 30 * 86_400,
  codeSeconds: 60,
  pendingSeconds: 600,
  groupsSeconds: 300,
  upstreamRefreshMarginSeconds: 120,
};

type Route = (request: Request) => Promise<Response> | Response;

/**
 * The gateway and its sign-in under one base URL, as one web-standard handler: what the Forge web
 * trigger and the sandbox's loopback server both serve.
 */
export function createGatewayHost(options: GatewayHostOptions): GatewayHost {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const lifetimes = { ...DEFAULT_SIGN_IN_LIFETIMES, ...options.lifetimes };
  for (const [key, value] of Object.entries(lifetimes)) {
    if (!Number.isInteger(value) || value <= 0) throw new ValidationError(`Sign-in lifetime ${key} must be a positive whole number of seconds.`, [{ path: `lifetimes.${key}`, message: 'a positive integer' }]);
  }
  let resolved: Promise<HostUrls> | undefined;
  const urls = (): Promise<HostUrls> => {
    resolved ??= Promise.resolve(typeof options.baseUrl === 'string' ? options.baseUrl : options.baseUrl()).then(
      (base) => {
        const parsed = URL.canParse(base) ? new URL(base) : undefined;
        if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') || parsed.search !== '' || parsed.hash !== '') {
          throw new ValidationError('The gateway base URL must be an http(s) URL without query or fragment.', [{ path: 'baseUrl', message: 'an http(s) URL' }]);
        }
        return hostUrls(base);
      },
      (error: unknown) => {
        resolved = undefined;
        throw error;
      },
    );
    return resolved;
  };
  const records = new Records(options.store);
  const upstream = new UpstreamOAuth(options.upstream, records, clock);
  const book = new ConnectionBook({
    records,
    upstream,
    upstreamMcpUrl: options.upstream.mcpUrl,
    groups: options.groups,
    events: options.events,
    clock,
    lifetimes,
    logger,
    callbackUrl: async () => (await urls()).callback,
    resource: async () => (await urls()).mcp,
  });
  const context: SignInContext = { records, book, upstream, clock, lifetimes, logger, urls };
  let gateway: Promise<McpGateway> | undefined;
  const mcp = (): Promise<McpGateway> =>
    (gateway ??= urls().then((found) =>
      createMcpGateway({
        policy: options.policy,
        authenticator: book,
        upstream: options.forward ?? book.upstreamFor,
        ...(!options.forward && { upstreamKey: book.upstreamKey }),
        clock,
        logger,
        resourceMetadataUrl: found.resourceMetadata,
        ...(options.limits && { limits: options.limits }),
      }),
    ));

  const routes = (found: HostUrls): Record<string, Partial<Record<string, Route>>> => ({
    '/mcp': { '*': async (request) => (await mcp()).handle(request) },
    '/.well-known/oauth-protected-resource': { GET: () => json(200, protectedResourceMetadata(found)) },
    '/.well-known/oauth-protected-resource/mcp': { GET: () => json(200, protectedResourceMetadata(found)) },
    '/.well-known/oauth-authorization-server': { GET: () => json(200, authorizationServerMetadata(found)) },
    '/.well-known/openid-configuration': { GET: () => json(200, openIdConfiguration(found)) },
    '/.well-known/jwks.json': { GET: () => json(200, { keys: [] }) },
    '/register': { POST: (request) => register(context, request) },
    '/authorize': { GET: (request) => authorize(context, request) },
    '/callback': { GET: (request) => callback(context, request) },
    '/token': { POST: (request) => token(context, request) },
    '/revoke': { POST: (request) => revoke(context, request) },
  });

  /** The route table, built once per resolved set of URLs (they are resolved once), not per request. */
  let table: { found: HostUrls; routes: ReturnType<typeof routes> } | undefined;
  const routesFor = (found: HostUrls) => {
    if (table?.found !== found) table = { found, routes: routes(found) };
    return table.routes;
  };

  async function handle(request: Request): Promise<Response> {
    try {
      const found = await urls();
      const path = new URL(request.url).pathname;
      const basePath = new URL(found.base).pathname.replace(/\/+$/, '');
      const relative = path.startsWith(`${basePath}/`) ? path.slice(basePath.length) : undefined;
      const methods = relative === undefined ? undefined : routesFor(found)[relative.replace(/\/+$/, '') || '/'];
      if (!methods) return json(404, { error: 'not_found', error_description: 'Nothing is served here: the MCP endpoint is /mcp under the gateway URL.' });
      const route = methods[request.method] ?? methods['*'];
      if (route) return await route(request);
      if (request.method === 'OPTIONS') return corsPreflight();
      const allow = Object.keys(methods).join(', ');
      return json(405, { error: 'invalid_request', error_description: `Use ${allow}.` }, { allow });
    } catch (error) {
      logger.error('gateway host: a request failed', { error: error instanceof Error ? error.name : 'unknown' });
      return json(500, { error: 'server_error', error_description: 'The gateway could not answer this request.' });
    }
  }

  return {
    handle,
    connections: book,
    selfTest: () => selfTest(context, handle),
    close: async () => {
      if (gateway) await (await gateway).close();
    },
  };
}
