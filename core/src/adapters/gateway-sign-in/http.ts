import { type OAuthError } from '@modelcontextprotocol/sdk/server/auth/errors.js';

/*
 * The small HTTP vocabulary of the OAuth endpoints. Metadata, registration, token and revocation
 * answers carry `Access-Control-Allow-Origin: *` and `Cache-Control: no-store` as the SDK's own
 * Express handlers do (browser-based MCP clients such as the Inspector call them cross-origin);
 * `/authorize` and `/callback` are browser navigations and answer redirects or a short page.
 */

const API_HEADERS = { 'access-control-allow-origin': '*', 'cache-control': 'no-store', pragma: 'no-cache' } as const;

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...API_HEADERS, ...headers } });
}

/** RFC 6749 §5.2 error object; `invalid_client` answers 401 with a challenge (§5.2), anything else 400 unless the error says otherwise. */
export function oauthError(error: OAuthError, status?: number): Response {
  const code = status ?? (error.errorCode === 'invalid_client' ? 401 : error.errorCode === 'server_error' ? 500 : error.errorCode === 'temporarily_unavailable' ? 503 : 400);
  return json(code, error.toResponseObject(), code === 401 ? { 'www-authenticate': 'Basic realm="clearway"' } : {});
}

export function redirect(location: string | URL): Response {
  return new Response(null, { status: 302, headers: { location: String(location), 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' } });
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A short page for a browser sign-in that cannot be sent back to the client (RFC 6749 §4.1.2.1: never redirect to an unverified URI). */
export function page(status: number, title: string, message: string): Response {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p></body></html>`;
  return new Response(html, {
    status,
    headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-security-policy': "default-src 'none'", 'x-frame-options': 'DENY' },
  });
}

export function corsPreflight(): Response {
  return new Response(null, {
    status: 204,
    headers: { ...API_HEADERS, 'access-control-allow-methods': 'GET, POST, OPTIONS', 'access-control-allow-headers': 'authorization, content-type, mcp-protocol-version', 'access-control-max-age': '600' },
  });
}

const MAX_FORM_BYTES = 16_384;

/** A body read up to a small bound: OAuth requests are a few hundred bytes. Undefined when larger. */
export async function readSmallBody(request: Request): Promise<string | undefined> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > MAX_FORM_BYTES) return undefined;
  const text = await request.text();
  return new TextEncoder().encode(text).byteLength > MAX_FORM_BYTES ? undefined : text;
}

/** `application/x-www-form-urlencoded` parameters; a parameter sent twice is an error (RFC 6749 §3.1). */
export function formParams(text: string): { params: Record<string, string>; repeated?: string } {
  const params: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    if (key in params) return { params, repeated: key };
    params[key] = value;
  }
  return { params };
}

export function isFormContentType(value: string | null): boolean {
  return value !== null && value.split(';')[0]!.trim().toLowerCase() === 'application/x-www-form-urlencoded';
}
