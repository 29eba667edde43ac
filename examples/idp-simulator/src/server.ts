import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { handleAtlassianMcp, mcpHttpError, type McpCallSummary } from './atlassian-mcp.js';
import { atlassianOAuthEndpoint, handleAtlassianOAuth, type OAuthCallSummary } from './atlassian-oauth-http.js';
import { AtlassianSite } from './atlassian-site.js';
import { GraphTenant, graphError } from './graph.js';
import { json, type Effect, type EffectKind, type SimRequest, type SimResponse, type Vendor } from './http.js';
import { OktaOrg, oktaError } from './okta.js';
import { ScimService } from './scim.js';
import { atlassianSeedOrDefault, type SimulatorSeed } from './seed.js';
import type { TlsMaterial } from './tls.js';
import { TrafficControl, type Bucket, type Decision, type FaultRates, type OneShotFault, type RateLimitRule } from './traffic.js';

/** Who a call was for: an IdP, or the simulated Atlassian site (its MCP server at `/mcp`, and that server's OAuth endpoints). */
export type CallVendor = Vendor | 'atlassian';

/**
 * A one-shot fault for the Atlassian site: its MCP endpoint and its OAuth endpoints (`path` picks
 * one, e.g. `/^\/v1\/token/`). Rate limits and random fault rates (`configure`) cover the IdP
 * vendors only; one-shot faults and `hangNext` cover every vendor.
 */
export type AtlassianFault = Omit<OneShotFault, 'vendor'> & { readonly vendor: 'atlassian' };

/** Which calls `hangNext` holds unanswered. */
export interface HangMatch {
  readonly vendor?: CallVendor;
  readonly method?: string;
  readonly path?: RegExp;
}

/** One call as the simulator saw and answered it. */
export interface CallRecord {
  readonly seq: number;
  readonly at: number;
  readonly vendor: CallVendor;
  /** Which rate-limit bucket the call counts against. */
  readonly bucket: Bucket;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  /** `hang`: held unanswered by `hangNext` (status 0) until the client gave up. */
  readonly outcome: 'ok' | 'error' | 'rate_limited' | 'fault' | 'reset' | 'lost_response' | 'hang';
  readonly effects: readonly Effect[];
  /** For the MCP endpoint: the JSON-RPC method, the tool called, and how it answered. */
  readonly mcp?: McpCallSummary;
  /** For the Atlassian OAuth endpoints: which one, the token request's grant type, the OAuth error it answered. */
  readonly oauth?: OAuthCallSummary;
}

export interface SimulatorOptions {
  readonly seed: SimulatorSeed;
  /** Serve https with this certificate; plain http when absent. */
  readonly tls?: TlsMaterial;
  readonly port?: number;
  readonly rateLimits?: readonly RateLimitRule[];
  readonly faults?: readonly FaultRates[];
  /** Seed of the random fault plan, so runs repeat. */
  readonly randomSeed?: number;
}

function vendorOf(path: string, tenantId: string | undefined): CallVendor {
  if (path === '/mcp' || path === '/v1/mcp' || atlassianOAuthEndpoint(path) !== undefined) return 'atlassian';
  if (path.startsWith('/api/v1/')) return 'okta';
  if (path.startsWith('/v1.0/')) return 'graph';
  if (path.startsWith('/scim/v2/')) return 'scim';
  if (path.startsWith('/_sim/')) return 'simulator';
  if (path === '/common/discovery/instance' || (tenantId && path.startsWith(`/${tenantId}/`))) return 'entra-auth';
  return 'simulator';
}

function bucketOf(vendor: CallVendor, method: string, path: string): Bucket {
  if (vendor === 'entra-auth' || (vendor === 'atlassian' && atlassianOAuthEndpoint(path) === 'token')) return 'token';
  if (/\/groups\/[^/]+\/(users|members)/.test(path) || (vendor === 'graph' && method === 'PATCH' && /\/groups\/[^/]+$/.test(path)) || (vendor === 'scim' && method === 'PATCH')) return 'membership';
  if (/\/(users|Users)(\/|$|\?)/.test(path)) return 'users';
  if (/\/(groups|Groups)(\/|$|\?)/.test(path)) return 'groups';
  return 'other';
}

