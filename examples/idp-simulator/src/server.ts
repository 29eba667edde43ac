import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { GraphTenant, graphError } from './graph.js';
import { json, type Effect, type EffectKind, type SimRequest, type SimResponse, type Vendor } from './http.js';
import { OktaOrg, oktaError } from './okta.js';
import { ScimService } from './scim.js';
import type { SimulatorSeed } from './seed.js';
import type { TlsMaterial } from './tls.js';
import { TrafficControl, type Bucket, type FaultRates, type OneShotFault, type RateLimitRule } from './traffic.js';

/** One call as the simulator saw and answered it. */
export interface CallRecord {
  readonly seq: number;
  readonly at: number;
  readonly vendor: Vendor;
  /** Which rate-limit bucket the call counts against. */
  readonly bucket: Bucket;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly outcome: 'ok' | 'error' | 'rate_limited' | 'fault' | 'reset' | 'lost_response';
  readonly effects: readonly Effect[];
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

function vendorOf(path: string, tenantId: string | undefined): Vendor {
  if (path.startsWith('/api/v1/')) return 'okta';
  if (path.startsWith('/v1.0/')) return 'graph';
  if (path.startsWith('/scim/v2/')) return 'scim';
  if (path.startsWith('/_sim/')) return 'simulator';
  if (path === '/common/discovery/instance' || (tenantId && path.startsWith(`/${tenantId}/`))) return 'entra-auth';
  return 'simulator';
}

function bucketOf(vendor: Vendor, method: string, path: string): Bucket {
  if (vendor === 'entra-auth') return 'token';
  if (/\/groups\/[^/]+\/(users|members)/.test(path) || (vendor === 'graph' && method === 'PATCH' && /\/groups\/[^/]+$/.test(path)) || (vendor === 'scim' && method === 'PATCH')) return 'membership';
  if (/\/(users|Users)(\/|$|\?)/.test(path)) return 'users';
  if (/\/(groups|Groups)(\/|$|\?)/.test(path)) return 'groups';
  return 'other';
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
  readonly traffic: TrafficControl;
  private readonly server: Server;
  private seq = 0;
  private baseUrl = '';

  private constructor(private readonly options: SimulatorOptions) {
    const origin = () => this.baseUrl;
    if (options.seed.okta) this.okta = new OktaOrg(options.seed.okta, origin);
    if (options.seed.entra) this.graph = new GraphTenant(options.seed.entra, origin);
    if (options.seed.scim) this.scim = new ScimService(options.seed.scim, origin);
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

  failNext(fault: OneShotFault): void {
    this.traffic.failNext(fault);
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
    const record = (status: number, outcome: CallRecord['outcome'], effects: readonly Effect[] = []) =>
      this.calls.push({ seq: ++this.seq, at: now, vendor, bucket, method, path: pathAndQuery, status, outcome, effects });

    if (vendor === 'simulator') return this.write(outgoing, this.inspect(url.pathname));
    const decision = this.traffic.decide(vendor, bucket, method, pathAndQuery, now);
    if (decision.kind === 'reset') {
      record(0, 'reset');
      incoming.socket.destroy();
      return;
    }
    if (decision.kind === 'rate_limited') {
      record(429, 'rate_limited');
      return this.write(outgoing, this.rateLimited(vendor, decision.resetAt, decision.limit, now));
    }
    if (decision.kind === 'fail') {
      record(decision.status, 'fault');
      return this.write(outgoing, this.failure(vendor, decision.status, decision.retryAfterSeconds));
    }
    const response = this.route(vendor, request);
    if (decision.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, decision.latencyMs));
    if (decision.lostResponse) {
      record(504, 'lost_response', response.effects);
      return this.write(outgoing, this.failure(vendor, 504));
    }
    record(response.status, response.status < 400 ? 'ok' : 'error', response.effects);
    const usage = vendor === 'okta' ? this.traffic.usage(vendor, bucket, now) : undefined;
    const limitHeaders: Record<string, string> = usage
      ? { 'x-rate-limit-limit': String(usage.limit), 'x-rate-limit-remaining': String(usage.remaining), 'x-rate-limit-reset': String(Math.ceil(usage.resetAt / 1000)) }
      : {};
    this.write(outgoing, { ...response, headers: { ...limitHeaders, ...response.headers } });
  }

  private route(vendor: Vendor, request: SimRequest): SimResponse {
    if (vendor === 'okta' && this.okta) return this.okta.handle(request);
    if (vendor === 'graph' && this.graph) return this.graph.handleGraph(request);
    if (vendor === 'entra-auth' && this.graph) return this.graph.handleAuthority(request);
    if (vendor === 'scim' && this.scim) return this.scim.handle(request);
    return json(404, { error: `nothing is simulated at ${request.url.pathname}` });
  }

  private rateLimited(vendor: Vendor, resetAt: number, limit: number, now: number): SimResponse {
    const retryAfter = String(Math.max(1, Math.ceil((resetAt - now) / 1000)));
    if (vendor === 'okta') {
      const response = oktaError(429, 'E0000047', 'API call exceeded rate limit due to too many requests.');
      return { ...response, headers: { ...response.headers, 'x-rate-limit-limit': String(limit), 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(Math.ceil(resetAt / 1000)) } };
    }
    if (vendor === 'scim') return json(429, { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '429', detail: 'Too many requests' }, { 'retry-after': retryAfter });
    return graphError(429, 'TooManyRequests', 'Too many requests. Please retry after the time in the Retry-After header.', { 'retry-after': retryAfter });
  }

  private failure(vendor: Vendor, status: number, retryAfterSeconds?: number): SimResponse {
    const retry: Record<string, string> = retryAfterSeconds !== undefined ? { 'retry-after': String(retryAfterSeconds) } : {};
    if (status === 429) {
      const now = Date.now();
      return this.rateLimited(vendor, now + (retryAfterSeconds ?? 1) * 1000, 0, now);
    }
    if (vendor === 'okta') {
      const summary = status === 401 ? 'Invalid token provided' : status === 403 ? 'You do not have permission to perform the requested action' : 'Service unavailable';
      const code = status === 401 ? 'E0000011' : status === 403 ? 'E0000006' : 'E0000009';
      const response = oktaError(status, code, summary);
      return { ...response, headers: { ...response.headers, ...retry } };
    }
    if (vendor === 'scim') return json(status, { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: String(status), detail: 'Injected fault' }, retry);
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
