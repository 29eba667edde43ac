import { silentLogger } from '@clearway/connector-sdk';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { isJsonContentType } from '@modelcontextprotocol/sdk/shared/mediaType.js';
import type { TransportSendOptions } from '@modelcontextprotocol/sdk/shared/transport.js';
import { type Implementation, type JSONRPCMessage, type RequestId, type ServerCapabilities } from '@modelcontextprotocol/sdk/types.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import { z } from 'zod';
import type { ActivityInput, GatewayAuthenticator, GatewayCaller, GatewayPolicyPort, UpstreamStatus } from '../../agent-gateway/call.js';
import { ValidationError } from '../../errors.js';
import { systemClock, type Clock } from '../../ports/clock.js';
import type { Logger } from '../../ports/logger.js';
import { readBoundedBody } from './body.js';
import { Deadline, withinMs } from './deadline.js';
import { invalidDecision, protocolDecision } from './decisions.js';
import { readEnvelope, type Envelope } from './envelope.js';
import { Exchange, type Subject } from './exchange.js';
import { isGatewayMethod, isPlumbing, paramsProblem, registerOperation } from './operations.js';
import { UpstreamPool, type UpstreamFactory } from './upstream.js';
import { GATEWAY_ERROR_CODES, GatewayRpcError, rpcErrorAnswer, toResponse, type Answer } from './wire.js';

export interface GatewayLimits {
  /** Largest request body read, in bytes; more is refused with 413 without being read. */
  readonly maxBodyBytes: number;
  /** Budget for everything before recording: identity, policy, upstream connection and upstream answer. Forge web triggers end at 55 s. */
  readonly upstreamTimeoutMs: number;
  /** How long recording may take before the call counts as unrecorded. */
  readonly recordTimeoutMs: number;
  /** How long a connected upstream client is reused for one account. */
  readonly upstreamClientTtlMs: number;
  /** Most accounts with a cached upstream client at once. */
  readonly maxUpstreamClients: number;
}

export const DEFAULT_GATEWAY_LIMITS: GatewayLimits = {
  maxBodyBytes: 1_048_576,
  upstreamTimeoutMs: 50_000,
  recordTimeoutMs: 4_000,
  upstreamClientTtlMs: 60_000,
  maxUpstreamClients: 1_000,
};

export const DEFAULT_SERVER_INFO: Implementation = { name: 'clearway-agent-gateway', title: 'Clearway AI-agent gateway', version: '0.1.0' };

export interface McpGatewayOptions {
  /** Decisions and the recording of each call (core's agent-gateway). */
  readonly policy: GatewayPolicyPort;
  /** Bearer token → the verified caller. */
  readonly authenticator: GatewayAuthenticator;
  /** The caller → how to reach the upstream MCP server on their behalf. */
  readonly upstream: UpstreamFactory;
  /** Which callers may share a cached upstream client (default: the same account); a host whose upstream tokens change includes them. */
  readonly upstreamKey?: (caller: GatewayCaller) => string;
  readonly clock?: Clock;
  readonly limits?: Partial<GatewayLimits>;
  /**
   * The protected-resource metadata URL the 401 names (RFC 9728 §5.1); default: the request URL's
   * origin + `/.well-known/oauth-protected-resource`. A Forge web trigger's URL has a path, so its
   * host passes `<web trigger URL>/.well-known/oauth-protected-resource`.
   */
  readonly resourceMetadataUrl?: string;
  readonly serverInfo?: Implementation;
  readonly logger?: Logger;
}

export interface McpGateway {
  /** Answers one HTTP request to the MCP endpoint (web-standard, so any host can serve it). Never rejects. */
  handle(request: Request): Promise<Response>;
  /** Closes the cached upstream clients. */
  close(): Promise<void>;
}

