import type { SignInContext } from './context.js';
import { page, redirect } from './http.js';
import { codeSchema, digest, names, pendingSchema, randomToken, type Pending } from './records.js';
import { readClient } from './register.js';
import { UpstreamSignInError } from './upstream-oauth.js';
import { SIGN_INS_PER_MINUTE, withinMinuteLimit } from './window.js';

/** RFC 7636 §4.1: 43–128 characters of the unreserved set. The challenge (S256) is 43 base64url characters. */
export const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;
const CHALLENGE = /^[A-Za-z0-9\-_]{43}$/;

export function s256(verifier: string): string {
  return digest(verifier);
}

/** A redirect back to the client with the error (RFC 6749 §4.1.2.1) and `iss` (RFC 9207). */
function clientError(redirectUri: string, issuer: string, error: string, description: string, state: string | undefined): Response {
  const url = new URL(redirectUri);
  url.searchParams.set('error', error);
  url.searchParams.set('error_description', description);
  if (state !== undefined) url.searchParams.set('state', state);
  url.searchParams.set('iss', issuer);
  return redirect(url);
}

/**
 * `GET /authorize`: the AI client sends the user's browser here. The client and redirect URI are
 * checked first and, when wrong, the user sees a page — never a redirect to an unverified URI.
 * Then the user is sent on to sign in with the upstream (Atlassian), with Clearway's own state and
 * PKCE, and comes back to `/callback`.
 */
export async function authorize(context: SignInContext, request: Request): Promise<Response> {
  const urls = await context.urls();
  const query = new URL(request.url).searchParams;
  const one = (name: string) => (query.getAll(name).length > 1 ? null : (query.get(name) ?? undefined));
  const clientId = one('client_id');
  const client = typeof clientId === 'string' ? await readClient(context, clientId) : undefined;
  if (!client) return page(400, 'Sign-in cannot start', 'The AI client is not registered with this Clearway gateway. Remove the connector from your AI client and add it again.');
  const asked = one('redirect_uri');
  const redirectUri = asked === undefined && client.redirect_uris.length === 1 ? client.redirect_uris[0]! : asked;
  // Exact string comparison (RFC 6749 §3.1.2.3; OAuth 2.1 §4.1.1.3): no prefix, no normalising.
  if (typeof redirectUri !== 'string' || !client.redirect_uris.includes(redirectUri)) {
    return page(400, 'Sign-in cannot start', 'The redirect address does not match one the AI client registered, so Clearway will not send you there.');
  }
  const state = one('state');
  if (state === null) return clientError(redirectUri, urls.base, 'invalid_request', 'The state parameter was sent twice.', undefined);
  const fail = (error: string, description: string) => clientError(redirectUri, urls.base, error, description, state);
  const repeated = ['response_type', 'code_challenge', 'code_challenge_method', 'scope', 'resource'].find((name) => query.getAll(name).length > 1);
  if (repeated) return fail('invalid_request', `The ${repeated} parameter was sent twice.`);
  if (query.get('response_type') !== 'code') return fail('unsupported_response_type', 'Only response_type=code is supported.');
  const challenge = query.get('code_challenge');
  if (challenge === null) return fail('invalid_request', 'PKCE is required: send code_challenge with code_challenge_method=S256.');
  if (query.get('code_challenge_method') !== 'S256') return fail('invalid_request', 'Only the S256 code challenge method is supported.');
  if (!CHALLENGE.test(challenge)) return fail('invalid_request', 'The code_challenge is not a base64url SHA-256 value.');
  const resource = query.get('resource') ?? urls.mcp;
  if (resource.replace(/\/+$/, '') !== urls.mcp) return fail('invalid_target', `This server issues tokens only for ${urls.mcp}.`);
  if (!(await withinMinuteLimit(context.records, context.clock, 'authorize', SIGN_INS_PER_MINUTE))) {
    return fail('temporarily_unavailable', 'Too many sign-ins started in the last minute; try again shortly.');
  }
  const upstreamState = randomToken();
  let target: URL;
  let verifier: string;
  try {
    ({ url: target, verifier } = await context.upstream.authorizationUrl(urls.callback, upstreamState));
  } catch (error) {
    context.logger.error('gateway sign-in: the upstream sign-in could not start', { error: error instanceof UpstreamSignInError ? error.code : 'unknown' });
    return fail('temporarily_unavailable', 'Signing in with Atlassian is not possible right now; try again in a few minutes.');
  }
  const pending: Pending = {
    clientId: client.client_id,
    redirectUri,
    codeChallenge: challenge,
    ...(state !== undefined && { clientState: state }),
    ...(query.get('scope') !== null && { scope: query.get('scope')! }),
    resource: urls.mcp,
    upstreamVerifier: verifier,
    upstreamRedirectUri: urls.callback,
    expiresAt: context.clock.now() + context.lifetimes.pendingSeconds * 1000,
  };
  await context.records.write(names.pending(upstreamState), pending);
  return redirect(target);
}

