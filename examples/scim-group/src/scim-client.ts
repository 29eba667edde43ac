/**
 * One SCIM request over the global `fetch`: the credential, SCIM media types, an optional
 * `If-Match`, a per-request timeout joined with the operation's signal, and no redirects. Any
 * status from 300 up becomes a classified error (`errors.ts`), network failures a transient one.
 * No request starts once the operation is aborted or past its deadline, so an operation that
 * looks and then changes never changes after an abort during its look. It never retries and never
 * waits: the engine owns both.
 */
import { InvalidConfigError, InvalidRequestError, TransientError, assertCanProceed, classifyNetworkError, type OperationContext } from '@clearway/connector-sdk';
import type { z } from 'zod';
import { classifyScimError } from './errors.js';
import type { ScimSecretName, ScimSettings } from './settings.js';

const MEDIA_TYPE = 'application/scim+json';

export interface ScimRequest {
  readonly method: 'GET' | 'POST' | 'PATCH';
  /** Relative to the base URL, with every id already encoded: `/Groups/${pathSegment(id)}`. */
  readonly path: string;
  readonly query?: Readonly<Record<string, string>>;
  readonly body?: unknown;
  /** The resource version (ETag) the change is conditional on (RFC 7644 §3.14). */
  readonly ifMatch?: string;
  /** What we were doing, leading any error message: "Reading the group". */
  readonly action: string;
}

export interface ScimAnswer {
  readonly status: number;
  readonly headers: Headers;
  /** The parsed JSON body, or undefined for an empty one (204). */
  readonly body: unknown;
}

export interface ScimClient {
  send(ctx: OperationContext, request: ScimRequest): Promise<ScimAnswer>;
  /** `send`, then the body validated against `schema` (an answer that is not it is transient `unexpected_response`). */
  read<T extends z.ZodType>(ctx: OperationContext, request: ScimRequest, schema: T): Promise<{ value: z.output<T>; headers: Headers }>;
}

/** The Authorization header for the auth mode; `connect()` has already required its secret. */
export function authorizationFor(settings: ScimSettings, secrets: Readonly<Record<ScimSecretName, string | undefined>>): string {
  if (settings.authMode === 'bearer' && secrets.bearerToken) return `Bearer ${secrets.bearerToken}`;
  if (settings.authMode === 'basic' && settings.username && secrets.password) {
    return `Basic ${Buffer.from(`${settings.username}:${secrets.password}`, 'utf8').toString('base64')}`;
  }
  throw new InvalidConfigError('The SCIM connector has no credential for its authentication mode.', { code: 'missing_secret' });
}

/**
 * An id as one path segment, so no id can point a request at another resource. `encodeURIComponent`
 * keeps `.`, and URL parsing resolves a `.` or `..` segment (even as `%2e%2e`), so those ids are
 * refused, like the empty one.
 */
export function pathSegment(id: string): string {
  if (id === '' || id === '.' || id === '..') {
    throw new InvalidRequestError('This SCIM id cannot name a user or group (empty, "." or ".."); fix the mapping or the group binding.', { code: 'invalid_id' });
  }
  return encodeURIComponent(id);
}

/** RFC 3986 query encoding (`%20`, never `+`): SCIM services differ in how they decode `+`. */
function queryString(query: Readonly<Record<string, string>> | undefined): string {
  const pairs = Object.entries(query ?? {}).map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`);
  return pairs.length > 0 ? `?${pairs.join('&')}` : '';
}

/**
 * A 2xx that is not the SCIM answer the request expects (an HTML page from a proxy, `{}`, a list
 * without a count, a resource without an id): retried within the engine's budget, never read as a
 * fact about users, groups or membership.
 */
export function unexpectedAnswer(action: string, status: number): TransientError {
  return new TransientError(`${action} failed: the SCIM service answered HTTP ${status} with something that is not the expected SCIM answer; the action is retried.`, {
    code: 'unexpected_response',
    status,
  });
}

function parseBody(text: string): unknown {
  if (text.trim().length === 0) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export function createScimClient(settings: ScimSettings, authorization: string): ScimClient {
  const send = async (ctx: OperationContext, request: ScimRequest): Promise<ScimAnswer> => {
    assertCanProceed(ctx, request.action);
    const url = `${settings.baseUrl}${request.path}${queryString(request.query)}`;
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, {
        method: request.method,
        redirect: 'manual',
        signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(settings.requestTimeoutMs)]),
        headers: {
          authorization,
          accept: MEDIA_TYPE,
          ...(request.body !== undefined && { 'content-type': MEDIA_TYPE }),
          ...(request.ifMatch !== undefined && { 'if-match': request.ifMatch }),
        },
        ...(request.body !== undefined && { body: JSON.stringify(request.body) }),
      });
      text = await response.text();
    } catch (error) {
      throw classifyNetworkError(error, request.action) ?? error;
    }
    const body = parseBody(text);
    if (response.status >= 300) throw classifyScimError({ status: response.status, headers: response.headers, body }, request.action, ctx.now());
    ctx.logger.debug('SCIM request answered', { method: request.method, path: request.path, status: response.status });
    return { status: response.status, headers: response.headers, body };
  };

  return {
    send,
    async read(ctx, request, schema) {
      const answer = await send(ctx, request);
      const parsed = schema.safeParse(answer.body);
      if (!parsed.success) throw unexpectedAnswer(request.action, answer.status);
      return { value: parsed.data, headers: answer.headers };
    },
  };
}