const positiveInt = z.number().int().positive();
const optionsSchema = z.object({
  limits: z
    .object({
      maxBodyBytes: positiveInt,
      upstreamTimeoutMs: positiveInt,
      recordTimeoutMs: positiveInt,
      upstreamClientTtlMs: positiveInt,
      maxUpstreamClients: positiveInt,
    })
    .partial()
    .optional(),
  resourceMetadataUrl: z
    .url({ protocol: /^https?$/ })
    .refine((value) => !value.includes('"') && !value.includes('#'), 'must be a URL without quotes or fragment')
    .optional(),
});

/** Capabilities a per-request server needs to register any handler; a client only ever sees the reflected set of `initialize`. */
const ALL_OPERATIONS: ServerCapabilities = { tools: {}, resources: {}, prompts: {} };

/**
 * The MCP wire adapter of the AI-agent gateway: Streamable HTTP, stateless, JSON answers only.
 * Each request is authenticated, checked at the edge, answered by a fresh SDK `Server` whose
 * handlers evaluate the agent policy and forward to the caller's upstream, and recorded exactly
 * once before its answer leaves.
 */
export function createMcpGateway(options: McpGatewayOptions): McpGateway {
  const checked = optionsSchema.safeParse({ limits: options.limits, resourceMetadataUrl: options.resourceMetadataUrl });
  if (!checked.success) {
    throw new ValidationError(
      'The MCP gateway options are invalid.',
      checked.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    );
  }
  const limits: GatewayLimits = { ...DEFAULT_GATEWAY_LIMITS, ...checked.data.limits };
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const serverInfo = options.serverInfo ?? DEFAULT_SERVER_INFO;
  const configuredMetadataUrl = checked.data.resourceMetadataUrl;
  // One validator for every per-request server: building one compiles Ajv's formats, which would dominate a request.
  const jsonSchemaValidator = new AjvJsonSchemaValidator();
  const pool = new UpstreamPool({
    factory: options.upstream,
    ...(options.upstreamKey && { keyOf: options.upstreamKey }),
    clock,
    ttlMs: limits.upstreamClientTtlMs,
    connectTimeoutMs: limits.upstreamTimeoutMs,
    maxClients: limits.maxUpstreamClients,
    clientInfo: { name: serverInfo.name, version: serverInfo.version },
    logger,
  });
  const deps = { policy: options.policy, pool, logger };

  async function answer(request: Request, trace: Trace, deadline: Deadline): Promise<Answer> {
    const token = bearerToken(request.headers.get('authorization'));
    if (token === undefined) {
      const sent = request.headers.has('authorization');
      trace.refuse(sent ? 'the Authorization header is not a bearer token' : 'no bearer token was sent');
      return unauthorized(resourceMetadataUrl(request), sent);
    }
    let caller: GatewayCaller | undefined;
    try {
      caller = await deadline.race(options.authenticator.authenticate(token));
    } catch {
      trace.subject = { operation: INVALID, decision: { ...invalidDecision(IDENTITY_UNAVAILABLE), basis: 'policy_unavailable' } };
      trace.error = 'identity port failed';
      logger.error('gateway: the bearer token could not be verified; refusing', {});
      return rpcErrorAnswer(503, null, { code: GATEWAY_ERROR_CODES.internalError, message: IDENTITY_UNAVAILABLE });
    }
    if (caller === undefined) {
      trace.refuse('the bearer token is unknown, expired or revoked');
      return unauthorized(resourceMetadataUrl(request), true);
    }
    trace.caller = caller;
    if (request.method !== 'POST') {
      if (request.method === 'GET' || request.method === 'DELETE') {
        // The SDK client's own probe for an SSE stream (GET) and session end (DELETE): part of MCP, answered 405 as the spec says, not a refused request.
        trace.method = `HTTP ${request.method}`;
        trace.subject = { operation: trace.method, decision: { effect: 'allow', basis: 'protocol', policyVersion: 0, reason: 'MCP plumbing: no SSE stream and no session here, so 405 as the transport allows; JSON-RPC goes over POST.' } };
        trace.error = `HTTP ${request.method} is not served`;
      } else trace.refuse(`HTTP ${request.method.slice(0, 16)} is not served`);
      return rpcErrorAnswer(
        405,
        null,
        { code: GATEWAY_ERROR_CODES.transportRefused, message: 'Method Not Allowed: this MCP endpoint is stateless and answers in JSON, so it offers no SSE stream and no session to delete; send JSON-RPC messages with POST.' },
        { allow: 'POST' },
      );
    }
    if (!isJsonContentType(request.headers.get('content-type'))) {
      trace.refuse('the Content-Type is not application/json');
      return rpcErrorAnswer(415, null, { code: GATEWAY_ERROR_CODES.transportRefused, message: 'Unsupported Media Type: send the JSON-RPC message with Content-Type: application/json.' });
    }
    const body = await readBoundedBody(request, limits.maxBodyBytes);
    if (body.kind === 'too_large') {
      trace.refuse(`the body is larger than ${limits.maxBodyBytes} bytes`);
      return rpcErrorAnswer(413, null, { code: GATEWAY_ERROR_CODES.transportRefused, message: `Payload Too Large: a request body may hold at most ${limits.maxBodyBytes} bytes.` });
    }
    if (body.kind !== 'text') {
      trace.refuse(body.kind === 'not_utf8' ? 'the body is not UTF-8' : 'the body could not be read');
      return rpcErrorAnswer(400, null, { code: GATEWAY_ERROR_CODES.parseError, message: 'Parse error: the request body could not be read as UTF-8 JSON.' });
    }
    const envelope = readEnvelope(body.text);
    trace.method = envelope.method;
    if (envelope.kind === 'refused') {
      trace.requestId = envelope.id;
      trace.refuse(envelope.message);
      return rpcErrorAnswer(400, envelope.id, { code: envelope.code, message: envelope.message });
    }
    if (envelope.kind === 'request') {
      trace.requestId = envelope.id;
      if (envelope.method === 'initialize') trace.caller = withClientInfoName(caller, envelope.params);
      const problem = paramsProblem(envelope.method, envelope.message);
      if (problem !== undefined) {
        trace.subject = { operation: envelope.method, decision: invalidDecision(REFUSED_BEFORE_EVALUATION) };
        trace.error = 'invalid params';
        return rpcErrorAnswer(200, envelope.id, { code: GATEWAY_ERROR_CODES.invalidParams, message: problem });
      }
    }
    return dispatch(request, envelope, caller, trace, deadline);
  }

  async function dispatch(request: Request, envelope: Exclude<Envelope, { kind: 'refused' }>, caller: GatewayCaller, trace: Trace, deadline: Deadline): Promise<Answer> {
    const exchange = new Exchange(caller, defaultSubject(envelope), deadline, deps);
    try {
      let capabilities = ALL_OPERATIONS;
      let instructions: string | undefined;
      if (envelope.kind === 'request' && envelope.method === 'initialize') {
        try {
          const upstream = await exchange.upstream();
          exchange.upstreamStatus = 'ok';
          capabilities = reflectCapabilities(upstream.capabilities);
          instructions = upstream.instructions;
        } catch (error) {
          if (!(error instanceof GatewayRpcError)) throw error;
          trace.fold(exchange);
          return rpcErrorAnswer(200, envelope.id, { code: error.code, message: error.message });
        }
      }
      const server = new Server(serverInfo, { capabilities, ...(instructions !== undefined && { instructions }), jsonSchemaValidator });
      server.onerror = () => undefined;
      if (envelope.kind === 'request' && isGatewayMethod(envelope.method)) registerOperation(server, envelope.method, exchange);
      const transport = new ObservedTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
      await server.connect(transport);
      const response = await transport.handleRequest(request, { parsedBody: envelope.message });
      // Not `server.close()`: every part of this server is garbage once answered (no timers, no sockets),
      // and closing builds a "connection closed" McpError with a stack trace for handlers that no longer exist.
      const text = response.body === null ? null : await response.text();
      const rpcErrorCode = transport.sentErrorCode ?? errorCodeIn(response.status, text);
      trace.fold(exchange);
      // The SDK refused it before any handler of ours ran: unknown method, malformed params, unacceptable headers.
      if (rpcErrorCode !== undefined && !exchange.handled) {
        trace.subject = { operation: envelope.method, decision: invalidDecision(REFUSED_BEFORE_EVALUATION) };
      }
      return { status: response.status, text, headers: Object.fromEntries(response.headers), ...(rpcErrorCode !== undefined && { rpcErrorCode }) };
    } finally {
      exchange.release();
    }
  }

  function resourceMetadataUrl(request: Request): string {
    return configuredMetadataUrl ?? `${new URL(request.url).origin}/.well-known/oauth-protected-resource`;
  }

  async function handle(request: Request): Promise<Response> {
    const startedAt = clock.now();
    const trace = new Trace();
    const deadline = new Deadline(limits.upstreamTimeoutMs);
    let sent: Answer;
    try {
      sent = await answer(request, trace, deadline);
    } catch (error) {
      logger.error('gateway: internal error while answering a request', { error: error instanceof Error ? error.name : 'unknown', method: trace.method });
      trace.error = 'internal error in the gateway';
      sent = rpcErrorAnswer(500, trace.requestId, { code: GATEWAY_ERROR_CODES.internalError, message: 'Internal error: Clearway could not handle this request. Try again; if it keeps failing, tell your Clearway admin.' });
    } finally {
      deadline.dispose();
    }
    const activity = trace.activity(sent, startedAt, clock.now());
    try {
      await withinMs(options.policy.record(activity), limits.recordTimeoutMs);
    } catch (error) {
      logger.error('gateway: a call could not be recorded; its answer is withheld', { method: activity.method, operation: activity.operation, error: error instanceof Error ? error.name : 'unknown' });
      return toResponse(rpcErrorAnswer(500, trace.requestId, { code: GATEWAY_ERROR_CODES.internalError, message: NOT_RECORDED }));
    }
    return toResponse(sent);
  }

  return { handle, close: () => pool.close() };
}

