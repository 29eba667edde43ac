/** Small helpers shared by the fake Forge services: JSON responses and request bodies. */

export interface FetchInit {
  readonly method?: string;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

export function empty(status = 204): Response {
  return new Response(null, { status });
}

/** A Forge platform error body: `{ code, message }`, as the KVS and product proxies answer. */
export function forgeError(status: number, code: string, message: string): Response {
  return json(status, { code, message });
}

export function bodyOf(init: FetchInit | undefined): unknown {
  const raw = init?.body;
  if (typeof raw !== 'string' || raw.length === 0) return undefined;
  return JSON.parse(raw) as unknown;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
