/**
 * The Microsoft Graph client as Clearway needs it, built on `@microsoft/microsoft-graph-client`:
 *
 * - the client's `AuthenticationHandler` attaches the bearer token only to https URLs on Graph
 *   hosts or on `customHosts`, to which we add the configured endpoint's host and nothing else;
 * - its `RetryHandler` is kept but allowed no retries: a 429's `Retry-After` must reach the engine
 *   as `retryAfterMs` instead of the client sleeping up to 180 s inside a short Forge invocation;
 * - no `RedirectHandler`, and fetch does not follow redirects: Graph's membership API never
 *   redirects, and a redirect must not carry the token anywhere;
 * - our own last middleware calls fetch and classifies network failures before the client's error
 *   handling can drop their `cause`;
 * - every request is aborted by the operation's signal or the request timeout, whichever is first,
 *   and so is the token request behind it.
 */
import { TransientError, toConnectorError, type ConnectorError, type OperationContext } from '@clearway/connector-sdk';
import type { TokenCredential } from '@azure/identity';
import {
  AuthenticationHandler,
  AuthenticationHandlerOptions,
  Client,
  RetryHandler,
  RetryHandlerOptions,
  TelemetryHandler,
  type Context,
  type Middleware,
  type MiddlewareOptions,
} from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js';
import type { z } from 'zod';
import { carryFailure, classifyGraphError } from './errors.js';

export const GRAPH_API_VERSION = 'v1.0';

/** Names what a request is for, so a network failure deep in the chain can say so. */
class RequestAction implements MiddlewareOptions {
  constructor(readonly action: string) {}
}

/** The last middleware: sends the request with global fetch and classifies network failures. */
class ClassifyingFetchHandler implements Middleware {
  async execute(context: Context): Promise<void> {
    const action = (context.middlewareControl?.getMiddlewareOptions(RequestAction) as RequestAction | undefined)?.action ?? 'Calling Microsoft Graph';
    const request: unknown = context.request;
    try {
      context.response = await fetch(request instanceof Request ? request : String(request), { ...(context.options as RequestInit), redirect: 'manual' });
    } catch (error) {
      throw carryFailure(toConnectorError(error, action));
    }
  }
}

export interface GraphClientOptions {
  /** Origin of the Graph endpoint, e.g. `https://graph.microsoft.com`. */
  readonly baseUrl: string;
  readonly credential: TokenCredential;
  readonly scope: string;
  readonly requestTimeoutMs: number;
}

/** One Graph request: what it is for (leads any error message), where, and with which query. */
export interface GraphCall {
  readonly action: string;
  /** Path below the version, with every id already encoded. */
  readonly path: string;
  /** Values already URL-encoded: the client appends them verbatim. */
  readonly query?: Readonly<Record<string, string | number>>;
  readonly headers?: Readonly<Record<string, string>>;
}

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** Sends Graph requests for one connector and turns every failure into an SDK error. */
export class GraphGateway {
  private readonly client: Client;

  constructor(private readonly options: GraphClientOptions) {
    const origin = new URL(options.baseUrl);
    const defaultAuth = new TokenCredentialAuthenticationProvider(options.credential, { scopes: [options.scope] });
    this.client = Client.initWithMiddleware({
      baseUrl: origin.origin,
      defaultVersion: GRAPH_API_VERSION,
      customHosts: new Set([origin.hostname]),
      middleware: [
        new AuthenticationHandler(defaultAuth),
        new RetryHandler(new RetryHandlerOptions(0, 0)),
        new TelemetryHandler(),
        new ClassifyingFetchHandler(),
      ],
    });
  }

  /** `https://graph.microsoft.com/v1.0/directoryObjects/{id}`: how Graph references an object in a body. */
  directoryObjectUrl(id: string): string {
    return `${new URL(this.options.baseUrl).origin}/${GRAPH_API_VERSION}/directoryObjects/${encodeURIComponent(id)}`;
  }

  get<T>(ctx: OperationContext, call: GraphCall, schema: z.ZodType<T>): Promise<T> {
    return this.send(ctx, 'GET', call).then((body) => parseResponse(body, schema, call.action));
  }

  post<T>(ctx: OperationContext, call: GraphCall, content: unknown, schema: z.ZodType<T>): Promise<T> {
    return this.send(ctx, 'POST', call, content).then((body) => parseResponse(body, schema, call.action));
  }

  /** A POST or PATCH whose success is 204 No Content. */
  async write(ctx: OperationContext, method: 'POST' | 'PATCH', call: GraphCall, content: unknown): Promise<void> {
    await this.send(ctx, method, call, content);
  }

  async delete(ctx: OperationContext, call: GraphCall): Promise<void> {
    await this.send(ctx, 'DELETE', call);
  }

  private async send(ctx: OperationContext, method: Method, call: GraphCall, content?: unknown): Promise<unknown> {
    const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(this.options.requestTimeoutMs)]);
    // A per-request auth provider, so the token request behind this call stops with it too.
    const auth = new TokenCredentialAuthenticationProvider(this.options.credential, {
      scopes: [this.options.scope],
      getTokenOptions: { abortSignal: signal },
    });
    const request = this.client
      .api(call.path)
      .option('signal', signal)
      .middlewareOptions([new AuthenticationHandlerOptions(auth), new RequestAction(call.action)]);
    if (call.query) request.query({ ...call.query });
    if (call.headers) request.headers({ ...call.headers });
    try {
      const body: unknown =
        method === 'GET'
          ? await request.get()
          : method === 'POST'
            ? await request.post(content)
            : method === 'PATCH'
              ? await request.patch(content)
              : await request.delete();
      ctx.logger.debug('Microsoft Graph request succeeded', { action: call.action, method });
      return body;
    } catch (error) {
      const classified = classifyGraphError(error, call.action);
      ctx.logger.debug('Microsoft Graph request failed', describeFailure(classified, call.action, method));
      throw classified;
    }
  }
}

function describeFailure(error: ConnectorError, action: string, method: Method) {
  return {
    action,
    method,
    kind: error.kind,
    code: error.code,
    ...(error.status !== undefined && { status: error.status }),
    ...(error.providerCode !== undefined && { graphCode: error.providerCode }),
    ...(error.requestId !== undefined && { requestId: error.requestId }),
  };
}

function parseResponse<T>(body: unknown, schema: z.ZodType<T>, action: string): T {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  throw new TransientError(`${action} failed: Microsoft Graph answered in an unexpected shape.`, { code: 'unexpected_response' });
}

/** An OData string literal for `$filter`: single quotes doubled inside single quotes. */
export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** A query value the Graph client appends verbatim, so it must arrive percent-encoded. */
export function queryValue(value: string): string {
  return encodeURIComponent(value);
}

/** One path segment: percent-encoded, including the quote Graph reads as a key delimiter. */
export function pathSegment(value: string): string {
  return encodeURIComponent(value).replace(/'/g, '%27');
}