const INVALID = 'invalid';
const IDENTITY_UNAVAILABLE = 'Clearway could not verify the access token just now, so the request is refused. Try again shortly.';
const REFUSED_BEFORE_EVALUATION = 'Refused before evaluation: the gateway does not serve this method, or the request is malformed.';
const NOT_RECORDED =
  'Clearway could not record this call in its activity log, so its answer is withheld (if the call reached the upstream, it may have taken effect). Try again; if it keeps failing, tell your Clearway admin.';

/** What one request's record will say, filled in as the request moves through the gateway. */
class Trace {
  caller: GatewayCaller | undefined;
  method = INVALID;
  requestId: RequestId | null = null;
  subject: Subject = { operation: INVALID, decision: invalidDecision(REFUSED_BEFORE_EVALUATION) };
  upstreamStatus: UpstreamStatus = 'not_forwarded';
  error: string | undefined;

  refuse(why: string): void {
    this.subject = { operation: INVALID, decision: invalidDecision(`Refused: ${why}.`) };
    this.error = why;
  }

  fold(exchange: Exchange): void {
    this.subject = exchange.subject;
    this.upstreamStatus = exchange.upstreamStatus;
    this.error = exchange.error;
  }

  activity(sent: Answer, startedAt: number, now: number): ActivityInput {
    return {
      caller: this.caller,
      method: this.method,
      operation: this.subject.operation,
      ...(this.subject.arguments !== undefined && { arguments: this.subject.arguments }),
      decision: this.subject.decision,
      upstreamStatus: this.upstreamStatus,
      ...(this.error !== undefined && { error: this.error }),
      ...(sent.rpcErrorCode !== undefined && { rpcErrorCode: sent.rpcErrorCode }),
      responseBytes: sent.text === null ? 0 : Buffer.byteLength(sent.text),
      latencyMs: Math.max(0, now - startedAt),
      startedAt,
    };
  }
}

