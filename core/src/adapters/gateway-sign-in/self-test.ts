import type { SignInContext } from './context.js';
import type { SelfTestCheck } from './types.js';
import { UpstreamSignInError } from './upstream-oauth.js';

/**
 * Getting Started's "test call": the host answers its own metadata and challenges an anonymous
 * MCP call exactly as an AI client will see it, the upstream's authorization server can be found,
 * Clearway is registered with it, and whether a sign-in has come back through the callback (the
 * Rovo allowlist). Nothing here carries a token or a client secret.
 */
export async function selfTest(context: SignInContext, handle: (request: Request) => Promise<Response>): Promise<readonly SelfTestCheck[]> {
  const urls = await context.urls();
  const checks: SelfTestCheck[] = [];
  const resource = await handle(new Request(urls.resourceMetadata));
  const resourceBody = resource.ok ? ((await resource.json()) as { resource?: unknown }) : undefined;
  checks.push({
    name: 'Protected-resource metadata',
    ok: resourceBody?.resource === urls.mcp,
    detail: resourceBody?.resource === urls.mcp ? `Served at ${urls.resourceMetadata}, naming ${urls.mcp}.` : `Not served correctly (HTTP ${resource.status}).`,
  });
  const anonymous = await handle(new Request(urls.mcp, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: '{"jsonrpc":"2.0","id":1,"method":"ping"}' }));
  await anonymous.body?.cancel();
  const challenge = anonymous.headers.get('www-authenticate') ?? '';
  const challenged = anonymous.status === 401 && challenge.includes(urls.resourceMetadata);
  checks.push({ name: 'MCP endpoint asks for sign-in', ok: challenged, detail: challenged ? 'A call without a token gets 401 naming the metadata, so AI clients start the sign-in.' : `Unexpected answer: HTTP ${anonymous.status}.` });
  try {
    const { metadata } = await context.upstream.discover();
    checks.push({ name: 'Atlassian authorization server', ok: true, detail: `Found ${metadata.issuer}.` });
    try {
      const registration = await context.upstream.registration(urls.callback);
      checks.push({ name: 'Clearway registered with Atlassian', ok: true, detail: `Registered ${new Date(registration.registeredAt).toISOString()} with the callback ${urls.callback}.` });
    } catch (error) {
      checks.push({ name: 'Clearway registered with Atlassian', ok: false, detail: error instanceof UpstreamSignInError ? error.message : 'Registration failed.' });
    }
  } catch (error) {
    checks.push({ name: 'Atlassian authorization server', ok: false, detail: error instanceof UpstreamSignInError ? error.message : 'Could not be reached.' });
  }
  const status = await context.book.status();
  checks.push({
    name: 'Domain allowed in Rovo',
    ok: status.callbackVerifiedAt !== undefined,
    detail:
      status.callbackVerifiedAt !== undefined
        ? `A sign-in came back through ${urls.callback} on ${new Date(status.callbackVerifiedAt).toISOString()}.`
        : `No sign-in has come back through ${urls.callback} yet: add it to Rovo's domain allowlist, then connect an AI client.`,
  });
  return checks;
}
