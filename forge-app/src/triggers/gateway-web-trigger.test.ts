/**
 * The web trigger's translation between Forge's request/response shapes and web-standard ones,
 * with a small echo handler standing in for the gateway host. The request shapes are those of
 * https://developer.atlassian.com/platform/forge/runtime-reference/web-trigger and
 * https://developer.atlassian.com/platform/forge/events-reference/web-trigger/: `method`, `path`,
 * `userPath` ("Additional path segments provided by the caller after the web trigger ID"),
 * `headers` and `queryParameters` as `{ [name]: string[] }`, `body` as a string.
 */
import { describe, expect, it } from 'vitest';
import { MemoryLogger } from '../test-support/app-world';
import { extraPathOf, serveWebTrigger, WEB_TRIGGER_PAYLOAD_LIMIT_BYTES, type WebTriggerServing } from './gateway-web-trigger';

const BASE = 'https://8f3c2d1e-0000-4000-8000-aaaaaaaaaaaa.hello.atlassian-dev.net/x1/Wq9rT0kEn-abc';
const BASE_PATH = '/x1/Wq9rT0kEn-abc';

/** The request example on the web trigger events reference, as far as the page shows it, with the path fields its table requires. */
const DOCUMENTED_REQUEST = {
  method: 'POST',
  headers: {
    Accept: ['*/*'],
    'Postman-Token': ['5249865e-4106-447d-aa17-52df5e57c2b9'],
    'accept-encoding': ['gzip, deflate'],
    'User-Agent': ['PostmanRuntime/7.13.0'],
    'content-length': ['71'],
    Connection: ['keep-alive'],
    Host: ['localhost:8080'],
    'Cache-Control': ['no-cache'],
    'Content-Type': ['text/plain'],
  },
  body: '{\n\t"hello": 1,\n\t"world": 2\n}',
  path: `${BASE_PATH}/mcp`,
  userPath: '/mcp',
  queryParameters: {},
};

interface Seen {
  readonly url: string;
  readonly method: string;
  readonly headers: Array<[string, string]>;
  readonly body: string;
}

/** A handler that records the web-standard request and answers with what it was given. */
function echo(answer?: (request: Request) => Response | Promise<Response>): WebTriggerServing & { seen: Seen[]; logger: MemoryLogger } {
  const seen: Seen[] = [];
  const logger = new MemoryLogger();
  return {
    seen,
    logger,
    baseUrl: async () => BASE,
    handle: async (request) => {
      const body = await request.clone().text();
      seen.push({ url: request.url, method: request.method, headers: [...request.headers], body });
      return answer ? answer(request) : new Response(JSON.stringify({ ok: true }), { status: 200, headers: { 'content-type': 'application/json' } });
    },
  };
}

