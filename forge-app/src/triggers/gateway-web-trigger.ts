import type { Logger } from '@clearway/core';
import { z } from 'zod';
import type { ClearwayApp } from '../composition/app';

/**
 * What Forge hands a web trigger function and what it takes back
 * (https://developer.atlassian.com/platform/forge/runtime-reference/web-trigger and
 * https://developer.atlassian.com/platform/forge/events-reference/web-trigger/): `method`, `path`
 * ("Path of request sent by the caller"), `userPath` ("Additional path segments provided by the
 * caller after the web trigger ID"), `headers` and `queryParameters` as name → list of values,
 * `body` as a string; the answer is `{ statusCode, headers, body }`, and "if the function result
 * is not compatible with the JSON format, then an error response with status code 500 is sent".
 * Unknown properties are kept out of the way: the platform adds fields "to support forward
 * compatibility".
 */
const webTriggerRequestSchema = z
  .object({
    method: z.string().min(1),
    path: z.string().optional(),
    userPath: z.string().optional(),
    headers: z.record(z.string(), z.union([z.array(z.string()), z.string()])).optional(),
    queryParameters: z.record(z.string(), z.union([z.array(z.string()), z.string()])).optional(),
    body: z.string().nullish(),
  })
  .loose();

export type WebTriggerRequest = z.input<typeof webTriggerRequestSchema>;

export interface WebTriggerResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string[]>;
  readonly body: string;
}

/**
 * "Webtrigger request and response sizes (including body, headers, query parameters, and all
 * other metadata) are subject to the function request and response payload sizes documented in
 * the Platform quotas and limits page under Invocation Limits"
 * (https://developer.atlassian.com/platform/forge/events-reference/web-trigger/). That figure is
 * taken as 5 MiB (5,242,880 bytes, the payload bound Forge reports for invocations); it is
 * measured on the payload as delivered, serialized.
 */
export const WEB_TRIGGER_PAYLOAD_LIMIT_BYTES = 5 * 1024 * 1024;

/** Hop-by-hop headers and framing that describe the platform's connection, not this request or answer. */
const CONNECTION_HEADERS = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'content-length', 'host']);

/** A web trigger URL's own path: `/x1/<id>` (or `/public/<id>`), as `@forge/api` parses it. */
const TRIGGER_PATH = /^\/(?:x1|public)\/[^/?#]+(\/[^?#]*)?$/;

export interface WebTriggerServing {
  /** The web trigger's URL: the request is rebuilt under it, where the handler serves everything. */
  baseUrl(): Promise<string>;
  handle(request: Request): Promise<Response>;
  readonly logger: Logger;
}

function json(statusCode: number, body: unknown): WebTriggerResponse {
  return { statusCode, headers: { 'Content-Type': ['application/json'], 'Cache-Control': ['no-store'] }, body: JSON.stringify(body) };
}

function valuesOf(value: string | readonly string[]): readonly string[] {
  return typeof value === 'string' ? [value] : value;
}

/** `?` and `#` in a path the platform already decoded would otherwise start a query or fragment. */
function asPath(segments: string): string {
  const path = segments.replace(/[?#]/g, (char) => encodeURIComponent(char));
  return path === '' || path.startsWith('/') ? path : `/${path}`;
}

/**
 * The path under the web trigger URL the caller asked for: `userPath` as documented; failing that,
 * `path` with the trigger's own `/x1/<id>` taken off; failing that, `path` itself.
 */
export function extraPathOf(request: Pick<WebTriggerRequest, 'path' | 'userPath'>, basePath: string): string {
  if (request.userPath !== undefined) return asPath(request.userPath);
  const path = (request.path ?? '').split('?')[0] ?? '';
  const base = basePath.replace(/\/+$/, '');
  if (base !== '' && (path === base || path.startsWith(`${base}/`))) return asPath(path.slice(base.length));
  const trigger = TRIGGER_PATH.exec(path);
  if (trigger) return asPath(trigger[1] ?? '');
  return asPath(path);
}

function queryOf(request: WebTriggerRequest): string {
  const params = new URLSearchParams();
  if (request.queryParameters !== undefined) {
    for (const [name, values] of Object.entries(request.queryParameters)) for (const value of valuesOf(values)) params.append(name, value);
  } else if (request.path?.includes('?')) {
    return request.path.slice(request.path.indexOf('?'));
  }
  const query = params.toString();
  return query === '' ? '' : `?${query}`;
}

function headersOf(request: WebTriggerRequest): Headers {
  const headers = new Headers();
  for (const [name, values] of Object.entries(request.headers ?? {})) {
    if (CONNECTION_HEADERS.has(name.toLowerCase())) continue;
    for (const value of valuesOf(values)) {
      try {
        headers.append(name, value);
      } catch {
        // A name or value no HTTP message could carry is dropped, as a server would refuse it.
      }
    }
  }
  return headers;
}

/** Forge's request → the web-standard request the gateway host serves, at `${baseUrl}${extraPath}?${query}`. */
export function toWebRequest(request: WebTriggerRequest, baseUrl: string): Request {
  const base = new URL(baseUrl);
  const url = `${base.origin}${base.pathname.replace(/\/+$/, '')}${extraPathOf(request, base.pathname)}${queryOf(request)}`;
  const method = request.method.toUpperCase();
  const hasBody = method !== 'GET' && method !== 'HEAD' && typeof request.body === 'string';
  return new Request(url, { method, headers: headersOf(request), ...(hasBody && { body: request.body }) });
}

/** The web-standard answer → Forge's; every header value kept (`set-cookie` lines stay apart). */
export async function fromWebResponse(response: Response, method: string): Promise<WebTriggerResponse> {
  const headers: Record<string, string[]> = {};
  for (const [name, value] of response.headers) {
    if (CONNECTION_HEADERS.has(name)) continue;
    (headers[name] ??= []).push(value);
  }
  const body = method.toUpperCase() === 'HEAD' ? '' : await response.text();
  return { statusCode: response.status, headers, body };
}

function payloadBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value));
}