/** A stateless SDK transport that also notes the JSON-RPC error code it sends, for the record. */
class ObservedTransport extends WebStandardStreamableHTTPServerTransport {
  sentErrorCode: number | undefined;

  override async send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    // A structural look, not the SDK's `isJSONRPCErrorResponse`: that one runs a zod parse over the whole result.
    if ('error' in message && typeof message.error.code === 'number') this.sentErrorCode = message.error.code;
    return super.send(message, options);
  }
}

function defaultSubject(envelope: Exclude<Envelope, { kind: 'refused' }>): Subject {
  if (envelope.kind === 'notification' || isPlumbing(envelope.method)) {
    return { operation: envelope.method, decision: protocolDecision(0, 'MCP plumbing, not an operation on the site.') };
  }
  return { operation: envelope.method, decision: invalidDecision(REFUSED_BEFORE_EVALUATION) };
}

/**
 * The upstream's tools, resources and prompts, as it declares them. Flags that promise
 * server-to-client messages (`listChanged`, `subscribe`) are left out: a stateless gateway that
 * answers in JSON has no stream to send them on.
 */
function reflectCapabilities(upstream: ServerCapabilities): ServerCapabilities {
  return {
    ...(upstream.tools !== undefined && { tools: {} }),
    ...(upstream.resources !== undefined && { resources: {} }),
    ...(upstream.prompts !== undefined && { prompts: {} }),
  };
}

