import { createRedactor, patternRedactor, type Redactor } from '@clearway/connector-sdk';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ErrorCode, McpError, type Implementation, type ServerCapabilities } from '@modelcontextprotocol/sdk/types.js';
import type { GatewayCaller } from '../../agent-gateway/call.js';
import type { Clock } from '../../ports/clock.js';
import type { Logger } from '../../ports/logger.js';
import { Deadline, DeadlineExceeded } from './deadline.js';

/**
 * How to reach the upstream MCP server for one caller: a Client the factory already connected
 * (the pool then owns it and closes it), or the server's URL and the headers (the user's upstream
 * token) from which the pool connects a Streamable HTTP client itself.
 */
export type UpstreamConnection =
  | { readonly client: Client }
  | { readonly url: string | URL; readonly headers?: Readonly<Record<string, string>> };

export type UpstreamFactory = (caller: GatewayCaller) => Promise<UpstreamConnection>;

/** Why the upstream gave no usable answer, in the gateway's words; never the upstream's own text or body. */
export type UpstreamFailure =
  | { readonly status: 'timeout'; readonly afterMs: number }
  /** The upstream answered with a JSON-RPC error: its code, and its message redacted and capped. */
  | { readonly status: 'error'; readonly kind: 'rpc_error'; readonly rpcCode: number; readonly rpcMessage: string }
  | { readonly status: 'error'; readonly kind: 'unreachable' | 'closed' | 'bad_answer' | 'no_connection' }
  | { readonly status: 'error'; readonly kind: 'http_status'; readonly httpStatus: number };

export class UpstreamError extends Error {
  constructor(readonly failure: UpstreamFailure) {
    super(describeUpstreamFailure(failure));
    this.name = 'UpstreamError';
  }
}

/** The short line the activity record carries for a failure. */
export function describeUpstreamFailure(failure: UpstreamFailure): string {
  if (failure.status === 'timeout') return `upstream did not answer within ${failure.afterMs} ms`;
  switch (failure.kind) {
    case 'rpc_error':
      return `upstream answered JSON-RPC error ${failure.rpcCode}`;
    case 'http_status':
      return `upstream answered HTTP ${failure.httpStatus}`;
    case 'unreachable':
      return 'upstream unreachable (connection refused or host not found)';
    case 'closed':
      return 'upstream closed the connection before answering';
    case 'bad_answer':
      return 'upstream answered something that is not a valid MCP message';
    case 'no_connection':
      return 'no upstream connection could be set up for this caller';
  }
}

const MAX_UPSTREAM_MESSAGE = 300;
const CONNECT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * Sorts what the SDK client threw. The SDK puts raw response text into its transport errors
 * (`Error POSTing to endpoint: <body>`) and Node puts body excerpts into JSON syntax errors, so
 * only the class and status of those are kept; a JSON-RPC error the upstream sent keeps its code
 * and a redacted, capped message.
 */
export function classifyUpstreamError(error: unknown, redactor: Redactor = patternRedactor): UpstreamFailure {
  if (error instanceof DeadlineExceeded) return { status: 'timeout', afterMs: error.afterMs };
  if (error instanceof UpstreamError) return error.failure;
  if (error instanceof StreamableHTTPError) {
    return error.code === undefined || error.code < 100 ? { status: 'error', kind: 'bad_answer' } : { status: 'error', kind: 'http_status', httpStatus: error.code };
  }
  if (error instanceof McpError) {
    // The SDK's own "the transport closed" shares code -32000 with upstream server errors; only its exact text tells them apart.
    if (error.code === (ErrorCode.ConnectionClosed as number) && error.message.endsWith('Connection closed')) return { status: 'error', kind: 'closed' };
    return { status: 'error', kind: 'rpc_error', rpcCode: error.code, rpcMessage: upstreamMessage(error, redactor) };
  }
  if (error instanceof TypeError) {
    const code = causeCode(error);
    return { status: 'error', kind: code !== undefined && CONNECT_CODES.has(code) ? 'unreachable' : 'closed' };
  }
  return { status: 'error', kind: 'bad_answer' };
}

function upstreamMessage(error: McpError, redactor: Redactor): string {
  const text = redactor.redact(error.message.replace(/^MCP error -?\d+: /, '').replace(/\s+/g, ' ').trim());
  return text.length > MAX_UPSTREAM_MESSAGE ? `${text.slice(0, MAX_UPSTREAM_MESSAGE - 1)}…` : text;
}

