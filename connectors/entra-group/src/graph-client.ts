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
 *   and so is the token request behind it;
 * - every answer is checked here, status and body, before anything is believed: a read must be the
 *   documented status with a body of the expected shape, a membership write exactly `204 No Content`,
 *   an error Graph's error body (or a status that speaks for itself) — else `unexpected_response`.
 */
import { toConnectorError, type ConnectorError, type OperationContext } from '@clearway/connector-sdk';
import type { TokenCredential } from '@azure/identity';
import {
  AuthenticationHandler,
  AuthenticationHandlerOptions,
  Client,
  ResponseType,
  RetryHandler,
  RetryHandlerOptions,
  TelemetryHandler,
  type Context,
  type Middleware,
  type MiddlewareOptions,
} from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js';
import type { z } from 'zod';
import { carryFailure, classifyGraphAnswer, classifyGraphError, unexpectedAnswer } from './errors.js';

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

/** A Graph answer as it arrived: nothing is believed before it is checked. */
interface GraphAnswer {
  readonly status: number;
  readonly headers: Headers;
  /** Parsed JSON; undefined when the body is empty or not JSON. */
  readonly body: unknown;
  readonly empty: boolean;
}

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

  /**
   * The request for the page an `@odata.nextLink` points to. Graph asks for the link to be used
   * whole, not taken apart (https://learn.microsoft.com/en-us/graph/paging), so its query goes out
   * as it came — but only for a link on the configured endpoint, to the same resource as `first`
   * (ids compared without regard to case), carrying the `$skiptoken` or `$skip` that makes it a
   * next page. Undefined for any other link: following it could send the bearer token, or the
   * listing, somewhere nobody configured.
   */
  nextPageCall(first: GraphCall, link: string): GraphCall | undefined {
    let url: URL;
    try {
      url = new URL(link);
    } catch {
      return undefined;
    }
    const sameResource = url.pathname.toLowerCase() === `/${GRAPH_API_VERSION}${first.path}`.toLowerCase();
    if (url.origin !== new URL(this.options.baseUrl).origin || url.username || url.password || url.hash || !sameResource) return undefined;
    const query = rawQuery(url.search);
    const keys = Object.keys(query).map((key) => key.toLowerCase());
    if (!keys.includes('$skiptoken') && !keys.includes('$skip')) return undefined;
    return { ...first, query };
  }

  /** A read: 200 with a body of the schema's shape. */
  get<T>(ctx: OperationContext, call: GraphCall, schema: z.ZodType<T>): Promise<T> {
    return this.send(ctx, 'GET', call).then((answer) => expectBody(answer, [200], schema, call.action));
  }

  /** A POST answering with a body: 200 for an action (`checkMemberGroups`), 201 for a create. */
  post<T>(ctx: OperationContext, call: GraphCall, content: unknown, schema: z.ZodType<T>, expected: 200 | 201 = 200): Promise<T> {
    return this.send(ctx, 'POST', call, content).then((answer) => expectBody(answer, [expected], schema, call.action));
  }

  /** A POST, PATCH or DELETE whose documented success is `204 No Content`; any other 2xx is not believed. */
  async write(ctx: OperationContext, method: 'POST' | 'PATCH' | 'DELETE', call: GraphCall, content?: unknown): Promise<void> {
    const answer = await this.send(ctx, method, call, content);
    if (answer.status !== 204 || !answer.empty) throw unexpectedAnswer(call.action, answer.status);
  }

  private async send(ctx: OperationContext, method: Method, call: GraphCall, content?: unknown): Promise<GraphAnswer> {
    const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(this.options.requestTimeoutMs)]);
    // A per-request auth provider, so the token request behind this call stops with it too.
    const auth = new TokenCredentialAuthenticationProvider(this.options.credential, {
      scopes: [this.options.scope],
      getTokenOptions: { abortSignal: signal },
    });
    // RAW: the client hands over the response as it came, so every status and body is checked here.
    const request = this.client
      .api(call.path)
      .responseType(ResponseType.RAW)
      .option('signal', signal)
      .middlewareOptions([new AuthenticationHandlerOptions(auth), new RequestAction(call.action)]);
    if (call.query) request.query({ ...call.query });
    if (call.headers) request.headers({ ...call.headers });
    let answer: GraphAnswer;
    try {
      const response: unknown =
        method === 'GET'
          ? await request.get()
          : method === 'POST'
            ? await request.post(content)
            : method === 'PATCH'
              ? await request.patch(content)
              : await request.delete();
      if (!(response instanceof Response)) throw unexpectedAnswer(call.action);
      answer = await readAnswer(response);
    } catch (error) {
      const classified = classifyGraphError(error, call.action);
      ctx.logger.debug('Microsoft Graph request failed', describeFailure(classified, call.action, method));
      throw classified;
    }
    if (answer.status >= 200 && answer.status < 300) {
      ctx.logger.debug('Microsoft Graph request succeeded', { action: call.action, method, status: answer.status });
      return answer;
    }
    const classified = classifyGraphAnswer(answer, call.action);
    ctx.logger.debug('Microsoft Graph request failed', describeFailure(classified, call.action, method));
    throw classified;
  }
}

async function readAnswer(response: Response): Promise<GraphAnswer> {
  const text = await response.text();
  let body: unknown;
  try {
    body = text.length > 0 ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    body = undefined;
  }
  return { status: response.status, headers: response.headers, body, empty: text.length === 0 };
}

function expectBody<T>(answer: GraphAnswer, statuses: readonly number[], schema: z.ZodType<T>, action: string): T {
  const parsed = statuses.includes(answer.status) ? schema.safeParse(answer.body) : undefined;
  if (parsed?.success) return parsed.data;
  throw unexpectedAnswer(action, answer.status);
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

/**
 * `?a=1&%24b=x%20y` → `{ a: '1', $b: 'x%20y' }`: everything stays percent-encoded, as the Graph
 * client appends names and values verbatim, except an encoded `$` in a name (`%24skiptoken` is
 * `$skiptoken`), so no decoded `&` or `=` can add a parameter.
 */
function rawQuery(search: string): Record<string, string> {
  const query: Record<string, string> = {};
  for (const pair of search.replace(/^\?/, '').split('&')) {
    if (!pair) continue;
    const equals = pair.indexOf('=');
    const name = (equals === -1 ? pair : pair.slice(0, equals)).replace(/%24/gi, '$');
    query[name] = equals === -1 ? '' : pair.slice(equals + 1);
  }
  return query;
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