/**
 * An injected failure at the Atlassian OAuth endpoints: a plain-text answer, as an edge or proxy
 * in front of the authorization server gives one — not an OAuth error a client could read as a
 * verdict on its grant.
 */
function edgeError(status: number, headers: Record<string, string> = {}): SimResponse {
  const text = { 429: 'Too Many Requests', 500: 'Internal Server Error', 502: 'Bad Gateway', 504: 'Gateway Timeout' }[status] ?? 'Service Unavailable';
  return { status, headers: { 'content-type': 'text/plain; charset=utf-8', ...headers }, body: text };
}

/**
 * An IdP on loopback: the Okta management API, Microsoft Graph with the Entra token endpoint
 * and SCIM 2.0, with per-bucket rate limits that answer like the vendors
 * (429 with `X-Rate-Limit-*` for Okta, `Retry-After` for Graph), injected faults, and a record
 * of every call and every change it applied. The official SDKs talk to it unchanged.
 */
export class IdpSimulator {
  readonly calls: CallRecord[] = [];
  readonly okta?: OktaOrg;
  readonly graph?: GraphTenant;
  readonly scim?: ScimService;
  /** The simulated Jira and Confluence behind `/mcp`; `issueToken(accountId)` gives a caller's bearer token. */
  readonly atlassian?: AtlassianSite;
  readonly traffic: TrafficControl;
  private readonly atlassianFaults: AtlassianFault[] = [];
  private readonly hangs: HangMatch[] = [];
  private readonly server: Server;
  private seq = 0;
  private baseUrl = '';