function causeCode(error: TypeError): string | undefined {
  const cause: unknown = error.cause;
  if (typeof cause !== 'object' || cause === null) return undefined;
  const code = (cause as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/** A connected upstream client lent to one request; `release(false)` retires it (it failed). */
export interface UpstreamLease {
  readonly client: Client;
  readonly capabilities: ServerCapabilities;
  readonly instructions: string | undefined;
  /** Redacts what the upstream says with the caller's upstream header values, and the credential patterns. */
  readonly redactor: Redactor;
  release(healthy: boolean): void;
}

interface Connected {
  readonly client: Client;
  readonly capabilities: ServerCapabilities;
  readonly instructions: string | undefined;
  readonly redactor: Redactor;
}

interface PoolEntry {
  readonly ready: Promise<Connected>;
  readonly createdAt: number;
  inFlight: number;
  retired: boolean;
  closed: boolean;
}

export interface UpstreamPoolOptions {
  readonly factory: UpstreamFactory;
  /** Which callers share a cached client; default: the account. A host whose upstream credentials change (a new grant, a refresh) keys on them too. */
  readonly keyOf?: (caller: GatewayCaller) => string;
  readonly clock: Clock;
  /** How long a connected client is reused for one account. */
  readonly ttlMs: number;
  /** Bound on setting up one connection (the factory plus MCP `initialize`). */
  readonly connectTimeoutMs: number;
  /** Most accounts with a cached client; the oldest is retired first. */
  readonly maxClients: number;
  readonly clientInfo: Implementation;
  readonly logger: Logger;
}

/**
 * Connected upstream clients, one per caller account, reused for `ttlMs` so a call costs one
 * upstream round trip instead of an MCP handshake. A client that failed, or outlived its time, is
 * retired: no new request gets it, and it is closed once the requests using it are done. The next
 * request for that account connects afresh.
 */
export class UpstreamPool {
  private readonly entries = new Map<string, PoolEntry>();
  private lastSweep: number;

  constructor(private readonly options: UpstreamPoolOptions) {
    this.lastSweep = options.clock.now();
  }

  /** A connected client for the caller, within `deadline`; else `UpstreamError` or `DeadlineExceeded`. */
  async acquire(caller: GatewayCaller, deadline: Deadline): Promise<UpstreamLease> {
    const now = this.options.clock.now();
    this.sweep(now);
    const key = this.options.keyOf?.(caller) ?? caller.accountId;
    let entry = this.entries.get(key);
    if (entry && now - entry.createdAt >= this.options.ttlMs) {
      this.retire(key, entry);
      entry = undefined;
    }
    if (!entry) entry = this.open(key, caller, now);
    const held = entry;
    held.inFlight += 1;
    let connected: Connected;
    try {
      connected = await deadline.race(held.ready);
    } catch (error) {
      this.release(key, held, false);
      throw error;
    }
    let released = false;
    return {
      ...connected,
      release: (healthy) => {
        if (released) return;
        released = true;
        this.release(key, held, healthy);
      },
    };
  }

  /** Closes every cached client (on shutdown). */
  async close(): Promise<void> {
    const entries = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(entries.map(async (entry) => closeQuietly(await entry.ready.catch(() => undefined))));
  }

  /** How many accounts hold a live cached client (for tests and the bench). */
  get size(): number {
    return this.entries.size;
  }

  private open(key: string, caller: GatewayCaller, now: number): PoolEntry {
    if (this.entries.size >= this.options.maxClients) {
      const [oldestKey, oldest] = this.entries.entries().next().value!;
      this.retire(oldestKey, oldest);
    }
    const ready = this.connect(caller);
    const entry: PoolEntry = { ready, createdAt: now, inFlight: 0, retired: false, closed: false };
    this.entries.set(key, entry);
    // A failed connection is never cached: the next request for the account tries again.
    ready.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    return entry;
  }

  private async connect(caller: GatewayCaller): Promise<Connected> {
    const deadline = new Deadline(this.options.connectTimeoutMs);
    try {
      let connection: UpstreamConnection;
      try {
        connection = await deadline.race(this.options.factory(caller));
      } catch (error) {
        if (error instanceof DeadlineExceeded) throw error;
        // The factory's error is ours to log (it may name the caller's missing upstream token), not the caller's to read.
        this.options.logger.warn('gateway: the upstream factory could not provide a connection', { accountId: caller.accountId, error: error instanceof Error ? error.name : 'unknown' });
        throw new UpstreamError({ status: 'error', kind: 'no_connection' });
      }
      if ('client' in connection) return describeConnected(connection.client, patternRedactor);
      const client = new Client(this.options.clientInfo, { capabilities: {} });
      // Transport errors reach the gateway as rejected requests; the callbacks would only repeat them, with upstream text in them.
      client.onerror = () => undefined;
      const transport = new StreamableHTTPClientTransport(new URL(connection.url), {
        ...(connection.headers && { requestInit: { headers: { ...connection.headers } } }),
      });
      try {
        await client.connect(transport, { signal: deadline.signal, timeout: deadline.remainingMs() + 1_000 });
      } catch (error) {
        await closeQuietly({ client });
        throw deadline.explain(error);
      }
      return describeConnected(client, createRedactor(Object.values(connection.headers ?? {})));
    } finally {
      deadline.dispose();
    }
  }

  private release(key: string, entry: PoolEntry, healthy: boolean): void {
    entry.inFlight -= 1;
    if (!healthy) this.retire(key, entry);
    this.closeIfIdle(entry);
  }

  private retire(key: string, entry: PoolEntry): void {
    if (this.entries.get(key) === entry) this.entries.delete(key);
    entry.retired = true;
    this.closeIfIdle(entry);
  }

  /** Closing a client aborts its open requests, so a retired one waits for the requests still using it. */
  private closeIfIdle(entry: PoolEntry): void {
    if (!entry.retired || entry.inFlight > 0 || entry.closed) return;
    entry.closed = true;
    void entry.ready.then(closeQuietly, () => undefined);
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < this.options.ttlMs) return;
    this.lastSweep = now;
    for (const [key, entry] of [...this.entries]) {
      if (now - entry.createdAt >= this.options.ttlMs) this.retire(key, entry);
    }
  }
}

function describeConnected(client: Client, redactor: Redactor): Connected {
  const capabilities = client.getServerCapabilities();
  // A client that never completed `initialize` has no capabilities to reflect.
  if (capabilities === undefined) throw new UpstreamError({ status: 'error', kind: 'no_connection' });
  return { client, capabilities, instructions: client.getInstructions(), redactor };
}

async function closeQuietly(connected: { readonly client: Client } | undefined): Promise<void> {
  await connected?.client.close().catch(() => undefined);
}
