import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { Agent, createServer, request as httpsRequest, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TlsMaterial } from '@clearway/idp-simulator';
import { seededRandom, type Random } from '@clearway/sandbox';
import { rateLimited, replicationDelay, serverErrorHtml, serverErrorJson, truncated, unexpectedBody, type ProxyAnswer } from './answers.js';
import { classifyRequest, type Endpoint, type RequestTarget, type Vendor } from './endpoints.js';
import { chooseFault, faultLabel, type FaultChoice, type FaultPlan, type PlanFilter } from './faults.js';
import { Tally } from './tally.js';

export interface FaultProxyOptions {
  /** The simulator's origin (https). */
  readonly upstream: string;
  /** Served to the providers and trusted for the upstream: the simulator's own certificate. */
  readonly tls: TlsMaterial;
  readonly seed: number;
  readonly plan: FaultPlan;
  readonly filter?: PlanFilter;
  /** How long a slow answer is held: longer than the call timeout, so the client gives up first. */
  readonly holdMs: number;
  /** How long after a group's creation Graph may still answer the replication-delay 400. */
  readonly replicationWindowMs?: number;
}

/** One request as the proxy handled it, for tracing what happened to a grant. */
export interface JournalEntry {
  readonly at: number;
  readonly method: string;
  readonly path: string;
  readonly target: RequestTarget;
  /** The fault's label, if one was injected. */
  readonly fault?: string;
  /** What the client was answered: a status, or `reset` / `gone` (the client left before the answer). */
  answered?: number | 'reset' | 'gone';
  /** What the simulator answered, when the request was forwarded. */
  upstream?: number;
}

/** A membership change about to be forwarded, with the fault its answer will get (if any). */
export interface MembershipInFlight {
  readonly target: RequestTarget;
  readonly fault: FaultChoice | undefined;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'host', 'accept-encoding', 'proxy-connection', 'upgrade']);

function plainHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name)) continue;
    result[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return result;
}

const columnOf = (target: RequestTarget) => `${target.vendor}.${target.endpoint}`;

/**
 * A TLS reverse proxy in front of the IdP simulator that the real providers are pointed at. It
 * classifies each request by endpoint and, from a seeded random plan, answers for the vendor with
 * a fault — before forwarding (nothing applied) or after (applied, answer lost, late, cut or
 * replaced) — counting every fault by kind × endpoint. Faults can be switched off (the settle
 * phase) and one can be queued for the next matching request (focused tests).
 */
export class FaultProxy {
  /** Faults injected, by label (kind, with its Retry-After form or body) × `vendor.endpoint`. */
  readonly faults = new Tally();
  /** Requests received, by `vendor.endpoint`. */
  readonly received = new Tally();
  /** Every request, in arrival order. */
  readonly journal: JournalEntry[] = [];
  private enabled = true;
  private readonly random: Random;
  private readonly server: Server;
  private readonly agent: Agent;
  private readonly oneShots: Array<{ endpoint: Endpoint; vendor?: Vendor; choice: FaultChoice }> = [];
  private readonly listeners = new Set<(event: MembershipInFlight) => void | Promise<void>>();
  private readonly groupsCreatedAt = new Map<string, number>();
  private readonly holds = new Set<() => void>();
  private origin = '';

  private constructor(private readonly options: FaultProxyOptions) {
    this.random = seededRandom(options.seed);
    this.agent = new Agent({ keepAlive: true, ca: options.tls.cert, maxSockets: 64 });
    this.server = createServer({ key: options.tls.key, cert: options.tls.cert }, (request, response) => void this.serve(request, response));
    this.server.keepAliveTimeout = 15_000;
  }

  static async start(options: FaultProxyOptions): Promise<FaultProxy> {
    const proxy = new FaultProxy(options);
    await new Promise<void>((resolve, reject) => {
      proxy.server.once('error', reject);
      proxy.server.listen(0, '127.0.0.1', () => resolve());
    });
    proxy.origin = `https://127.0.0.1:${(proxy.server.address() as AddressInfo).port}`;
    return proxy;
  }

  get url(): string {
    return this.origin;
  }

  /** Random faults on or off (queued one-shot faults apply either way). */
  setFaults(enabled: boolean): void {
    this.enabled = enabled;
  }

  /** The next request to this endpoint (of this vendor) gets this fault. */
  failNext(endpoint: Endpoint, choice: FaultChoice, vendor?: Vendor): void {
    this.oneShots.push({ endpoint, choice, ...(vendor && { vendor }) });
  }