/**
 * Serves one web trigger invocation through a web-standard handler. Never throws: Forge would
 * answer its own bare 500; this answers a JSON 500 with no detail and logs what failed (never a
 * header, query or body: they carry codes and tokens).
 */
export async function serveWebTrigger(event: unknown, serving: WebTriggerServing): Promise<WebTriggerResponse> {
  let path = '';
  try {
    const parsed = webTriggerRequestSchema.safeParse(event);
    if (!parsed.success) return json(400, { error: 'invalid_request', error_description: 'The web trigger request could not be read.' });
    const request = parsed.data;
    if (payloadBytes(event) > WEB_TRIGGER_PAYLOAD_LIMIT_BYTES) {
      return json(413, { error: 'invalid_request', error_description: 'The request is larger than a Forge web trigger accepts (5 MiB, headers included).' });
    }
    const baseUrl = await serving.baseUrl();
    path = extraPathOf(request, new URL(baseUrl).pathname);
    const answer = await fromWebResponse(await serving.handle(toWebRequest(request, baseUrl)), request.method);
    if (payloadBytes(answer) > WEB_TRIGGER_PAYLOAD_LIMIT_BYTES) {
      serving.logger.warn('The gateway answer is larger than a web trigger may return; answered 502 instead', { path, statusCode: answer.statusCode });
      return json(502, { error: 'server_error', error_description: 'The answer is larger than a Forge web trigger can return.' });
    }
    return answer;
  } catch (error) {
    serving.logger.error('The gateway web trigger failed', { path, error: error instanceof Error ? error.name : 'unknown' });
    return json(500, { error: 'server_error', error_description: 'The gateway could not answer this request.' });
  }
}

/** The `clearway-gateway` web trigger: MCP, the OAuth endpoints and their metadata, all under the trigger's URL. */
export function makeGatewayWebTrigger(getApp: () => ClearwayApp): (event: unknown) => Promise<WebTriggerResponse> {
  return async (event) => {
    let app: ClearwayApp;
    try {
      app = getApp();
    } catch {
      // Without the app there is no logger either; Forge's console still records the failure.
      console.error(JSON.stringify({ level: 'error', message: 'The gateway web trigger could not start the app' }));
      return json(500, { error: 'server_error', error_description: 'The gateway could not answer this request.' });
    }
    return serveWebTrigger(event, {
      baseUrl: () => app.gateway.baseUrl(),
      handle: async (request) => (await app.gateway.host()).handle(request),
      logger: app.deps.logger,
    });
  };
}