describe('the gateway web trigger', () => {
  it('rebuilds the documented request under the trigger’s URL, without the platform’s connection headers', async () => {
    const serving = echo();
    const answer = await serveWebTrigger(DOCUMENTED_REQUEST, serving);
    expect(answer).toEqual({ statusCode: 200, headers: { 'content-type': ['application/json'] }, body: '{"ok":true}' });
    const [request] = serving.seen;
    expect(request?.url).toBe(`${BASE}/mcp`);
    expect(request?.method).toBe('POST');
    expect(request?.body).toBe(DOCUMENTED_REQUEST.body);
    expect(Object.fromEntries(request?.headers ?? [])).toEqual({
      accept: '*/*',
      'postman-token': '5249865e-4106-447d-aa17-52df5e57c2b9',
      'accept-encoding': 'gzip, deflate',
      'user-agent': 'PostmanRuntime/7.13.0',
      'cache-control': 'no-cache',
      'content-type': 'text/plain',
    });
  });

  it('takes the extra path from userPath, else from path without the trigger’s own /x1/<id>, else path itself', () => {
    expect(extraPathOf({ userPath: '/.well-known/oauth-protected-resource/mcp', path: '/ignored' }, BASE_PATH)).toBe('/.well-known/oauth-protected-resource/mcp');
    expect(extraPathOf({ userPath: 'callback' }, BASE_PATH)).toBe('/callback');
    expect(extraPathOf({ userPath: '' }, BASE_PATH)).toBe('');
    expect(extraPathOf({ path: `${BASE_PATH}/token` }, BASE_PATH)).toBe('/token');
    expect(extraPathOf({ path: `${BASE_PATH}` }, BASE_PATH)).toBe('');
    expect(extraPathOf({ path: '/x1/another-id/register?x=1' }, BASE_PATH)).toBe('/register');
    expect(extraPathOf({ path: '/authorize' }, BASE_PATH)).toBe('/authorize');
    expect(extraPathOf({}, BASE_PATH)).toBe('');
    // A decoded `?` or `#` in a segment stays in the path.
    expect(extraPathOf({ userPath: '/a?b#c' }, BASE_PATH)).toBe('/a%3Fb%23c');
  });

  it('passes every query value, repeated names and characters that need encoding included', async () => {
    const serving = echo();
    await serveWebTrigger(
      {
        method: 'GET',
        path: `${BASE_PATH}/authorize`,
        userPath: '/authorize',
        headers: {},
        queryParameters: { response_type: ['code'], redirect_uri: ['https://claude.ai/api/mcp/auth_callback?x=1&y=2'], scope: ['read write'], resource: [`${BASE}/mcp`], state: ['a', 'b'] },
      },
      serving,
    );
    const url = new URL(serving.seen[0]?.url ?? '');
    expect(url.origin + url.pathname).toBe(`${BASE}/authorize`);
    expect(url.searchParams.get('redirect_uri')).toBe('https://claude.ai/api/mcp/auth_callback?x=1&y=2');
    expect(url.searchParams.get('scope')).toBe('read write');
    expect(url.searchParams.get('resource')).toBe(`${BASE}/mcp`);
    expect(url.searchParams.getAll('state')).toEqual(['a', 'b']);
  });

  it('keeps repeated request headers, and answers repeated response headers as lists', async () => {
    const serving = echo(() => {
      const headers = new Headers({ 'content-type': 'text/plain' });
      headers.append('set-cookie', 'a=1; Secure');
      headers.append('set-cookie', 'b=2; Secure');
      headers.append('vary', 'origin');
      headers.append('vary', 'accept');
      return new Response('ok', { status: 200, headers });
    });
    const answer = await serveWebTrigger({ ...DOCUMENTED_REQUEST, headers: { Accept: ['application/json', 'text/event-stream'], 'X-Forwarded-For': ['203.0.113.7', '10.0.0.1'] } }, serving);
    expect(serving.seen[0]?.headers).toEqual(expect.arrayContaining([['accept', 'application/json, text/event-stream'], ['x-forwarded-for', '203.0.113.7, 10.0.0.1']]));
    expect(answer.headers).toEqual({ 'content-type': ['text/plain'], 'set-cookie': ['a=1; Secure', 'b=2; Secure'], vary: ['origin, accept'] });
  });

  it('passes a text body through unchanged: multi-byte characters, NUL, CR LF and escapes', async () => {
    const serving = echo(async (request) => new Response(await request.text(), { status: 200, headers: { 'content-type': 'application/json; charset=utf-8' } }));
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { arguments: { text: 'Grüße 👋 \u0000 nul, “quotes”, \r\n and \\u escapes, 中文' } } });
    const answer = await serveWebTrigger({ ...DOCUMENTED_REQUEST, headers: { 'Content-Type': ['application/json'] }, body }, serving);
    expect(serving.seen[0]?.body).toBe(body);
    expect(answer.body).toBe(body);
    expect(JSON.parse(answer.body)).toEqual(JSON.parse(body));
  });

  it('serves HEAD without a body and OPTIONS as the handler answers it, and sends no body with GET', async () => {
    const serving = echo((request) =>
      request.method === 'OPTIONS'
        ? new Response(null, { status: 204, headers: { 'access-control-allow-methods': 'GET, POST, OPTIONS' } })
        : new Response('{"resource":"x"}', { status: 200, headers: { 'content-type': 'application/json' } }),
    );
    const head = await serveWebTrigger({ method: 'HEAD', path: `${BASE_PATH}/.well-known/oauth-protected-resource`, headers: {}, body: '' }, serving);
    expect(head).toEqual({ statusCode: 200, headers: { 'content-type': ['application/json'] }, body: '' });
    const options = await serveWebTrigger({ method: 'options', path: `${BASE_PATH}/token`, headers: { Origin: ['https://inspector.example'] } }, serving);
    expect(options).toEqual({ statusCode: 204, headers: { 'access-control-allow-methods': ['GET, POST, OPTIONS'] }, body: '' });
    await serveWebTrigger({ method: 'GET', path: `${BASE_PATH}/authorize`, headers: {}, body: 'ignored' }, serving);
    expect(serving.seen.map((request) => [request.method, request.body])).toEqual([
      ['HEAD', ''],
      ['OPTIONS', ''],
      ['GET', ''],
    ]);
  });

  it('passes a redirect through with its Location', async () => {
    const serving = echo(() => new Response(null, { status: 302, headers: { location: 'https://auth.atlassian.com/authorize?state=s' } }));
    expect(await serveWebTrigger({ ...DOCUMENTED_REQUEST, method: 'GET', userPath: '/authorize' }, serving)).toEqual({
      statusCode: 302,
      headers: { location: ['https://auth.atlassian.com/authorize?state=s'] },
      body: '',
    });
  });

  it('refuses a request over the payload limit before the handler sees it', async () => {
    const serving = echo();
    const answer = await serveWebTrigger({ ...DOCUMENTED_REQUEST, body: 'x'.repeat(WEB_TRIGGER_PAYLOAD_LIMIT_BYTES) }, serving);
    expect(answer.statusCode).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({ error: 'invalid_request' });
    expect(serving.seen).toEqual([]);
    // Just under the limit, headers and all, is served.
    const room = WEB_TRIGGER_PAYLOAD_LIMIT_BYTES - Buffer.byteLength(JSON.stringify({ ...DOCUMENTED_REQUEST, body: '' }));
    expect((await serveWebTrigger({ ...DOCUMENTED_REQUEST, body: 'x'.repeat(room) }, serving)).statusCode).toBe(200);
  });

  it('answers 502 instead of an answer Forge could not return', async () => {
    const serving = echo(() => new Response('y'.repeat(WEB_TRIGGER_PAYLOAD_LIMIT_BYTES), { status: 200 }));
    const answer = await serveWebTrigger(DOCUMENTED_REQUEST, serving);
    expect(answer.statusCode).toBe(502);
    expect(serving.logger.lines).toContainEqual(expect.objectContaining({ level: 'warn' }));
  });

  it('never throws: a failing handler or base URL becomes a JSON 500 without detail, logged without the request’s secrets', async () => {
    const secret = 'code=SplxlOBeZQQYbYS6WxSbIA';
    for (const serving of [
      echo(() => {
        throw new TypeError(`upstream said ${secret}`);
      }),
      { ...echo(), baseUrl: async () => Promise.reject(new Error(`getUrl failed ${secret}`)) },
    ]) {
      const answer = await serveWebTrigger({ ...DOCUMENTED_REQUEST, userPath: '/callback', queryParameters: { code: ['SplxlOBeZQQYbYS6WxSbIA'] }, headers: { Authorization: ['Bearer secret-token'] } }, serving);
      expect(answer).toEqual({ statusCode: 500, headers: { 'Content-Type': ['application/json'], 'Cache-Control': ['no-store'] }, body: JSON.stringify({ error: 'server_error', error_description: 'The gateway could not answer this request.' }) });
      const logged = JSON.stringify(serving.logger.lines);
      expect(serving.logger.lines).toContainEqual(expect.objectContaining({ level: 'error' }));
      expect(logged).not.toContain('SplxlOBeZQQYbYS6WxSbIA');
      expect(logged).not.toContain('secret-token');
    }
  });

  it('answers 400 to a payload that is not a web trigger request', async () => {
    const serving = echo();
    for (const event of [undefined, null, 'GET /mcp', { headers: {} }, { method: 'GET', headers: { Accept: 5 } }]) {
      expect((await serveWebTrigger(event, serving)).statusCode).toBe(400);
    }
    expect(serving.seen).toEqual([]);
  });
});