  /**
   * Called for every membership add or remove on its way upstream. The request is forwarded once
   * the listeners are done: a listener may hold it in transit (a slow network before the IdP), so
   * that what it does meanwhile happens before the change lands.
   */
  onMembershipInFlight(listener: (event: MembershipInFlight) => void | Promise<void>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  requestsReceived(endpoint?: Endpoint): number {
    if (endpoint === undefined) return this.received.get('requests');
    return (['okta', 'graph', 'entra', 'unknown'] as const).reduce((sum, vendor) => sum + this.received.get('requests', `${vendor}.${endpoint}`), 0);
  }

  async stop(): Promise<void> {
    for (const release of [...this.holds]) release();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.agent.destroy();
  }

  private choose(target: RequestTarget): FaultChoice | undefined {
    const index = this.oneShots.findIndex((shot) => shot.endpoint === target.endpoint && (!shot.vendor || shot.vendor === target.vendor));
    if (index >= 0) return this.oneShots.splice(index, 1)[0]?.choice;
    if (!this.enabled) return undefined;
    const window = this.options.replicationWindowMs ?? 20_000;
    return chooseFault(this.options.plan, target, this.random, { recentlyCreated: (groupId) => Date.now() - (this.groupsCreatedAt.get(groupId) ?? -Infinity) < window }, this.options.filter);
  }

  private async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const method = (request.method ?? 'GET').toUpperCase();
    const path = request.url ?? '/';
    const target = classifyRequest(method, path, body);
    this.received.add('requests', columnOf(target));
    const fault = this.choose(target);
    if (fault) this.faults.add(faultLabel(fault), columnOf(target));
    const now = Date.now();
    const entry: JournalEntry = { at: now, method, path, target, ...(fault && { fault: faultLabel(fault) }) };
    this.journal.push(entry);
    response.once('close', () => (entry.answered ??= 'gone'));

    const answer = (proxyAnswer: ProxyAnswer) => {
      if (!response.destroyed && !response.writableEnded) entry.answered = proxyAnswer.status;
      this.answer(response, proxyAnswer);
    };
    switch (fault?.kind) {
      case 'server_error_json':
        return answer(serverErrorJson(target, this.random, now));
      case 'server_error_html':
        return answer(serverErrorHtml(this.random));
      case 'rate_limited':
        return answer(rateLimited(target, fault.retryAfter, now));
      case 'replication_delay':
        return answer(replicationDelay(now));
      case 'unexpected_body_unforwarded':
        return answer(unexpectedBody(fault.body, now));
      case 'reset_before':
        entry.answered = 'reset';
        request.socket.destroy();
        return;
      default:
        break;
    }

    if (target.endpoint === 'membership_add' || target.endpoint === 'membership_remove') {
      for (const listener of [...this.listeners]) await listener({ target, fault });
    }
    let upstream: ProxyAnswer;
    try {
      upstream = await this.forward(method, path, request.headers, body);
    } catch {
      return answer(serverErrorHtml(this.random));
    }
    entry.upstream = upstream.status;
    if (target.endpoint === 'group_create' && upstream.status < 300) this.noteGroupCreated(upstream.body);

    switch (fault?.kind) {
      case 'reset_after':
        entry.answered = 'reset';
        request.socket.destroy();
        return;
      case 'slow_answer':
        await this.hold(response);
        return answer(upstream);
      case 'truncated_json':
        return answer(truncated(upstream));
      case 'unexpected_body_replaced':
        return answer(unexpectedBody(fault.body, Date.now()));
      default:
        return answer(upstream);
    }
  }

  /** Sends the request to the simulator and reads its whole answer, with the simulator's URLs made ours. */
  private forward(method: string, path: string, headers: IncomingHttpHeaders, body: string): Promise<ProxyAnswer> {
    const upstream = new URL(this.options.upstream);
    return new Promise<ProxyAnswer>((resolve, reject) => {
      const outgoing = httpsRequest(
        { agent: this.agent, host: upstream.hostname, port: upstream.port, method, path, headers: { ...plainHeaders(headers), host: upstream.host, ...(body.length > 0 && { 'content-length': String(Buffer.byteLength(body)) }) } },
        (incoming) => {
          const chunks: Buffer[] = [];
          incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
          incoming.on('error', reject);
          incoming.on('end', () => {
            const answerHeaders = plainHeaders(incoming.headers);
            for (const name of ['link', 'location']) {
              const value = answerHeaders[name];
              if (value) answerHeaders[name] = this.ours(value);
            }
            resolve({ status: incoming.statusCode ?? 502, headers: answerHeaders, body: this.ours(Buffer.concat(chunks).toString('utf8')) });
          });
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body.length > 0 ? body : undefined);
    });
  }

  /** The simulator writes its own origin into links and discovery documents; clients must come back here. */
  private ours(text: string): string {
    return text.split(this.options.upstream).join(this.origin);
  }

  private noteGroupCreated(body: string): void {
    try {
      const id = (JSON.parse(body) as { id?: unknown }).id;
      if (typeof id === 'string') this.groupsCreatedAt.set(id, Date.now());
    } catch {
      // Not a group: nothing to remember.
    }
  }

  /** Waits `holdMs`, or less if the client gives up (closes the connection) or the proxy stops. */
  private hold(response: ServerResponse): Promise<void> {
    return new Promise<void>((resolve) => {
      const release = () => {
        clearTimeout(timer);
        response.off('close', release);
        this.holds.delete(release);
        resolve();
      };
      const timer = setTimeout(release, this.options.holdMs);
      response.on('close', release);
      this.holds.add(release);
    });
  }

  private answer(response: ServerResponse, answer: ProxyAnswer): void {
    if (response.destroyed || response.writableEnded) return;
    const hasBody = answer.body.length > 0 && answer.status !== 204 && answer.status !== 304;
    response.writeHead(answer.status, { ...answer.headers, ...(hasBody && { 'content-length': String(Buffer.byteLength(answer.body)) }) });
    response.end(hasBody ? answer.body : undefined);
  }
}