/**
 * `GET /callback`: the upstream sends the user back. The state must name a pending sign-in that is
 * neither used nor expired; the upstream's code is exchanged with Clearway's PKCE verifier; the
 * user is identified as the upstream knows them; the connection is stored; and the AI client gets
 * a Clearway code at its registered redirect URI.
 */
export async function callback(context: SignInContext, request: Request): Promise<Response> {
  const urls = await context.urls();
  const query = new URL(request.url).searchParams;
  const state = query.get('state');
  const pending = state === null || query.getAll('state').length > 1 ? undefined : await context.records.read(names.pending(state), pendingSchema);
  const stale = 'This sign-in link was already used or has expired. Start again from your AI client.';
  if (!pending || state === null || pending.expiresAt <= context.clock.now()) return page(400, 'Sign-in expired', stale);
  if (!(await context.records.claim(names.used('state', digest(state)), context.lifetimes.pendingSeconds))) return page(400, 'Sign-in expired', stale);
  await context.records.delete(names.pending(state));
  const fail = (error: string, description: string) => clientError(pending.redirectUri, urls.base, error, description, pending.clientState);
  const upstreamError = query.get('error');
  if (upstreamError !== null) {
    return fail(upstreamError === 'access_denied' ? 'access_denied' : 'server_error', upstreamError === 'access_denied' ? 'The Atlassian sign-in was declined.' : 'The Atlassian sign-in did not complete.');
  }
  const code = query.get('code');
  if (code === null) return fail('server_error', 'Atlassian sent no authorization code.');
  const client = await readClient(context, pending.clientId);
  if (!client) return fail('unauthorized_client', 'The AI client is no longer registered.');
  const clearwayCode = randomToken('cwk_');
  let connectionId: string;
  try {
    const tokens = await context.upstream.exchange(code, pending.upstreamVerifier, pending.upstreamRedirectUri);
    const identity = await context.upstream.whoAmI(tokens.accessToken);
    const connection = await context.book.open(identity, client.client_id, client.client_name, tokens, digest(clearwayCode));
    connectionId = connection.id;
  } catch (error) {
    context.logger.error('gateway sign-in: the Atlassian sign-in could not be completed', { error: error instanceof UpstreamSignInError ? error.code : error instanceof Error ? error.name : 'unknown' });
    return fail('server_error', error instanceof UpstreamSignInError ? error.message : 'The Atlassian sign-in could not be completed.');
  }
  await context.book.markCallbackVerified();
  await context.records.write(
    names.code(clearwayCode),
    codeSchema.parse({
      connectionId,
      clientId: client.client_id,
      redirectUri: pending.redirectUri,
      codeChallenge: pending.codeChallenge,
      resource: pending.resource,
      expiresAt: context.clock.now() + context.lifetimes.codeSeconds * 1000,
    }),
  );
  const back = new URL(pending.redirectUri);
  back.searchParams.set('code', clearwayCode);
  if (pending.clientState !== undefined) back.searchParams.set('state', pending.clientState);
  back.searchParams.set('iss', urls.base);
  return redirect(back);
}