const MAX_CLIENT_INFO_NAME = 200;

/** The caller with the `clientInfo.name` the client reported in `initialize`: recorded, never matched. */
function withClientInfoName(caller: GatewayCaller, params: Readonly<Record<string, unknown>> | undefined): GatewayCaller {
  const clientInfo = params?.clientInfo;
  if (typeof clientInfo !== 'object' || clientInfo === null) return caller;
  const name = (clientInfo as { name?: unknown }).name;
  return typeof name === 'string' && name.length > 0 ? { ...caller, clientInfoName: name.slice(0, MAX_CLIENT_INFO_NAME) } : caller;
}

// RFC 6750 §2.1: `Bearer` (any case), one or more spaces, a b64token.
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

function bearerToken(header: string | null): string | undefined {
  return header === null ? undefined : BEARER.exec(header)?.[1];
}

/**
 * 401 with the challenge MCP clients use to find the authorization server (RFC 9728 §5.1,
 * https://datatracker.ietf.org/doc/html/rfc9728#section-5.1). Without credentials the challenge
 * carries no error code (RFC 6750 §3.1); with a bad token it says `invalid_token`. The body is the
 * OAuth error object the MCP SDK's own bearer middleware answers with.
 */
function unauthorized(metadataUrl: string, tokenSent: boolean): Answer {
  const description = tokenSent ? 'The access token is not valid, has expired or was revoked.' : 'This MCP server needs an access token sent as a bearer token.';
  const challenge = tokenSent
    ? `Bearer error="invalid_token", error_description="${description}", resource_metadata="${metadataUrl}"`
    : `Bearer resource_metadata="${metadataUrl}"`;
  return {
    status: 401,
    text: JSON.stringify({ error: 'invalid_token', error_description: description }),
    headers: { 'content-type': 'application/json', 'www-authenticate': challenge },
  };
}

/** The JSON-RPC error code of an answer the SDK transport built itself (406, 415, 400), which never passes `send`. */
function errorCodeIn(status: number, text: string | null): number | undefined {
  if (status < 400 || text === null) return undefined;
  try {
    const code: unknown = (JSON.parse(text) as { error?: { code?: unknown } }).error?.code;
    return typeof code === 'number' ? code : undefined;
  } catch {
    return undefined;
  }
}