  private constructor(private readonly options: SimulatorOptions) {
    const origin = () => this.baseUrl;
    if (options.seed.okta) this.okta = new OktaOrg(options.seed.okta, origin);
    if (options.seed.entra) this.graph = new GraphTenant(options.seed.entra, origin);
    if (options.seed.scim) this.scim = new ScimService(options.seed.scim, origin);
    if (options.seed.atlassian) this.atlassian = new AtlassianSite(atlassianSeedOrDefault(options.seed.atlassian));
    this.traffic = new TrafficControl(options.randomSeed ?? 1);
    this.traffic.configure({ rateLimits: options.rateLimits ?? [], faults: options.faults ?? [] });
    const handler = (request: IncomingMessage, response: ServerResponse) => void this.serve(request, response);
    this.server = options.tls ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, handler) : createHttpServer(handler);
    // Long enough that clients honouring the hint (minus their safety margin) reuse connections.
    this.server.keepAliveTimeout = 15_000;
  }

  static async start(options: SimulatorOptions): Promise<IdpSimulator> {
    const simulator = new IdpSimulator(options);
    await new Promise<void>((resolve, reject) => {
      simulator.server.once('error', reject);
      simulator.server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
    const { port } = simulator.server.address() as AddressInfo;
    simulator.baseUrl = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
    return simulator;
  }

  get url(): string {
    return this.baseUrl;
  }

  configure(options: { rateLimits?: readonly RateLimitRule[]; faults?: readonly FaultRates[]; seed?: number }): void {
    this.traffic.configure(options);
  }

  failNext(fault: OneShotFault | AtlassianFault): void {
    if (fault.vendor === 'atlassian') this.atlassianFaults.push(fault);
    else this.traffic.failNext(fault);
  }

  /** The next matching call gets no answer at all until the client aborts or closes the connection. */
  hangNext(match: HangMatch = {}): void {
    this.hangs.push(match);
  }

  /** Changes the simulator applied, optionally of one kind, for one user. */
  effects(kind?: EffectKind, userId?: string): Effect[] {
    return this.calls.flatMap((call) => call.effects).filter((effect) => (!kind || effect.kind === kind) && (!userId || effect.userId === userId));
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async serve(incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    const url = new URL(incoming.url ?? '/', this.baseUrl);
    const method = (incoming.method ?? 'GET').toUpperCase();
    let body: unknown;
    try {
      body = rawBody && /json/.test(String(incoming.headers['content-type'] ?? 'application/json')) ? JSON.parse(rawBody) : undefined;
    } catch {
      body = undefined;
    }
    const request: SimRequest = { method, url, headers: incoming.headers, body, rawBody };
    const vendor = vendorOf(url.pathname, this.graph?.tenantId);
    const bucket = bucketOf(vendor, method, url.pathname);
    const now = Date.now();
    const pathAndQuery = `${url.pathname}${url.search}`;
    const record = (status: number, outcome: CallRecord['outcome'], effects: readonly Effect[] = [], summary: { mcp?: McpCallSummary; oauth?: OAuthCallSummary } = {}) =>
      this.calls.push({ seq: ++this.seq, at: now, vendor, bucket, method, path: pathAndQuery, status, outcome, effects, ...(summary.mcp && { mcp: summary.mcp }), ...(summary.oauth && { oauth: summary.oauth }) });

    if (vendor === 'simulator') return this.write(outgoing, this.inspect(url.pathname));
    const hang = this.hangs.findIndex((match) => (!match.vendor || match.vendor === vendor) && (!match.method || match.method === method) && (!match.path || match.path.test(pathAndQuery)));
    if (hang >= 0) {
      this.hangs.splice(hang, 1);
      record(0, 'hang');
      return;
    }
    const decision = vendor === 'atlassian' ? this.decideAtlassian(method, pathAndQuery) : this.traffic.decide(vendor, bucket, method, pathAndQuery, now);
    if (decision.kind === 'reset') {
      record(0, 'reset');
      incoming.socket.destroy();
      return;
    }
    if (decision.kind === 'rate_limited') {
      record(429, 'rate_limited');
      return this.write(outgoing, this.rateLimited(vendor, url.pathname, decision.resetAt, decision.limit, now));
    }
    if (decision.kind === 'fail') {
      record(decision.status, 'fault');
      return this.write(outgoing, this.failure(vendor, url.pathname, decision.status, decision.retryAfterSeconds));
    }
    const { response, ...summary } = await this.route(vendor, request);
    if (decision.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, decision.latencyMs));
    if (decision.lostResponse) {
      record(504, 'lost_response', response.effects, summary);
      return this.write(outgoing, this.failure(vendor, url.pathname, 504));
    }
    record(response.status, response.status < 400 ? 'ok' : 'error', response.effects, summary);
    const usage = vendor === 'okta' ? this.traffic.usage(vendor, bucket, now) : undefined;
    const limitHeaders: Record<string, string> = usage
      ? { 'x-rate-limit-limit': String(usage.limit), 'x-rate-limit-remaining': String(usage.remaining), 'x-rate-limit-reset': String(Math.ceil(usage.resetAt / 1000)) }
      : {};
    this.write(outgoing, { ...response, headers: { ...limitHeaders, ...response.headers } });
  }

  private async route(vendor: CallVendor, request: SimRequest): Promise<{ response: SimResponse; mcp?: McpCallSummary; oauth?: OAuthCallSummary }> {
    if (vendor === 'atlassian' && this.atlassian) {
      const endpoint = atlassianOAuthEndpoint(request.url.pathname);
      return endpoint === undefined ? handleAtlassianMcp(this.atlassian, request) : handleAtlassianOAuth(this.atlassian.oauth, endpoint, request);
    }
    if (vendor === 'okta' && this.okta) return { response: this.okta.handle(request) };
    if (vendor === 'graph' && this.graph) return { response: this.graph.handleGraph(request) };
    if (vendor === 'entra-auth' && this.graph) return { response: this.graph.handleAuthority(request) };
    if (vendor === 'scim' && this.scim) return { response: this.scim.handle(request) };
    return { response: json(404, { error: `nothing is simulated at ${request.url.pathname}` }) };
  }

  /** The MCP endpoint's one-shot faults, read the way TrafficControl reads the IdPs'. */
  private decideAtlassian(method: string, pathAndQuery: string): Decision {
    const index = this.atlassianFaults.findIndex((fault) => (!fault.method || fault.method === method) && (!fault.path || fault.path.test(pathAndQuery)));
    const [fault] = index >= 0 ? this.atlassianFaults.splice(index, 1) : [];
    if (!fault) return { kind: 'pass', latencyMs: 0, lostResponse: false };
    if (fault.reset) return { kind: 'reset' };
    if (fault.lostResponse) return { kind: 'pass', latencyMs: 0, lostResponse: true };
    return { kind: 'fail', status: fault.status ?? 503, ...(fault.retryAfterSeconds !== undefined && { retryAfterSeconds: fault.retryAfterSeconds }) };
  }

  private rateLimited(vendor: CallVendor, path: string, resetAt: number, limit: number, now: number): SimResponse {
    const retryAfter = String(Math.max(1, Math.ceil((resetAt - now) / 1000)));
    if (vendor === 'atlassian' && atlassianOAuthEndpoint(path) !== undefined) return edgeError(429, { 'retry-after': retryAfter });
    if (vendor === 'atlassian') return mcpHttpError(429, 'Rate limit exceeded. Try again later.', { 'retry-after': retryAfter });
    if (vendor === 'okta') {
      const response = oktaError(429, 'E0000047', 'API call exceeded rate limit due to too many requests.');
      return { ...response, headers: { ...response.headers, 'x-rate-limit-limit': String(limit), 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(Math.ceil(resetAt / 1000)) } };
    }
    if (vendor === 'scim') return json(429, { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '429', detail: 'Too many requests' }, { 'retry-after': retryAfter });
    return graphError(429, 'TooManyRequests', 'Too many requests. Please retry after the time in the Retry-After header.', { 'retry-after': retryAfter });
  }

  private failure(vendor: CallVendor, path: string, status: number, retryAfterSeconds?: number): SimResponse {
    const retry: Record<string, string> = retryAfterSeconds !== undefined ? { 'retry-after': String(retryAfterSeconds) } : {};
    if (status === 429) {
      const now = Date.now();
      return this.rateLimited(vendor, path, now + (retryAfterSeconds ?? 1) * 1000, 0, now);
    }
    if (vendor === 'atlassian' && atlassianOAuthEndpoint(path) !== undefined) return edgeError(status, retry);
    if (vendor === 'okta') {
      const summary = status === 401 ? 'Invalid token provided' : status === 403 ? 'You do not have permission to perform the requested action' : 'Service unavailable';
      const code = status === 401 ? 'E0000011' : status === 403 ? 'E0000006' : 'E0000009';
      const response = oktaError(status, code, summary);
      return { ...response, headers: { ...response.headers, ...retry } };
    }
    if (vendor === 'scim') return json(status, { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: String(status), detail: 'Injected fault' }, retry);
    if (vendor === 'atlassian') return mcpHttpError(status, { 401: 'Unauthorized.', 403: 'Forbidden.', 500: 'Internal server error.', 504: 'Gateway timeout.' }[status] ?? 'Service unavailable.', retry);
    const code = status === 401 ? 'InvalidAuthenticationToken' : status === 403 ? 'Authorization_RequestDenied' : status === 504 ? 'GatewayTimeout' : 'ServiceUnavailable';
    return graphError(status, code, 'The service is temporarily unavailable.', retry);
  }

  /** `/_sim/calls` and `/_sim/state`, for a person poking at a standalone simulator. */
  private inspect(path: string): SimResponse {
    if (path === '/_sim/calls') return json(200, this.calls);
    if (path === '/_sim/state') {
      return json(200, {
        okta: this.okta && { groups: [...this.okta.groups.values()].map((group) => ({ id: group.id, name: group.profile.name, members: [...group.members] })) },
        entra: this.graph && { groups: [...this.graph.groups.values()].map((group) => ({ id: group.id, name: group.displayName, members: [...group.members] })) },
        scim: this.scim && { groups: [...this.scim.groups.values()].map((group) => ({ id: group.id, name: group.displayName, members: [...group.members] })) },
        atlassian: this.atlassian && {
          cloudId: this.atlassian.cloudId,
          oauthClients: this.atlassian.oauth.clients().map((client) => ({ clientId: client.clientId, clientName: client.clientName, redirectUris: client.redirectUris })),
          issues: [...this.atlassian.issues.values()].map((issue) => ({ key: issue.key, summary: issue.summary, status: issue.status, assignee: issue.assigneeId, reporter: issue.reporterId })),
          pages: [...this.atlassian.pages.values()].map((page) => ({ id: page.id, spaceId: page.spaceId, title: page.title, version: page.version.number })),
        },
      });
    }
    return json(404, { error: 'unknown simulator endpoint' });
  }

  private write(outgoing: ServerResponse, response: SimResponse): void {
    const body = response.body === undefined ? undefined : typeof response.body === 'string' ? response.body : JSON.stringify(response.body);
    outgoing.writeHead(response.status, { ...(response.headers ?? {}), ...(body !== undefined && { 'content-length': String(Buffer.byteLength(body)) }) });
    outgoing.end(body);
  }
}
